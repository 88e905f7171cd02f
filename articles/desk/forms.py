"""The explainer form, the forms and formsets of its inline rows, and the entity form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from articles import entities, richtext
from articles.desk.positions import PlacingFormSet, leave_position_empty
from articles.desk.saving import refuse_stale
from articles.desk.sources import SourceNumberField, SourceNumbers, SourceNumbersField
from articles.models import (
    Explainer,
    KeyFact,
    Source,
    TimelineEvent,
    Viewpoint,
)
from articles.models.explainer import takeaway_lines
from articles.validators import HeroImageFormField


def date_help(help_text: str = "") -> str:
    """Return ``help_text`` followed by the forms a typed date may take (newsroom/formats)."""
    formats = "Type a date as 2025-03-14 or with the month in words: 14 March 2025."
    return f"{help_text} {formats}" if help_text else formats


class TakeawaysField(forms.CharField):
    """The "What to know" box: one takeaway a line, read as the model stores it (blank lines
    and runs of spaces dropped), so a form sent back unedited changes nothing."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 80, "class": "vLargeTextField"})

    def to_python(self, value: Any) -> str:
        return "\n".join(takeaway_lines(super().to_python(value) or ""))


class ExplainerForm(forms.ModelForm):
    takeaways = TakeawaysField(
        required=False,
        label="What to know",
        help_text=Explainer._meta.get_field("takeaways").help_text,
    )
    what_happened = richtext.RichTextFormField(required=False, label="What happened")
    background = richtext.RichTextFormField(required=False, label="Background & context")
    why_it_matters = richtext.RichTextFormField(required=False, label="Why it matters")
    # The lock_version this form was built on; a save is refused if the row has moved on.
    base_lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # The stored text digest of an in-review explainer before a change form's save writes it
    # (set by ExplainerAdmin.save_model): the form lives for one request, as this value does.
    text_before: str | None = None

    class Meta:
        model = Explainer
        fields = [
            "title",
            "slug",
            "dek",
            "topics",
            "takeaways",
            "what_happened",
            "background",
            "why_it_matters",
            "hero_image",
            "hero_alt",
            "hero_caption",
            "hero_credit",
            "hero_focal_x",
            "hero_focal_y",
            "change_note",
        ]
        widgets = {"dek": forms.Textarea(attrs={"rows": 2, "maxlength": 300})}
        # Hero images are checked by content before Pillow decodes them (validators.py).
        field_classes = {"hero_image": HeroImageFormField}

    class Media:
        # Click on the saved image to set its focal point (the hero's and each figure's).
        js = ["js/admin-focal-point.js"]
        css = {"all": ["css/admin-focal-point.css"]}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "base_lock_version" in self.fields:
            self.fields["base_lock_version"].initial = self.instance.lock_version

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.instance.pk is not None:
            refuse_stale(self.instance.pk, self.cleaned_data.get("base_lock_version"))
        return self.cleaned_data


class RowForm(forms.ModelForm):
    """An inline row's form: its autocompletes show the row's saved choice without a query.

    The inlines fetch what their autocompletes point at with the rows (``row_select_related``);
    the row hands that object to its widget (each row's form has its own copy of the widget).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            leave_position_empty(self)
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, RowAutocompleteSelect):
                widget.current = getattr(self.instance, name)


class LabelledDeleteFormSet(PlacingFormSet, BaseInlineFormSet):
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
        numbers = self.source_numbers
        assert numbers is not None  # set by SourceNumbersFormSet.__init__
        numbers.formset = self


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


class ViewpointForm(CitingForm):
    quote_source = SourceNumberField(
        label="quote source",
        help_text="The number of the source the quote is from, if it is one of them.",
    )

    class Meta:
        model = Viewpoint
        fields = [
            "position",
            "stakeholder",
            "text",
            "quote",
            "quote_source",
            "quote_url",
            "quote_date",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.quote_source_id is not None:
            numbers = self.source_numbers.numbers_of([self.instance.quote_source_id])
            self.initial["quote_source"] = numbers[0] if numbers else None

    def clean_quote_source(self) -> Source | None:
        number = self.cleaned_data["quote_source"]
        return None if number is None else self.cited([number])[0]


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
