"""Cancelling or moving a scheduled publication at the desk: the panel, the posts, the queues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Explainer, PublishedVersion
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import explainer_in, scheduled_revision

pytestmark = pytest.mark.django_db

State = Explainer.State

NOW = datetime(2031, 6, 1, 8, 0, tzinfo=UTC)
GO_LIVE = NOW + timedelta(hours=2)


@pytest.fixture(autouse=True)
def at_now(settings):
    settings.TIME_ZONE = "Europe/London"
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def move_url(explainer: Explainer, verb: str) -> str:
    return reverse("admin:articles_explainer_transition", args=[explainer.pk, verb])


def offered(client, explainer: Explainer) -> list[str]:
    panel = client.get(change_url(explainer)).context["workflow"]
    return [button["move"].verb for button in panel["buttons"]]


def scheduled_first(writer, editor) -> Explainer:
    explainer = explainer_in(State.APPROVED, authors=[writer])
    publication.publish(explainer, by=editor, go_live_at=GO_LIVE)
    return explainer


def expired(writer, editor) -> Explainer:
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        explainer = explainer_in(State.APPROVED, authors=[writer])
        publication.publish(explainer, by=editor, expires_at=NOW - timedelta(days=1))
    return explainer


def cancelled(writer, editor) -> Explainer:
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    publication.cancel_schedule(explainer, by=editor)
    return explainer


PANEL_CASES = [
    pytest.param(
        lambda w, e: scheduled_revision(authors=[w], go_live_at=GO_LIVE),
        ["unpublish", "cancel_schedule", "reschedule"],
        id="v1-live-v2-scheduled",
    ),
    pytest.param(
        scheduled_first, ["unpublish", "cancel_schedule", "reschedule"], id="v1-scheduled"
    ),
    pytest.param(cancelled, ["request_changes", "publish", "unpublish"], id="schedule-cancelled"),
    pytest.param(
        lambda w, e: explainer_in(State.PUBLISHED, authors=[w]), ["unpublish"], id="live-only"
    ),
    pytest.param(expired, [], id="expired-nothing-public"),
]


@pytest.mark.parametrize(("make", "verbs"), PANEL_CASES)
def test_editor_is_offered_exactly_the_moves_that_make_sense(client, editor, writer, make, verbs):
    """Schedule moves only while a version waits; unpublish only while one is live or waits."""
    explainer = make(writer, editor)
    client.force_login(editor)
    assert offered(client, explainer) == verbs


@pytest.mark.parametrize("role", ["writer", "fact_checker"])
def test_others_are_offered_no_schedule_move(request, client, writer, role):
    """Writers and fact-checkers see no button for a scheduled version."""
    user = request.getfixturevalue(role)
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    client.force_login(user)
    html = client.get(change_url(explainer)).content.decode()
    for verb in ("cancel_schedule", "reschedule", "unpublish"):
        assert f'data-move="{verb}"' not in html


def test_reschedule_form_starts_from_the_scheduled_time_in_newsroom_time(client, editor, writer):
    """The new-time box shows the current go-live time as the newsroom's clock reads it."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    client.force_login(editor)
    html = client.get(change_url(explainer)).content.decode()
    assert 'name="reschedule-go_live_at" value="2031-06-01T11:00"' in html


def test_cancel_schedule_through_the_admin(client, editor, writer):
    """POST to the move's URL: v1 stays live, the copy is approved, v2 is gone from the desk."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    client.force_login(editor)
    response = client.post(move_url(explainer, "cancel_schedule"), {"cancel_schedule-comment": ""})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Cancel schedule: done. It is now approved."
    ]
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED
    assert [v.number for v in PublishedVersion.objects.live().filter(explainer=explainer)] == [1]
    panel = client.get(change_url(explainer)).context["workflow"]
    assert [(r["version"].number, r["live"]) for r in panel["versions"]] == [(1, True)]


def test_history_panel_says_the_move_in_plain_words(client, editor, writer):
    """The history reads "Schedule cancelled", "Published → Approved", with the comment."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    client.force_login(editor)
    client.post(move_url(explainer, "cancel_schedule"), {"cancel_schedule-comment": "Embargo."})
    html = client.get(change_url(explainer)).content.decode()
    row = html[html.index('data-record="cancel_schedule"') :]
    row = row[: row.index("</tr>")]
    assert "<td>Schedule cancelled</td>" in row
    assert "Published → Approved" in row
    assert "Cancelled version 2" in row and "Embargo." in row


def test_reschedule_through_the_admin_reads_newsroom_time(client, editor, writer):
    """A time typed in London is stored as its UTC instant; the message says when."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    client.force_login(editor)
    response = client.post(
        move_url(explainer, "reschedule"), {"reschedule-go_live_at": "2031-06-03T09:30"}
    )

    version = PublishedVersion.objects.get(explainer=explainer, number=2)
    assert version.go_live_at == datetime(2031, 6, 3, 8, 30, tzinfo=UTC)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Change go-live time: done. The new version is scheduled to go live on 3 Jun 2031, 09:30."
    ]


def test_reschedule_to_a_passed_time_is_a_form_error(client, editor, writer):
    """A typed time that has passed is refused with a message (empty means now)."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    client.force_login(editor)
    response = client.post(
        move_url(explainer, "reschedule"), {"reschedule-go_live_at": "2031-05-30T09:00"}
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "New go-live time: That time has passed: leave it empty to publish now."
    ]
    assert PublishedVersion.objects.get(explainer=explainer, number=2).go_live_at == GO_LIVE


def test_schedule_moves_are_refused_to_a_writer_by_url(client, writer):
    """Posting the move's URL without the permission is a 403 and changes nothing."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE)
    client.force_login(writer)
    assert client.post(move_url(explainer, "cancel_schedule"), {}).status_code == 403
    assert PublishedVersion.objects.scheduled().filter(explainer=explainer).count() == 1


def scheduled_queue(client) -> list[str]:
    response = client.get(reverse("admin:index"))
    (queue,) = [q for q in response.context["queues"] if q["key"] == "scheduled"]
    return [item["title"] for item in queue["items"]]


def test_cancelled_schedule_leaves_the_scheduled_queue(client, editor, writer):
    """The desk's scheduled queue lists the version until it is cancelled."""
    explainer = scheduled_revision(authors=[writer], go_live_at=GO_LIVE, title="Soon")
    client.force_login(editor)
    assert scheduled_queue(client) == ["Soon"]
    publication.cancel_schedule(explainer, by=editor)
    assert scheduled_queue(client) == []


def test_unpublished_schedule_is_not_shown_as_scheduled(client, editor, writer):
    """A scheduled version taken down never goes live: not in the queue, not "scheduled"."""
    explainer = scheduled_first(writer, editor)
    publication.unpublish(explainer, by=editor, comment="Pulled.")
    client.force_login(editor)
    assert scheduled_queue(client) == []
    (row,) = client.get(change_url(explainer)).context["workflow"]["versions"]
    assert (row["scheduled"], row["never_live"]) == (False, True)
    assert not workflow.has_public_version(explainer)
