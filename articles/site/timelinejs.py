"""An explainer's timeline in Knight Lab TimelineJS's JSON format.

https://timeline.knightlab.com/docs/json-format.html: ``start_date`` carries only the parts
the event's precision allows (a month-precision event has no ``day``); ``text`` has a
``headline`` and a ``text``, both read as HTML by TimelineJS and so escaped here; ``group``
sorts events into bands. Undated items cannot be placed on a time axis and are left out.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.html import escape, format_html

GROUP_NAMES = {"past": "Past events", "upcoming": "Upcoming", "watch": "To watch"}
HEADLINE_WORDS = 12


def start_date(day: datetime.date, precision: str) -> dict[str, str]:
    """Return a TimelineJS date object holding only the parts ``precision`` vouches for."""
    parts = {"year": str(day.year)}
    if precision in ("month", "day"):
        parts["month"] = str(day.month)
    if precision == "day":
        parts["day"] = str(day.day)
    return parts


def _headline(text: str) -> str:
    words = text.split()
    return text if len(words) <= HEADLINE_WORDS else " ".join(words[:HEADLINE_WORDS]) + " …"


def build_timeline(*, title: str, dek: str, url: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return the TimelineJS document for a version's data."""
    sources = {s["number"]: s for s in data.get("sources", [])}
    events: list[dict[str, Any]] = []
    for event in data.get("timeline", []):
        if not event.get("date"):
            continue
        day = datetime.date.fromisoformat(event["date"])
        body = format_html("<p>{}</p>", event["text"])
        source = sources.get(event.get("source"))
        if source:
            body += (
                format_html('<p>Source: <a href="{}">{}</a></p>', source["url"], source["citation"])
                if source.get("url", "").startswith(("http://", "https://"))
                else format_html("<p>Source: {}</p>", source["citation"])
            )
        events.append(
            {
                "start_date": start_date(day, event.get("precision") or "day"),
                "text": {"headline": str(escape(_headline(event["text"]))), "text": str(body)},
                "group": GROUP_NAMES.get(event.get("kind"), GROUP_NAMES["past"]),
                "unique_id": f"event-{len(events) + 1}",
            }
        )
    return {
        "title": {
            "text": {
                "headline": str(format_html('<a href="{}">{}</a>', url, title)),
                "text": str(format_html("<p>{}</p>", dek)) if dek else "",
            }
        },
        "events": events,
    }
