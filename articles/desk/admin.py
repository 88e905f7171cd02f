"""Admin authoring: the editor's daily tool.

The explainer change form carries every part of an explainer as inlines (``inlines.py``, their
forms in ``forms.py``). Workflow buttons, readiness checklist and history come from
``workflow_panel.WorkflowAdminMixin``; import and export from
``importing.ImportExportAdminMixin``; the revision page and revert from
``revert.RevertAdminMixin``; what a save does besides writing the row from ``saving.py``.

Who may change what (roles.py grants the model permissions; this module narrows them per
explainer): editors change everything; writers change only explainers they have a byline on,
and never the fact checks; fact-checkers change only the check of each key fact (status, note,
supporting sources), never the text. Every save is refused if someone else saved since the form
was opened (``lock_version``), and a save that changes the content of an in-review, approved or
published working copy sends it back to draft through ``workflow.revise``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from reversion.admin import VersionAdmin

from articles import entities, revisions, richtext
from articles.desk import columns, conflicts, search
from articles.desk.bulk import BulkActionsMixin
from articles.desk.calendar_views import CalendarAdminMixin
from articles.desk.claims import ClaimRatingInline, stamp_claim_ratings
from articles.desk.comments import CommentsAdminMixin, with_threads
from articles.desk.deletion import ReadableDeletionMixin
from articles.desk.forms import EntityForm, ExplainerForm, SourceNumbersFormSet
from articles.desk.importing import ImportExportAdminMixin
from articles.desk.inlines import (
    BylineInline,
    CorrectionInline,
    FigureInline,
    KeyFactInline,
    RelatedLinkInline,
    SourceInline,
    TimelineEventInline,
    ViewpointInline,
)
from articles.desk.live_preview import LivePreviewAdminMixin
from articles.desk.live_status import LiveFilter, LiveStatusAdminMixin
from articles.desk.locking import LocksAdminMixin
from articles.desk.people import PersonListFilter
from articles.desk.queues import QueueFilter
from articles.desk.revert import RevertAdminMixin
from articles.desk.save_and_move import SaveAndMoveAdminMixin
from articles.desk.saving import (
    ADMIN_SAVE_FIELDS,
    send_back_if_changed,
    stamp_fact_checks,
    text_digest_if_in_review,
)
from articles.desk.sharing import ShareLinksAdminMixin
from articles.desk.sources import SourceNumbers
from articles.desk.timeline_admin import TimelineAdminMixin
from articles.desk.workflow_panel import WorkflowAdminMixin
from articles.models import (
    Byline,
    ClaimRating,
    Explainer,
    KeyFact,
    PublishedVersion,
    RelatedLink,
    Source,
    Stakeholder,
    Thread,
    Topic,
    Transition,
)
from articles.publishing.render import explainer_path
from articles.workflow import moves as workflow

# Revisions follow the inlines and leave the workflow fields out (articles/revisions.py).
# Registered before ExplainerAdmin is built: reversion's admin would otherwise register the
# model itself, without those choices (the app's ready() registers it too, for processes that
# never load the admin; either call is a no-op after the first).
revisions.register()

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class FactCount(TypedDict):
        n_facts: int

    # An explainer as the change list reads it (get_queryset annotates the count).
    CountedExplainer = WithAnnotations[Explainer, FactCount]

RICH_TEXT_FIELDS = ("what_happened", "background", "why_it_matters")


def deletion_refusal(explainer: Explainer) -> str | None:
    """Return why ``explainer`` cannot be deleted, or None if it can be."""
    # Every workflow move writes an audit row, and the trail is append-only, so an explainer
    # that has been through the workflow is kept; only one that never has can be deleted, and
    # not while readers see it (or will at a set time).
    if Transition.objects.filter(explainer=explainer).exists():
        public = workflow.has_public_version(explainer)
        return "It has a workflow history, which is kept, so it cannot be deleted." + (
            " Unpublish it to take it off the site." if public else ""
        )
    if workflow.has_public_version(explainer):
        return "Readers can see it, or will at a set time: unpublish it first to delete it."
    return None


@admin.register(Explainer)
class ExplainerAdmin(
    LocksAdminMixin,
    CalendarAdminMixin,
    LiveStatusAdminMixin,
    BulkActionsMixin,
    ImportExportAdminMixin,
    SaveAndMoveAdminMixin,
    CommentsAdminMixin,
    ShareLinksAdminMixin,
    LivePreviewAdminMixin,
    WorkflowAdminMixin,
    TimelineAdminMixin,
    RevertAdminMixin,
    ReadableDeletionMixin,
    VersionAdmin,
):
    form = ExplainerForm
    list_display = [
        "title",
        "state_badge",
        "live_badge",
        "byline_names",
        "review_status",
        columns.updated,
        "fact_progress",
        columns.last_verified,
    ]
    list_filter = [
        QueueFilter,
        "state",
        LiveFilter,
        "topics",
        ("byline_set__author", PersonListFilter),
    ]
    # The autocomplete searches these; the list's search box searches much more (desk/search.py).
    search_fields = ["title", "slug", "dek"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated_at"
    list_per_page = 50
    show_full_result_count = False
    # Plain labelled checkboxes: the desk has dozens of topics, not thousands, and Django's
    # two-pane filter widget and select2 both fail axe's label checks.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    save_on_top = True

    def view_on_site(self, obj):
        """The "View on site" link: the page readers see now, under its live slug (a relative
        address, so it opens on whichever host serves the desk); none before anything is live."""
        slug = (
            PublishedVersion.objects.live()
            .filter(explainer=obj)
            .order_by("-go_live_at")
            .values_list("slug", flat=True)
            .first()
        )
        return explainer_path(slug) if slug else None

    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "topics"]}),
        ("Story", {"fields": ["takeaways", "what_happened", "background", "why_it_matters"]}),
        (
            "Hero image",
            {
                "fields": [
                    "hero_image",
                    "hero_alt",
                    "hero_caption",
                    "hero_credit",
                    ("hero_focal_x", "hero_focal_y"),
                ],
                "classes": ["collapse"],
            },
        ),
        ("Revision", {"fields": ["change_note", "base_lock_version"]}),
    ]
    inlines = [
        BylineInline,
        with_threads(KeyFactInline, Thread.Anchor.FACT),
        with_threads(SourceInline, Thread.Anchor.SOURCE),
        with_threads(ViewpointInline, Thread.Anchor.VIEWPOINT),
        ClaimRatingInline,
        with_threads(TimelineEventInline, Thread.Anchor.TIMELINE),
        FigureInline,
        CorrectionInline,
        RelatedLinkInline,
    ]

    # Deleted explainers belong to nobody any more, so django-reversion's "recover" pages (which
    # list every deleted explainer's title and restore any of them) are for editors only.
    @staticmethod
    def may_recover(request) -> bool:
        return request.user.has_perm("articles.edit_any_explainer")

    def recoverlist_view(self, request, extra_context=None):
        if not self.may_recover(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.may_recover(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The list's "Recover deleted explainers" link only for those the page lets in, and
        # what its search covers.
        extra_context = {
            **(extra_context or {}),
            "may_recover": self.may_recover(request),
            "search_help": search.HELP_TEXT,
        }
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        qs = super().get_queryset(request).visible_to(request.user)
        # Correlated subqueries rather than a join and GROUP BY: the database works them out
        # only for the page of rows shown, and the paginator's count and the date hierarchy
        # do not have to group 10,000 explainers by their facts.
        facts = KeyFact.objects.filter(explainer=OuterRef("pk")).order_by()
        n_facts = facts.values("explainer").annotate(n=Count("pk")).values("n")
        verified = facts.filter(check_status="verified", checked_at__isnull=False)
        return (
            qs.annotate(
                n_facts=Coalesce(Subquery(n_facts), 0),
                last_verified=Subquery(verified.order_by("-checked_at").values("checked_at")[:1]),
            )
            .select_related("assignee")
            .prefetch_related("byline_set__author")
        )

    def get_search_results(self, request, queryset, search_term):
        # The "Up next" autocomplete offers what the link field accepts (linkable_by): the
        # explainers this user may open, and live ones, not every explainer.
        match = request.resolver_match
        if (
            match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("model_name") == RelatedLink._meta.model_name
            and request.GET.get("field_name") == "target"
        ):
            queryset = Explainer.objects.linkable_by(request.user).order_by(
                *self.get_ordering(request) or Explainer._meta.ordering
            )
        if match is not None and match.url_name == "autocomplete":
            return super().get_search_results(request, queryset, search_term)
        return search.search(queryset, search_term), False

    def get_formsets_with_inlines(self, request, obj=None):
        # One numbering of the sources per change form, shared by the sources' formset and
        # the formsets whose rows cite sources by number.
        numbers = SourceNumbers(obj)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if issubclass(formset, SourceNumbersFormSet):
                formset = type(formset.__name__, (formset,), {"source_numbers": numbers})
            yield formset, inline

    # Who may change what.

    def _may_edit(self, request, obj) -> bool:
        # Editing the text; while someone else holds the edit lock, nobody else may (locking.py).
        return obj is None or (
            workflow.can_edit(request.user, obj) and not obj.locked_for(request.user)
        )

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or workflow.can_edit(request.user, obj)
            or workflow.can_check_facts(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Refused for everyone, whatever their role: the change form says why instead of
        # offering a Delete that could only fail.
        if obj is not None and deletion_refusal(obj):
            return False
        return self._may_delete_draft(request, obj)

    def _may_delete_draft(self, request, obj) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    # Refusals that say why: an explainer that exists but is not open to this user.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        refused = self._refuse_closed(request, object_id)
        return refused or super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        refused = self._refuse_closed(request, object_id)
        return refused or super().delete_view(request, object_id, extra_context)

    def _refuse_closed(self, request, object_id) -> HttpResponseRedirect | None:
        """Refuse an explainer that exists but is not open to this user, saying why.

        The admin would call it missing ("Perhaps it was deleted?"), which sends a writer
        looking for a bug. The refusal names neither its title nor anything else of it; an id
        that matches nothing keeps the admin's own answer.
        """
        try:
            closed = (
                Explainer.objects.filter(pk=unquote(object_id))
                .exclude(pk__in=Explainer.objects.visible_to(request.user).values("pk"))
                .exists()
            )
        except (ValueError, ValidationError):
            return None
        if not closed:
            return None
        if request.method != "GET":
            raise PermissionDenied("You are not an author of this explainer.")
        messages.error(
            request,
            "That explainer is not open to you: you are not an author of it. "
            "Ask an editor to add your byline if you should work on it.",
        )
        return HttpResponseRedirect(reverse("admin:articles_explainer_changelist"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._may_edit(request, obj):
            return fieldsets
        if obj is not None and obj.locked_for(request.user):
            # Django's read-only form (has_change_permission says no): nothing to post back.
            fieldsets = [
                (title, {**opts, "fields": [f for f in opts["fields"] if f != "base_lock_version"]})
                for title, opts in fieldsets
            ]
        # Read-only story sections are shown rendered (sanitised), not as HTML source.
        shown = {name: f"{name}_rendered" for name in RICH_TEXT_FIELDS}
        return [
            (title, {**opts, "fields": [shown.get(f, f) for f in opts["fields"]]})
            for title, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if self._may_edit(request, obj):
            return super().get_readonly_fields(request, obj)
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        # The story fields too (shown rendered instead): the form then leaves out their editor
        # widgets, so a read-only page loads no editor and gets no inline-script allowance.
        return [f for f in fields if f != "base_lock_version"] + list(RICH_TEXT_FIELDS)

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if self._may_edit(request, obj) else {}

    @admin.display(description="What happened")
    def what_happened_rendered(self, obj: Explainer):
        return richtext.render(obj.what_happened)

    @admin.display(description="Background & context")
    def background_rendered(self, obj: Explainer):
        return richtext.render(obj.background)

    @admin.display(description="Why it matters")
    def why_it_matters_rendered(self, obj: Explainer):
        return richtext.render(obj.why_it_matters)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A save refused because someone saved first is said at the top of the page: the
        # form's own error note sits below the workflow panel, out of view on most screens.
        # When that refusal is all there is to correct, the note below is left out, so the
        # page says it once.
        form_errors = context["adminform"].form.errors.as_data()
        stale = [
            message
            for error in form_errors.get(NON_FIELD_ERRORS, [])
            if error.code == "stale"
            for message in error.messages
        ]
        if stale:
            messages.error(
                request,
                conflicts.refusal(
                    " ".join(stale), context["adminform"].form, obj, self.admin_site.name
                ),
            )
            only_stale = list(form_errors) == [NON_FIELD_ERRORS] and len(stale) == len(
                form_errors[NON_FIELD_ERRORS]
            )
            if only_stale and len(context["errors"]) == 1:
                context["errors"] = []
        # Those who could delete a draft are told why this one offers no Delete.
        context["delete_refusal"] = (
            deletion_refusal(obj)
            if obj is not None and self._may_delete_draft(request, obj)
            else None
        )
        # Add, change, and reversion's revert and recover pages all draw the form here; only
        # a form that shows the editor gets its inline-script allowance (read-only pages and
        # every other admin page do not).
        render = super().render_change_form
        if richtext.draws_editor(context["adminform"].form):
            render = csp_update(richtext.EDITOR_CSP)(render)
        return render(request, context, add, change, form_url, obj)

    # Saving: optimistic lock, check stamps, back to draft on change.

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.save()
            return
        # The edit lock as it is now, its row held until this save commits: a lock taken since
        # the page was checked still refuses the save (the admin's transaction undoes it all).
        workflow.refuse_if_locked(
            request.user, Explainer.objects.select_for_update().get(pk=obj.pk)
        )
        # The stored text of an in-review copy, read before this save writes the row and its
        # inlines: save_related compares the saved text with it (the form lives for this request).
        form.text_before = text_digest_if_in_review(obj.pk)
        # A form sent back unedited writes nothing: no new updated_at, lock or revision. An
        # edit of the inlines only still writes the row, in save_related.
        if form.has_changed():
            self.write_row(obj, form)

    def write_row(self, obj: Explainer, form) -> None:
        """Write a changed explainer's own fields, one lock_version past the form's."""
        obj.lock_version = (form.cleaned_data.get("base_lock_version") or 0) + 1
        obj.save(update_fields=ADMIN_SAVE_FIELDS)

    def save_formset(self, request, form, formset, change):
        if formset.model is KeyFact:
            stamp_fact_checks(formset, user=request.user)
        if formset.model is ClaimRating:
            stamp_claim_ratings(formset, user=request.user)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        if change and not form.has_changed() and any(fs.has_changed() for fs in formsets):
            self.write_row(form.instance, form)
        form.save_m2m()
        # Sources first: key facts, claim ratings and timeline items may cite a source added
        # in this save. Claim ratings before viewpoints: a viewpoint deleted now takes its
        # ratings with it.
        for formset in sorted(
            formsets, key=lambda fs: (fs.model is not Source, fs.model is not ClaimRating)
        ):
            self.save_formset(request, form, formset, change=change)
        obj = form.instance
        user = request.user
        if not change and not user.has_perm("articles.edit_any_explainer"):
            # A writer's new explainer is theirs: without a byline they could not open it again.
            Byline.objects.get_or_create(explainer=obj, author=user, defaults={"position": 0})
        if change:
            send_back_if_changed(request, obj, text_before=form.text_before)

    @admin.display(description="bylines")
    def byline_names(self, obj: Explainer) -> str:
        return ", ".join(str(b) for b in obj.byline_set.all())

    @admin.display(description="facts")
    def fact_progress(self, obj: CountedExplainer) -> int:
        return obj.n_facts


class EntityAdmin(ReadableDeletionMixin, admin.ModelAdmin):
    """Topics and stakeholders (see entities.py): who may add, change or delete them is the
    model permissions that roles.py grants, which the admin checks on every request; an
    editor's slug change keeps the old address answering with a redirect."""

    form = EntityForm
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            entities.keep_old_slug(obj, form.initial["slug"])


@admin.register(Topic)
class TopicAdmin(EntityAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]


@admin.register(Stakeholder)
class StakeholderAdmin(EntityAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "description"]
