"""Edit locks: who may take and give them up, how long they last, and what they refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Explainer, Transition
from articles.publishing import moves as publication
from articles.workflow import locks
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import desk_editor, explainer_in
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State


def test_an_editor_locks_an_explainer_for_the_set_time(editor, settings):
    """Locking records the holder, the start, and an end NEWSROOM_LOCK_MINUTES later."""
    settings.NEWSROOM_LOCK_MINUTES = 20
    explainer = complete_explainer()
    locks.lock(explainer, by=editor)
    explainer.refresh_from_db()
    assert explainer.locked_by == editor
    assert explainer.lock_expires_at - explainer.locked_at == timedelta(minutes=20)
    assert explainer.lock_active()


def test_locking_is_not_an_edit(editor):
    """The lock leaves the text's bookkeeping alone: no new lock_version, updated_at or state."""
    explainer = explainer_in(State.IN_REVIEW)
    before = Explainer.objects.values("lock_version", "updated_at", "state").get(pk=explainer.pk)
    locks.lock(explainer, by=editor)
    locks.unlock(explainer, by=editor)
    after = Explainer.objects.values("lock_version", "updated_at", "state").get(pk=explainer.pk)
    assert after == before


def test_lock_and_unlock_are_on_the_audit_trail(editor):
    """Taking and giving up a lock each write a trail row that keeps the state."""
    explainer = complete_explainer()
    locks.lock(explainer, by=editor)
    locks.unlock(explainer, by=editor)
    rows = list(Transition.objects.filter(explainer=explainer).order_by("at", "pk"))
    assert [(t.name, t.actor, t.from_state, t.to_state) for t in rows] == [
        ("lock", editor, State.DRAFT, State.DRAFT),
        ("unlock", editor, State.DRAFT, State.DRAFT),
    ]


def test_another_editor_breaking_a_lock_is_said_on_the_trail(editor):
    """An editor who unlocks someone else's lock is recorded with whose lock it was."""
    holder = desk_editor()
    holder.first_name, holder.last_name = "Hana", "Holder"
    holder.save()
    explainer = complete_explainer()
    locks.lock(explainer, by=holder)
    locks.unlock(explainer, by=editor)
    row = Transition.objects.get(explainer=explainer, name="unlock")
    assert row.actor == editor
    assert row.comment.startswith("Lock taken by Hana Holder at ")
    assert not Explainer.objects.get(pk=explainer.pk).lock_active()


def test_locking_again_renews_without_a_second_trail_row(editor):
    """The holder's second Lock moves the end on, and the trail still has one lock row."""
    explainer = complete_explainer()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        locks.lock(explainer, by=editor)
        first_end = explainer.lock_expires_at
        traveller.shift(timedelta(minutes=10))
        locks.lock(explainer, by=editor)
    explainer.refresh_from_db()
    assert explainer.lock_expires_at == first_end + timedelta(minutes=10)
    assert Transition.objects.filter(explainer=explainer, name="lock").count() == 1


def test_a_lock_runs_out_without_renewal(editor, writer):
    """Past its end a lock is no lock: the writer may edit and move the explainer again."""
    explainer = complete_explainer(authors=[writer])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locks.lock(explainer, by=editor)
    explainer.refresh_from_db()
    with time_machine.travel(start + locks.duration() - timedelta(seconds=1), tick=False):
        assert explainer.locked_for(writer)
    with time_machine.travel(start + locks.duration() + timedelta(seconds=1), tick=False):
        assert not explainer.locked_for(writer)
        workflow.submit(explainer, by=writer)
    assert explainer.state == State.IN_REVIEW


def test_renewal_writes_only_after_half_the_time(editor):
    """The heartbeat's renewal leaves a fresh lock alone and extends one half gone."""
    explainer = complete_explainer()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locks.lock(explainer, by=editor)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert not locks.renew(explainer.pk, by=editor)
    later = start + locks.duration() * 0.75
    with time_machine.travel(later, tick=False):
        assert locks.renew(explainer.pk, by=editor)
    explainer.refresh_from_db()
    assert explainer.lock_expires_at == later + locks.duration()


def test_only_the_holder_renews(editor):
    """Someone else's heartbeat never extends the lock, nor revives an expired one."""
    holder = desk_editor()
    explainer = complete_explainer()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locks.lock(explainer, by=holder)
    with time_machine.travel(start + locks.duration() * 0.75, tick=False):
        assert not locks.renew(explainer.pk, by=editor)
    with time_machine.travel(start + locks.duration() * 2, tick=False):
        assert not locks.renew(explainer.pk, by=holder)


# Who may lock and unlock.


@pytest.mark.parametrize(
    ("role", "may_lock"),
    [("writer", False), ("fact_checker", False), ("editor", True)],
)
def test_only_editors_may_lock(request, role, may_lock):
    """Editors lock; writers (even of their own explainer) and fact-checkers are refused."""
    user = request.getfixturevalue(role)
    explainer = complete_explainer(authors=[user] if role == "writer" else [])
    assert locks.can_lock(user, explainer) is may_lock
    if may_lock:
        locks.lock(explainer, by=user)
    else:
        with pytest.raises(PermissionDenied):
            locks.lock(explainer, by=user)
    assert Explainer.objects.get(pk=explainer.pk).lock_active() is may_lock


def test_an_editor_may_not_lock_over_someone_elses_lock(editor):
    """A second editor is refused the lock while the first holds it, and the holder stays."""
    holder = desk_editor()
    explainer = complete_explainer()
    locks.lock(explainer, by=holder)
    assert not locks.can_lock(editor, explainer)
    with pytest.raises(workflow.Locked):
        locks.lock(explainer, by=editor)
    assert Explainer.objects.get(pk=explainer.pk).locked_by == holder


@pytest.mark.parametrize(
    ("role", "may_unlock"),
    [("writer", False), ("fact_checker", False), ("editor", True)],
)
def test_who_may_unlock_someone_elses_lock(request, role, may_unlock):
    """Another editor may break a lock; writers and fact-checkers may not."""
    user = request.getfixturevalue(role)
    explainer = complete_explainer(authors=[user] if role == "writer" else [])
    locks.lock(explainer, by=desk_editor())
    assert locks.can_unlock(user, explainer) is may_unlock
    if may_unlock:
        locks.unlock(explainer, by=user)
    else:
        with pytest.raises(PermissionDenied):
            locks.unlock(explainer, by=user)
    assert Explainer.objects.get(pk=explainer.pk).lock_active() is not may_unlock


def test_the_holder_may_unlock_after_losing_the_editor_role(editor):
    """The holder gives up their own lock even if they are no longer an editor."""
    explainer = complete_explainer()
    locks.lock(explainer, by=editor)
    editor.groups.clear()
    editor = type(editor).objects.get(pk=editor.pk)  # a fresh permission cache
    assert locks.can_unlock(editor, explainer)
    locks.unlock(explainer, by=editor)
    assert not Explainer.objects.get(pk=explainer.pk).lock_active()


def test_unlocking_an_expired_lock_is_refused_as_nothing_to_do(editor):
    """An expired lock is no lock: unlocking it says so and writes no trail row."""
    explainer = complete_explainer()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locks.lock(explainer, by=editor)
    later = start + locks.duration() * 2
    with time_machine.travel(later, tick=False), pytest.raises(workflow.InvalidTransition):
        locks.unlock(explainer, by=editor)
    assert not Transition.objects.filter(explainer=explainer, name="unlock").exists()


# What a lock refuses.


def test_moves_by_others_are_refused_while_locked(editor, writer):
    """The writer may not submit, and another editor may not publish, a locked explainer."""
    draft = complete_explainer(authors=[writer])
    approved = explainer_in(State.APPROVED)
    holder = desk_editor()
    locks.lock(draft, by=holder)
    locks.lock(approved, by=holder)
    assert workflow.available_moves(writer, draft) == []
    with pytest.raises(workflow.Locked, match="locked this explainer"):
        workflow.submit(draft, by=writer)
    with pytest.raises(workflow.Locked):
        publication.publish(approved, by=editor)
    assert Explainer.objects.get(pk=draft.pk).state == State.DRAFT
    assert Explainer.objects.get(pk=approved.pk).state == State.APPROVED


def test_the_holder_still_makes_moves(editor):
    """The lock holds others back, not its holder."""
    explainer = explainer_in(State.APPROVED)
    locks.lock(explainer, by=editor)
    publication.publish(explainer, by=editor)
    assert Explainer.objects.get(pk=explainer.pk).state == State.PUBLISHED


def test_assigning_a_locked_explainer_is_refused(editor, fact_checker):
    """Another editor may not assign the review while the lock is held."""
    explainer = explainer_in(State.IN_REVIEW)
    locks.lock(explainer, by=desk_editor())
    with pytest.raises(workflow.Locked):
        workflow.assign(explainer, by=editor, assignee=fact_checker)
    assert Explainer.objects.get(pk=explainer.pk).assignee is None
