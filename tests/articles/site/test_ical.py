"""The watch page and /watch.ics: upcoming dates from live versions, soonest first."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from articles.models import TimelineEvent
from articles.site import reads as public
from articles.site.ical import build_calendar, calendar_bytes
from articles.site.views import ICS_HORIZON
from tests import factories
from tests.articles.publicsite import days, explainer_with, publish

pytestmark = pytest.mark.django_db


def ics_events(client) -> list:
    response = client.get("/watch.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_ics_is_a_valid_calendar_with_day_events(client):
    """A day-precision upcoming event becomes an all-day VEVENT (VALUE=DATE)."""
    explainer = explainer_with({"kind": "upcoming", "date": days(5), "text": "Budget vote"})
    publish(explainer)
    response = client.get("/watch.ics")
    assert b"DTSTART;VALUE=DATE:" in response.content
    (event,) = ics_events(client)
    assert event["SUMMARY"] == "Budget vote"
    assert event.decoded("DTSTART") == days(5)
    assert event.decoded("DTEND") == days(6)
    assert str(event["URL"]) == settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()
    assert event["UID"]


def test_ics_month_precision_spans_the_month(client):
    """A month-precision date becomes an all-day entry for the whole month, marked unconfirmed."""
    start = (days(40)).replace(day=1)
    publish(
        explainer_with({"kind": "upcoming", "date": start, "precision": "month", "text": "Report"})
    )
    (event,) = ics_events(client)
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == (start + datetime.timedelta(days=32)).replace(day=1)
    assert "to be confirmed" in str(event["SUMMARY"])


def test_ics_year_precision_spans_the_year(client):
    """A year-precision date is an all-day entry for the whole year, marked unconfirmed, as
    /watch/ lists it under the year."""
    next_year = datetime.date(timezone.localdate().year + 1, 1, 1)
    publish(
        explainer_with(
            {"kind": "upcoming", "date": next_year, "precision": "year", "text": "Some year thing"}
        )
    )
    (event,) = ics_events(client)
    assert event.decoded("DTSTART") == next_year
    assert event.decoded("DTEND") == next_year.replace(year=next_year.year + 1)
    assert str(event["SUMMARY"]) == f"Some year thing (date in {next_year.year} to be confirmed)"
    html = client.get("/watch/").content.decode()
    assert "Some year thing" in html and f">{next_year.year}</time>" in html


def test_ics_holds_year_entries_that_start_within_its_horizon(client):
    """A year starting within the calendar's 18 months is in it, though it ends after them; a
    year starting after them is not (yet)."""
    horizon = timezone.localdate() + ICS_HORIZON
    inside = datetime.date(horizon.year, 1, 1)
    outside = datetime.date(horizon.year + 1, 1, 1)
    publish(
        explainer_with(
            {"kind": "upcoming", "date": inside, "precision": "year", "text": "Inside"},
            {"kind": "upcoming", "date": outside, "precision": "year", "text": "Outside"},
        )
    )
    assert [event.decoded("DTSTART") for event in ics_events(client)] == [inside]


def test_ics_month_and_year_entries_start_on_their_periods_first_day():
    """A month or year date stored on another day still spans exactly its month or year."""

    def item(day: datetime.date, precision: str) -> public.WatchItem:
        return public.WatchItem(
            date=day,
            precision=precision,
            kind="upcoming",
            text="Sometime",
            explainer_id=1,
            slug="s",
            title="T",
            stamp=timezone.now(),
        )

    (event,) = build_calendar([item(datetime.date(2027, 3, 17), "month")]).walk("VEVENT")
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        datetime.date(2027, 3, 1),
        datetime.date(2027, 4, 1),
    )
    (event,) = build_calendar([item(datetime.date(2027, 6, 5), "year")]).walk("VEVENT")
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        datetime.date(2027, 1, 1),
        datetime.date(2028, 1, 1),
    )


def test_ics_leaves_out_undated_items(client):
    """Undated items are on /watch/ only: a calendar needs a day."""
    publish(
        explainer_with({"kind": "watch", "date": None, "precision": "", "text": "Undated question"})
    )
    assert ics_events(client) == []
    assert "Undated question" in client.get("/watch/").content.decode()


def test_ics_asks_to_be_fetched_again_hourly(client):
    """The calendar carries RFC 7986's REFRESH-INTERVAL and Outlook's X-PUBLISHED-TTL, one hour."""
    response = client.get("/watch.ics")
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.content
    calendar = Calendar.from_ical(response.content)
    assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=1)


def test_watch_page_lists_soonest_first(client):
    """Upcoming events across explainers are listed soonest first."""
    publish(explainer_with({"kind": "upcoming", "date": days(20), "text": "Later thing"}))
    publish(explainer_with({"kind": "watch", "date": days(2), "text": "Sooner thing"}))
    html = client.get("/watch/").content.decode()
    assert html.index("Sooner thing") < html.index("Later thing")


def test_watch_page_leaves_out_past_events_and_passed_dates(client):
    """Past events and upcoming dates already gone are not listed."""
    publish(
        explainer_with(
            {"kind": "past", "date": days(-10), "text": "Old news"},
            {"kind": "upcoming", "date": days(-1), "text": "Plan for yesterday"},
            {"kind": "upcoming", "date": days(1), "text": "Plan for tomorrow"},
        )
    )
    html = client.get("/watch/").content.decode()
    assert "Plan for tomorrow" in html
    assert "Old news" not in html and "Plan for yesterday" not in html


def test_month_event_stays_upcoming_until_the_month_ends(client):
    """ "March 2026" is still upcoming on 20 March."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    publish(
        explainer_with(
            {"kind": "upcoming", "date": this_month, "precision": "month", "text": "This month"}
        )
    )
    assert "This month" in client.get("/watch/").content.decode()


def test_watch_reads_published_data_not_the_working_copy(client):
    """A timeline edit not yet published does not reach /watch/ or /watch.ics."""
    explainer = explainer_with({"kind": "upcoming", "date": days(3), "text": "Published date"})
    publish(explainer)
    factories.TimelineEventFactory(
        explainer=explainer, kind="upcoming", date=days(4), text="Unpublished date"
    )
    TimelineEvent.objects.filter(text="Published date").update(text="Edited date")
    html = client.get("/watch/").content.decode()
    assert "Published date" in html
    assert "Unpublished date" not in html and "Edited date" not in html
    assert [str(e["SUMMARY"]) for e in ics_events(client)] == ["Published date"]


def test_watch_items_link_to_their_explainer(client):
    """Each watch item links to the explainer it comes from."""
    explainer = explainer_with(
        {"kind": "upcoming", "date": days(3), "text": "Linked"}, title="Source explainer"
    )
    publish(explainer)
    html = client.get("/watch/").content.decode()
    assert f'<a href="{explainer.get_absolute_url()}">Source explainer</a>' in html


def test_ics_uid_is_stable_across_republishing(client):
    """Republishing an unchanged explainer keeps each event's UID."""
    explainer = explainer_with({"kind": "upcoming", "date": days(3), "text": "Stable"})
    publish(explainer)
    (before,) = ics_events(client)
    publish(explainer)
    (after,) = ics_events(client)
    assert before["UID"] == after["UID"]


def test_vaguer_dates_sort_after_precise_ones_in_their_period(client):
    """Soonest first by the end of each date's period: a day, then its month, then its year."""
    year = timezone.localdate().year + 1
    publish(
        explainer_with(
            {
                "kind": "upcoming",
                "date": datetime.date(year, 1, 1),
                "precision": "year",
                "text": "In the year",
            },
            {
                "kind": "upcoming",
                "date": datetime.date(year, 1, 1),
                "precision": "month",
                "text": "In January",
            },
            {"kind": "upcoming", "date": datetime.date(year, 1, 11), "text": "On the eleventh"},
        )
    )
    html = client.get("/watch/").content.decode()
    assert html.index("On the eleventh") < html.index("In January") < html.index("In the year")


def test_calendar_bytes_equal_the_librarys_whole_calendar(client, settings):
    """The served calendar, built from memoised events, is byte for byte icalendar's own."""
    explainer = explainer_with(
        {"kind": "upcoming", "date": days(5), "text": "Vote on the levy."},
        {"kind": "watch", "date": days(40), "precision": "month", "text": "Ruling due."},
        {
            "kind": "upcoming",
            "date": datetime.date(timezone.localdate().year + 1, 1, 1),
            "precision": "year",
            "text": "Review of the levy.",
        },
        {"kind": "watch", "date": None, "precision": "", "text": "Whether it holds."},
        title="Levy",
    )
    publish(explainer)
    items = public.watch_items()

    assert calendar_bytes(items) == build_calendar(items).to_ical()
    assert client.get("/watch.ics").content == build_calendar(items).to_ical()

    settings.NEWSROOM_NAME = "Harbour Desk"
    settings.NEWSROOM_BASE_URL = "https://harbour.example"
    renamed = calendar_bytes(items)
    assert renamed == build_calendar(items).to_ical()
    assert b"harbour.example" in renamed and b"Harbour Desk" in renamed
