"""The watch calendar as iCalendar (``/watch.ics``), built with the ``icalendar`` library.

What goes in: the dated items of ``public.watch_items()`` (upcoming events and items to watch,
read from live versions). Each appears as ``/watch/`` lists it, at the precision it is known to:

- day precision: a one-day, all-day event (``DTSTART;VALUE=DATE``);
- month precision: an all-day event spanning the whole month, its title ending "(date in
  March 2026 to be confirmed)", because a calendar has no "sometime in March";
- year precision: the same over the whole year, "(date in 2027 to be confirmed)";
- undated items: left out (a calendar needs a day); they are listed on ``/watch/``.

The calendar asks subscribers to fetch it again every hour (``REFRESH-INTERVAL`` of RFC 7986,
and Outlook's ``X-PUBLISHED-TTL``): a withdrawn explainer's dates should leave their calendars
within the hour, not whenever the application's default (often a day or a week) comes round.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event, vDuration

from articles.models import period_end
from articles.publishing.render import absolute_url
from articles.site.reads import WatchItem
from articles.templatetags.newsroom import precise_date

CALENDAR_PRECISIONS = ("day", "month", "year")
SUMMARY_MAX = 160
REFRESH_INTERVAL = datetime.timedelta(hours=1)


def period_start(day: datetime.date, precision: str) -> datetime.date:
    """Return the first day of the period a dated event stands for."""
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    return day


def event_uid(item: WatchItem) -> str:
    """Return a UID that stays the same when an explainer is republished unchanged."""
    key = f"{item.explainer_id}|{item.date}|{item.precision}|{item.kind}|{item.text}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    host = settings.NEWSROOM_BASE_URL.split("://", 1)[-1].split("/", 1)[0]
    return f"watch-{digest}@{host}"


def build_calendar(items: Iterable[WatchItem]) -> Calendar:
    """Return a VCALENDAR with one all-day VEVENT per dated watch item."""
    cal = _calendar()
    for item in items:
        if item.date is None or item.precision not in CALENDAR_PRECISIONS:
            continue
        cal.add_component(_event(item))
    return cal


def calendar_bytes(items: Iterable[WatchItem]) -> bytes:
    """Return ``build_calendar(items).to_ical()``, reusing each event's serialised text.

    Building and folding an event is slow in the icalendar library, and the calendar holds up
    to a thousand, which would make the calendar the slowest public page by far (figures in
    docs/performance.md). An event's text depends only on its item (a frozen row of a
    published version) and the site's name and address, so it is serialised once per process
    and kept, by those values, in a bounded memo. ``tests/articles/site/test_ical.py`` holds the
    bytes equal to ``build_calendar``'s.
    """
    head, tail = _calendar_bytes_around_events()
    events = [
        _event_bytes(item, settings.NEWSROOM_BASE_URL, settings.NEWSROOM_NAME)
        for item in items
        if item.date is not None and item.precision in CALENDAR_PRECISIONS
    ]
    return b"".join((head, *events, tail))


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.NEWSROOM_NAME}//Watch calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.NEWSROOM_NAME}: dates to watch")
    cal.add("x-wr-caldesc", "Upcoming dates from our published explainers.")
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    return cal


def _calendar_bytes_around_events() -> tuple[bytes, bytes]:
    empty = _calendar().to_ical()
    end = b"END:VCALENDAR\r\n"
    if not empty.endswith(end):
        raise ValueError("Unexpected iCalendar output: no END:VCALENDAR line at the end.")
    return empty[: -len(end)], end


@functools.lru_cache(maxsize=4096)
def _event_bytes(item: WatchItem, base_url: str, site_name: str) -> bytes:
    # base_url and site_name are part of the key: the UID and links are built from them.
    return _event(item).to_ical()


def _event(item: WatchItem) -> Event:
    # Both callers skip undated items; an undated one here is a caller's bug, not data.
    if item.date is None:
        raise ValueError("An undated watch item has no day to put in a calendar.")
    summary = item.text if len(item.text) <= SUMMARY_MAX else item.text[: SUMMARY_MAX - 1] + "…"
    precision = item.precision or "day"
    start = period_start(item.date, precision)
    # All-day events end on the day after their last (DTEND is exclusive).
    end = period_end(item.date, precision) + datetime.timedelta(days=1)
    if precision != "day":
        summary += f" (date in {precise_date(item.date, precision)} to be confirmed)"
    url = absolute_url(item.url)
    event = Event()
    event.add("uid", event_uid(item))
    event.add("dtstamp", item.stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("description", f"{item.text}\n\nFrom the explainer “{item.title}”: {url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Upcoming" if item.kind == "upcoming" else "To watch"])
    return event
