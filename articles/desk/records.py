"""The desk's read-only records: every published version, and the workflow's audit trail."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from articles.desk.people import person_column
from articles.desk.wording import MoveListFilter, StateListFilter, move_done, state_word
from articles.models import Explainer, PublishedVersion, Transition


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin):
    """Every version readers were shown: read-only."""

    list_display = ["title", "number", "go_live_at", "ends_at", "published_by_name", "change_note"]
    list_filter = ["go_live_at"]
    search_fields = ["title", "slug"]
    list_select_related = ["published_by"]
    show_full_result_count = False
    exclude = ["data", "body_html", "head_html", "search_text", "published_by"]
    readonly_fields = ["published_by_name"]
    published_by_name = person_column("published_by", "published by")

    def get_queryset(self, request):
        # A scheduled (embargoed) or past version is not public: staff see those only for the
        # explainers they may open; what is live now, anyone could read anyway.
        qs = super().get_queryset(request)
        visible = Explainer.objects.visible_to(request.user).values("pk")
        live = PublishedVersion.objects.live().values("pk")
        return qs.filter(Q(explainer__in=visible) | Q(pk__in=live))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The audit trail: append-only, so nobody (superusers included) edits or deletes it."""

    # The record read in words (articles/desk/wording.py), not as the trail's codes.
    fields = ("at", "explainer", "move", "from_words", "to_words", "actor_name", "comment")
    readonly_fields = list_display = fields
    list_filter = [MoveListFilter, StateListFilter]
    search_fields = ["explainer__title", "comment"]
    list_select_related = ["explainer", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="move", ordering="name")
    def move(self, obj: Transition) -> str:
        return move_done(obj.name)

    @admin.display(description="from", ordering="from_state")
    def from_words(self, obj: Transition) -> str:
        return state_word(obj.from_state)

    @admin.display(description="to", ordering="to_state")
    def to_words(self, obj: Transition) -> str:
        return state_word(obj.to_state)

    actor_name = person_column("actor", "actor")
