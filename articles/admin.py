"""Admin authoring: the editor's daily tool.

The explainer change form carries every part of an explainer as inlines. Workflow buttons,
readiness checklist and history come from ``admin_workflow.WorkflowAdminMixin``; import and
export from ``importers.admin.ImportExportAdminMixin``, so that each concern stays in its own
module.

Who may change what (roles.py grants the model permissions; this module narrows them per
explainer): editors change everything; writers change only explainers they have a byline on,
and never the fact checks; fact-checkers change only the check of each key fact (status, note,
supporting sources), never the text. Every save is refused if someone else saved since the form
was opened (``lock_version``), and a save that changes the content of an in-review, approved or
published working copy sends it back to draft through ``workflow.revise``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from reversion_compare.admin import CompareVersionAdmin

from . import history, public, richtext, workflow
from .admin_rendering import (
    ROW_RENDERER,
    DrawnChoicesMixin,
    RowRelatedWidgetWrapper,
    SharedMediaInlineAdminFormSet,
)
from .admin_workflow import QueueFilter, WorkflowAdminMixin
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
from .publishing import content_digest, snapshot
from .validators import HeroImageFormField

# Revisions follow the inlines and leave the workflow fields out (see history.py). Registered
# before ExplainerAdmin is built, so that reversion's own auto-registration stands aside.
history.register()

RICH_TEXT_FIELDS = ("what_happened", "background", "why_it_matters")
# Fields an admin save may write: everything but the workflow's own fields, which only
# workflow.py changes (an admin save must never write back a state it read before a move).
_WORKFLOW_ONLY = {
    "state",
    "submitted_by",
    "assignee",
    "review_due",
    "approved_by",
    "approved_at",
    "approved_digest",
}
ADMIN_SAVE_FIELDS = [
    f.name
    for f in Explainer._meta.concrete_fields
    if not f.primary_key and f.name not in _WORKFLOW_ONLY
]


def _who(user) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


class ExplainerForm(forms.ModelForm):
    what_happened = richtext.RichTextFormField(required=False, label="What happened")
    background = richtext.RichTextFormField(required=False, label="Background & context")
    why_it_matters = richtext.RichTextFormField(required=False, label="Why it matters")
    # The lock_version this form was built on; a save is refused if the row has moved on.
    base_lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "base_lock_version" in self.fields:
            self.fields["base_lock_version"].initial = self.instance.lock_version

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:
            self._refuse_stale(data.get("base_lock_version"))
        return data

    def _refuse_stale(self, base: int | None) -> None:
        """Refuse the save if someone saved since this form was built (optimistic lock).

        The admin validates inside the transaction that saves, and the row is locked here
        (PostgreSQL), so nothing can slip in between this check and the save.
        """
        current = (
            Explainer.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values("lock_version", "updated_by", "updated_at")
            .first()
        )
        if current is None or current["lock_version"] == base:
            return
        saver = get_user_model().objects.filter(pk=current["updated_by"]).first()
        when = timezone.localtime(current["updated_at"])
        raise ValidationError(
            f"{_who(saver)} saved this explainer at {when:%H:%M on %d %b %Y}, after you "
            "opened it. Nothing of yours was saved and nothing of theirs was overwritten: "
            "open the explainer again to see their version, then make your changes again.",
            code="stale",
        )


class TextInlineMixin:
    """Inline rows are part of the text: only people who may edit the text change them."""

    def _may_edit(self, request, obj) -> bool:
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class RowForm(forms.ModelForm):
    """An inline row's form: its widgets, labels and error lists drawn in Python.

    A change form with fifty of every inline draws some 2,900 widgets; Django's templates for
    them cost more than a second there (admin_rendering.py draws the same markup).
    """

    default_renderer = ROW_RENDERER

    def _post_clean(self) -> None:
        # A value the form could not read reaches the model as empty, and the model's own
        # checks would then add their complaint about an empty value ("A past event needs a
        # date.") under the form's ("Enter a valid date."): keep only the form's.
        unread = {name: len(errors) for name, errors in self.errors.items() if name in self.fields}
        super()._post_clean()
        for name, count in unread.items():
            del self._errors[name][count:]


class LabelledDeleteFormSet(BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"


# An explainer's change form shows up to hundreds of inline rows. Django builds every row's
# form from a copy of the same fields, and a copied ModelChoiceField runs its queryset again
# for each row (and an autocomplete widget looks its selected option up for each row). The
# pieces below fetch such things once per request and let every row share them, so that the
# form costs the same number of queries whatever the number of rows.


def _request_memo(request) -> dict:
    """Return a dict that lives as long as ``request``: what this request's rows share."""
    memo = getattr(request, "_admin_row_memo", None)
    if memo is None:
        memo = request._admin_row_memo = {}
    return memo


class SharedChoices(BaseChoiceIterator):
    """The choices of one inline field, read from the database once per request.

    ``field`` is the form field the inline built for this request; each row's copy of it keeps
    this iterator, so the first row to render runs the query and the others reuse the list.
    """

    def __init__(self, request, key: str, field: forms.ModelChoiceField) -> None:
        self.request, self.key, self.field = request, key, field
        # The options as admin_rendering draws them, kept for every row of this request.
        self.drawn_memo: dict = {}

    def __iter__(self):
        memo = _request_memo(self.request)
        if self.key not in memo:
            memo[self.key] = list(self.field.iterator(self.field))
        yield from memo[self.key]


class RowChoices(BaseChoiceIterator):
    """A choice field's options, shared by every row of a request instead of copied for each.

    Django deep-copies a form's fields for every row, and with a choice field its list of
    (value, translatable label) pairs: a tenth of a millisecond per field per row. Nothing
    changes that list from row to row.
    """

    def __init__(self, choices) -> None:
        self.choices = list(choices)
        # The options as admin_rendering draws them, kept for every row of this request.
        self.drawn_memo: dict = {}

    def __iter__(self):
        return iter(self.choices)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class RowRendered:
    """A widget drawn by ``ROW_RENDERER`` wherever it is rendered.

    Rows' forms use that renderer already; this is for the select inside an admin related-object
    wrapper, which renders its widget without passing the form's renderer on.
    """

    def _render(self, template_name, context, renderer=None):
        return super()._render(template_name, context, ROW_RENDERER)


class RowSelect(DrawnChoicesMixin, forms.Select):
    pass


class RowCheckboxSelectMultiple(DrawnChoicesMixin, forms.CheckboxSelectMultiple):
    pass


class RowAutocompleteSelect(RowRendered, AutocompleteSelect):
    """An autocomplete that finds the selected option among values preloaded per request.

    ``preload(queryset)`` returns ``{str(pk): object}`` for every value the inline's saved
    rows point at, calling ``queryset()`` for the queryset only the first time in a request; a
    value it does not know (a re-rendered invalid POST, say) is looked up the usual way.
    """

    def __init__(self, *args, preload, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.preload = preload
        # Shared by every row's copy of this request's widget: the URL is reversed once.
        self.memo: dict = {}

    def get_url(self):
        if "url" not in self.memo:
            self.memo["url"] = super().get_url()
        return self.memo["url"]

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        selected = [str(v) for v in value if str(v) not in field.empty_values]
        known = self.preload(lambda: self.choices.queryset.using(self.db)) if selected else {}
        if any(v not in known for v in selected):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for v in selected[:1]:
            label = field.label_from_instance(known[v])
            options.append(self.create_option(name, v, label, True, len(options)))
        return [(None, options, 0)]


class RowQueriesMixin:
    """Fetch what an inline's rows show with a fixed number of queries (see above)."""

    row_select_related: tuple[str, ...] = ()
    row_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.row_select_related:
            qs = qs.select_related(*self.row_select_related)
        if self.row_prefetch_related:
            qs = qs.prefetch_related(*self.row_prefetch_related)
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RowAutocompleteSelect(
                db_field,
                self.admin_site,
                using=kwargs.get("using"),
                preload=lambda qs: self._preload_targets(request, db_field, qs),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _preload_targets(self, request, db_field, queryset) -> dict:
        memo = _request_memo(request)
        key = f"{self.model._meta.label}.{db_field.name}:targets"
        if key not in memo:
            explainer_id = getattr(request, "_explainer_pk", None)
            fk = self.fk_name or "explainer"
            pointed_at = self.model._default_manager.filter(**{fk: explainer_id}).values(
                db_field.attname
            )
            memo[key] = {str(obj.pk): obj for obj in queryset().filter(pk__in=pointed_at)}
        return memo[key]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name not in self.radio_fields:
            kwargs.setdefault("widget", RowSelect)
        formfield = super().formfield_for_choice_field(db_field, request, **kwargs)
        formfield.choices = RowChoices(formfield.choices)
        return formfield

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if type(getattr(formfield, "widget", None)) is RelatedFieldWidgetWrapper:
            formfield.widget = RowRelatedWidgetWrapper.from_wrapper(formfield.widget)
        if isinstance(formfield, forms.ModelChoiceField):
            widget = getattr(formfield.widget, "widget", formfield.widget)
            if not isinstance(widget, AutocompleteSelect):
                key = f"{self.model._meta.label}.{db_field.name}:choices"
                formfield.choices = SharedChoices(request, key, formfield)
        return formfield


class OrderedInline(RowQueriesMixin, TextInlineMixin, admin.TabularInline):
    form = RowForm
    # Django's table, its rows drawn in Python (admin_rendering.tabular_rows).
    template = "admin/articles/edit_inline/tabular.html"
    extra = 0
    show_change_link = False
    formset = LabelledDeleteFormSet

    # Long text in a table row: a two-line box instead of the default tall textarea.
    short_textareas: tuple[str, ...] = ("text",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.short_textareas:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        # A tabular row shows its labels only as column headings, which screen readers do
        # not tie to the inputs: name every input after its column.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            widget = getattr(formfield.widget, "widget", formfield.widget)
            label = str(formfield.label or db_field.verbose_name)
            for sub in getattr(widget, "widgets", None) or [widget]:
                # Checkbox and radio lists label each option themselves.
                if not isinstance(sub, forms.CheckboxSelectMultiple | forms.RadioSelect):
                    sub.attrs.setdefault("aria-label", label)
        return formfield


class BylineFormSet(LabelledDeleteFormSet):
    """Bylines, with one rule: a writer who may open an explainer only through their byline
    cannot take it off (it would lock them out of their own draft: an editor can)."""

    editing_user = None  # set per request by BylineInline.get_formset

    def clean(self) -> None:
        super().clean()
        user = self.editing_user
        if user is None or user.is_superuser or user.has_perm("articles.edit_any_explainer"):
            return
        was_on = any(form.initial.get("author") == user.pk for form in self.initial_forms)
        stays_on = any(
            form.cleaned_data.get("author") == user
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        )
        if was_on and not stays_on:
            raise ValidationError(
                "Keep your own byline: without it you could no longer open this explainer. "
                "An editor can take it off for you."
            )


class BylineInline(OrderedInline):
    model = Byline
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    # A byline row is labelled with its author's name.
    row_select_related = ("author",)
    verbose_name = "byline"
    verbose_name_plural = "bylines"
    formset = BylineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"editing_user": request.user})


class SourceInline(RowQueriesMixin, TextInlineMixin, admin.StackedInline):
    model = Source
    form = RowForm
    # Django's stacked inline, its forms drawn in Python (admin_rendering.stacked_forms).
    template = "admin/articles/edit_inline/stacked.html"
    extra = 0
    fields = [
        ("citation", "kind"),
        ("publisher", "url"),
        ("published_on", "accessed_on"),
        "position",
    ]


class KeyFactForm(RowForm):
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
    # Each row shows who checked it and ticks the sources it cites.
    row_select_related = ("checked_by",)
    row_prefetch_related = ("sources",)
    verbose_name = "key fact"

    def has_change_permission(self, request, obj=None) -> bool:
        # Fact-checkers change the check of facts they cannot otherwise edit.
        return admin.TabularInline.has_change_permission(self, request, obj) and (
            self._may_edit(request, obj) or workflow.can_check_facts(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        stamps = ["checked_by", "checked_at"]
        if not self._may_edit(request, obj):
            return ["position", "text", *stamps]
        if not workflow.can_check_facts(request.user, obj):
            return ["check_status", "check_note", *stamps]
        return stamps

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Supporting sources are chosen among this explainer's own sources only.
        if db_field.name == "sources":
            explainer_id = getattr(request, "_explainer_pk", None)
            kwargs["queryset"] = Source.objects.filter(explainer_id=explainer_id)
            kwargs["widget"] = RowCheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ViewpointInline(OrderedInline):
    model = Viewpoint
    fields = ["position", "stakeholder", "text"]
    autocomplete_fields = ["stakeholder"]
    # A viewpoint row is labelled with its stakeholder's name.
    row_select_related = ("stakeholder",)


class TimelineEventInline(OrderedInline):
    model = TimelineEvent
    fields = ["position", "date", "precision", "kind", "text", "source"]
    verbose_name = "timeline item"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            explainer_id = getattr(request, "_explainer_pk", None)
            kwargs["queryset"] = Source.objects.filter(explainer_id=explainer_id)
            kwargs["widget"] = RowSelect
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CorrectionInline(OrderedInline):
    model = Correction
    fields = ["dated", "kind", "text"]


class RelatedLinkInline(OrderedInline):
    model = RelatedLink
    fk_name = "explainer"
    fields = ["position", "target", "title"]
    autocomplete_fields = ["target"]
    # A link row is labelled with its target's title.
    row_select_related = ("target",)
    verbose_name = "“Up next” link"
    verbose_name_plural = "“Up next” links"


@admin.register(Explainer)
class ExplainerAdmin(ImportExportAdminMixin, WorkflowAdminMixin, CompareVersionAdmin):
    form = ExplainerForm
    list_display = [
        "title",
        "state_badge",
        "byline_names",
        "review_status",
        "updated_at",
        "fact_progress",
        "last_verified_display",
    ]
    list_filter = [
        QueueFilter,
        "state",
        "topics",
        ("byline_set__author", admin.RelatedOnlyFieldListFilter),
    ]
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
        return public.explainer_path(slug) if slug else None

    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "topics"]}),
        ("Story", {"fields": ["what_happened", "background", "why_it_matters"]}),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_alt", "hero_credit"], "classes": ["collapse"]},
        ),
        ("Revision", {"fields": ["change_note", "base_lock_version"]}),
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
        # The list's "Recover deleted explainers" link only for those the page lets in.
        extra_context = {**(extra_context or {}), "may_recover": self.may_recover(request)}
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

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for admin_formset in admin_formsets:
            # Same object, one property changed: media read from two rows, not all of them.
            admin_formset.__class__ = SharedMediaInlineAdminFormSet
        return admin_formsets

    def get_object(self, request, object_id, from_field=None):
        request._explainer_pk = object_id
        restore = getattr(request, "_workflow_restore", None)
        if restore is not None:
            # A reversion revert has just written an old revision over the row; put the
            # workflow fields back as they were, so that the revert is an edit like any other.
            Explainer.objects.filter(pk=object_id).update(**restore)
        return super().get_object(request, object_id, from_field)

    # Who may change what.

    def _may_edit(self, request, obj) -> bool:
        return obj is None or workflow.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or workflow.can_edit(request.user, obj)
            or workflow.can_check_facts(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._may_edit(request, obj):
            return fieldsets
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
        return [f for f in fields if f != "base_lock_version"]

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

    # Saving: optimistic lock, check stamps, back to draft on change.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self._remember_text(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = Explainer.objects.filter(pk=unquote(object_id)).first()
        if current is not None:
            request._workflow_restore = history.workflow_values(current)
            self._remember_text(request, unquote(object_id))
        return super().revision_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().compare_view(request, object_id, extra_context)

    def _visible_or_404(self, request, object_id) -> None:
        # reversion's history and reversion-compare's compare views look the object up
        # themselves, past get_queryset(): a writer must not read someone else's revisions.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such explainer.")

    def _remember_text(self, request, object_id) -> None:
        current = Explainer.objects.filter(pk=unquote(object_id)).first()
        if current is not None and current.state == Explainer.State.IN_REVIEW:
            request._text_before = workflow.text_digest(snapshot(current))

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.save()
            return
        obj.lock_version = (form.cleaned_data.get("base_lock_version") or 0) + 1
        obj.save(update_fields=ADMIN_SAVE_FIELDS)

    def save_formset(self, request, form, formset, change):
        if formset.model is KeyFact:
            stamp_fact_checks(formset, user=request.user)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        user = request.user
        if not change and not user.has_perm("articles.edit_any_explainer"):
            # A writer's new explainer is theirs: without a byline they could not open it again.
            Byline.objects.get_or_create(explainer=obj, author=user, defaults={"position": 0})
        if change:
            self._send_back_if_changed(request, obj)

    def _send_back_if_changed(self, request, obj: Explainer) -> None:
        """Move a reviewed or published working copy back to draft if its content changed."""
        fresh = Explainer.objects.select_for_update().get(pk=obj.pk)
        State = Explainer.State
        if fresh.state in (State.APPROVED, State.PUBLISHED):
            changed = content_digest(snapshot(fresh)) != fresh.approved_digest
        elif fresh.state == State.IN_REVIEW:
            before = getattr(request, "_text_before", None)
            changed = before is not None and workflow.text_digest(snapshot(fresh)) != before
        else:
            changed = False
        if not changed:
            return
        was = fresh.get_state_display().lower()
        workflow.revise(fresh, by=request.user, comment=f"Edited while {was}: back to draft.")
        obj.__dict__["state"] = Explainer.State.DRAFT
        tail = (
            " Readers keep the published version until the revision is published."
            if (workflow.has_public_version(fresh))
            else ""
        )
        messages.warning(
            request,
            f"The explainer was {was}; this change sends it back to draft for review.{tail}",
        )

    @admin.display(description="bylines")
    def byline_names(self, obj: Explainer) -> str:
        return ", ".join(str(b) for b in obj.byline_set.all())

    @admin.display(description="facts")
    def fact_progress(self, obj: Explainer) -> int:
        return obj.n_facts


def stamp_fact_checks(formset, *, user) -> None:
    """Record who checked each key fact and when, or undo a check its fact no longer matches.

    Run before the formset saves. A fact-checker (or editor) who sets a check is stamped as the
    checker; a check set back to "unchecked" loses its stamp; a fact whose text or supporting
    sources change without its check being set again goes back to "unchecked".
    """
    now = timezone.now()
    may_check = user.has_perm("articles.check_facts")
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    for form in formset.forms:
        if form in deleted or not form.has_changed():
            continue
        fact, changed = form.instance, set(form.changed_data)
        # The fact or its sources moved under the check: the check no longer applies.
        reworded = "check_status" not in changed and (
            "text" in changed or ("sources" in changed and not may_check)
        )
        if reworded:
            fact.check_status = KeyFact.Check.UNCHECKED
        elif not (may_check and changed & {"check_status", "check_note", "sources"}):
            continue
        if fact.check_status == KeyFact.Check.UNCHECKED:
            fact.checked_by, fact.checked_at = None, None
        else:
            fact.checked_by, fact.checked_at = user, now


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
    exclude = ["data", "body_html", "head_html", "search_text"]

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
