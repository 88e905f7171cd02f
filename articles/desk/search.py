"""The desk's search: the explainer list's search box, over the working copies.

Staff look for a story by what is in it, not only by its title: a figure from a key fact, a
stakeholder, a colleague's byline, a phrase of the text. So the search covers the title, slug,
summary, the three story sections, the key facts, the stakeholders' names and viewpoints and the
authors' full names of each working copy, drafts included.

Every word of the search (a "quoted phrase" counts as one word, ``-word`` leaves out what
contains it) must appear somewhere in the explainer, in any of those parts: "Lovelace levy"
finds the levy explainer that Ada Lovelace wrote. On PostgreSQL a word matches by full-text
search (English stemming, ``phraseto_tsquery``) through GIN indexes on the explainer's own
text, its key facts and its viewpoints (migration 0019): the public search's stored vectors
hold published versions only, and working copies are searched as they are now. Words that
carry no meaning of their own ("the", "of") are passed over. Elsewhere (SQLite) a word
matches case-insensitively as a substring.

The result is the queryset it was given, filtered by ``pk__in``: it keeps the change list's
visibility (a writer still sees only their own explainers) and never repeats a row, however
many facts or bylines match.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import F, Func, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Exact
from django.utils.text import smart_split, unescape_string_literal

from articles.models import Byline, Explainer, KeyFact, Stakeholder, Viewpoint

HELP_TEXT = (
    "Searches the explainers you may open, drafts included: title, summary, story sections, "
    "key facts, stakeholders and their viewpoints, and bylines by full name. Every word must "
    'appear; put a phrase in "double quotes"; -word leaves out those containing it.'
)
MAX_TERM_LENGTH = 200
MAX_WORDS = 10
CONFIG = "english"
# The explainer's own fields searched; its parts are added by ``contains``. Migration 0018
# indexes exactly these vectors: a change here needs a migration that changes the index.
OWN_FIELDS = ("title", "slug", "dek", "what_happened", "background", "why_it_matters")


def own_vector() -> SearchVector:
    """The explainer's own text (rich-text sections as stored: the parser skips the tags)."""
    return SearchVector(*OWN_FIELDS, config=CONFIG)


def text_vector() -> SearchVector:
    """The text of a key fact or a viewpoint."""
    return SearchVector("text", config=CONFIG)


def search(queryset: QuerySet[Explainer], term: str) -> QuerySet[Explainer]:
    """Return the explainers of ``queryset`` that match ``term`` (all of them if it is blank)."""
    wanted = words(" ".join(term.split())[:MAX_TERM_LENGTH])[:MAX_WORDS]
    if not wanted:
        return queryset
    full_text = connections[queryset.db].vendor == "postgresql"
    conditions = []
    for word in wanted:
        left_out = word.startswith("-") and len(word) > 1
        found = contains(word[1:] if left_out else word, full_text=full_text)
        conditions.append(~found if left_out else found)
    matching = Explainer.objects.filter(reduce(operator.and_, conditions))
    return queryset.filter(pk__in=matching.values("pk"))


def words(term: str) -> list[str]:
    """Return the words of ``term``, a "quoted phrase" counting as one (as Django's admin)."""
    found = []
    for bit in smart_split(term):
        if bit.startswith("-") and len(bit) > 2 and bit[1] in "\"'" and bit[-1] == bit[1]:
            bit = "-" + unescape_string_literal(bit[1:])
        elif len(bit) > 1 and bit[0] in "\"'" and bit[-1] == bit[0]:
            bit = unescape_string_literal(bit)
        if bit.strip(" -"):
            found.append(bit)
    return found


def contains(word: str, *, full_text: bool) -> Q:
    """The condition "``word`` appears in the explainer or in one of its searched parts"."""
    return full_text_match(word) if full_text else substring_match(word)


def full_text_match(word: str) -> Q:
    query = SearchQuery(word, search_type="phrase", config=CONFIG)
    people = get_user_model().objects.annotate(
        found=SearchVector("first_name", "last_name", config=CONFIG)
    )
    in_any_part = any_part(
        own=Explainer.objects.annotate(found=own_vector()).filter(found=query),
        facts=KeyFact.objects.annotate(found=text_vector()).filter(found=query),
        viewpoints=Viewpoint.objects.annotate(found=text_vector()).filter(found=query),
        stakeholders=Stakeholder.objects.annotate(found=SearchVector("name", config=CONFIG)).filter(
            found=query
        ),
        authors=people.filter(found=query),
    )
    # A word PostgreSQL drops as meaningless ("the") leaves an empty query, which matches
    # nothing: it is passed over instead.
    return in_any_part | Q(Exact(LexemeCount(query), 0))


def substring_match(word: str) -> Q:
    own = reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in OWN_FIELDS))
    people = get_user_model().objects.annotate(full_name=FULL_NAME)
    return any_part(
        own=Explainer.objects.filter(own),
        facts=KeyFact.objects.filter(text__icontains=word),
        viewpoints=Viewpoint.objects.filter(text__icontains=word),
        stakeholders=Stakeholder.objects.filter(name__icontains=word),
        authors=people.filter(full_name__icontains=word),
    )


def any_part(
    *,
    own: QuerySet[Explainer],
    facts: QuerySet[KeyFact],
    viewpoints: QuerySet[Viewpoint],
    stakeholders: QuerySet[Stakeholder],
    authors: QuerySet[Any],
) -> Q:
    """The condition "one of these matched": each a ``pk__in`` subquery of its own, so that
    PostgreSQL answers each through its index and no join multiplies the explainer's rows."""
    return (
        Q(pk__in=own.values("pk"))
        | Q(pk__in=facts.values("explainer"))
        | Q(pk__in=viewpoints.values("explainer"))
        | Q(pk__in=Viewpoint.objects.filter(stakeholder__in=stakeholders).values("explainer"))
        | Q(pk__in=Byline.objects.filter(author__in=authors).values("explainer"))
    )


# A person as the desk names them, for the substring search.
FULL_NAME = Concat(F("first_name"), Value(" "), F("last_name"), output_field=TextField())


class LexemeCount(Func):
    """The number of words and operators in a text-search query (PostgreSQL's ``numnode``)."""

    function = "numnode"
    output_field = IntegerField()
