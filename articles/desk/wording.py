"""How the desk says the workflow's moves and states: the audit trail's codes
(``request_changes``, ``in_review``) as words.

The history timeline, the change form's history panel and the audit list all read this module,
so a move is said the same way wherever it appears.
"""

from __future__ import annotations

from django.contrib import admin

from articles.models import Explainer, Transition

# A move as done, said after the fact ("Asked for changes"), kept with the audit row's model
# so that its str() says it the same way.
MOVE_DONE = Transition.DONE

# The states as the model's choices label them ("In review").
STATE_WORDS = dict(Explainer.State.choices)


def move_done(name: str) -> str:
    """Return the words for the audit trail's move ``name`` (the name itself if unknown)."""
    return MOVE_DONE.get(name, name.replace("_", " ").capitalize())


def state_word(state: str) -> str:
    """Return the words for ``state`` ("in_review" → "In review")."""
    return STATE_WORDS.get(state, state.replace("_", " ").capitalize())


def state_change(transition: Transition) -> str:
    """Return "In review → Approved" for a move, or "" for one that kept the state."""
    if transition.from_state == transition.to_state:
        return ""
    return f"{state_word(transition.from_state)} → {state_word(transition.to_state)}"


class MoveListFilter(admin.SimpleListFilter):
    """The audit list's filter by move, each move in words."""

    title = "move"
    parameter_name = "name"

    def lookups(self, request, model_admin):
        return list(MOVE_DONE.items())

    def queryset(self, request, queryset):
        return queryset.filter(name=self.value()) if self.value() else queryset


class StateListFilter(admin.SimpleListFilter):
    """The audit list's filter by the state a move led to, in words."""

    title = "to"
    parameter_name = "to_state"

    def lookups(self, request, model_admin):
        return list(STATE_WORDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(to_state=self.value()) if self.value() else queryset
