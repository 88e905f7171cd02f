"""Write a parsed explainer back as canonical text that the parser reads to the same content."""

from __future__ import annotations

from articles.interchange.textdates import find_date, format_event_date, normalised_date
from articles.interchange.textquotes import write_quote
from articles.interchange.textrecords import (
    HTTP_URL,
    SECTIONS,
    ParsedEvent,
    ParsedExplainer,
    ParsedSource,
    Section,
    is_heading,
    normalise,
)


def _event_line(event: ParsedEvent) -> str:
    text = normalise(event.text)
    if event.date is None:
        return text
    date = normalised_date(event.date, event.precision)
    if find_date(text) == (date, event.precision):
        return text
    # The text does not say the stored date first: put it in front so that it survives.
    prefix = format_event_date(date, event.precision)
    return f"{prefix}: {text}" if text else prefix


def _source_line(source: ParsedSource) -> str:
    citation, url = normalise(source.citation), source.url.strip()
    if not (citation and url):
        return citation or url
    # Always exactly one " - ": the parser drops one separator next to the URL, so a citation
    # that itself ends (or starts) with "-" or ":" comes back intact. A citation holding a URL of
    # its own goes after the link, since the first URL in the bullet is the link.
    if HTTP_URL.search(citation):
        return f"{url} - {citation}"
    return f"{citation} - {url}"


def _section_lines(explainer: ParsedExplainer, section: Section) -> list[str]:
    name = section.field
    if not section.bullets:
        lines: list[str] = []
        for paragraph in filter(None, map(normalise, getattr(explainer, name))):
            if lines:
                lines.append("")
            if is_heading(paragraph) and " " in paragraph:
                # "Key facts" alone on a line is a heading; over two lines it reads back as the
                # paragraph "Key facts". A one-word paragraph ("Sources") has no such escape.
                lines.extend(paragraph.split(" ", 1))
            else:
                lines.append(paragraph)
        return lines
    if name == "viewpoints":
        lines = []
        for v in explainer.viewpoints:
            lines.append(f"- {normalise(v.name)}: {normalise(v.text)}")
            if v.quote is not None:
                lines.append(f"  {write_quote(v.quote)}")
        return lines
    if name == "takeaways":
        texts = [normalise(takeaway.text) for takeaway in explainer.takeaways]
    elif name == "key_facts":
        texts = [normalise(fact.text) for fact in explainer.key_facts]
    elif name == "timeline":
        texts = [_event_line(event) for event in explainer.timeline]
    elif name == "sources":
        texts = [_source_line(source) for source in explainer.sources]
    else:
        texts = [normalise(related.title) for related in explainer.related]
    return [f"- {text}" for text in texts if text]


def write(explainer: ParsedExplainer) -> str:
    """Return the canonical text of the explainer: every section, canonical headings.

    Text is whitespace-normalised and empty items are left out. A dated event whose text does
    not give its date first gets the date put in front of the text, so the date survives. A title,
    or a one-word paragraph, that reads as a heading (see ``is_heading``) cannot be written so that
    it reads back; callers that care should check for it first.
    """
    lines = [normalise(explainer.title), ""]
    for section in SECTIONS:
        lines.append(section.heading)
        lines.extend(_section_lines(explainer, section))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
