"""A staff member's private calendar feed (iCalendar), read by their calendar app.

The address carries a secret token (``CalendarFeedToken``), so the feed answers without a
session; it lists what the token's owner may open, and nothing once the token is reset or
revoked or the owner is no longer active staff. The address is under ``/admin/``, which the
public page cache never stores, and the answer says ``Cache-Control: private, no-store``.

Go-live and expiry are moments (in UTC: calendar apps show them in their own zone); review due
dates and day-precision timeline items are all-day events; a month-precision item spans its
month, its title saying the day is to be confirmed. UIDs are built from the kind and the row,
so an event keeps its identity as the explainer changes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from icalendar import Calendar as ICalendar
from icalendar import Event

from articles.desk import calendar
from articles.models import CalendarFeedToken

# What the feed covers: a month back (for what just happened) and a year ahead.
DAYS_BACK, DAYS_AHEAD = 31, 366


def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """Answer the feed of ``token``'s owner, or 404 for any token that is not active."""
    row = CalendarFeedToken.objects.for_token(token)
    if row is None or not row.user.is_active or not row.user.is_staff:
        raise Http404("No such calendar feed.")
    body = feed_bytes(row.user, request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_bytes(user, base_url: str, today: datetime.date | None = None) -> bytes:
    """Return ``user``'s feed: their visible explainers' dates around ``today``."""
    today = today or timezone.localdate(timezone=calendar.newsroom_zone())
    start = today - datetime.timedelta(days=DAYS_BACK)
    entries = calendar.collect(user, start, today + datetime.timedelta(days=DAYS_AHEAD))
    cal = ICalendar()
    cal.add("prodid", f"-//{settings.NEWSROOM_NAME}//Desk calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.NEWSROOM_NAME}: desk calendar")
    stamp = timezone.now()
    host = base_url.split("://", 1)[-1].split("/", 1)[0]
    for entry in entries:
        cal.add_component(_event(entry, base_url.rstrip("/"), host, stamp))
    return cal.to_ical()


def _event(entry: calendar.Entry, base_url: str, host: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"desk-{entry.uid_key}@{host}")
    event.add("dtstamp", stamp)
    summary = f"{entry.label}: {entry.title}"
    if entry.at is not None:
        event.add("dtstart", entry.at.astimezone(datetime.UTC))
    elif entry.precision == "month":
        event.add("dtstart", entry.day)
        event.add("dtend", calendar.next_month(entry.day))
        summary += f" (date in {entry.day:%B %Y} to be confirmed)"
    else:
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + datetime.timedelta(days=1))
    url = base_url + entry.url
    event.add("summary", summary)
    event.add("description", "\n\n".join(filter(None, [entry.detail, url])))
    event.add("url", url)
    event.add("categories", [entry.label])
    event.add("transp", "TRANSPARENT")
    return event
