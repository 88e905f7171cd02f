"""Bulk actions on the explainer list: each explainer moved by the same function as one click,
refusals reported with their reasons, and the actions offered only to those who may use them."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Explainer, KeyFact, Transition
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import desk_editor, explainer_in
from tests.factories import ExplainerFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Explainer.State
CHANGELIST = "admin:articles_explainer_changelist"
BULK_ACTIONS = ("publish_selected", "unpublish_selected", "assign_selected")


def act(client, action: str, explainers, **data):
    """Post ``action`` on the change list for ``explainers``, as its action bar does."""
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [str(e.pk) for e in explainers], **data},
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_of(explainer: Explainer) -> str:
    explainer.refresh_from_db()
    return explainer.state


def not_ready(writer) -> Explainer:
    """An approved explainer whose first key fact has since lost its check."""
    explainer = explainer_in(State.APPROVED, authors=[writer], title="Not ready")
    fact = explainer.key_facts.order_by("position").first()
    KeyFact.objects.filter(pk=fact.pk).update(
        check_status=KeyFact.Check.UNCHECKED, checked_by=None, checked_at=None
    )
    return explainer


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("writer", set()),
        ("fact_checker", set()),
        ("editor", set(BULK_ACTIONS)),
    ],
)
def test_actions_offered_by_permission(request, client, role, offered) -> None:
    """Publish, unpublish and assign are in the list's action menu only for editors."""
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse(CHANGELIST)).content.decode()
    shown = {action for action in BULK_ACTIONS if f'<option value="{action}">' in html}
    assert shown == offered


def test_writer_cannot_bulk_publish_by_posting(client, writer, fact_checker) -> None:
    """A writer posting the publish action by hand publishes nothing."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(writer)
    act(client, "publish_selected", [explainer])
    assert state_of(explainer) == State.APPROVED
    assert not Transition.objects.filter(explainer=explainer, name="publish").exists()


def test_publish_moves_the_ready_and_refuses_the_rest(client, editor, writer) -> None:
    """A mixed selection: the ready one is published, the others stay put, each with its reason."""
    ready = explainer_in(State.APPROVED, authors=[writer], title="Ready")
    unready = not_ready(writer)
    reviewing = explainer_in(State.IN_REVIEW, authors=[writer], title="Reviewing")
    client.force_login(editor)
    response = act(client, "publish_selected", [ready, unready, reviewing])
    assert response.status_code == 302
    assert state_of(ready) == State.PUBLISHED
    assert state_of(unready) == State.APPROVED
    assert state_of(reviewing) == State.IN_REVIEW
    done, refused = messages_of(response)
    assert done == "Published 1: Ready."
    assert refused.startswith("Refused 2: ")
    assert "Not ready — A fact-checker must mark key facts #1 “verified”" in refused
    assert "Reviewing — “Publish” is not possible while the explainer is in review" in refused


def test_publish_records_each_move_like_a_single_click(client, editor, writer) -> None:
    """Every published explainer gets its own audit row, made by the editor who acted."""
    first = explainer_in(State.APPROVED, authors=[writer], title="First")
    second = explainer_in(State.APPROVED, authors=[writer], title="Second")
    client.force_login(editor)
    response = act(client, "publish_selected", [first, second])
    assert [m for m in messages_of(response) if m.startswith("Published 2: ")]
    for explainer in (first, second):
        assert Transition.objects.get(explainer=explainer, name="publish").actor == editor
        assert explainer.versions.count() == 1


def test_refusals_only_are_reported_as_such(client, editor, writer) -> None:
    """Nothing done: no "Published" message, only the refusals."""
    draft = ExplainerFactory(authors=[writer], title="Just a draft")
    client.force_login(editor)
    response = act(client, "publish_selected", [draft])
    assert messages_of(response) == [
        "Refused 1: Just a draft — “Publish” is not possible while the explainer is draft."
    ]


def test_unpublish_asks_why_first(client, editor, writer) -> None:
    """The first post shows a page asking for the reason and changes nothing."""
    live = explainer_in(State.PUBLISHED, authors=[writer], title="Live one")
    client.force_login(editor)
    response = act(client, "unpublish_selected", [live])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Live one" in html
    assert 'name="comment"' in html
    assert f'<input type="hidden" name="_selected_action" value="{live.pk}">' in html
    assert state_of(live) == State.PUBLISHED


def test_unpublish_without_a_reason_changes_nothing(client, editor, writer) -> None:
    """An empty reason is a form error on the same page."""
    live = explainer_in(State.PUBLISHED, authors=[writer])
    client.force_login(editor)
    response = act(client, "unpublish_selected", [live], post="yes", comment="  ")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert state_of(live) == State.PUBLISHED


def test_unpublish_takes_down_the_live_and_refuses_a_draft(client, editor, writer) -> None:
    """With a reason: the live one is archived with it, the draft is refused with why."""
    live = explainer_in(State.PUBLISHED, authors=[writer], title="Live one")
    draft = ExplainerFactory(authors=[writer], title="Draft one")
    client.force_login(editor)
    response = act(client, "unpublish_selected", [live, draft], post="yes", comment="Legal hold.")
    assert response.status_code == 302
    assert state_of(live) == State.ARCHIVED
    assert Transition.objects.get(explainer=live, name="unpublish").comment == "Legal hold."
    assert messages_of(response) == [
        "Unpublished 1: Live one.",
        "Refused 1: Draft one — Nothing to take down: no version is live or scheduled.",
    ]


def test_assign_page_lists_fact_checkers_by_full_name(client, editor, fact_checker, writer):
    """The fact-checker is chosen by full name; writers are not offered."""
    reviewing = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(editor)
    html = act(client, "assign_selected", [reviewing]).content.decode()
    assert f'<option value="{fact_checker.pk}">{fact_checker.get_full_name()}</option>' in html
    assert writer.get_full_name() not in html


def test_assign_assigns_those_in_review_and_refuses_the_rest(
    client, editor, fact_checker, writer
) -> None:
    """In review: assigned (with the due date); a draft, and four eyes, refused with why."""
    reviewing = explainer_in(State.IN_REVIEW, authors=[writer], title="Reviewing")
    own = explainer_in(State.IN_REVIEW, authors=[fact_checker], title="Checker's own")
    draft = ExplainerFactory(authors=[writer], title="Draft one")
    client.force_login(editor)
    response = act(
        client,
        "assign_selected",
        [reviewing, own, draft],
        post="yes",
        assignee=str(fact_checker.pk),
        review_due="2031-05-01",
    )
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.assignee == fact_checker
    assert str(reviewing.review_due) == "2031-05-01"
    own.refresh_from_db()
    draft.refresh_from_db()
    assert own.assignee is None
    assert draft.assignee is None
    done, refused = messages_of(response)
    assert done == "Assigned 1: Reviewing."
    assert "Checker's own — Four eyes: choose someone who neither wrote nor submitted it" in refused
    assert "Draft one — Only an explainer in review can be assigned to a fact-checker" in refused


def test_assign_refuses_someone_who_is_not_a_fact_checker(client, editor, writer) -> None:
    """Only fact-checkers may be chosen: anyone else is a form error, nothing assigned."""
    reviewing = explainer_in(State.IN_REVIEW, authors=[writer])
    outsider = UserFactory(username="outsider")
    client.force_login(editor)
    response = act(client, "assign_selected", [reviewing], post="yes", assignee=str(outsider.pk))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    reviewing.refresh_from_db()
    assert reviewing.assignee is None


def test_long_selections_name_twenty_and_count_the_rest(client, writer) -> None:
    """A summary names at most twenty explainers and counts the others."""
    drafts = [ExplainerFactory(authors=[writer], title=f"Draft {n:02}") for n in range(23)]
    client.force_login(desk_editor())
    (refused,) = messages_of(act(client, "publish_selected", drafts))
    assert refused.startswith("Refused 23: ")
    assert refused.endswith("; and 3 more.")
    assert refused.count(" — ") == 20


def test_refusal_of_one_does_not_undo_another(client, editor, writer) -> None:
    """The explainer published before a refused one stays published (one transaction each)."""
    ready = explainer_in(State.APPROVED, authors=[writer], title="Ready")
    unready = not_ready(writer)
    client.force_login(editor)
    act(client, "publish_selected", [ready, unready])
    assert state_of(ready) == State.PUBLISHED
    assert workflow.has_public_version(ready)
    assert not unready.versions.exists()
