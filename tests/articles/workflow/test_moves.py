"""The workflow: the table of moves, who may move what, four eyes, assignment, races."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.utils import timezone

from articles.models import Explainer, KeyFact, PublishedVersion, Transition
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import (
    desk_checker,
    desk_editor,
    explainer_in,
)
from tests.factories import UserFactory, complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State

# verb -> (state it starts from, state it ends in, extra keyword arguments)
MOVES = {
    "submit": (State.DRAFT, State.IN_REVIEW, {}),
    "request_changes": (State.IN_REVIEW, State.DRAFT, {"comment": "Source 2 is a blog."}),
    "approve": (State.IN_REVIEW, State.APPROVED, {}),
    "publish": (State.APPROVED, State.PUBLISHED, {}),
    "unpublish": (State.PUBLISHED, State.ARCHIVED, {"comment": "Legal asked us to."}),
    "restore": (State.ARCHIVED, State.DRAFT, {}),
}

# role -> verb -> (may on an explainer they wrote, may on someone else's)
MATRIX = {
    "writer": {
        "submit": (True, False),
        "request_changes": (False, False),
        "approve": (False, False),
        "publish": (False, False),
        "unpublish": (False, False),
        "restore": (False, False),
    },
    "fact_checker": {
        "submit": (False, False),
        "request_changes": (True, True),
        "approve": (False, True),  # four eyes: never their own
        "publish": (False, False),
        "unpublish": (False, False),
        "restore": (False, False),
    },
    "editor": {
        "submit": (True, True),
        "request_changes": (True, True),
        "approve": (False, True),  # four eyes applies to editors too
        "publish": (True, True),
        "unpublish": (True, True),
        "restore": (True, True),
    },
}

CASES = [
    pytest.param(role, verb, own, allowed[0 if own else 1], id=f"{role}-{verb}-{owner}")
    for role, verbs in MATRIX.items()
    for verb, allowed in verbs.items()
    for own, owner in [(True, "own"), (False, "other")]
]


def _call(verb: str, explainer: Explainer, user, **kwargs):
    return publication.function_for(verb)(explainer, by=user, **kwargs)


@pytest.mark.parametrize(("role", "verb", "own", "allowed"), CASES)
def test_permission_matrix(request, other_writer, role, verb, own, allowed):
    """Each role may make exactly the moves of the table, on its own and others' explainers."""
    user = request.getfixturevalue(role)
    source, target, kwargs = MOVES[verb]
    explainer = explainer_in(source, authors=[user if own else other_writer])
    before = Transition.objects.filter(explainer=explainer).count()

    assert getattr(workflow, f"can_{verb}")(user, explainer) is allowed
    if allowed:
        _call(verb, explainer, user, **kwargs)
        explainer.refresh_from_db()
        assert explainer.state == target
        last = Transition.objects.filter(explainer=explainer).first()
        assert (last.actor, last.from_state, last.to_state) == (user, source, target)
    else:
        with pytest.raises(PermissionDenied):
            _call(verb, explainer, user, **kwargs)
        explainer.refresh_from_db()
        assert explainer.state == source
        assert Transition.objects.filter(explainer=explainer).count() == before


TABLE = [
    pytest.param(verb, state, state == MOVES[verb][0], id=f"{verb}-from-{state}")
    for verb in MOVES
    for state in State.values
    if not (verb == "request_changes" and state == State.APPROVED)
]


@pytest.mark.parametrize(("verb", "state", "allowed"), TABLE)
def test_state_table(superuser, writer, verb, state, allowed):
    """A move is possible only from the states of the table; else InvalidTransition."""
    explainer = explainer_in(state, authors=[writer])
    kwargs = {**MOVES[verb][2], "comment": "Reason given."}
    if allowed:
        _call(verb, explainer, superuser, **kwargs)
        assert explainer.state == MOVES[verb][1]
    else:
        with pytest.raises(workflow.InvalidTransition):
            _call(verb, explainer, superuser, **kwargs)
        explainer.refresh_from_db()
        assert explainer.state == state


def test_request_changes_from_approved(fact_checker, writer):
    """Request changes also takes an approved explainer back to draft and drops the approval."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    workflow.request_changes(explainer, by=fact_checker, comment="Fact 2 is out of date.")
    explainer.refresh_from_db()
    assert explainer.state == State.DRAFT
    assert (explainer.approved_by, explainer.approved_digest) == (None, "")


def test_transition_is_recorded_with_actor_time_and_comment(writer):
    """Each move writes one row: actor, time, from, to and the comment."""
    explainer = complete_explainer(authors=[writer])
    with time_machine.travel("2026-05-04 09:30Z", tick=False):
        workflow.submit(explainer, by=writer, comment="Ready for a look.")
    row = Transition.objects.get(explainer=explainer)
    assert (row.name, row.from_state, row.to_state) == ("submit", "draft", "in_review")
    assert row.actor == writer
    assert row.at.isoformat() == "2026-05-04T09:30:00+00:00"
    assert row.comment == "Ready for a look."


@pytest.mark.parametrize("verb", ["request_changes", "unpublish"])
def test_comment_required(editor, writer, verb):
    """Request changes and unpublish need a comment; without one nothing moves."""
    explainer = explainer_in(MOVES[verb][0], authors=[writer])
    with pytest.raises(ValidationError):
        _call(verb, explainer, editor, comment="   ")
    explainer.refresh_from_db()
    assert explainer.state == MOVES[verb][0]


def test_four_eyes_submitter_may_not_approve(editor, writer):
    """An editor who submitted someone else's explainer may not approve it."""
    explainer = complete_explainer(authors=[writer])
    workflow.submit(explainer, by=editor)
    assert not workflow.can_approve(editor, explainer)
    with pytest.raises(PermissionDenied):
        workflow.approve(explainer, by=editor)


def test_four_eyes_applies_to_superusers(superuser, writer):
    """A superuser who is an author of an explainer may not approve it."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer, superuser])
    with pytest.raises(PermissionDenied):
        workflow.approve(explainer, by=superuser)


def test_four_eyes_allows_another_reviewer(fact_checker, writer):
    """Someone who neither wrote nor submitted it approves, and is recorded as approver."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer], submitted_by=writer)
    workflow.approve(explainer, by=fact_checker)
    explainer.refresh_from_db()
    assert explainer.approved_by == fact_checker
    assert explainer.approved_digest


def test_approve_refuses_when_not_ready(fact_checker, writer):
    """Approval waits for the checklist: an unverified fact is named in the refusal."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    KeyFact.objects.filter(explainer=explainer).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    with pytest.raises(workflow.NotReady) as caught:
        workflow.approve(explainer, by=fact_checker)
    assert [c.key for c in caught.value.failed] == ["facts_verified"]
    assert "verified" in str(caught.value)
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW


def test_available_moves_lists_exactly_the_allowed_ones(fact_checker, writer):
    """A fact-checker looking at someone's explainer in review may approve or send it back."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    verbs = [m.verb for m in workflow.available_moves(fact_checker, explainer)]
    assert verbs == ["request_changes", "approve"]
    assert [m.verb for m in workflow.available_moves(writer, explainer)] == []


# Live version and working copy.


def test_revise_drops_the_approval(writer):
    """An edited approved copy is a draft again with no approval left."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    workflow.revise(explainer, by=writer)
    explainer.refresh_from_db()
    assert explainer.state == State.DRAFT
    assert explainer.approved_by is None and explainer.approved_digest == ""


# Assignment.


def test_assign_names_a_fact_checker_with_a_due_date(editor, fact_checker, writer):
    """An editor assigns a review; the assignment is recorded in the history."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    due = timezone.localdate() + timedelta(days=3)
    workflow.assign(explainer, by=editor, assignee=fact_checker, due=due)
    explainer.refresh_from_db()
    assert (explainer.assignee, explainer.review_due) == (fact_checker, due)
    row = Transition.objects.filter(explainer=explainer).first()
    assert row.name == "assign"
    assert row.comment.startswith("Assigned to ")


def test_assign_refuses_an_author(editor, writer):
    """Four eyes: an author cannot be the assigned reviewer, even with the role."""
    checker_author = desk_checker()
    explainer = explainer_in(State.IN_REVIEW, authors=[writer, checker_author])
    with pytest.raises(ValidationError):
        workflow.assign(explainer, by=editor, assignee=checker_author)


def test_assign_needs_the_permission(fact_checker, writer):
    """Fact-checkers do not hand out reviews."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    with pytest.raises(PermissionDenied):
        workflow.assign(explainer, by=fact_checker, assignee=desk_checker())


# Concurrency (PostgreSQL: real row locks).


def _race(n: int, action) -> list[str]:
    """Run ``action`` in ``n`` threads released together; return each outcome's name."""
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            outcomes.append(type(exc).__name__)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approvals_leave_one_transition(writer):
    """Several reviewers pressing approve at once: one wins, the others are refused."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    checkers = [desk_checker()] + [
        UserFactory(username=f"racer{n}", is_superuser=True) for n in range(4)
    ]
    pk = explainer.pk
    it = iter(checkers)
    lock = threading.Lock()

    def approve():
        with lock:
            user = next(it)
        workflow.approve(Explainer.objects.get(pk=pk), by=user)

    outcomes = _race(len(checkers), approve)
    assert outcomes.count("ok") == 1
    assert outcomes.count("InvalidTransition") == len(checkers) - 1
    assert Transition.objects.filter(explainer_id=pk, name="approve").count() == 1
    explainer = Explainer.objects.get(pk=pk)
    assert explainer.state == State.APPROVED
    winner = Transition.objects.get(explainer_id=pk, name="approve").actor
    assert explainer.approved_by == winner


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishes_leave_one_version(writer):
    """Several editors pressing publish at once: exactly one version and one transition."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    pk = explainer.pk
    editor = desk_editor()

    outcomes = _race(5, lambda: publication.publish(Explainer.objects.get(pk=pk), by=editor))
    assert outcomes.count("ok") == 1
    assert Transition.objects.filter(explainer_id=pk, name="publish").count() == 1
    assert PublishedVersion.objects.filter(explainer_id=pk).count() == 1
    assert Explainer.objects.get(pk=pk).state == State.PUBLISHED
