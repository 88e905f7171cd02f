"""Key facts and timeline items cite their explainer's sources by number on the change form.

The form numbers the sources in the order it shows them: 1 for the first source, 2 for the
next, new ones last. A writer types "1, 3" in a key fact's Sources box rather than ticking one
checkbox per source per fact (fifty facts and fifty sources made 2,500 checkboxes). A number
names a row of the form, so a fact can cite a source added in the same save: the numbers are
checked when the form is validated and turned into sources once the sources are saved
(``ExplainerAdmin.save_related`` saves them first).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from articles.models import Explainer, Source

_NUMBERS = re.compile(r"[\s,;]+")


def parse_numbers(text: str) -> list[int]:
    """Return the source numbers in ``text`` ("1, 3" or "1 3"), sorted, each once."""
    numbers = set()
    for part in _NUMBERS.split(text.strip()):
        if not part:
            continue
        if not part.isdigit() or not part.isascii():
            raise ValidationError(
                f"“{part}” is not a source number: type the numbers of the sources "
                "this cites, separated by commas (1, 3).",
                code="invalid",
            )
        numbers.add(int(part))
    return sorted(numbers)


class SourceNumbersField(forms.CharField):
    """The numbers of the sources a key fact cites: typed as "1, 3", cleaned to [1, 3]."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)
        # In a table row the label is only a column heading: name the box after it.
        self.widget.attrs.setdefault("aria-label", str(self.label or "sources"))

    def numbers(self, value: Any) -> list[int]:
        """Return the numbers typed in ``value``, or ``value`` itself if it is a list already."""
        if isinstance(value, list):
            return value
        return parse_numbers(self.to_python(value) or "")

    def clean(self, value: Any) -> list[int]:
        # Field.clean's steps, with the typed text read as numbers before it is validated.
        numbers = self.numbers(value)
        self.validate(numbers)
        self.run_validators(numbers)
        return numbers

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        try:
            return sorted(initial or []) != self.numbers(data)
        except ValidationError:
            return True

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(n) for n in value)
        return value


class SourceNumberField(forms.IntegerField):
    """The number of the one source a timeline item cites, or none."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("widget", forms.NumberInput)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("aria-label", str(self.label or "source"))


class SourceNumbers:
    """The numbers one change form gives its explainer's sources.

    ``ExplainerAdmin.get_formsets_with_inlines`` makes one per form and hands it to the
    formsets that cite sources; the sources' formset is recorded in ``formset`` once built.
    Without one (a user who may not see the sources), numbers name the saved sources.
    """

    def __init__(self, explainer: Explainer | None) -> None:
        self.explainer = explainer
        self.formset: BaseInlineFormSet[Any, Any, Any] | None = None
        self.saved_pks: list[int] | None = None

    def saved(self) -> list[int]:
        """Return the primary keys of the explainer's saved sources, in the form's order."""
        if self.saved_pks is None:
            saved = Source.objects.none()
            if self.explainer is not None and self.explainer.pk is not None:
                saved = Source.objects.filter(explainer=self.explainer)
            self.saved_pks = list(saved.order_by("position", "pk").values_list("pk", flat=True))
        return self.saved_pks

    def numbers_of(self, pks) -> list[int]:
        """Return the numbers of the saved sources ``pks``, sorted."""
        number = {pk: n for n, pk in enumerate(self.saved(), start=1)}
        return sorted(number[pk] for pk in pks if pk in number)

    def problem(self, number: int) -> str | None:
        """Return why ``number`` names no source this save keeps; None if it names one."""
        count = len(self.formset.forms) if self.formset is not None else len(self.saved())
        if not 1 <= number <= count:
            return f"There is no source {number}: the sources are numbered 1 to {count}."
        if self.formset is None:
            return None
        form = self.formset.forms[number - 1]
        if form in self.formset.deleted_forms:
            return f"Source {number} is being deleted: take it out of this row first."
        if form.instance.pk is None and not form.has_changed():
            return f"Source {number} is empty: fill it in or cite another source."
        return None

    def source(self, number: int) -> Source:
        """Return the source ``number`` names; call once the sources' formset is saved."""
        if self.formset is not None:
            return self.formset.forms[number - 1].instance
        return Source.objects.get(pk=self.saved()[number - 1])
