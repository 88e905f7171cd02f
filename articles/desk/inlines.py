"""The explainer change form's inlines, one per part, and who may change their rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import models

from articles.desk.forms import (
    BylineFormSet,
    CitingFormSet,
    KeyFactForm,
    LabelledDeleteFormSet,
    RowAutocompleteSelect,
    RowForm,
    SourceFormSet,
    TimelineEventForm,
    ViewpointForm,
    date_help,
)
from articles.desk.people import PersonChoiceField, name_of
from articles.desk.positions import POSITION, form_number, optional_position
from articles.interchange.textformat import MAX_BULLETS
from articles.models import (
    Byline,
    Correction,
    Explainer,
    Figure,
    KeyFact,
    RelatedLink,
    Source,
    TimelineEvent,
    Viewpoint,
)
from articles.validators import HeroImageFormField
from articles.workflow import moves as workflow

# The mixins run inside inline admin classes; the type checker reads them as such a class.
if TYPE_CHECKING:
    InlineBase = admin.options.InlineModelAdmin[Any, Explainer]
else:
    InlineBase = object


class TextInlineMixin(InlineBase):
    """Inline rows are part of the text: only people who may edit the text change them."""

    def _may_edit(self, request, obj) -> bool:
        # While someone else holds the edit lock, nobody else changes a row.
        return obj is None or (
            workflow.can_edit(request.user, obj) and not obj.locked_for(request.user)
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class RowQueriesMixin(InlineBase):
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and formfield is not None:
            formfield.help_text = date_help(formfield.help_text)
        if db_field.name == POSITION and formfield is not None:
            optional_position(formfield)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RowAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RowLimitMixin(InlineBase):
    """At most as many rows of each kind as the import format lets in (MAX_BULLETS a section),
    so that whatever can be imported can be saved; settings.DATA_UPLOAD_MAX_NUMBER_FIELDS is
    sized from the same number."""

    max_num: int | None = MAX_BULLETS

    def get_formset(self, request, obj=None, **kwargs):
        # For someone who may not add rows Django sets max_num to 0 and keeps the rows there
        # are; the limit is checked for those who may add.
        kwargs.setdefault("validate_max", self.has_add_permission(request, obj))
        return super().get_formset(request, obj, **kwargs)


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


class BylineInline(OrderedInline):
    model = Byline
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    # A byline row is labelled with its author's name.
    row_select_related = ("author",)
    verbose_name = "byline"
    verbose_name_plural = "bylines"
    formset = BylineFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs.setdefault("form_class", PersonChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
        return super().get_queryset(request).annotate(form_number=form_number())

    @admin.display(description="number")
    def number(self, obj: Source):
        return getattr(obj, "form_number", None) or "new: as numbered in its heading"


class KeyFactInline(OrderedInline):
    model = KeyFact
    form = KeyFactForm
    formset = CitingFormSet
    fields = [
        "number",
        "position",
        "text",
        "sources",
        "check_status",
        "check_note",
        "checked_by_name",
        "checked_at",
    ]
    readonly_fields = ["number", "checked_by_name", "checked_at"]
    # Each row shows who checked it and the numbers of the sources it cites.
    row_select_related = ("checked_by",)
    row_prefetch_related = ("sources",)
    verbose_name = "key fact"

    def has_change_permission(self, request, obj=None) -> bool:
        # Fact-checkers change the check of facts they cannot otherwise edit.
        if obj is not None and obj.locked_for(request.user):
            return False
        return admin.TabularInline.has_change_permission(self, request, obj) and (
            self._may_edit(request, obj) or workflow.can_check_facts(request.user, obj)
        )

    def get_queryset(self, request):
        # Each saved fact with the number the readiness checklist calls it by.
        return super().get_queryset(request).annotate(form_number=form_number())

    @admin.display(description="number")
    def number(self, obj: KeyFact):
        return getattr(obj, "form_number", None) or "new"

    def get_readonly_fields(self, request, obj=None):
        stamps = ["number", "checked_by_name", "checked_at"]
        if not self._may_edit(request, obj):
            return ["position", "text", *stamps]
        if not workflow.can_check_facts(request.user, obj):
            return ["check_status", "check_note", *stamps]
        return stamps

    @admin.display(description="checked by")
    def checked_by_name(self, obj: KeyFact) -> str | None:
        # By name, not Django's link labelled with the login name.
        return name_of(obj.checked_by) if obj.checked_by else None


class ViewpointInline(OrderedInline):
    model = Viewpoint
    form = ViewpointForm
    formset = CitingFormSet
    fields = ["position", "stakeholder", "text", "quote", "quote_source", "quote_url", "quote_date"]
    short_textareas = ("text", "quote")
    autocomplete_fields = ["stakeholder"]
    # A viewpoint row is labelled with its stakeholder's name.
    row_select_related = ("stakeholder", "quote_source")


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


class FigureInline(RowLimitMixin, RowQueriesMixin, TextInlineMixin, admin.StackedInline):
    """Images shown after a section's text (the editor's rich text takes no uploads)."""

    model = Figure
    form = RowForm
    formset = LabelledDeleteFormSet
    extra = 0
    fields = ["section", "position", "image", "alt", "caption", "credit", ("focal_x", "focal_y")]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            # Checked by content before Pillow decodes it, like the hero (validators.py).
            kwargs["form_class"] = HeroImageFormField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


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
