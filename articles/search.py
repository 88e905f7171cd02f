"""Reader search over live versions.

On PostgreSQL: ``websearch_to_tsquery`` against the stored, GIN-indexed ``search_vector``
(title A, dek B, facts, sections and stakeholder names C), ranked, with ``ts_headline``
snippets. On SQLite: every word must appear in ``search_text`` (case-insensitive for ASCII),
with a plain snippet around the first match. Either way the reader's text never reaches SQL
except as a parameter, and snippets are escaped before any highlight markup is added.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .models import PublishedVersion
from .public import CARD_FIELDS

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SNIPPET_CHARS = 240

# Highlight markers for ts_headline: private-use characters that editor text does not contain.
# The headline is escaped first; only then do markers become <mark> tags.
START_SEL, STOP_SEL = "\ue000", "\ue001"
_MARKERS = re.compile(f"([{START_SEL}{STOP_SEL}])")


def clean_query(raw: str | None) -> str:
    """Return a reader's query fit to search with: no control characters, capped in length."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") else ch for ch in raw or ""
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search(query: str) -> QuerySet:
    """Return live versions matching ``query`` as list cards with a ``snippet``, best first."""
    live = PublishedVersion.objects.live()
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            live.filter(search_vector=ts_query)
            .annotate(
                rank=SearchRank(F("search_vector"), ts_query),
                snippet=SearchHeadline(
                    "search_text",
                    ts_query,
                    config="english",
                    start_sel=START_SEL,
                    stop_sel=STOP_SEL,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-first_published_at", "-pk")
            .values(*CARD_FIELDS, "data__topics", "snippet")
        )
    terms = query.split()[:MAX_TERMS]
    condition = Q()
    for term in terms:
        condition &= Q(search_text__icontains=term)
    return (
        live.filter(condition)
        .order_by("-first_published_at", "-pk")
        .values(*CARD_FIELDS, "data__topics", "search_text")
    )


def highlight_headline(headline: str) -> SafeString:
    """Return a ts_headline result as HTML: text escaped, marked spans in <mark>."""
    parts: list[str] = []
    open_mark = False
    for token in _MARKERS.split(headline or ""):
        if token == START_SEL and not open_mark:
            parts.append("<mark>")
            open_mark = True
        elif token == STOP_SEL and open_mark:
            parts.append("</mark>")
            open_mark = False
        elif token not in (START_SEL, STOP_SEL):
            parts.append(escape(token))
    if open_mark:
        parts.append("</mark>")
    # Safe: every piece of text was escaped above; the only markup is balanced <mark> tags.
    return mark_safe("".join(parts))  # noqa: S308


def plain_snippet(text: str, query: str) -> SafeString:
    """Return an escaped excerpt of ``text`` around the first query word, that word marked."""
    folded = text.casefold()
    for term in query.split()[:MAX_TERMS]:
        at = folded.find(term.casefold())
        if at != -1:
            break
    else:
        return format_html("{}", text[:SNIPPET_CHARS])
    start = max(0, at - SNIPPET_CHARS // 2)
    end = min(len(text), at + len(term) + SNIPPET_CHARS // 2)
    # Cut at spaces, not mid-word.
    if start:
        space = text.find(" ", start, at)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", at + len(term), end)
        end = space if space != -1 else end
    return format_html(
        "{}{}<mark>{}</mark>{}{}",
        "… " if start else "",
        text[start:at],
        text[at : at + len(term)],
        text[at + len(term) : end],
        " …" if end < len(text) else "",
    )


def with_snippets(rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """Return result rows with ``snippet`` as safe HTML (one page of results)."""
    out = []
    for row in rows:
        row = dict(row)
        if "search_text" in row:
            row["snippet"] = plain_snippet(row.pop("search_text"), query)
        else:
            row["snippet"] = highlight_headline(row.get("snippet") or "")
        out.append(row)
    return out
