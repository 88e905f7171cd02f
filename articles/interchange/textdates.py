"""Dates in the text format: find the first date in a text, decide its kind, spell it."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

DAY = "day"
MONTH = "month"
YEAR = "year"

PAST = "past"
UPCOMING = "upcoming"
WATCH = "watch"


_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])"
_YEAR = r"(?P<year>[12][0-9]{3})(?![0-9])"

# Each pattern with its precision; re.ASCII is avoided so that \s and \b understand Unicode, and
# digits are spelled [0-9] so that other scripts' digits are not read as a date.
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE), DAY),
    (re.compile(rf"(?<![0-9.,]){_DAY}\s+{_MONTH}\s+{_YEAR}", re.IGNORECASE), DAY),
    (
        re.compile(
            r"(?<![0-9-])(?P<year>[12][0-9]{3})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})(?![0-9])"
        ),
        DAY,
    ),
    (re.compile(rf"\b{_MONTH},?\s+{_YEAR}", re.IGNORECASE), MONTH),
    # A bare year: not glued to a word, an amount or a number ("FY2025", "$2500", "3.2025",
    # "555-1234"), and not a decade ("1990s"), a percentage or the start of a range or a longer
    # number ("2019-20", "2025.5"). "mid-2025" and "2025's" are years.
    (
        re.compile(r"(?<![\w$€£¥#.,/])(?<![0-9]-)(?P<year>[12][0-9]{3})(?![\w%]|[.,/-]?[0-9])"),
        YEAR,
    ),
)


@dataclass(frozen=True)
class _DateMatch:
    start: int
    end: int
    date: datetime.date | None  # None: the text has a date's shape but no such day exists
    precision: str


def _month_number(name: str) -> int:
    prefix = name[:3].casefold()
    return next(i for i, month in enumerate(_MONTH_NAMES, 1) if month[:3].casefold() == prefix)


def _date_from(match: re.Match[str], precision: str) -> datetime.date | None:
    year = int(match["year"])
    if precision == YEAR:
        return datetime.date(year, 1, 1)
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else _month_number(month_text)
    day = int(match["day"]) if precision == DAY else 1
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def scan_dates(text: str) -> tuple[_DateMatch | None, list[_DateMatch]]:
    """Return the first real date in the text and the impossible dates met before it."""
    candidates = [
        _DateMatch(match.start(), match.end(), _date_from(match, precision), precision)
        for pattern, precision in _DATE_PATTERNS
        for match in pattern.finditer(text)
    ]
    # Earliest first; at the same place the longest, most precise reading wins.
    candidates.sort(key=lambda c: (c.start, c.start - c.end))
    impossible: list[_DateMatch] = []
    skip_until = 0
    for candidate in candidates:
        if candidate.start < skip_until:
            continue
        if candidate.date is not None:
            return candidate, impossible
        impossible.append(candidate)
        skip_until = candidate.end
    return None, impossible


def find_date(text: str) -> tuple[datetime.date, str] | None:
    """Return the first date in the text with its precision, or None.

    A month-precision date is the first of its month, a year-precision date January 1.
    """
    found, _ = scan_dates(text)
    if found is None or found.date is None:
        return None
    return found.date, found.precision


def event_kind(date: datetime.date | None, precision: str, today: datetime.date) -> str:
    if date is None:
        return WATCH
    if precision == YEAR:
        later = date.year > today.year
    elif precision == MONTH:
        later = (date.year, date.month) > (today.year, today.month)
    else:
        later = date > today
    return UPCOMING if later else PAST


def format_event_date(date: datetime.date, precision: str) -> str:
    """Return the date as write() spells it: "November 11, 2025", "November 2025" or "2025"."""
    month = _MONTH_NAMES[date.month - 1]
    if precision == DAY:
        return f"{month} {date.day}, {date.year}"
    if precision == MONTH:
        return f"{month} {date.year}"
    if precision == YEAR:
        return str(date.year)
    raise ValueError(f"unknown date precision {precision!r}")


def normalised_date(date: datetime.date, precision: str) -> datetime.date:
    if precision == MONTH:
        return date.replace(day=1)
    if precision == YEAR:
        return date.replace(month=1, day=1)
    return date
