"""Parse and write the plain-text explainer format (``docs/text-format.md``).

This module is pure Python: it knows nothing of Django or the database. ``parse()`` turns a file
into a ``ParsedExplainer`` or raises ``FormatErrors`` listing every problem with its file and line;
``write()`` turns a ``ParsedExplainer`` back into canonical text that ``parse()`` reads back to the
same content. The parser is here; the records, limits and headings are in ``textrecords.py``,
dates in ``textdates.py`` and the writer in ``textwriter.py``, and every public name of the
format is importable from this module.

Decisions the contract leaves open, taken here:

- The title is the first non-blank line. If that line is a section heading the file has no title,
  which is an error. Any other text between the title and the first heading is an error too.
- Whitespace is normalised everywhere: runs of whitespace (anything ``str.split()`` splits on,
  which includes no-break spaces) become one space, and text is stripped. A paragraph is a run of
  non-blank lines; a bullet's continuation lines are joined to it with one space.
- A line that is a known heading always starts a section, wherever it stands, so the parser never
  reads one as text. A paragraph can still equal a heading when lines join ("Key" then "facts");
  ``write()`` then splits it over two lines again. A one-word paragraph equal to a heading
  ("Sources") and a title equal to a heading cannot be written so that they read back: the
  format has no escape. ``is_heading()`` lets an exporter detect those cases first.
- A bullet marker (``-``, ``*``, ``•``) must be followed by whitespace or end the line. A bullet
  that is empty once its continuation lines are joined is dropped (templates often leave ``- ``
  in an empty Sources section). A blank line does not end a bullet: per the contract, any
  non-blank, non-bullet line continues the bullet above it.
- Stakeholders: the name is everything before the first ``": "``; both name and viewpoint must be
  non-empty.
- Timeline dates: month names may be full or abbreviated (``Nov``, ``Nov.``, ``Sept.``), in any
  case; day forms also accept an ordinal suffix (``11th``) and a missing comma. Years must lie in
  1000-2999, and a bare year must stand alone (not part of a longer number, an amount such as
  ``$2500``, a decade such as ``1990s`` or a range such as ``2019-20``). A date that does not
  exist in the calendar (``February 30, 2025``) is no date at all: the whole of it is skipped, its
  year is not read as a bare year, the search goes on after it, and a warning is recorded.
- A dated event is upcoming when it is later than ``today`` at its own precision: a later day, a
  later month for month precision, a later year for year precision. An event dated today is past.
- Sources: the first ``http(s)://`` URL is the link; trailing punctuation that ends a sentence and
  unbalanced closing brackets are not part of it. One separator next to the URL (`` - ``, ``:``,
  ``,``, ``|``, a pair of brackets around it) is dropped from the citation. Any ``scheme://`` other
  than http(s), and ``javascript:``, ``vbscript:``, ``data:``, ``file:``, ``blob:``,
  ``filesystem:``, ``mailto:`` and ``tel:`` directly followed by text, is an error. A colon
  followed by a space is never a scheme, so "Note: ..." and "Data: Census Bureau" are citations.
- Control characters other than tab, vertical tab and form feed are an error (PostgreSQL cannot
  store NUL, and none of them belongs in an explainer).
- Warnings (never errors) are recorded for an impossible calendar date in the timeline and for a
  short line that is close to, but not, a known heading ("Key fact", "Timeline").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from typing import TypeVar

from articles.interchange.textdates import (
    DAY,
    MONTH,
    PAST,
    UPCOMING,
    WATCH,
    YEAR,
    event_kind,
    find_date,
    format_event_date,
    scan_dates,
)
from articles.interchange.textquotes import quote_text, read_quote, unknown_sources
from articles.interchange.textrecords import (
    HEADINGS,
    HTTP_URL,
    MAX_BULLETS,
    MAX_ERRORS,
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    MAX_TITLE_CHARS,
    STAKEHOLDER_SEPARATOR_MESSAGE,
    FormatError,
    FormatErrors,
    ParsedEvent,
    ParsedExplainer,
    ParsedFact,
    ParsedQuote,
    ParsedRelated,
    ParsedSource,
    ParsedTakeaway,
    ParsedViewpoint,
    Section,
    bullet_text,
    is_heading,
    near_heading,
    normalise,
    section_for,
)
from articles.interchange.textwriter import write

# The format's public names, importable from here wherever they are defined.
__all__ = [
    "DAY",
    "HEADINGS",
    "MAX_BULLETS",
    "MAX_ERRORS",
    "MAX_FILE_BYTES",
    "MAX_LINE_CHARS",
    "MAX_TITLE_CHARS",
    "MONTH",
    "PAST",
    "STAKEHOLDER_SEPARATOR_MESSAGE",
    "UPCOMING",
    "WATCH",
    "YEAR",
    "FormatError",
    "FormatErrors",
    "ParsedEvent",
    "ParsedExplainer",
    "ParsedFact",
    "ParsedQuote",
    "ParsedRelated",
    "ParsedSource",
    "ParsedTakeaway",
    "ParsedViewpoint",
    "find_date",
    "format_event_date",
    "is_heading",
    "parse",
    "write",
]

_T = TypeVar("_T")

# Cc characters except tab, line feed, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


# --- sources ------------------------------------------------------------------------------------

_OTHER_SCHEME_URL = re.compile(r"(?<![\w+.-])(?P<scheme>[a-z][a-z0-9+.-]*)://", re.IGNORECASE)
# Schemes that need no "//". Only flagged when text follows the colon directly, so that prose
# such as "Data: US Census Bureau" stays a citation.
_BARE_SCHEME = re.compile(
    r"(?<![\w+.-])(?P<scheme>javascript|vbscript|data|file|blob|filesystem|mailto|tel)\s*:(?=\S)",
    re.IGNORECASE,
)
_URL_TRAILING_PUNCTUATION = ".,;:!?'\"’”"
_BRACKETS = {"(": ")", "[": "]", "<": ">", "{": "}"}
# One separator between a citation and the URL after it: " - ", " | ", ": ", ", " ...
_SEPARATOR_BEFORE_URL = re.compile(r"(?:(?:^|\s)[-–—|]|[:;,])$")
_SEPARATOR_AFTER_URL = re.compile(r"^(?:[-–—|](?:\s|$)|[:;,.])")


def _trim_url(url: str) -> str:
    while url:
        last = url[-1]
        if last in _URL_TRAILING_PUNCTUATION:
            url = url[:-1]
            continue
        opener = next((o for o, c in _BRACKETS.items() if c == last), None)
        if opener is not None and url.count(opener) < url.count(last):
            url = url[:-1]
            continue
        break
    return url


def _unsafe_scheme(text: str) -> str | None:
    """Return the first non-http(s) link scheme in the text, ignoring the http(s) URLs in it."""
    remainder = HTTP_URL.sub(" ", text)
    for pattern in (_OTHER_SCHEME_URL, _BARE_SCHEME):
        for match in pattern.finditer(remainder):
            scheme = match["scheme"].casefold()
            if scheme not in ("http", "https"):
                return scheme
    return None


def _split_source(text: str) -> tuple[str, str]:
    """Return (citation, url) for a source bullet; url is "" when it holds no http(s) link."""
    match = HTTP_URL.search(text)
    if match is None:
        return text, ""
    url = _trim_url(match.group())
    before, after = text[: match.start()].rstrip(), text[match.start() + len(url) :].lstrip()
    if before and after and before[-1] in _BRACKETS and after[0] == _BRACKETS[before[-1]]:
        before, after = before[:-1].rstrip(), after[1:].lstrip()
    # Drop the separator after the URL; if nothing follows it, drop the one before it too. When
    # text stands on both sides, the separator before the URL now joins the two halves.
    after = _SEPARATOR_AFTER_URL.sub("", after, count=1).lstrip()
    if not after:
        before = _SEPARATOR_BEFORE_URL.sub("", before, count=1).rstrip()
    if after[:1] in _BRACKETS.values():
        return normalise(f"{before}{after}"), url
    return normalise(f"{before} {after}"), url


# --- parsing ------------------------------------------------------------------------------------


class _Fatal(Exception):
    """Stop parsing: nothing further can be read sensibly."""


@dataclass
class _Block:
    section: Section
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Bullet:
    line: int
    parts: list[str]
    # A viewpoint's quote: its ">" line's number and its lines (textquotes).
    quote_line: int = 0
    quote_parts: list[str] | None = None

    @property
    def text(self) -> str:
        return normalise(" ".join(self.parts))


class _Parser:
    def __init__(self, filename: str, today: datetime.date) -> None:
        self.filename = filename
        self.today = today
        self.errors: list[FormatError] = []
        self.warnings: list[tuple[int, str]] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(FormatError(self.filename, line, message))
        if len(self.errors) == MAX_ERRORS:
            # A binary or badly broken file would give an error on every line: stop early.
            self.errors.append(FormatError(self.filename, line, "too many errors; stopped here"))
            raise _Fatal()

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    def fatal(self, line: int, message: str) -> _Fatal:
        self.error(line, message)
        return _Fatal()

    def run(self, data: bytes | str) -> ParsedExplainer:
        try:
            explainer = self.read(self.decode(data))
        except _Fatal:
            explainer = None
        if self.errors or explainer is None:
            raise FormatErrors(sorted(self.errors, key=lambda error: error.line))
        return explainer

    def decode(self, data: bytes | str) -> str:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
        if len(raw) > MAX_FILE_BYTES:
            raise self.fatal(1, f"file is larger than 1 MiB ({len(raw):,} bytes)")
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        try:
            text = raw[len(bom) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            offset = len(bom) + exc.start
            before = raw[:offset]
            line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
            raise self.fatal(
                line, f"not valid UTF-8 (byte 0x{raw[offset]:02x} at offset {offset})"
            ) from None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def read(self, text: str) -> ParsedExplainer:
        lines = text.split("\n")
        # Checked on the whole text first: line by line only when something is wrong.
        if _CONTROL.search(text) or max(map(len, lines)) > MAX_LINE_CHARS:
            for number, line in enumerate(lines, 1):
                if len(line) > MAX_LINE_CHARS:
                    self.error(number, f"line is longer than {MAX_LINE_CHARS:,} characters")
                control = _CONTROL.search(line)
                if control is not None:
                    self.error(number, f"control character U+{ord(control.group()):04X} in text")

        title_index = next((i for i, line in enumerate(lines) if line.strip()), None)
        if title_index is None:
            raise self.fatal(1, "file is empty")
        title_line = title_index + 1
        # Each line's heading, worked out once: every later step needs it.
        headings = [section_for(line) for line in lines]
        if not any(headings):
            raise self.fatal(
                title_line,
                'no section heading found (such as "What happened" or "Key facts")',
            )

        title = normalise(lines[title_index])
        first_heading = headings[title_index]
        body_start = title_index + 1
        if first_heading is not None:
            self.error(
                title_line,
                f'the file has no title: its first line is the heading "{first_heading.heading}"',
            )
            title, body_start = "", title_index
        elif len(title) > MAX_TITLE_CHARS:
            self.error(
                title_line, f"title is longer than {MAX_TITLE_CHARS} characters ({len(title)})"
            )

        blocks = self.split_sections(lines, headings, body_start)
        sections: dict[str, list[object]] = {}
        for block in blocks:
            items = self.read_block(block)
            sections.setdefault(block.section.field, items)  # a repeated one is read, not kept

        self.check_quoted_sources(sections)
        return ParsedExplainer(
            title=title,
            takeaways=_typed(sections, "takeaways", ParsedTakeaway),
            what_happened=_typed(sections, "what_happened", str),
            key_facts=_typed(sections, "key_facts", ParsedFact),
            background=_typed(sections, "background", str),
            why_it_matters=_typed(sections, "why_it_matters", str),
            viewpoints=_typed(sections, "viewpoints", ParsedViewpoint),
            timeline=_typed(sections, "timeline", ParsedEvent),
            sources=_typed(sections, "sources", ParsedSource),
            related=_typed(sections, "related", ParsedRelated),
            warnings=[
                f"{self.filename}:{line}: {message}"
                for line, message in sorted(self.warnings, key=lambda w: w[0])
            ],
        )

    def split_sections(
        self, lines: list[str], headings: list[Section | None], start: int
    ) -> list[_Block]:
        blocks: list[_Block] = []
        seen: dict[str, int] = {}
        current: _Block | None = None
        stray_reported = False
        for number, line in enumerate(lines[start:], start + 1):
            section = headings[number - 1]
            if section is not None:
                if section.field in seen:
                    self.error(
                        number,
                        f'repeated section heading "{section.heading}" '
                        f"(first at line {seen[section.field]})",
                    )
                else:
                    seen[section.field] = number
                current = _Block(section)
                blocks.append(current)
                continue
            if current is None:
                if line.strip() and not stray_reported:
                    self.error(number, "text before the first section heading")
                    stray_reported = True
                continue
            near = near_heading(line)
            if near is not None:
                self.warn(
                    number,
                    f'"{line.strip()}" is not a known section heading (did you mean "{near}"?); '
                    f'read as text of "{current.section.heading}"',
                )
            current.lines.append((number, line))
        return blocks

    def read_block(self, block: _Block) -> list[object]:
        if not block.section.bullets:
            paragraphs: list[object] = list(self.paragraphs(block))
            return paragraphs
        read_bullet = {
            "takeaways": self.takeaway,
            "key_facts": self.fact,
            "viewpoints": self.viewpoint,
            "timeline": self.event,
            "sources": self.source,
            "related": self.related,
        }[block.section.field]
        items: list[object] = []
        for bullet in self.bullets(block):
            text = bullet.text
            if text:
                item = read_bullet(text, bullet.line)
                if item is not None and bullet.quote_parts is not None:
                    item = self.quoted(item, bullet)
                if item is not None:
                    items.append(item)
        return items

    def paragraphs(self, block: _Block) -> list[str]:
        paragraphs: list[str] = []
        current: list[str] = []
        for _, line in [*block.lines, (0, "")]:
            if line.strip():
                current.append(line)
            elif current:
                paragraphs.append(normalise(" ".join(current)))
                current = []
        return paragraphs

    def bullets(self, block: _Block) -> list[_Bullet]:
        bullets: list[_Bullet] = []
        orphan_reported = False
        for number, line in block.lines:
            stripped = line.strip()
            if not stripped:
                continue
            text = bullet_text(stripped)
            quote = quote_text(stripped) if block.section.field == "viewpoints" else None
            if quote is not None and bullets:
                if bullets[-1].quote_parts is not None:
                    self.error(number, "a viewpoint has one quote; this is a second")
                bullets[-1].quote_line, bullets[-1].quote_parts = number, [quote]
            elif text is not None:
                bullets.append(_Bullet(number, [text]))
                if len(bullets) == MAX_BULLETS + 1:
                    self.error(
                        number,
                        f'more than {MAX_BULLETS} bullets in "{block.section.heading}"',
                    )
            elif bullets and bullets[-1].quote_parts is not None:
                bullets[-1].quote_parts.append(stripped)
            elif bullets:
                bullets[-1].parts.append(stripped)
            elif not orphan_reported:
                self.error(number, f'text before the first bullet of "{block.section.heading}"')
                orphan_reported = True
        return bullets

    def takeaway(self, text: str, line: int) -> ParsedTakeaway:
        return ParsedTakeaway(text, line)

    def quoted(self, item: object, bullet: _Bullet) -> object | None:
        """Return the viewpoint ``item`` with the quote of ``bullet``, or None if it is bad."""
        quote = read_quote(" ".join(bullet.quote_parts or []), bullet.quote_line)
        if isinstance(quote, str):
            self.error(bullet.quote_line, quote)
            return None
        scheme = _unsafe_scheme(quote.url) if quote.url else None
        if scheme is not None:
            self.error(bullet.quote_line, f'quote has a "{scheme}:" link; only http(s) links')
            return None
        return replace(item, quote=quote) if isinstance(item, ParsedViewpoint) else item

    def check_quoted_sources(self, sections: dict[str, list[object]]) -> None:
        viewpoints = _typed(sections, "viewpoints", ParsedViewpoint)
        for line, message in unknown_sources(viewpoints, len(sections.get("sources", []))):
            self.error(line, message)

    def fact(self, text: str, line: int) -> ParsedFact:
        return ParsedFact(text, line)

    def viewpoint(self, text: str, line: int) -> ParsedViewpoint | None:
        name, separator, viewpoint = text.partition(": ")
        if not separator:
            if text.endswith(":"):
                self.error(line, f'stakeholder bullet has no viewpoint after "{text}"')
            else:
                self.error(line, STAKEHOLDER_SEPARATOR_MESSAGE)
            return None
        name, viewpoint = name.strip(), viewpoint.strip()
        if not name:
            self.error(line, "stakeholder bullet has an empty name")
            return None
        return ParsedViewpoint(name, viewpoint, line)

    def event(self, text: str, line: int) -> ParsedEvent:
        found, impossible = scan_dates(text)
        for bad in impossible:
            self.warn(line, f'"{text[bad.start : bad.end]}" is not a real date; ignored')
        if found is None or found.date is None:
            return ParsedEvent(text, None, "", WATCH, line)
        kind = event_kind(found.date, found.precision, self.today)
        return ParsedEvent(text, found.date, found.precision, kind, line)

    def source(self, text: str, line: int) -> ParsedSource | None:
        scheme = _unsafe_scheme(text)
        if scheme is not None:
            self.error(
                line,
                f'source has a "{scheme}:" link; only http:// and https:// links are allowed',
            )
            return None
        citation, url = _split_source(text)
        return ParsedSource(citation, url, line)

    def related(self, text: str, line: int) -> ParsedRelated:
        return ParsedRelated(text, line)


def _typed(sections: dict[str, list[object]], name: str, kind: type[_T]) -> list[_T]:
    items = sections.get(name, [])
    return [item for item in items if isinstance(item, kind)]


def parse(data: bytes | str, *, filename: str = "<input>", today: datetime.date) -> ParsedExplainer:
    """Return the explainer in ``data``, or raise FormatErrors listing every problem.

    ``filename`` names the input in messages; ``today`` decides which dated events are upcoming.
    """
    return _Parser(filename, today).run(data)
