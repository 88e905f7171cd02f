"""Template filters for public pages."""

from __future__ import annotations

import datetime
import html
from urllib.parse import urljoin

from django import template
from django.conf import settings
from django.utils.dateformat import format as format_date
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from articles import richtext as richtext_module
from articles.timestamps import iso_datetime

register = template.Library()

# How a date reads at each precision: "March 14, 2026", "March 2026", "2026".
READABLE = {"day": "F j, Y", "month": "F Y", "year": "Y"}
# The matching HTML <time datetime> forms: a valid date, month or year string.
MACHINE = {"day": "Y-m-d", "month": "Y-m", "year": "Y"}


def _as_date(value: str | datetime.date | None) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@register.filter
def richtext(value: str | None) -> SafeString:
    """Render stored editor HTML, sanitised again by the allowlist."""
    return richtext_module.render(value)


@register.filter
def precise_date(value: str | datetime.date | None, precision: str = "day") -> str:
    """Return a date as readers should read it at ``precision`` ("March 2026")."""
    day = _as_date(value)
    if day is None:
        return ""
    return format_date(day, READABLE.get(precision or "day", READABLE["day"]))


@register.filter
def precise_date_attr(value: str | datetime.date | None, precision: str = "day") -> str:
    """Return the ``<time datetime>`` value for a date at ``precision`` ("2026-03")."""
    day = _as_date(value)
    if day is None:
        return ""
    return format_date(day, MACHINE.get(precision or "day", MACHINE["day"]))


@register.filter
def web_url(value: str | None) -> str:
    """Return ``value`` if it is an http(s) address, else an empty string.

    Source URLs are validated on save; this guards links built from frozen data, which an
    import or an old row could carry around the model.
    """
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


@register.filter
def datetime_attr(value: datetime.datetime | None) -> str:
    """Return a moment as a ``<time datetime>`` (or machine-readable) value, to the second.

    ``|date:"c"`` writes microseconds, which the HTML standard does not allow (at most three
    fractional digits)."""
    return iso_datetime(value) if value else ""


@register.filter
def absolute(value: str | None) -> str:
    """Return a root-relative address (a path, ``{% static %}``) on the site's public address
    (settings.NEWSROOM_BASE_URL); an absolute one is returned as it is."""
    return urljoin(settings.NEWSROOM_BASE_URL + "/", value or "")


@register.filter
def plain_summary(value: str | None, words: int = 40) -> str:
    """Return the opening ``words`` of stored HTML as plain text (a page's description).

    The HTML is sanitised first (so a script's text goes with it) and normalised (each block
    ends a line, so blocks do not run together). The result is a plain string, so the template
    escapes it wherever it goes."""
    text = html.unescape(strip_tags(richtext_module.normalise(value)))
    return Truncator(" ".join(text.split())).words(words)
