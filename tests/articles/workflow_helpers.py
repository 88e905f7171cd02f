"""Build explainers in any workflow state, through the real workflow functions."""

from __future__ import annotations

from django.contrib.auth.models import Group

from articles import roles
from articles.models import Explainer
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests import factories

State = Explainer.State


def user_in(role: str, username: str):
    """Return a staff user in ``role`` (made once per test database)."""
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def desk_editor():
    """An editor who is nobody's author: used to move explainers along in test set-up."""
    return user_in(roles.EDITOR, "desk_editor")


def desk_checker():
    """A fact-checker who is nobody's author, for set-up approvals."""
    return user_in(roles.FACT_CHECKER, "desk_checker")


def explainer_in(state: str, *, authors=(), submitted_by=None, **kwargs) -> Explainer:
    """Return a complete explainer moved to ``state`` by desk users (or ``submitted_by``)."""
    explainer = factories.complete_explainer(authors=authors, **kwargs)
    if state == State.DRAFT:
        return explainer
    editor = desk_editor()
    workflow.submit(explainer, by=submitted_by or editor)
    if state == State.IN_REVIEW:
        return explainer
    workflow.approve(explainer, by=desk_checker())
    if state == State.APPROVED:
        return explainer
    publication.publish(explainer, by=editor)
    if state == State.PUBLISHED:
        return explainer
    publication.unpublish(explainer, by=editor, comment="Taken down for the test.")
    assert state == State.ARCHIVED
    return explainer


def scheduled_revision(*, authors, go_live_at, title="Second headline") -> Explainer:
    """Return an explainer whose version 1 is live and whose revision (version 2, ``title``)
    is scheduled to go live at ``go_live_at``; version 1 is titled "First headline"."""
    explainer = explainer_in(State.PUBLISHED, authors=authors, title="First headline")
    writer = authors[0] if authors else desk_editor()
    explainer.title = title
    explainer.change_note = "New headline."
    explainer.save()
    workflow.revise(explainer, by=writer)
    workflow.submit(explainer, by=desk_editor())
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=desk_editor(), go_live_at=go_live_at)
    explainer.refresh_from_db()
    return explainer
