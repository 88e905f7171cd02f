"""Direct quotes in the text format: a viewpoint's ``> "…" (source 2)`` line, read and written.

A stakeholder bullet may carry one quote on a line of its own that starts with ``>``, below the
viewpoint (lines after it continue the quote). The quote ends with where it is from, in
brackets: ``(source 2)``, the number of a source in the file's Sources section, or
``(https://…, March 3, 2026)``, a link and the day it was said. One pair of quotation marks
around the words is dropped; the writer always puts one back.
"""

from __future__ import annotations

import re

from articles.interchange.textdates import DAY, format_event_date, scan_dates
from articles.interchange.textrecords import HTTP_URL, ParsedQuote, ParsedViewpoint, normalise

QUOTE_MARKER = ">"
ATTRIBUTION_MESSAGE = (
    'a quote ends with where it is from, in brackets: "(source 2)" or '
    '"(https://example.org/statement, March 3, 2026)"'
)

_ATTRIBUTED = re.compile(r"^(?P<words>.*?)\s*\((?P<where>[^()]*)\)$", re.S)
_SOURCE_NUMBER = re.compile(r"^source\s+(?P<number>[0-9]{1,4})$", re.IGNORECASE)
_QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’"}


def quote_text(stripped: str) -> str | None:
    """Return the text after a quote marker, or None if the stripped line is not a quote."""
    if stripped.startswith(QUOTE_MARKER):
        return stripped[len(QUOTE_MARKER) :]
    return None


def _unquoted(words: str) -> str:
    if len(words) >= 2 and _QUOTE_PAIRS.get(words[0]) == words[-1]:
        return words[1:-1].strip()
    return words


def read_quote(text: str, line: int) -> ParsedQuote | str:
    """Return the quote in ``text`` (its lines joined), or a message saying what is wrong."""
    match = _ATTRIBUTED.match(normalise(text))
    if match is None:
        return ATTRIBUTION_MESSAGE
    words, where = _unquoted(match["words"].strip()), match["where"].strip()
    if not words:
        return "the quote has no words before its source"
    number = _SOURCE_NUMBER.match(where)
    if number is not None:
        if int(number["number"]) < 1:
            return "sources are numbered from 1"
        return ParsedQuote(words, int(number["number"]), "", None, line)
    link, _, rest = where.partition(" ")
    if not link.endswith(","):
        return ATTRIBUTION_MESSAGE
    link, rest = link[:-1], rest.strip()
    if HTTP_URL.fullmatch(link) is None:
        return f'the quote\'s link "{link}" is not a web address starting with http(s)://'
    found, _ = scan_dates(rest)
    if found is None or found.date is None or found.precision != DAY:
        return f'"{rest}" is not a day such as March 3, 2026'
    if found.start != 0 or found.end != len(rest):
        return f'"{rest}" should be a day alone, such as March 3, 2026'
    return ParsedQuote(words, None, link, found.date, line)


def write_quote(quote: ParsedQuote) -> str:
    """Return the quote's line as the writer spells it, ``> "…" (source 2)``."""
    if quote.source is not None:
        where = f"source {quote.source}"
    else:
        day = format_event_date(quote.date, DAY) if quote.date else ""
        where = f"{quote.url}, {day}"
    return f'{QUOTE_MARKER} "{normalise(quote.text)}" ({where})'


def unknown_sources(viewpoints: list[ParsedViewpoint], count: int) -> list[tuple[int, str]]:
    """Return (line, message) for each quote citing a source number past the ``count`` the
    file's Sources section lists."""
    return [
        (v.quote.line, f'the quote cites source {v.quote.source}, but "Sources" lists {count}')
        for v in viewpoints
        if v.quote is not None and v.quote.source is not None and v.quote.source > count
    ]
