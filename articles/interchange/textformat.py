"""Parse and write the plain-text explainer format (``FORMAT.md``).

This module is pure Python: it knows nothing of Django or the database. ``parse()`` turns a file
into a ``ParsedExplainer`` or raises ``FormatErrors`` listing every problem with its file and line;
``write()`` turns a ``ParsedExplainer`` back into canonical text that ``parse()`` reads back to the
same content.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

MAX_FILE_BYTES = 1024 * 1024
MAX_LINE_CHARS = 10_000
MAX_BULLETS = 200
MAX_TITLE_CHARS = 200
MAX_ERRORS = 100  # per file; reading stops there

DAY = "day"
MONTH = "month"
YEAR = "year"

PAST = "past"
UPCOMING = "upcoming"
WATCH = "watch"

_T = TypeVar("_T")

STAKEHOLDER_SEPARATOR_MESSAGE = 'stakeholder bullet has no "name: viewpoint" separator'


@dataclass(frozen=True)
class ParsedFact:
    text: str
    line: int = 0


@dataclass(frozen=True)
class ParsedViewpoint:
    name: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class ParsedEvent:
    """A timeline bullet; ``text`` keeps the date as typed.

    ``date`` is normalised to its precision: day 1 for month precision, January 1 for year
    precision. ``precision`` is ``"day"``, ``"month"``, ``"year"`` or ``""`` when undated;
    ``kind`` is ``"past"``, ``"upcoming"`` or ``"watch"`` (undated).
    """

    text: str
    date: datetime.date | None
    precision: str
    kind: str
    line: int = 0


@dataclass(frozen=True)
class ParsedSource:
    citation: str
    url: str
    line: int = 0


@dataclass(frozen=True)
class ParsedRelated:
    title: str
    line: int = 0


@dataclass(frozen=True)
class ParsedExplainer:
    title: str
    what_happened: list[str] = field(default_factory=list)
    key_facts: list[ParsedFact] = field(default_factory=list)
    background: list[str] = field(default_factory=list)
    why_it_matters: list[str] = field(default_factory=list)
    viewpoints: list[ParsedViewpoint] = field(default_factory=list)
    timeline: list[ParsedEvent] = field(default_factory=list)
    sources: list[ParsedSource] = field(default_factory=list)
    related: list[ParsedRelated] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def content(self) -> dict[str, object]:
        """Return everything but line numbers and warnings, for comparing two explainers."""
        return {
            "title": self.title,
            "what_happened": tuple(self.what_happened),
            "key_facts": tuple(fact.text for fact in self.key_facts),
            "background": tuple(self.background),
            "why_it_matters": tuple(self.why_it_matters),
            "viewpoints": tuple((v.name, v.text) for v in self.viewpoints),
            "timeline": tuple((e.text, e.date, e.precision, e.kind) for e in self.timeline),
            "sources": tuple((s.citation, s.url) for s in self.sources),
            "related": tuple(r.title for r in self.related),
        }


class FormatError(ValueError):
    """One problem in an input file, at a line."""

    def __init__(self, filename: str, line: int, message: str) -> None:
        super().__init__(f"{filename}:{line}: {message}")
        self.filename = filename
        self.line = line
        self.message = message


class FormatErrors(FormatError):
    """Every problem found in one file, in line order.

    It is a ``FormatError`` too, carrying the first error's file, line and message, so callers
    may catch either class; ``str()`` gives one error per line.
    """

    def __init__(self, errors: Sequence[FormatError]) -> None:
        if not errors:
            raise ValueError("FormatErrors needs at least one error")
        first = errors[0]
        super().__init__(first.filename, first.line, first.message)
        self.errors = list(errors)
        self.args = ("\n".join(str(error) for error in self.errors),)


# --- sections and headings ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    field: str
    heading: str
    bullets: bool


_SECTIONS: tuple[_Section, ...] = (
    _Section("what_happened", "What happened", bullets=False),
    _Section("key_facts", "Key facts", bullets=True),
    _Section("background", "Background & context", bullets=False),
    _Section("why_it_matters", "Why it matters", bullets=False),
    _Section("viewpoints", "Stakeholders & viewpoints", bullets=True),
    _Section("timeline", "Timeline & what to watch next", bullets=True),
    _Section("sources", "Sources", bullets=True),
    _Section("related", "Up Next", bullets=True),
)

#: ParsedExplainer field name -> canonical heading, in the order write() emits them.
HEADINGS: dict[str, str] = {section.field: section.heading for section in _SECTIONS}


def _heading_key(line: str) -> str:
    text = line.strip()
    if text.endswith(":"):
        text = text[:-1]
    return " ".join(text.replace("&", " and ").split()).casefold()


_SECTIONS_BY_KEY: dict[str, _Section] = {
    _heading_key(section.heading): section for section in _SECTIONS
}


# What a heading line can start with; most lines fail this cheap test and need no key.
_HEADING_INITIALS = frozenset(key[0] for key in _SECTIONS_BY_KEY)


def _section_for(line: str) -> _Section | None:
    if line.lstrip()[:1].casefold()[:1] not in _HEADING_INITIALS:
        return None
    return _SECTIONS_BY_KEY.get(_heading_key(line))


def is_heading(line: str) -> bool:
    """Return True if the line would be read as a section heading."""
    return _section_for(line) is not None


def _heading_words(key: str) -> tuple[str, ...]:
    """Return the words that matter in a heading key: no "and", no plural "s"."""
    return tuple(word.removesuffix("s") for word in key.split() if word != "and")


def _near_misses() -> dict[tuple[str, ...], str]:
    """Map the words of every heading, and its leading and trailing words, to the heading."""
    misses: dict[tuple[str, ...], str] = {}
    # Longest headings first, so that a shorter heading claims a shared word: "Next" -> "Up Next".
    for key, section in sorted(_SECTIONS_BY_KEY.items(), key=lambda item: -len(item[0])):
        words = _heading_words(key)
        for size in range(1, len(words) + 1):
            misses[words[:size]] = misses[words[-size:]] = section.heading
    return misses


_NEAR_MISSES = _near_misses()


def _near_heading(line: str) -> str | None:
    """Return the canonical heading a heading-like line probably meant, if any.

    A near miss is a short line without final punctuation whose words, ignoring "and" and plural
    "s", are a known heading's or its first or last words: "Key fact", "Timeline",
    "Stakeholders viewpoints", "What to watch next". Plain word comparisons keep a megabyte of
    short lines cheap to read; spelling mistakes are not caught.
    """
    text = line.strip()
    if not text or len(text) > 40 or text[-1] in ".!?" or _bullet_text(text) is not None:
        return None
    return _NEAR_MISSES.get(_heading_words(_heading_key(text)))


# --- text helpers -------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(text.split())


_BULLET_MARKERS = "-*•"


def _bullet_text(stripped: str) -> str | None:
    """Return the text after a bullet marker, or None if the stripped line is not a bullet."""
    marker, rest = stripped[:1], stripped[1:]
    if marker and marker in _BULLET_MARKERS and (not rest or rest[0].isspace()):
        return rest
    return None


# Cc characters except tab, line feed, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# --- dates --------------------------------------------------------------------------------------

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


def _scan_dates(text: str) -> tuple[_DateMatch | None, list[_DateMatch]]:
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
    found, _ = _scan_dates(text)
    if found is None or found.date is None:
        return None
    return found.date, found.precision


def _event_kind(date: datetime.date | None, precision: str, today: datetime.date) -> str:
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


def _normalised_date(date: datetime.date, precision: str) -> datetime.date:
    if precision == MONTH:
        return date.replace(day=1)
    if precision == YEAR:
        return date.replace(month=1, day=1)
    return date


# --- sources ------------------------------------------------------------------------------------

_HTTP_URL = re.compile(r"\bhttps?://[\w\[][^\s<>\"]*", re.IGNORECASE)
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
    remainder = _HTTP_URL.sub(" ", text)
    for pattern in (_OTHER_SCHEME_URL, _BARE_SCHEME):
        for match in pattern.finditer(remainder):
            scheme = match["scheme"].casefold()
            if scheme not in ("http", "https"):
                return scheme
    return None


def _split_source(text: str) -> tuple[str, str]:
    """Return (citation, url) for a source bullet; url is "" when it holds no http(s) link."""
    match = _HTTP_URL.search(text)
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
        return _normalise(f"{before}{after}"), url
    return _normalise(f"{before} {after}"), url


# --- parsing ------------------------------------------------------------------------------------


class _Fatal(Exception):
    """Stop parsing: nothing further can be read sensibly."""


@dataclass
class _Block:
    section: _Section
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Bullet:
    line: int
    parts: list[str]

    @property
    def text(self) -> str:
        return _normalise(" ".join(self.parts))


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
        headings = [_section_for(line) for line in lines]
        if not any(headings):
            raise self.fatal(
                title_line,
                'no section heading found (such as "What happened" or "Key facts")',
            )

        title = _normalise(lines[title_index])
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

        return ParsedExplainer(
            title=title,
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
        self, lines: list[str], headings: list[_Section | None], start: int
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
            near = _near_heading(line)
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
                paragraphs.append(_normalise(" ".join(current)))
                current = []
        return paragraphs

    def bullets(self, block: _Block) -> list[_Bullet]:
        bullets: list[_Bullet] = []
        orphan_reported = False
        for number, line in block.lines:
            stripped = line.strip()
            if not stripped:
                continue
            text = _bullet_text(stripped)
            if text is not None:
                bullets.append(_Bullet(number, [text]))
                if len(bullets) == MAX_BULLETS + 1:
                    self.error(
                        number,
                        f'more than {MAX_BULLETS} bullets in "{block.section.heading}"',
                    )
            elif bullets:
                bullets[-1].parts.append(stripped)
            elif not orphan_reported:
                self.error(number, f'text before the first bullet of "{block.section.heading}"')
                orphan_reported = True
        return bullets

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
        found, impossible = _scan_dates(text)
        for bad in impossible:
            self.warn(line, f'"{text[bad.start : bad.end]}" is not a real date; ignored')
        if found is None or found.date is None:
            return ParsedEvent(text, None, "", WATCH, line)
        kind = _event_kind(found.date, found.precision, self.today)
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


# --- writing ------------------------------------------------------------------------------------


def _event_line(event: ParsedEvent) -> str:
    text = _normalise(event.text)
    if event.date is None:
        return text
    date = _normalised_date(event.date, event.precision)
    if find_date(text) == (date, event.precision):
        return text
    # The text does not say the stored date first: put it in front so that it survives.
    prefix = format_event_date(date, event.precision)
    return f"{prefix}: {text}" if text else prefix


def _source_line(source: ParsedSource) -> str:
    citation, url = _normalise(source.citation), source.url.strip()
    if not (citation and url):
        return citation or url
    # Always exactly one " - ": the parser drops one separator next to the URL, so a citation
    # that itself ends (or starts) with "-" or ":" comes back intact. A citation holding a URL of
    # its own goes after the link, since the first URL in the bullet is the link.
    if _HTTP_URL.search(citation):
        return f"{url} - {citation}"
    return f"{citation} - {url}"


def _section_lines(explainer: ParsedExplainer, section: _Section) -> list[str]:
    name = section.field
    if not section.bullets:
        lines: list[str] = []
        for paragraph in filter(None, map(_normalise, getattr(explainer, name))):
            if lines:
                lines.append("")
            if is_heading(paragraph) and " " in paragraph:
                # "Key facts" alone on a line is a heading; over two lines it reads back as the
                # paragraph "Key facts". A one-word paragraph ("Sources") has no such escape.
                lines.extend(paragraph.split(" ", 1))
            else:
                lines.append(paragraph)
        return lines
    if name == "key_facts":
        texts = [_normalise(fact.text) for fact in explainer.key_facts]
    elif name == "viewpoints":
        texts = [f"{_normalise(v.name)}: {_normalise(v.text)}" for v in explainer.viewpoints]
    elif name == "timeline":
        texts = [_event_line(event) for event in explainer.timeline]
    elif name == "sources":
        texts = [_source_line(source) for source in explainer.sources]
    else:
        texts = [_normalise(related.title) for related in explainer.related]
    return [f"- {text}" for text in texts if text]


def write(explainer: ParsedExplainer) -> str:
    """Return the canonical text of the explainer: every section, canonical headings.

    Text is whitespace-normalised and empty items are left out. A dated event whose text does
    not give its date first gets the date put in front of the text, so the date survives. A title,
    or a one-word paragraph, that reads as a heading (see ``is_heading``) cannot be written so that
    it reads back; callers that care should check for it first.
    """
    lines = [_normalise(explainer.title), ""]
    for section in _SECTIONS:
        lines.append(section.heading)
        lines.extend(_section_lines(explainer, section))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
