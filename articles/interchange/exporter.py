"""Export a working copy: the canonical text of docs/text-format.md, or a JSON document.

``to_parsed()`` reads an explainer into the same ``ParsedExplainer`` the parser produces, so
``textformat.write()`` gives its canonical text and exporting an imported file gives back what
was imported. Rich-text sections become plain paragraphs: each block (paragraph, heading, list
item, quotation) is one paragraph, a list item keeps a "- " (or "1. ") in front, and a link keeps
its address in brackets after its text; bold and italics are dropped.

``to_json()`` is ``articles.snapshot.snapshot()`` as JSON: the keys are documented in
docs/import-export.md and stay stable (``schema`` changes if they ever must).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

from django.db.models import Prefetch

from articles.interchange.textformat import (
    ParsedEvent,
    ParsedExplainer,
    ParsedFact,
    ParsedQuote,
    ParsedRelated,
    ParsedSource,
    ParsedTakeaway,
    ParsedViewpoint,
    is_heading,
    write,
)
from articles.models import Explainer, KeyFact, RelatedLink, Source, TimelineEvent, Viewpoint
from articles.snapshot import snapshot

# Elements whose content is a paragraph of its own.
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "pre"})


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, items so far]
        self.links: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag == "ol", 0])
        elif tag in _BLOCKS:
            self.flush()
            if tag == "li" and self.lists:
                ordered = self.lists[-1]
                ordered[1] += 1
                self.current.append(f"{ordered[1]}. " if ordered[0] else "- ")
        elif tag == "br":
            self.current.append(" ")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in _BLOCKS:
            self.flush()
        elif tag == "a" and self.links:
            href = self.links.pop()
            text = "".join(self.current)
            if href and href not in text:
                self.current.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.current.append(data)


def html_to_paragraphs(html: str) -> list[str]:
    """Return the plain paragraphs of a rich-text section; entities become characters."""
    reader = _PlainText()
    reader.feed(html or "")
    reader.close()
    reader.flush()
    return reader.paragraphs


def _load(explainer: Explainer) -> Explainer:
    """Return the explainer with every part the format carries, in its stored order."""
    ordered = ("position", "pk")
    return (
        Explainer.objects.all()
        .prefetch_related(
            Prefetch("key_facts", KeyFact.objects.order_by(*ordered)),
            Prefetch(
                "viewpoints", Viewpoint.objects.select_related("stakeholder").order_by(*ordered)
            ),
            # Position, not date: the file's order is the order the timeline was written in.
            Prefetch("timeline", TimelineEvent.objects.order_by(*ordered)),
            Prefetch("sources", Source.objects.order_by(*ordered)),
            Prefetch(
                "related_links", RelatedLink.objects.select_related("target").order_by(*ordered)
            ),
        )
        .get(pk=explainer.pk)
    )


def _quote(viewpoint: Viewpoint, numbers: dict[int, int]) -> ParsedQuote | None:
    """Return a viewpoint's quote as the format carries it (a quote without a source it can
    name, or without a link and date, cannot be written: it stays on the desk)."""
    if not viewpoint.quote:
        return None
    if viewpoint.quote_source_id in numbers:
        return ParsedQuote(viewpoint.quote, numbers[viewpoint.quote_source_id], "", None)
    if viewpoint.quote_url and viewpoint.quote_date:
        return ParsedQuote(viewpoint.quote, None, viewpoint.quote_url, viewpoint.quote_date)
    return None


def to_parsed(explainer: Explainer) -> ParsedExplainer:
    """Return the explainer's content as the parser would read it from its exported text."""
    e = _load(explainer)
    numbers = {source.pk: n for n, source in enumerate(e.sources.all(), 1)}
    return ParsedExplainer(
        title=e.title,
        takeaways=[ParsedTakeaway(text) for text in e.takeaway_list()],
        what_happened=html_to_paragraphs(e.what_happened),
        key_facts=[ParsedFact(f.text) for f in e.key_facts.all()],
        background=html_to_paragraphs(e.background),
        why_it_matters=html_to_paragraphs(e.why_it_matters),
        viewpoints=[
            ParsedViewpoint(v.stakeholder.name, v.text, quote=_quote(v, numbers))
            for v in e.viewpoints.all()
        ],
        timeline=[ParsedEvent(t.text, t.date, t.precision, t.kind) for t in e.timeline.all()],
        # An import stores a link without citation as both; it goes back out as the link alone.
        sources=[
            ParsedSource("" if s.citation == s.url else s.citation, s.url) for s in e.sources.all()
        ],
        related=[
            ParsedRelated(link.target.title if link.target is not None else link.title)
            for link in e.related_links.all()
        ],
    )


def export_problems(parsed: ParsedExplainer) -> list[str]:
    """Return what the text format cannot carry back exactly (the format has no escape)."""
    problems = []
    if is_heading(parsed.title):
        problems.append(f'the title "{parsed.title}" reads as a section heading')
    for name in ("what_happened", "background", "why_it_matters"):
        for paragraph in getattr(parsed, name):
            if is_heading(paragraph) and " " not in paragraph.strip():
                problems.append(f'the one-word paragraph "{paragraph}" reads as a section heading')
    return problems


def to_text(explainer: Explainer) -> str:
    """Return the canonical plain text of the explainer (docs/text-format.md)."""
    return write(to_parsed(explainer))


def to_json(explainer: Explainer) -> str:
    """Return the whole explainer as a JSON document with the stable keys of ``snapshot()``."""
    return json.dumps(snapshot(explainer), ensure_ascii=False, indent=2) + "\n"


def filename_for(explainer: Explainer, extension: str = "txt") -> str:
    return f"{explainer.slug}.{extension}"
