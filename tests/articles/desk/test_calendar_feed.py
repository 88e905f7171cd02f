"""The private calendar feed: a secret, revocable address that shows what its owner may open."""

from __future__ import annotations

import datetime
from datetime import UTC, timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from icalendar import Calendar

from articles.models import CalendarFeedToken, Explainer
from articles.publishing import moves as publication
from articles.site import cache
from tests import factories
from tests.articles.workflow_helpers import explainer_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2031, 6, 4, 8, 0, tzinfo=UTC)
TOKEN_URL = "admin:articles_explainer_calendar_token"


@pytest.fixture(autouse=True)
def at_now(settings):
    settings.TIME_ZONE = "Europe/London"
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_feed_url(client, action="create") -> str:
    response = client.post(reverse(TOKEN_URL), {"action": action})
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    return response.context["feed_url"]


def read_feed(url: str):
    """Fetch the feed as a calendar app would: no session, no cookies."""
    return Client().get(url.removeprefix("http://testserver"))


def summaries(response) -> list[str]:
    return sorted(str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.fixture
def dates(writer, other_writer, editor):
    own = factories.complete_explainer(authors=[writer], title="Own draft")
    factories.TimelineEventFactory(
        explainer=own, date=datetime.date(2031, 7, 1), precision="month", kind="upcoming"
    )
    colleague = factories.complete_explainer(authors=[other_writer], title="Colleague draft")
    factories.TimelineEventFactory(
        explainer=colleague, date=datetime.date(2031, 6, 10), precision="day", kind="watch"
    )
    scheduled = explainer_in(Explainer.State.APPROVED, authors=[writer], title="Scheduled")
    publication.publish(scheduled, by=editor, go_live_at=NOW + timedelta(days=3, hours=1))
    Explainer.objects.filter(pk=own.pk).update(review_due=datetime.date(2031, 6, 12))


def test_the_feed_lists_only_what_its_owner_may_open_without_a_session(writer, dates):
    response = read_feed(new_feed_url(logged_in(writer)))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert summaries(response) == [
        "Goes live: Scheduled",
        "Review due: Own draft",
        "Upcoming: Own draft (date in July 2031 to be confirmed)",
    ]


def test_an_editor_feed_has_the_colleague_draft_too(editor, dates):
    assert "Watch: Colleague draft" in summaries(read_feed(new_feed_url(logged_in(editor))))


def test_events_keep_their_uids_and_times(writer, dates, at_now):
    url = new_feed_url(logged_in(writer))
    first = Calendar.from_ical(read_feed(url).content)
    at_now.shift(timedelta(hours=1))
    second = Calendar.from_ical(read_feed(url).content)
    uids = [str(e["uid"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["uid"]) for e in second.walk("VEVENT")]
    assert len(set(uids)) == 3
    go_live = next(e for e in first.walk("VEVENT") if str(e["summary"]).startswith("Goes"))
    assert go_live.decoded("dtstart") == NOW + timedelta(days=3, hours=1)
    month = next(e for e in first.walk("VEVENT") if "July" in str(e["summary"]))
    assert month.decoded("dtstart") == datetime.date(2031, 7, 1)
    assert month.decoded("dtend") == datetime.date(2031, 8, 1)


def test_the_token_is_stored_hashed_and_shown_once(writer):
    client = logged_in(writer)
    url = new_feed_url(client)
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")
    row = CalendarFeedToken.objects.get(user=writer)
    assert token not in row.digest and len(row.digest) == 64
    page = client.get(reverse("admin:articles_explainer_calendar")).content.decode()
    assert token not in page
    assert "Reset the address" in page


def test_reset_kills_the_old_address_and_revoke_kills_the_new(writer):
    client = logged_in(writer)
    old = new_feed_url(client)
    new = new_feed_url(client, "reset")
    assert old != new
    assert read_feed(old).status_code == 404
    assert read_feed(new).status_code == 200
    assert client.post(reverse(TOKEN_URL), {"action": "revoke"}).status_code == 302
    assert read_feed(new).status_code == 404
    assert CalendarFeedToken.objects.filter(user=writer).active().count() == 0
    assert CalendarFeedToken.objects.filter(user=writer).count() == 2


def test_a_deactivated_owner_feed_is_dead(writer):
    url = new_feed_url(logged_in(writer))
    writer.is_active = False
    writer.save()
    assert read_feed(url).status_code == 404


def test_made_up_tokens_and_bad_actions_are_refused(writer, client):
    assert (
        read_feed(reverse("admin:articles_explainer_calendar_feed", args=["guess"])).status_code
        == 404
    )
    writer_client = logged_in(writer)
    response = writer_client.post(reverse(TOKEN_URL), {"action": "steal"})
    assert response.status_code == 302
    assert not CalendarFeedToken.objects.exists()
    assert writer_client.get(reverse(TOKEN_URL)).status_code == 405
    # Without a session, no token can be made.
    assert client.post(reverse(TOKEN_URL), {"action": "create"}).status_code == 302
    assert not CalendarFeedToken.objects.exists()


def test_one_user_token_does_not_touch_another(writer, other_writer):
    mine = new_feed_url(logged_in(writer))
    new_feed_url(logged_in(other_writer), "reset")
    assert read_feed(mine).status_code == 200


def test_the_feed_never_goes_through_the_public_page_cache(writer):
    url = new_feed_url(logged_in(writer)).removeprefix("http://testserver")
    assert cache.request_url(RequestFactory().get(url)) is None
