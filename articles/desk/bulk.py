"""Bulk actions on the explainer list: publish, unpublish, and assign a review.

Each is a stock admin action that makes, for every selected explainer in turn, the very move a
single click on its change form makes (``publishing.moves.function_for`` and
``workflow.moves.assign``), so who may, whether it is ready and whether its state allows it are
checked by the same code. Each move is its own transaction: one explainer refused (not ready,
wrong state, four eyes) leaves the others to go ahead. The list then says what was done and
what was refused, and why.

Unpublishing needs a reason and assigning needs a fact-checker, so those two first show an
intermediate page, as Django's "Delete selected" does for its confirmation. The selection is
already the change list's, limited to the explainers the user may open. Exporting the
selection is ``importing.ImportExportAdminMixin.export_as_text``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from articles.desk.saving import acting_user
from articles.desk.workflow_forms import ReviewFields, fact_checkers
from articles.models import Explainer
from articles.publishing import moves as publication
from articles.workflow import moves as workflow

# The mixin runs inside ExplainerAdmin; the type checker reads it as the ModelAdmin it extends.
if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object

# Names listed in one summary message; a longer selection ends with "and N more".
MAX_NAMED = 20


@dataclass
class Outcome:
    """What a bulk action did: the titles it moved, and the titles it refused with why."""

    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def refusal(exc: Exception) -> str:
    """Return why a move was refused, as the change form would say it."""
    if isinstance(exc, workflow.NotReady):
        return " ".join(check.fix for check in exc.failed)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def each(explainers: Iterable[Explainer], move: Callable[[Explainer], object]) -> Outcome:
    """Make ``move`` on every explainer, one transaction each, and say how each one went.

    The moves are ``@transaction.atomic`` and raise before they write anything they refuse,
    so a refused explainer is left exactly as it was and the loop goes on.
    """
    outcome = Outcome()
    for explainer in explainers:
        try:
            move(explainer)
        except (PermissionDenied, workflow.InvalidTransition, ValidationError) as exc:
            outcome.refused.append((explainer.title, refusal(exc)))
        else:
            outcome.done.append(explainer.title)
    return outcome


def _listed(items: list[str], separator: str) -> str:
    shown = separator.join(items[:MAX_NAMED])
    more = len(items) - MAX_NAMED
    return f"{shown}{separator}and {more} more" if more > 0 else shown


def summary(done_word: str, outcome: Outcome) -> list[tuple[int, str]]:
    """Return the messages that report ``outcome``: what was done, then what was refused."""
    said = []
    if outcome.done:
        names = _listed(outcome.done, ", ")
        said.append((messages.SUCCESS, f"{done_word} {len(outcome.done)}: {names}."))
    if outcome.refused:
        reasons = [f"{title} — {why.rstrip('.')}" for title, why in outcome.refused]
        said.append((messages.ERROR, f"Refused {len(outcome.refused)}: {_listed(reasons, '; ')}."))
    return said


# The intermediate pages' forms.


class UnpublishForm(forms.Form):
    comment = forms.CharField(
        label="Why (required)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded in each explainer's history.",
    )


class BulkAssignForm(ReviewFields):
    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        # Every fact-checker: the four-eyes rule (not its author or submitter) is checked per
        # explainer by workflow.assign, which refuses that one and goes on with the others.
        self.offer(fact_checkers())


class BulkActionsMixin(ExplainerAdminBase):
    """Publish, unpublish and assign the explainers selected on the change list."""

    actions = ["publish_selected", "unpublish_selected", "assign_selected"]
    bulk_template = "admin/articles/explainer/bulk_action.html"

    # Who is offered which action (the moves check again for every explainer).

    # The permissions workflow.can_publish and workflow.can_assign ask for.
    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_explainer")

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.assign_explainer")

    def report(self, request: HttpRequest, done_word: str, outcome: Outcome) -> None:
        for level, text in summary(done_word, outcome):
            self.message_user(request, text, level)

    @admin.action(description="Publish the selected explainers now", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Explainer]) -> None:
        by = acting_user(request)
        publish = publication.function_for("publish")
        self.report(request, "Published", each(queryset, lambda e: publish(e, by=by)))

    @admin.action(description="Unpublish the selected explainers…", permissions=["publish"])
    def unpublish_selected(
        self, request: HttpRequest, queryset: QuerySet[Explainer]
    ) -> HttpResponse | None:
        form = UnpublishForm(request.POST if "post" in request.POST else None)
        if not form.is_valid():
            return self.bulk_page(request, queryset, form, "unpublish_selected", "Unpublish")
        by, comment = acting_user(request), form.cleaned_data["comment"]
        unpublish = publication.function_for("unpublish")
        outcome = each(queryset, lambda e: unpublish(e, by=by, comment=comment))
        self.report(request, "Unpublished", outcome)
        return None

    @admin.action(description="Assign the selected to a fact-checker…", permissions=["assign"])
    def assign_selected(
        self, request: HttpRequest, queryset: QuerySet[Explainer]
    ) -> HttpResponse | None:
        form = BulkAssignForm(request.POST if "post" in request.POST else None)
        if not form.is_valid():
            return self.bulk_page(
                request, queryset, form, "assign_selected", "Assign to a fact-checker"
            )
        by = acting_user(request)
        checker, due = form.cleaned_data["assignee"], form.cleaned_data["review_due"]
        outcome = each(queryset, lambda e: workflow.assign(e, by=by, assignee=checker, due=due))
        self.report(request, "Assigned", outcome)
        return None

    def bulk_page(
        self,
        request: HttpRequest,
        queryset: QuerySet[Explainer],
        form: forms.Form,
        action: str,
        title: str,
    ) -> TemplateResponse:
        """The intermediate page: the selection, the form, and the action to post it back to."""
        explainers = list(queryset)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{title}: {len(explainers)} selected",
            "submit_label": title,
            "form": form,
            "explainers": explainers,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.bulk_template, context)
