"""Where a new inline row goes: after the last one, unless its position is typed.

Every ordered part of an explainer (bylines, key facts, sources, viewpoints, timeline items,
"Up next" links) has a ``position``. The admin's "Add another" copies one blank row, so any
starting value would be the same for every new row; the model's default of 0 put them all
first, and a new source first renumbered the sources the key facts cite. So the change form
leaves a new row's position empty, and saving places each row left empty after the last row
kept, in the order the form shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.forms.models import BaseInlineFormSet

POSITION = "position"
POSITION_HELP = "Leave empty to put the row after the last one."

if TYPE_CHECKING:
    FormSetBase = BaseInlineFormSet[Any, Any, Any]
else:
    FormSetBase = object


def form_number() -> Window:
    """The number the change form gives a saved row: its place among its explainer's rows of
    that kind, in the order the form lists them (position, then age). Key facts are numbered
    so in the readiness checklist too, sources so where key facts cite them."""
    return Window(RowNumber(), partition_by=[F("explainer")], order_by=[F(POSITION), F("pk")])


def optional_position(formfield) -> None:
    """Let a row's position be left empty (placed after the last row on save)."""
    formfield.required = False
    formfield.help_text = POSITION_HELP
    formfield.widget.attrs.setdefault("placeholder", "last")


def leave_position_empty(form) -> None:
    """Show a new row's position empty rather than the model's default of 0."""
    field = form.fields.get(POSITION)
    if field is not None and not field.required:
        form.initial[POSITION] = None


def place_unplaced(forms) -> None:
    """Give each kept row whose position was left empty the next position after the last.

    ``forms`` are the valid forms a save keeps, in the form's order; their instances are
    built already and not yet saved.
    """
    rows = [form.instance for form in forms]
    placed = [row.position for row in rows if row.position is not None]
    following = max(placed, default=-1) + 1
    for row in rows:
        if row.position is None:
            row.position = following
            following += 1


class PlacingFormSet(FormSetBase):
    """An inline formset whose rows with an empty position go after the last row on save."""

    def save(self, commit: bool = True):
        if POSITION in self.form.base_fields:
            place_unplaced(self.kept_forms())
        return super().save(commit)

    def kept_forms(self) -> list[Any]:
        """Return the forms whose rows this save keeps: saved rows not deleted, filled new ones."""
        deleted = set(self.deleted_forms) if self.can_delete else set()
        return [
            form
            for form in self.forms
            if form not in deleted and (form.instance.pk is not None or form.has_changed())
        ]
