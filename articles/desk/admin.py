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

from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, OuterRef, ProtectedError, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from reversion.errors import RevertError
from reversion_compare.admin import CompareVersionAdmin

from articles import entities, richtext
from articles.desk import history
from articles.desk.importing import ImportExportAdminMixin
from articles.desk.sources import SourceNumberField, SourceNumbers, SourceNumbersField
from articles.desk.workflow_panel import QueueFilter, WorkflowAdminMixin
from articles.interchange.textformat import MAX_BULLETS
from articles.models import (
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
from articles.publishing.render import explainer_path
from articles.snapshot import content_digest, snapshot
from articles.validators import HeroImageFormField
from articles.workflow import moves as workflow

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
            refuse_stale(self.instance.pk, data.get("base_lock_version"))
        return data


def refuse_stale(explainer_id, base: int | None) -> None:
    """Refuse a write if someone saved since the page that asks for it was built.

    ``base`` is the lock_version the page was built on (optimistic lock). Called inside the
    transaction that writes, and the row is locked here (PostgreSQL), so nothing can slip in
    between this check and the write.
    """
    current = (
        Explainer.objects.select_for_update()
        .filter(pk=explainer_id)
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


class RevertForm(forms.Form):
    """The revert page's button: the lock_version the page was built on, nothing else."""

    base_lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


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
    """An inline row's form: its autocompletes show the row's saved choice without a query.

    The inlines fetch what their autocompletes point at with the rows (``row_select_related``);
    the row hands that object to its widget (each row's form has its own copy of the widget).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, RowAutocompleteSelect):
                widget.current = getattr(self.instance, name)


class LabelledDeleteFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": "An explainer holds at most %(num)d rows of this kind (the limit of "
        "the text import too): delete rows beyond that, then save.",
    }

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"


class RowAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that draws its row's saved choice from the object the row has already.

    Django's widget runs a query per row to find the label of its selected option; with fifty
    rows that is fifty queries. A value other than the saved one (a re-shown invalid form) is
    looked up as Django does.
    """

    current = None  # the saved object, set by RowForm

    def optgroups(self, name, value, attr=None):
        current = self.current
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if current is None or chosen != [str(current.pk)]:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(current)
        options.append(self.create_option(name, current.pk, label, True, len(options)))
        return [(None, options, 0)]


class RowQueriesMixin:
    """Fetch what an inline's rows show with a fixed number of queries."""

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
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RowLimitMixin:
    """At most as many rows of each kind as the import format lets in (MAX_BULLETS a section),
    so that whatever can be imported can be saved; settings.DATA_UPLOAD_MAX_NUMBER_FIELDS is
    sized from the same number."""

    max_num = MAX_BULLETS

    def get_formset(self, request, obj=None, **kwargs):
        # For someone who may not add rows Django sets max_num to 0 and keeps the rows there
        # are; the limit is checked for those who may add.
        kwargs.setdefault("validate_max", self.has_add_permission(request, obj))
        return super().get_formset(request, obj, **kwargs)


class SourceNumbersFormSet(LabelledDeleteFormSet):
    """A formset on a change form whose rows cite, or are, the explainer's numbered sources."""

    # Set per change form by ExplainerAdmin.get_formsets_with_inlines.
    source_numbers: SourceNumbers | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.source_numbers is None:
            self.source_numbers = SourceNumbers(self.instance)


class SourceFormSet(SourceNumbersFormSet):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source_numbers.formset = self


class CitingFormSet(SourceNumbersFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "source_numbers": self.source_numbers}


class CitingForm(RowForm):
    """A row that cites sources by number: shown as numbers, cleaned to the sources they name
    (possibly ones added in the same save, saved before this row)."""

    def __init__(self, *args, source_numbers: SourceNumbers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source_numbers = source_numbers

    def cited(self, numbers: list[int]) -> list[Source]:
        """Return the sources ``numbers`` name, or raise a ValidationError saying which name
        no source this save keeps."""
        problems = [p for p in map(self.source_numbers.problem, numbers) if p is not None]
        if problems:
            raise ValidationError(problems)
        return [self.source_numbers.source(n) for n in numbers]


class OrderedInline(RowLimitMixin, RowQueriesMixin, TextInlineMixin, admin.TabularInline):
    form = RowForm
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


class SourceInline(RowLimitMixin, RowQueriesMixin, TextInlineMixin, admin.StackedInline):
    model = Source
    form = RowForm
    formset = SourceFormSet
    extra = 0
    fields = [
        "number",
        ("citation", "kind"),
        ("publisher", "url"),
        ("published_on", "accessed_on"),
        "position",
    ]
    readonly_fields = ["number"]

    def get_queryset(self, request):
        # Each saved source with the number key facts cite it by: its place in the order the
        # form lists the explainer's sources (new ones are numbered in their headings, "#12").
        in_order = Window(
            RowNumber(), partition_by=[F("explainer")], order_by=[F("position"), F("pk")]
        )
        return super().get_queryset(request).annotate(form_number=in_order)

    @admin.display(description="number")
    def number(self, obj: Source):
        return getattr(obj, "form_number", None) or "new: as numbered in its heading"


class KeyFactForm(CitingForm):
    sources = SourceNumbersField(
        label="sources",
        help_text="The numbers of the sources this fact cites, as the Sources below are "
        "numbered: 1, 3.",
    )

    class Meta:
        model = KeyFact
        fields = ["position", "text", "sources", "check_status", "check_note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "check_note": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            cited = [source.pk for source in self.instance.sources.all()]
            self.initial["sources"] = self.source_numbers.numbers_of(cited)

    def clean_sources(self) -> list[Source]:
        return self.cited(self.cleaned_data["sources"])


class KeyFactInline(OrderedInline):
    model = KeyFact
    form = KeyFactForm
    formset = CitingFormSet
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
    # Each row shows who checked it and the numbers of the sources it cites.
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


class ViewpointInline(OrderedInline):
    model = Viewpoint
    fields = ["position", "stakeholder", "text"]
    autocomplete_fields = ["stakeholder"]
    # A viewpoint row is labelled with its stakeholder's name.
    row_select_related = ("stakeholder",)


class TimelineEventForm(CitingForm):
    source = SourceNumberField(
        label="source", help_text="The number of the source this item cites, if any."
    )

    class Meta:
        model = TimelineEvent
        fields = ["position", "date", "precision", "kind", "text", "source"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.source_id is not None:
            numbers = self.source_numbers.numbers_of([self.instance.source_id])
            self.initial["source"] = numbers[0] if numbers else None

    def clean_source(self) -> Source | None:
        number = self.cleaned_data["source"]
        return None if number is None else self.cited([number])[0]


class TimelineEventInline(OrderedInline):
    model = TimelineEvent
    form = TimelineEventForm
    formset = CitingFormSet
    fields = ["position", "date", "precision", "kind", "text", "source"]
    # Read-only rows (a fact-checker's) show the source's citation.
    row_select_related = ("source",)
    verbose_name = "timeline item"


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            # The field's queryset is what a POST is checked against: a crafted id of an
            # explainer the user may not name gets "Select a valid choice" and saves nothing.
            kwargs["queryset"] = Explainer.objects.linkable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("target")
        if obj is not None and field is not None:
            # The targets this explainer links already stay valid: an editor may have linked
            # something its writer cannot open, and the writer's next save must not drop it.
            # Only those ids are added, so no other explainer can be named this way.
            kept = RelatedLink.objects.filter(explainer=obj).values("target_id")
            field.queryset = field.queryset | Explainer.objects.filter(pk__in=kept)
            widget = getattr(field.widget, "widget", field.widget)
            widget.choices = field.choices
        return formset


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
        return explainer_path(slug) if slug else None

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
        return super().get_search_results(request, queryset, search_term)

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
        # Add, change, and reversion's revert and recover pages all draw the form here; only
        # a form that shows the editor gets its inline-script allowance (read-only pages and
        # every other admin page do not).
        render = super().render_change_form
        if richtext.draws_editor(context["adminform"].form):
            render = csp_update(richtext.EDITOR_CSP)(render)
        return render(request, context, add, change, form_url, obj)

    # Saving: optimistic lock, check stamps, back to draft on change.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self._remember_text(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Show a stored revision read-only (GET); revert the explainer to it (POST).

        Takes the place of django-reversion's view, which reverts inside a transaction even to
        show the page (then rolls back), and lets anyone with the model permission post.
        Here the page is for those who may open the explainer, and the revert for those who
        may edit its text; it is saved like an admin save (see ``_revert``).
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such explainer.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = history.explainer_version(obj.pk, version_id)
        if version is None:
            raise Http404("No such version of this explainer.")
        may_revert = self.has_change_permission(request, obj) and workflow.can_edit(
            request.user, obj
        )
        if request.method == "POST":
            if not may_revert:
                raise PermissionDenied
            return self._revert(request, obj, version)
        try:
            contents = history.stored_contents(version)
        except RevertError as exc:
            messages.error(request, f"This version can no longer be read: {exc}")
            return HttpResponseRedirect(self._history_url(obj))
        saved_at = timezone.localtime(version.revision.date_created)
        latest = history.explainer_versions(obj.pk).values_list("pk", flat=True).last()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Revert to the version of {date_format(saved_at, 'j M Y, H:i')}",
            "saved_at": saved_at,
            "saved_by": _who(version.revision.user),
            "comment": version.revision.get_comment(),
            "contents": contents,
            "form": RevertForm(initial={"base_lock_version": obj.lock_version})
            if may_revert
            else None,
            "change_url": self._change_url(obj),
            "history_url": self._history_url(obj),
            "compare_url": (
                reverse(f"{self.admin_site.name}:articles_explainer_compare", args=[quote(obj.pk)])
                + f"?version_id1={version.pk}&version_id2={latest}"
                if latest != version.pk
                else ""
            ),
        }
        return TemplateResponse(request, "admin/articles/explainer/revision.html", context)

    def _history_url(self, obj: Explainer) -> str:
        return reverse(f"{self.admin_site.name}:articles_explainer_history", args=[quote(obj.pk)])

    def _revert(self, request, obj: Explainer, version) -> HttpResponse:
        """Revert to ``version`` as one recorded, locked edit; refuse it with a message."""
        form = RevertForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The page was incomplete: open the version again to revert.")
            return HttpResponseRedirect(request.path)
        if history.holds_other_explainers(version):
            messages.error(
                request,
                "This version was saved together with other explainers and cannot be brought "
                "back from here. Nothing was changed.",
            )
            return HttpResponseRedirect(request.path)
        try:
            with transaction.atomic(), self.create_revision(request):
                message = self._apply_revert(
                    request, obj, version, form.cleaned_data["base_lock_version"]
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.path)
        except (RevertError, ProtectedError, IntegrityError):
            messages.error(
                request,
                "This version cannot be brought back as it is (another explainer may now use "
                "its slug, or something it points at is gone). Nothing was changed.",
            )
            return HttpResponseRedirect(request.path)
        messages.success(request, f"{message}.")
        return HttpResponseRedirect(self._change_url(obj))

    def _apply_revert(self, request, obj: Explainer, version, base: int) -> str:
        """Write ``version`` over the explainer inside the caller's transaction and revision.

        The same rules as an admin save: the optimistic lock, the byline rule, the lock
        version bumped, a reviewed copy sent back to draft, a log entry; the workflow fields
        (never in a revision) stay as they were.
        """
        refuse_stale(obj.pk, base)
        current = Explainer.objects.get(pk=obj.pk)
        in_review = current.state == Explainer.State.IN_REVIEW
        text_before = workflow.text_digest(snapshot(current)) if in_review else None
        kept = history.workflow_values(current)
        version.revision.revert(delete=True)
        # The revert wrote the row raw, its workflow fields at their defaults: put them back.
        Explainer.objects.filter(pk=obj.pk).update(**kept)
        if not workflow.can_edit(request.user, current):
            raise ValidationError(
                "That version does not have your byline: reverting to it would lock you out "
                "of this explainer. An editor can revert it for you. Nothing was changed."
            )
        reverted = Explainer.objects.get(pk=obj.pk)
        reverted.updated_by = request.user
        reverted.lock_version = base + 1
        reverted.save(update_fields=ADMIN_SAVE_FIELDS)
        self._send_back_if_changed(request, reverted, text_before=text_before)
        saved_at = date_format(timezone.localtime(version.revision.date_created), "j M Y, H:i")
        message = f"Reverted to the version of {saved_at} by {_who(version.revision.user)}"
        # Django's log entry; django-reversion takes its text as the new revision's comment.
        self.log_change(request, reverted, message)
        return message

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
        form.save_m2m()
        # Sources first: key facts and timeline items may cite a source added in this save.
        for formset in sorted(formsets, key=lambda formset: formset.model is not Source):
            self.save_formset(request, form, formset, change=change)
        obj = form.instance
        user = request.user
        if not change and not user.has_perm("articles.edit_any_explainer"):
            # A writer's new explainer is theirs: without a byline they could not open it again.
            Byline.objects.get_or_create(explainer=obj, author=user, defaults={"position": 0})
        if change:
            text_before = getattr(request, "_text_before", None)
            self._send_back_if_changed(request, obj, text_before=text_before)

    def _send_back_if_changed(
        self, request, obj: Explainer, *, text_before: str | None = None
    ) -> None:
        """Move a reviewed or published working copy back to draft if its content changed.

        ``text_before`` is the text digest of an in-review copy before the change.
        """
        fresh = Explainer.objects.select_for_update().get(pk=obj.pk)
        State = Explainer.State
        if fresh.state in (State.APPROVED, State.PUBLISHED):
            changed = content_digest(snapshot(fresh)) != fresh.approved_digest
        elif fresh.state == State.IN_REVIEW:
            changed = (
                text_before is not None and workflow.text_digest(snapshot(fresh)) != text_before
            )
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


class EntityForm(forms.ModelForm):
    """A topic's or stakeholder's form: a slug another one's page had is refused."""

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        owner = entities.previous_owner(type(self.instance), slug, exclude_pk=self.instance.pk)
        if owner is not None:
            raise ValidationError(
                "This address was the page of “%(owner)s” and still leads there. "
                "Choose another slug.",
                code="slug_kept",
                params={"owner": owner},
            )
        return slug


class EntityAdmin(admin.ModelAdmin):
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
