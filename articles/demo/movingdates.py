"""Moving dates: rules for the demo's upcoming events, worked out on the day the seed runs.

The explainer files hold absolute dates. Past events keep theirs; an upcoming event whose date
should stay ahead of the demo ("the board is due to vote …") is listed in a manifest entry's
``moving_dates`` with one of the rules below, and the seeder gives it the date
``resolve_when`` yields on the day it runs, so the demo's "dates to watch" never go stale. (In
the files, such a bullet carries the date its rule gave on 7 December 2026, when the files were
written.) A rule is a small dict, so that a manifest entry reads as data.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from articles.models import TimelineEvent


def days_ahead(days: int) -> dict[str, Any]:
    """Today plus ``days`` (day precision)."""
    return {"days_ahead": days}


def months_ahead(months: int) -> dict[str, Any]:
    """The calendar month ``months`` after this one (month precision)."""
    return {"months_ahead": months}


def next_year() -> dict[str, Any]:
    """Next calendar year (year precision)."""
    return {"years_ahead": 1}


def next_annual(month: int, day: int) -> dict[str, Any]:
    """The next ``month``/``day`` strictly after today (day precision)."""
    return {"next_annual": (month, day)}


def next_month_among(*months: int) -> dict[str, Any]:
    """The first of the given months strictly after this month (month precision)."""
    return {"next_month_among": months}


def resolve_when(when: dict[str, Any], today: date) -> tuple[date, str]:
    """Return the (date, precision) a moving-date rule stands for on ``today``."""
    P = TimelineEvent.Precision
    if "days_ahead" in when:
        return today + timedelta(days=when["days_ahead"]), P.DAY
    if "months_ahead" in when:
        index = today.year * 12 + today.month - 1 + when["months_ahead"]
        return date(index // 12, index % 12 + 1, 1), P.MONTH
    if "years_ahead" in when:
        return date(today.year + when["years_ahead"], 1, 1), P.YEAR
    if "next_annual" in when:
        month, day = when["next_annual"]
        candidate = date(today.year, month, day)
        return (candidate if candidate > today else candidate.replace(year=today.year + 1)), P.DAY
    if "next_month_among" in when:
        later = [m for m in sorted(when["next_month_among"]) if m > today.month]
        if later:
            return date(today.year, later[0], 1), P.MONTH
        return date(today.year + 1, min(when["next_month_among"]), 1), P.MONTH
    raise ValueError(f"Unknown timeline date: {when!r}")
