"""The text format's vocabulary: limits, parsed records, format errors, section headings."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_FILE_BYTES = 1024 * 1024
MAX_LINE_CHARS = 10_000
MAX_BULLETS = 200
MAX_TITLE_CHARS = 200
MAX_ERRORS = 100  # per file; reading stops there

STAKEHOLDER_SEPARATOR_MESSAGE = 'stakeholder bullet has no "name: viewpoint" separator'


@dataclass(frozen=True)
class ParsedFact:
    text: str
    line: int = 0


@dataclass(frozen=True)
class ParsedTakeaway:
    text: str
    line: int = 0


@dataclass(frozen=True)
class ParsedQuote:
    """A viewpoint's direct quote: ``source`` numbers one of the file's sources (from 1), or
    else ``url`` and ``date`` say where and when it was said."""

    text: str
    source: int | None
    url: str
    date: datetime.date | None
    line: int = 0

    def content(self) -> tuple[object, ...]:
        return (self.text, self.source, self.url, self.date)


@dataclass(frozen=True)
class ParsedViewpoint:
    name: str
    text: str
    line: int = 0
    quote: ParsedQuote | None = None


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
    takeaways: list[ParsedTakeaway] = field(default_factory=list)
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
            "takeaways": tuple(t.text for t in self.takeaways),
            "what_happened": tuple(self.what_happened),
            "key_facts": tuple(fact.text for fact in self.key_facts),
            "background": tuple(self.background),
            "why_it_matters": tuple(self.why_it_matters),
            "viewpoints": tuple(
                (v.name, v.text, v.quote.content() if v.quote else None) for v in self.viewpoints
            ),
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
class Section:
    field: str
    heading: str
    bullets: bool


SECTIONS: tuple[Section, ...] = (
    Section("takeaways", "What to know", bullets=True),
    Section("what_happened", "What happened", bullets=False),
    Section("key_facts", "Key facts", bullets=True),
    Section("background", "Background & context", bullets=False),
    Section("why_it_matters", "Why it matters", bullets=False),
    Section("viewpoints", "Stakeholders & viewpoints", bullets=True),
    Section("timeline", "Timeline & what to watch next", bullets=True),
    Section("sources", "Sources", bullets=True),
    Section("related", "Up Next", bullets=True),
)

#: ParsedExplainer field name -> canonical heading, in the order write() emits them.
HEADINGS: dict[str, str] = {section.field: section.heading for section in SECTIONS}


def _heading_key(line: str) -> str:
    text = line.strip()
    if text.endswith(":"):
        text = text[:-1]
    return " ".join(text.replace("&", " and ").split()).casefold()


_SECTIONS_BY_KEY: dict[str, Section] = {
    _heading_key(section.heading): section for section in SECTIONS
}


# What a heading line can start with; most lines fail this cheap test and need no key.
_HEADING_INITIALS = frozenset(key[0] for key in _SECTIONS_BY_KEY)


def section_for(line: str) -> Section | None:
    if line.lstrip()[:1].casefold()[:1] not in _HEADING_INITIALS:
        return None
    return _SECTIONS_BY_KEY.get(_heading_key(line))


def is_heading(line: str) -> bool:
    """Return True if the line would be read as a section heading."""
    return section_for(line) is not None


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


def near_heading(line: str) -> str | None:
    """Return the canonical heading a heading-like line probably meant, if any.

    A near miss is a short line without final punctuation whose words, ignoring "and" and plural
    "s", are a known heading's or its first or last words: "Key fact", "Timeline",
    "Stakeholders viewpoints", "What to watch next". Plain word comparisons keep a megabyte of
    short lines cheap to read; spelling mistakes are not caught.
    """
    text = line.strip()
    if not text or len(text) > 40 or text[-1] in ".!?" or bullet_text(text) is not None:
        return None
    return _NEAR_MISSES.get(_heading_words(_heading_key(text)))


# --- text helpers -------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.split())


_BULLET_MARKERS = "-*•"


def bullet_text(stripped: str) -> str | None:
    """Return the text after a bullet marker, or None if the stripped line is not a bullet."""
    marker, rest = stripped[:1], stripped[1:]
    if marker and marker in _BULLET_MARKERS and (not rest or rest[0].isspace()):
        return rest
    return None


HTTP_URL = re.compile(r"\bhttps?://[\w\[][^\s<>\"]*", re.IGNORECASE)
