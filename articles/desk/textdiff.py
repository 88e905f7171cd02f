"""Compare two states of an explainer as readers would read them.

Both a saved revision and a published version are first put in the shape ``snapshot()`` gives
(``articles.snapshot``), then read out here as labelled sections of plain-text items: the
story sections paragraph by paragraph, and one item per key fact, source, stakeholder view,
claim rating, timeline event, correction and link. ``compare()`` diffs the items with
``difflib`` and keeps only what changed, each changed item with its words marked as inserted or
deleted. The result is plain data; the template draws it with ``<ins>``/``<del>``, escaped
like any other text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any

from articles.models import Correction, Figure, KeyFact, Source, TimelineEvent

# Tags that start a new paragraph of the readable text.
_BLOCKS = {"p", "li", "h2", "h3", "h4", "blockquote", "br", "div", "tr"}
# Two items this alike are shown as one item changed, word by word; less alike, as one
# removed and one added.
_ALIKE = 0.4


class _ReadableText(HTMLParser):
    """Collect the text of sanitised story HTML, one string per paragraph; a link's address
    follows its words, so that a changed link shows as a change."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = [""]
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.paragraphs.append("")
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            if href:
                self.paragraphs[-1] += f" ({href})"
        elif tag in _BLOCKS:
            self.paragraphs.append("")

    def handle_data(self, data: str) -> None:
        self.paragraphs[-1] += data


def paragraphs(html: str) -> list[str]:
    """Return the readable paragraphs of story HTML, whitespace tidied, empty ones left out."""
    parser = _ReadableText()
    parser.feed(html or "")
    parser.close()
    return [text for p in parser.paragraphs if (text := " ".join(p.split()))]


def _choice(choices: Any, value: str | None) -> str:
    return str(dict(choices).get(value, value or ""))


def _cites(numbers: list[int] | None) -> str:
    return "".join(f" [{n}]" for n in numbers or [])


def _fact(fact: dict[str, Any]) -> str:
    check = _choice(KeyFact.Check.choices, fact.get("check"))
    return f"{fact.get('text', '')}{_cites(fact.get('sources'))} — {check.lower()}"


def _source(source: dict[str, Any]) -> str:
    parts = [source.get("publisher"), source.get("url")]
    kind = _choice(Source.Kind.choices, source.get("kind"))
    line = f"[{source.get('number')}] {source.get('citation', '')}"
    line += "".join(f", {part}" for part in parts if part)
    if source.get("published_on"):
        line += f", published {source['published_on']}"
    return f"{line} ({kind.lower()})"


def _event(event: dict[str, Any]) -> str:
    kind = _choice(TimelineEvent.Kind.choices, event.get("kind"))
    when = event.get("date") or "undated"
    cite = _cites([event["source"]] if event.get("source") else [])
    return f"{when} ({kind.lower()}): {event.get('text', '')}{cite}"


def _correction(correction: dict[str, Any]) -> str:
    kind = _choice(Correction.Kind.choices, correction.get("kind"))
    return f"{kind} of {correction.get('dated')}: {correction.get('text', '')}"


def _hero(hero: dict[str, Any] | None) -> list[str]:
    if not hero:
        return []
    name = PurePosixPath(str(hero.get("url") or "")).name
    lines = [f"Image: {name}", f"Alt text: {hero.get('alt', '')}"]
    if hero.get("caption"):
        lines.append(f"Caption: {hero['caption']}")
    if hero.get("credit"):
        lines.append(f"Credit: {hero['credit']}")
    if hero.get("focal") and list(hero["focal"]) != [50, 50]:
        lines.append("Focal point: {}% across, {}% down".format(*hero["focal"]))
    return lines


def _figure(figure: dict[str, Any]) -> str:
    name = PurePosixPath(str(figure.get("url") or "")).name
    section = _choice(Figure.Section.choices, figure.get("section"))
    parts = [f"{name} after “{section}”", f"alt text: {figure.get('alt', '')}"]
    parts += [f"{key}: {figure[key]}" for key in ("caption", "credit") if figure.get(key)]
    if figure.get("focal") and list(figure["focal"]) != [50, 50]:
        parts.append("focal point: {}% across, {}% down".format(*figure["focal"]))
    return "; ".join(parts)


@dataclass
class Section:
    """One labelled part of an explainer, as plain-text items."""

    label: str
    items: list[str]


def _viewpoint(viewpoint: dict[str, Any]) -> str:
    text = f"{viewpoint['stakeholder']['name']}: {viewpoint['text']}"
    quote = viewpoint.get("quote")
    if not quote:
        return text
    where = f"source {quote['source']}" if quote.get("source") else quote.get("url") or ""
    if quote.get("date"):
        where += f", {quote['date']}"
    return f"{text} Quote: “{quote['text']}” ({where})"


def _rating(rating: dict[str, Any]) -> str:
    claimant = (rating.get("claimant") or {}).get("name") or "No claimant"
    verdict = (rating.get("rating") or {}).get("name", "")
    line = f"{claimant}: “{rating.get('claim', '')}” — {verdict}"
    appearance = rating.get("appearance") or {}
    where = [str(appearance[key]) for key in ("title", "url", "date") if appearance.get(key)]
    if where:
        line += f" ({', '.join(where)})"
    if rating.get("explanation"):
        line += f". {rating['explanation']}"
    line += _cites(rating.get("sources"))
    if rating.get("checked_by"):
        line += f"; checked by {rating['checked_by']}"
    return line


def sections(data: dict[str, Any]) -> list[Section]:
    """Return an explainer in ``snapshot()``'s shape as labelled sections of readable items."""

    def one(value: Any) -> list[str]:
        return [str(value)] if value else []

    return [
        Section("Title", one(data.get("title"))),
        Section("Slug", one(data.get("slug"))),
        Section("Summary (dek)", one(data.get("dek"))),
        Section("What to know", list(data.get("takeaways") or [])),
        Section("Topics", [t["name"] for t in data.get("topics") or []]),
        Section("Bylines", [a["name"] for a in data.get("authors") or []]),
        Section("What happened", paragraphs(data.get("what_happened", ""))),
        Section("Background & context", paragraphs(data.get("background", ""))),
        Section("Why it matters", paragraphs(data.get("why_it_matters", ""))),
        Section("Hero image", _hero(data.get("hero"))),
        Section("Figures", [_figure(f) for f in data.get("figures") or []]),
        Section("Key facts", [_fact(f) for f in data.get("key_facts") or []]),
        Section("Sources", [_source(s) for s in data.get("sources") or []]),
        Section(
            "Stakeholders",
            [_viewpoint(v) for v in data.get("viewpoints") or []],
        ),
        Section(
            "Claim ratings",
            [_rating(r) for v in data.get("viewpoints") or [] for r in v.get("ratings") or []],
        ),
        Section("Timeline", [_event(e) for e in data.get("timeline") or []]),
        Section("Corrections", [_correction(c) for c in data.get("corrections") or []]),
        Section("Up next", [link["title"] for link in data.get("related") or []]),
        Section("Change note", one(data.get("change_note"))),
    ]


@dataclass
class Change:
    """One item added, removed or changed; ``parts`` are ``(kind, text)``, kind one of
    "same", "ins" and "del"."""

    kind: str
    parts: list[tuple[str, str]]


@dataclass
class SectionChanges:
    label: str
    changes: list[Change] = field(default_factory=list)


def _words(text: str) -> list[str]:
    # Each word keeps the spaces after it, so that a run of changed words reads as one.
    return re.findall(r"\w+\s*|[^\w\s]\s*|\s+", text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return ``old`` → ``new`` as runs of same, deleted and inserted words."""
    a, b = _words(old), _words(new)
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("ins", "".join(b[j1:j2])))
    return parts


def _replaced(old: list[str], new: list[str]) -> list[Change]:
    """Pair replaced items in order: alike ones as changed, others as removed and added."""
    changes = []
    for before, after in zip(old, new, strict=False):
        if difflib.SequenceMatcher(a=before, b=after, autojunk=False).ratio() >= _ALIKE:
            changes.append(Change("changed", word_diff(before, after)))
        else:
            changes += [Change("removed", [("del", before)]), Change("added", [("ins", after)])]
    changes += [Change("removed", [("del", line)]) for line in old[len(new) :]]
    changes += [Change("added", [("ins", line)]) for line in new[len(old) :]]
    return changes


def item_changes(old: list[str], new: list[str]) -> list[Change]:
    """Return the items that differ between two lists; equal items are left out."""
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changes += _replaced(old[i1:i2], new[j1:j2])
    return changes


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[SectionChanges]:
    """Return the sections that changed from ``old`` to ``new``, with only their changed items."""
    result = []
    for before, after in zip(sections(old), sections(new), strict=True):
        changes = item_changes(before.items, after.items)
        if changes:
            result.append(SectionChanges(before.label, changes))
    return result


def changed_labels(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Return the labels of the sections that differ, in the explainer's order."""
    return [
        before.label
        for before, after in zip(sections(old), sections(new), strict=True)
        if before.items != after.items
    ]
