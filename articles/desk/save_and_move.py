"""Save and make a workflow move in one click: "Save and submit for fact-check", "Save and approve".

The change form's submit row gets one more button for each of these moves the user may make
on the explainer in its state (``available_moves``). The POST is an ordinary admin save (the
same validation and the same lock); once it is written, ``response_change`` (or
``response_add``) makes the move through the same function as the workflow panel's button,
which records it in the audit trail. If the move is refused (a key fact not yet verified, say)
the save stands and the message says why the move was not made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from articles.models import Explainer
from articles.workflow import moves as workflow

# The moves a save may end with: those of the people who write and check the text.
SAVE_MOVES = ("submit", "approve")
# The word a refusal uses for each ("Saved, but not submitted: …").
PAST = {"submit": "submitted", "approve": "approved"}

if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object


def button_name(verb: str) -> str:
    return f"_save_and_{verb}"


def requested_move(request: HttpRequest) -> workflow.Move | None:
    """Return the move a change form's POST asks to make after saving, if any."""
    if IS_POPUP_VAR in request.POST:
        return None
    for verb in SAVE_MOVES:
        if button_name(verb) in request.POST:
            return workflow.MOVES[verb]
    return None


class SaveAndMoveAdminMixin(ExplainerAdminBase):
    """The "Save and …" buttons of ExplainerAdmin's change form (a ModelAdmin)."""

    if TYPE_CHECKING:
        # Given by WorkflowAdminMixin, another base of ExplainerAdmin.
        def make_move(
            self,
            request: HttpRequest,
            obj: Explainer,
            move: workflow.Move,
            kwargs: dict[str, Any],
            *,
            refused: str = "",
        ) -> HttpResponse: ...

    def save_and_move_buttons(
        self, request: HttpRequest, obj: Explainer | None
    ) -> list[dict[str, str]]:
        """Return the "Save and …" buttons for ``request.user`` on this form, if they may save."""
        user = request.user
        if obj is None:
            # A new explainer: its writer gets a byline as it is saved, and may then submit it.
            may_save = self.has_add_permission(request)
            moves = [workflow.MOVES["submit"]] if user.has_perm("articles.submit_explainer") else []
        else:
            may_save = self.has_change_permission(request, obj)
            moves = [m for m in workflow.available_moves(user, obj) if m.verb in SAVE_MOVES]
        if not may_save:
            return []
        return [
            {"name": button_name(m.verb), "label": f"Save and {m.label.lower()}", "help": m.help}
            for m in moves
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        match = request.resolver_match
        # Only the add and change pages: reversion's recover page draws this form too.
        if match is not None and match.url_name in (
            f"{self.opts.app_label}_{self.opts.model_name}_add",
            f"{self.opts.app_label}_{self.opts.model_name}_change",
        ):
            context["save_moves"] = self.save_and_move_buttons(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        move = requested_move(request)
        if move is None:
            return super().response_add(request, obj, post_url_continue)
        return self.saved_then_move(request, obj, move, super().response_add)

    def response_change(self, request, obj):
        move = requested_move(request)
        if move is None:
            return super().response_change(request, obj)
        return self.saved_then_move(request, obj, move, super().response_change)

    def saved_then_move(
        self, request, obj: Explainer, move: workflow.Move, respond
    ) -> HttpResponse:
        """Say the explainer was saved (Django's own message), then make ``move``.

        Someone who may never make the move gets a 403 before any message; the admin's
        transaction then undoes the save too, as for any other refused request.
        """
        if not workflow.CAN[move.verb](request.user, obj):
            raise PermissionDenied(f"You may not {move.label.lower()} this explainer.")
        # Django's response adds "… was changed successfully"; its redirect is not followed:
        # the move's is.
        respond(request, obj)
        refused = f"Saved, but not {PAST[move.verb]}: "
        return self.make_move(request, obj, move, {"comment": ""}, refused=refused)
