"""Moments as machines read them: the one format for ``<time datetime>``, meta tags, JSON-LD and
sitemaps."""

from __future__ import annotations

import datetime

from django.utils import timezone


def iso_datetime(value: datetime.datetime) -> str:
    """Return ``value`` in ISO 8601 in the newsroom's time zone, to the whole second.

    Python's ``isoformat()`` (and Django's ``|date:"c"``) add microseconds, which an HTML
    ``datetime`` attribute may not carry (at most three fractional digits); no reader needs them.
    """
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")
