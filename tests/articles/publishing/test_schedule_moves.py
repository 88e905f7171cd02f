"""Cancel a scheduled version, or move its go-live time, while the live version stays live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.models import Explainer, ListEntry, PublishedVersion, Transition
from articles.publishing import moves as publication
from articles.timestamps import iso_datetime
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import desk_checker, explainer_in, scheduled_revision

pytestmark = pytest.mark.django_db

State = Explainer.State

NOW = datetime(2031, 6, 1, 8, 0, tzinfo=UTC)
GO_LIVE = NOW + timedelta(hours=2)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _live(explainer: Explainer) -> list[int]:
    return [v.number for v in PublishedVersion.objects.live().filter(explainer=explainer)]


def _numbers(explainer: Explainer) -> list[int]:
    return sorted(
        PublishedVersion.objects.filter(explainer=explainer).values_list("number", flat=True)
    )


# Cancel schedule.


def test_cancel_schedule_keeps_version_1_live_and_the_copy_approved(at_now, editor, writer):
    """The scheduled version goes; version 1 stays live with no end; the copy is approved."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    digest = explainer.approved_digest
    publication.cancel_schedule(explainer, by=editor)

    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED
    assert (explainer.approved_digest, explainer.approved_by_id is not None) == (digest, True)
    assert _numbers(explainer) == [1]
    version = PublishedVersion.objects.get(explainer=explainer)
    assert version.ends_at is None
    assert set(ListEntry.objects.filter(version=version).values_list("ends_at", flat=True)) == {
        None
    }


def test_cancelled_version_never_goes_live(at_now, client, editor, writer):
    """After the old go-live time readers still get version 1."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    publication.cancel_schedule(explainer, by=editor)
    at_now.move_to(GO_LIVE + timedelta(minutes=1))

    assert _live(explainer) == [1]
    response = client.get(reverse("articles:explainer", kwargs={"slug": explainer.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "First headline" in html and "Second headline" not in html


def test_cancel_schedule_is_recorded_in_plain_words(at_now, editor, writer, settings):
    """The audit row names the move, both states, the version and its time, and the comment."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    publication.cancel_schedule(explainer, by=editor, comment="Embargo extended.")

    last = Transition.objects.filter(explainer=explainer).first()
    assert (last.name, last.from_state, last.to_state, last.actor) == (
        "cancel_schedule",
        State.PUBLISHED,
        State.APPROVED,
        editor,
    )
    assert last.comment.startswith("Cancelled version 2, which was to go live on 1 Jun 2031,")
    assert "Version 1 stays live." in last.comment
    assert last.comment.endswith("Embargo extended.")


def test_cancelled_copy_can_be_scheduled_again_as_it_is(at_now, editor, writer):
    """Approval and change note are kept: publishing again needs no edit and no new review."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    publication.cancel_schedule(explainer, by=editor)
    explainer.refresh_from_db()
    assert explainer.change_note == "New headline."

    version = publication.publish(explainer, by=editor, go_live_at=GO_LIVE + timedelta(days=1))
    assert (version.number, version.title, version.change_note) == (
        2,
        "Second headline",
        "New headline.",
    )


def test_cancel_a_first_publication_leaves_nothing_public(at_now, editor, writer):
    """A scheduled first version cancelled: no version at all, approved, nothing to unpublish."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    publication.publish(explainer, by=editor, go_live_at=GO_LIVE)
    publication.cancel_schedule(explainer, by=editor)

    assert explainer.state == State.APPROVED
    assert _numbers(explainer) == []
    assert [m.verb for m in workflow.available_moves(editor, explainer)] == [
        "request_changes",
        "publish",
    ]


def test_cancel_schedule_of_a_copy_revised_since_keeps_its_state(at_now, editor, writer):
    """Edited after scheduling (a draft now): the schedule goes, the draft stays a draft."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    explainer.what_happened = "<p>A third attempt.</p>"
    explainer.save()
    workflow.revise(explainer, by=writer)
    publication.cancel_schedule(explainer, by=editor)

    explainer.refresh_from_db()
    assert explainer.state == State.DRAFT
    assert explainer.what_happened == "<p>A third attempt.</p>"
    assert _numbers(explainer) == [1] and _live(explainer) == [1]
    last = Transition.objects.filter(explainer=explainer).first()
    assert (last.name, last.from_state, last.to_state) == ("cancel_schedule", "draft", "draft")


def test_cancel_schedule_needs_a_scheduled_version(editor, writer):
    """With only a live version there is nothing to cancel: refused, nothing changes."""
    explainer = explainer_in(State.PUBLISHED, authors=[writer])
    before = Transition.objects.filter(explainer=explainer).count()
    with pytest.raises(workflow.InvalidTransition, match="waiting to go live"):
        publication.cancel_schedule(explainer, by=editor)
    assert _live(explainer) == [1]
    assert Transition.objects.filter(explainer=explainer).count() == before


def test_unpublish_needs_something_live_or_scheduled(at_now, editor, writer):
    """A published explainer whose version expired has nothing to take down: refused."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    publication.publish(explainer, by=editor, expires_at=NOW + timedelta(hours=1))
    at_now.move_to(NOW + timedelta(hours=2))
    with pytest.raises(workflow.InvalidTransition, match="Nothing to take down"):
        publication.unpublish(explainer, by=editor, comment="Old news.")
    explainer.refresh_from_db()
    assert explainer.state == State.PUBLISHED


# Change go-live time.


def test_reschedule_moves_both_versions_times(at_now, editor, writer):
    """Later go-live: version 1 stays live until then, version 2 goes live then."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    later = GO_LIVE + timedelta(days=1)
    version = publication.reschedule(explainer, by=editor, go_live_at=later)

    assert (version.number, version.go_live_at) == (2, later)
    assert set(ListEntry.objects.filter(version=version).values_list("go_live_at", flat=True)) == {
        later
    }
    assert explainer.state == State.PUBLISHED
    at_now.move_to(GO_LIVE + timedelta(minutes=1))
    assert _live(explainer) == [1]
    at_now.move_to(later + timedelta(minutes=1))
    assert _live(explainer) == [2]


def test_reschedule_earlier_ends_version_1_at_the_new_time(at_now, editor, writer):
    """Moved before version 1's own expiry: version 1 ends then, never two live at once."""
    explainer = explainer_in(State.APPROVED, authors=[writer], title="First headline")
    publication.publish(explainer, by=editor, expires_at=NOW + timedelta(hours=3))
    explainer.title = "Second headline"
    explainer.change_note = "New headline."
    explainer.save()
    workflow.revise(explainer, by=writer)
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=editor, go_live_at=NOW + timedelta(hours=5))
    publication.reschedule(explainer, by=editor, go_live_at=NOW + timedelta(hours=1))

    at_now.move_to(NOW + timedelta(hours=2))
    assert _live(explainer) == [2]


def test_reschedule_to_a_passed_time_publishes_now(at_now, editor, writer):
    """A go-live time that has passed (or none) means now: version 2 is live, version 1 ended."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    version = publication.reschedule(explainer, by=editor, go_live_at=NOW - timedelta(days=1))

    assert version.go_live_at == NOW
    assert _live(explainer) == [2]
    assert PublishedVersion.objects.get(explainer=explainer, number=1).ends_at == NOW


def test_reschedule_of_a_first_version_moves_its_first_publication(at_now, editor, writer):
    """A first version's "first published" time is its go-live time, on the page too."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    publication.publish(explainer, by=editor, go_live_at=GO_LIVE)
    later = datetime(2031, 7, 4, 9, 0, tzinfo=UTC)
    version = publication.reschedule(explainer, by=editor, go_live_at=later)

    version.refresh_from_db()
    assert version.first_published_at == later
    assert iso_datetime(later) in version.head_html  # in the newsroom's zone, to the second


def test_reschedule_refuses_a_time_after_the_expiry(at_now, editor, writer):
    """The expiry must still follow go-live: refused with a message, nothing changes."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    publication.publish(
        explainer, by=editor, go_live_at=GO_LIVE, expires_at=GO_LIVE + timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as refused:
        publication.reschedule(explainer, by=editor, go_live_at=GO_LIVE + timedelta(hours=3))

    assert "go_live_at" in refused.value.message_dict
    assert PublishedVersion.objects.get(explainer=explainer).go_live_at == GO_LIVE
    assert Transition.objects.filter(explainer=explainer).first().name == "schedule"


def test_reschedule_is_recorded_with_both_times(at_now, editor, writer, settings):
    """The audit row says the new time and the one it replaces, in the newsroom's time zone."""
    settings.TIME_ZONE = "Europe/London"
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    publication.reschedule(explainer, by=editor, go_live_at=GO_LIVE + timedelta(days=1))

    last = Transition.objects.filter(explainer=explainer).first()
    assert (last.name, last.from_state, last.to_state) == ("reschedule", "published", "published")
    assert last.comment == (
        "Version 2 now goes live on 2 Jun 2031, 11:00 BST "
        "(it was to go live on 1 Jun 2031, 11:00 BST)."
    )


# Who may, and what readers are told.


@pytest.mark.parametrize(
    ("role", "allowed"), [("writer", False), ("fact_checker", False), ("editor", True)]
)
@pytest.mark.parametrize("verb", ["cancel_schedule", "reschedule"])
def test_only_editors_cancel_or_move_a_schedule(request, at_now, other_writer, role, allowed, verb):
    """Both moves need the publish permission: writers and fact-checkers are refused."""
    user = request.getfixturevalue(role)
    explainer = scheduled_revision(
        authors=[user if role == "writer" else other_writer], go_live_at=GO_LIVE
    )
    kwargs = {"go_live_at": GO_LIVE + timedelta(days=1)} if verb == "reschedule" else {}
    assert getattr(workflow, f"can_{verb}")(user, explainer) is allowed
    move = publication.function_for(verb)
    if allowed:
        move(explainer, by=user, **kwargs)
        assert Transition.objects.filter(explainer=explainer).first().name == verb
    else:
        with pytest.raises(PermissionDenied):
            move(explainer, by=user, **kwargs)
        assert _numbers(explainer) == [1, 2]
        assert PublishedVersion.objects.get(explainer=explainer, number=2).go_live_at == GO_LIVE


@pytest.mark.parametrize("verb", ["cancel_schedule", "reschedule"])
def test_schedule_moves_purge_the_page_cache_after_commit(
    at_now, editor, writer, verb, django_capture_on_commit_callbacks, monkeypatch
):
    """What readers will see changed: the page cache forgets public pages once committed."""
    calls = []
    monkeypatch.setattr("articles.site.cache.invalidate_public_pages", lambda: calls.append(1))
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    kwargs = {"go_live_at": GO_LIVE + timedelta(days=1)} if verb == "reschedule" else {}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publication.function_for(verb)(explainer, by=editor, **kwargs)
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [1]
