"""The desk's search: the explainer list's search box, over the working copies.

Staff look for a story by what is in it, not only by its title: a figure from a key fact, a
stakeholder, a colleague's byline, a phrase of the text. So the search covers the title, slug,
summary, the three story sections, the key facts, the stakeholders' names and viewpoints and the
authors' full names of each working copy, drafts included.

On PostgreSQL it is full-text search (``websearch_to_tsquery``, English stemming) over one
document per explainer, built from those fields at query time: the public search's stored
vectors hold published versions only, and a working copy's parts change with every inline
save. On SQLite every word (or "quoted phrase") must appear, case-insensitively, in one of
the same fields.

Either way the result is the queryset it was given, filtered by ``pk__in``: it keeps the
change list's visibility (a writer still sees only their own explainers) and never repeats a
row, however many facts or bylines match.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.utils.text import smart_split, unescape_string_literal

from articles.models import Byline, Explainer, KeyFact, Viewpoint

HELP_TEXT = (
    "Searches the explainers you may open, drafts included: title, summary, story sections, "
    "key facts, stakeholders and their viewpoints, and bylines by full name. Every word must "
    'appear; put a phrase in "double quotes".'
)
MAX_TERM_LENGTH = 200
CONFIG = "english"
# The explainer's own fields searched; its parts are added below.
OWN_FIELDS = ("title", "slug", "dek", "what_happened", "background", "why_it_matters")


def as_text(*fields: str) -> Concat:
    """The ``fields`` of a row as one text, separated by spaces."""
    parts: list[F | Value] = [F(fields[0])]
    for name in fields[1:]:
        parts += [Value(" "), F(name)]
    return Concat(*parts, output_field=TextField())


# A byline's author as the desk names them.
FULL_NAME = as_text("author__first_name", "author__last_name")


def search(queryset: QuerySet[Explainer], term: str) -> QuerySet[Explainer]:
    """Return the explainers of ``queryset`` that match ``term`` (all of them if it is blank)."""
    term = " ".join(term.split())[:MAX_TERM_LENGTH]
    if not term:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        matching = full_text_matches(term)
    else:
        matching = word_matches(term)
    return queryset.filter(pk__in=matching.values("pk"))


# PostgreSQL: one document per explainer.


def _joined(rows: QuerySet, text: F | Concat) -> Subquery:
    """The texts of an explainer's ``rows`` (key facts, viewpoints, bylines) as one string."""
    joined = (
        rows.filter(explainer=OuterRef("pk"))
        .order_by()
        .values("explainer")
        .annotate(joined=StringAgg(text, delimiter=" "))
        .values("joined")
    )
    return Subquery(joined, output_field=TextField())


def document() -> SearchVector:
    """The searchable text of a working copy: its own fields, then its parts.

    Rich-text sections go in as stored (sanitised HTML): PostgreSQL's parser reads tags as
    tags, which the text search configuration leaves out.
    """
    return SearchVector(
        *OWN_FIELDS,
        _joined(KeyFact.objects.all(), F("text")),
        _joined(Viewpoint.objects.all(), as_text("stakeholder__name", "text")),
        _joined(Byline.objects.all(), FULL_NAME),
        config=CONFIG,
    )


def full_text_matches(term: str) -> QuerySet[Explainer]:
    query = SearchQuery(term, search_type="websearch", config=CONFIG)
    return Explainer.objects.annotate(document=document()).filter(document=query)


# SQLite (and any other database): every word somewhere, case-insensitively.


def words(term: str) -> list[str]:
    """Return the words of ``term``, a "quoted phrase" counting as one (as Django's admin)."""
    found = []
    for bit in smart_split(term):
        if len(bit) > 1 and bit[0] in "\"'" and bit[-1] == bit[0]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            found.append(bit)
    return found


def contains(word: str) -> Q:
    """The condition "``word`` appears in the explainer or one of its searched parts"."""
    own = [Q(**{f"{name}__icontains": word}) for name in OWN_FIELDS]
    facts = KeyFact.objects.filter(text__icontains=word)
    viewpoints = Viewpoint.objects.filter(
        Q(text__icontains=word) | Q(stakeholder__name__icontains=word)
    )
    bylines = Byline.objects.annotate(full_name=FULL_NAME).filter(full_name__icontains=word)
    parts = [Q(pk__in=rows.values("explainer")) for rows in (facts, viewpoints, bylines)]
    return reduce(operator.or_, own + parts)


def word_matches(term: str) -> QuerySet[Explainer]:
    found = words(term)
    if not found:
        return Explainer.objects.all()
    return Explainer.objects.filter(reduce(operator.and_, (contains(w) for w in found)))
