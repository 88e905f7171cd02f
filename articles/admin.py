"""Admin authoring: the editor's daily tool.

The explainer change form carries every part of an explainer as inlines. Workflow buttons,
readiness checklist and history come from ``admin_workflow.WorkflowAdminMixin``; import and
export from ``importers.admin.ImportExportAdminMixin``, so that each concern stays in its own
module.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from reversion_compare.admin import CompareVersionAdmin

from . import richtext
from .admin_workflow import WorkflowAdminMixin
from .importers.admin import ImportExportAdminMixin
from .models import (
    Byline,
    Correction,
    Explainer,
    KeyFact,
    PublishedVersion,
    RelatedLink,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Transition,
    Viewpoint,
)
from .validators import HeroImageFormField


class ExplainerForm(forms.ModelForm):
    what_happened = richtext.RichTextFormField(required=False, label="What happened")
    background = richtext.RichTextFormField(required=False, label="Background & context")
    why_it_matters = richtext.RichTextFormField(required=False, label="Why it matters")

    class Meta:
        model = Explainer
        fields = [
            "title",
            "slug",
            "dek",
            "topics",
            "what_happened",
            "background",
            "why_it_matters",
            "hero_image",
            "hero_alt",
            "hero_credit",
            "change_note",
        ]
        widgets = {"dek": forms.Textarea(attrs={"rows": 2, "maxlength": 300})}
        # Hero images are checked by content before Pillow decodes them (validators.py).
        field_classes = {"hero_image": HeroImageFormField}


class OrderedInline(admin.TabularInline):
    extra = 0
    show_change_link = False


class BylineInline(OrderedInline):
    model = Byline
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    verbose_name = "byline"
    verbose_name_plural = "bylines"


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0
    fields = [
        ("citation", "kind"),
        ("publisher", "url"),
        ("published_on", "accessed_on"),
        "position",
    ]


class KeyFactForm(forms.ModelForm):
    class Meta:
        model = KeyFact
        fields = ["position", "text", "sources", "check_status", "check_note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "check_note": forms.Textarea(attrs={"rows": 1}),
        }


class KeyFactInline(OrderedInline):
    model = KeyFact
    form = KeyFactForm
    fields = [
        "position",
        "text",
        "sources",
        "check_status",
        "check_note",
        "checked_by",
        "checked_at",
    ]
    readonly_fields = ["checked_by", "checked_at"]
    filter_horizontal = ()
    verbose_name = "key fact"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Supporting sources are chosen among this explainer's own sources only.
        if db_field.name == "sources":
            explainer_id = getattr(request, "_explainer_pk", None)
            kwargs["queryset"] = Source.objects.filter(explainer_id=explainer_id)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ViewpointInline(OrderedInline):
    model = Viewpoint
    fields = ["position", "stakeholder", "text"]
    autocomplete_fields = ["stakeholder"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TimelineEventInline(OrderedInline):
    model = TimelineEvent
    fields = ["position", "date", "precision", "kind", "text", "source"]
    verbose_name = "timeline item"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            explainer_id = getattr(request, "_explainer_pk", None)
            kwargs["queryset"] = Source.objects.filter(explainer_id=explainer_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CorrectionInline(OrderedInline):
    model = Correction
    fields = ["dated", "kind", "text"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RelatedLinkInline(OrderedInline):
    model = RelatedLink
    fk_name = "explainer"
    fields = ["position", "target", "title"]
    autocomplete_fields = ["target"]
    verbose_name = "“Up next” link"
    verbose_name_plural = "“Up next” links"


@admin.register(Explainer)
class ExplainerAdmin(ImportExportAdminMixin, WorkflowAdminMixin, CompareVersionAdmin):
    form = ExplainerForm
    list_display = ["title", "state_badge", "byline_names", "updated_at", "fact_progress"]
    list_filter = ["state", "topics", ("byline_set__author", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug", "dek"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated_at"
    list_per_page = 50
    show_full_result_count = False
    filter_horizontal = ["topics"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "topics"]}),
        ("Story", {"fields": ["what_happened", "background", "why_it_matters"]}),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_alt", "hero_credit"], "classes": ["collapse"]},
        ),
        ("Revision", {"fields": ["change_note"]}),
    ]
    inlines = [
        BylineInline,
        KeyFactInline,
        SourceInline,
        ViewpointInline,
        TimelineEventInline,
        CorrectionInline,
        RelatedLinkInline,
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request).visible_to(request.user)
        return qs.annotate(
            n_facts=Count("key_facts", distinct=True),
        ).prefetch_related("byline_set__author")

    def get_object(self, request, object_id, from_field=None):
        request._explainer_pk = object_id
        return super().get_object(request, object_id, from_field)

    @admin.display(description="bylines")
    def byline_names(self, obj: Explainer) -> str:
        return ", ".join(str(b) for b in obj.byline_set.all())

    @admin.display(description="facts")
    def fact_progress(self, obj: Explainer) -> int:
        return obj.n_facts


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin):
    """Every version readers were shown: read-only."""

    list_display = ["title", "number", "go_live_at", "ends_at", "published_by", "change_note"]
    list_filter = ["go_live_at"]
    search_fields = ["title", "slug"]
    list_select_related = ["published_by"]
    show_full_result_count = False
    exclude = ["data", "body_html", "head_html", "search_text", "topic_ids", "stakeholder_ids"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The audit trail: append-only, so nobody (superusers included) edits or deletes it."""

    list_display = ["at", "explainer", "name", "from_state", "to_state", "actor", "comment"]
    list_filter = ["name", "to_state"]
    search_fields = ["explainer__title", "comment"]
    list_select_related = ["explainer", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
