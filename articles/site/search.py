"""Reader search over live versions.

On PostgreSQL: ``websearch_to_tsquery`` against the stored, GIN-indexed ``search_vector``
(title A, dek B, facts, sections and stakeholder names C), with ``ts_headline`` snippets.
Results are ranked on the small ``search_rank_vector`` (title A, dek B; a generated column,
migration 0008) rather than the full vector: every match's full vector is stored out of line,
and reading and ranking it costs far more than ranking the small in-row one (figures in
docs/performance.md). So title matches come first, then dek matches, then body matches newest
first. The headline is computed over a window of ``search_text`` around the first match, not
the whole text.

On SQLite: the FTS5 table ``articles_search_fts`` (``publishing.fulltext``; title, dek and
body columns), ranked by ``bm25`` with the title and dek weighted above the body, and snippets
from FTS5's ``snippet()`` over the body. The reader's query becomes FTS5 syntax with every
word or phrase quoted, so no input is read as an operator or column name.

Either way the matches are taken through ``PublishedVersion.objects.live()``, the reader's text
never reaches SQL except as a parameter, and snippets are escaped before any highlight markup
is added.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import NotSupportedError, connection, connections, transaction
from django.db.models import Expression, F, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import PublishedVersion
from articles.publishing.fulltext import FTS_TABLE

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
# SQLite's bm25() weights of the title, dek and body columns, and its snippets' length (tokens).
FTS_WEIGHTS = (10.0, 4.0, 1.0)
FTS_SNIPPET_TOKENS = 30
# The headline's window of search_text (characters), from a little before the first match:
# ts_headline parses all of its input, and whole texts average 6 kB: a page of headlines over
# a short window costs a fraction of one over whole texts (docs/performance.md). One fragment
# of up to 35 words is shown.
SNIPPET_WINDOW_BEFORE = 120
SNIPPET_WINDOW = 400
RANK_VECTOR_COLUMN = "search_rank_vector"
# Counting stops here: "1,000+ results" reads as well as "3,704" and costs a third as much.
COUNT_CAP = 1000
NO_WORDS_NOTICE = "Type at least one word with letters or digits."

# Highlight markers for ts_headline: private-use characters that editor text does not contain.
# The headline is escaped first; only then do markers become <mark> tags.
START_SEL, STOP_SEL = "\ue000", "\ue001"
_MARKERS = re.compile(f"([{START_SEL}{STOP_SEL}])")
# Where a stored card (templates/articles/includes/card.html) starts its date line.
_CARD_META = '<p class="card-meta">'
# websearch_to_tsquery's syntax: "a phrase", -excluded, -"excluded phrase", or.
_QUERY_TOKENS = re.compile(r'(?P<excluded>-?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


def clean_query(raw: str | None) -> str:
    """Return a reader's query fit to search with: no control characters, capped in length."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") else ch for ch in raw or ""
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def _has_letters(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def wanted_words(query: str) -> list[str]:
    """Return the words of a web-search query that a result should contain.

    Words of quoted phrases count; excluded words (``-word``, ``-"a phrase"``) and the ``or``
    keyword do not.
    """
    words: list[str] = []
    for match in _QUERY_TOKENS.finditer(query):
        excluded, phrase, word = match.group("excluded"), match.group("phrase"), match.group("word")
        if excluded:
            continue
        if phrase is not None:
            words += phrase.split()
        elif word.casefold() != "or" and word.strip("-"):
            words.append(word)
    return words[:MAX_TERMS]


def fts_query(query: str) -> str:
    """Return a web-search query in FTS5's syntax: every word and phrase a quoted string.

    The same syntax as PostgreSQL's ``websearch_to_tsquery``: words are all wanted, "a
    phrase" is wanted as written, ``or`` between words wants either, and ``-word`` or
    ``-"a phrase"`` excludes. Terms without a letter or digit are dropped. Return "" when
    nothing is left to look for.
    """
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    terms = 0
    for match in _QUERY_TOKENS.finditer(query):
        phrase, word = match.group("phrase"), match.group("word")
        if word is not None and word.casefold() == "or" and not match.group("excluded"):
            groups.append([])
            continue
        text = phrase if phrase is not None else word
        if not _has_letters(text) or terms >= MAX_TERMS:
            continue
        terms += 1
        quoted = '"' + text.replace('"', '""') + '"'
        (excluded if match.group("excluded") else groups[-1]).append(quoted)
    wanted = " OR ".join(f"({' '.join(group)})" for group in groups if group)
    if not wanted or not excluded:
        return wanted
    # NOT binds tighter than OR: the exclusions apply to the whole of what is wanted.
    return " NOT ".join([f"({wanted})", *excluded])


class RankVector(Expression):
    """The generated title-and-dek vector (migration 0008): a column the model does not declare,
    since SQLite has no ``to_tsvector`` to generate it with."""

    output_field = SearchVectorField()

    def as_sql(  # noqa: ARG002 - signature set by Django
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> NoReturn:
        raise NotSupportedError("search_rank_vector exists on PostgreSQL only.")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Sequence[Any]]:
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(RANK_VECTOR_COLUMN)}", ()


class SnippetWindow(Expression):
    """``search_text`` cut to a window around the first place any of ``words`` occurs.

    ts_headline parses all of its input, and ``search_text`` averages 6 kB. Occurrences are
    found with ``strpos`` on each word's stem (a Porter stem is a prefix of the word once a
    final "i" is dropped: "polici" for "policy"). Without one, the window is the text's start.
    """

    output_field = TextField()

    def __init__(self, words: list[str]):
        super().__init__()
        self.text = F("search_text")
        self.words = Value(" ".join(words))

    def get_source_expressions(self) -> list:
        return [self.text, self.words]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.text, self.words = exprs

    def as_sql(  # noqa: ARG002 - signature set by Django
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> NoReturn:
        raise NotSupportedError("SnippetWindow needs PostgreSQL's text search.")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Sequence[Any]]:
        # Resolved by now: the F() in __init__ is a column here.
        text, words = self.get_source_expressions()
        text_sql, text_params = compiler.compile(text)
        words_sql, words_params = compiler.compile(words)
        # Only compiled SQL and integer constants are spliced in; the words travel as parameters.
        first = (
            f"(SELECT min(found.at) FROM (SELECT strpos(lower({text_sql}),"  # noqa: S608
            " nullif(rtrim(lexeme, 'i'), '')) AS at FROM unnest(tsvector_to_array("
            f"to_tsvector('english'::regconfig, {words_sql}))) AS lexeme) AS found"
            " WHERE found.at > 0)"
        )
        sql = (
            f"substr({text_sql}, greatest(1, coalesce({first}, 1) - {SNIPPET_WINDOW_BEFORE:d}),"
            f" {SNIPPET_WINDOW:d})"
        )
        return sql, (*text_params, *text_params, *words_params)


class SearchResults:
    """The live versions matching a query, best first, for Django's ``Paginator``.

    The first use reads the ids of the best ``COUNT_CAP + 1`` matches, in order: on
    PostgreSQL in one narrow query, ranked from the in-row title-and-dek vector; on SQLite in
    two, the scores from the FTS5 index and the live versions among its matches. That gives
    the count, capped (``capped`` tells that there are more), and every page's ids. A page is
    then read whole, with its snippets, by id: sorting the matches with their JSON ``data``
    and text read 3,700 rows' worth of both for a common word.
    """

    def __init__(self, query: str):
        self.query = query
        self.words = wanted_words(query)
        # Nothing to look for: punctuation or operators only ("&", "-", '""').
        self.notice = "" if any(_has_letters(w) for w in self.words) else NO_WORDS_NOTICE
        self.capped = False
        self._ids: list[int] | None = None
        live = PublishedVersion.objects.live()
        self.fts_query = "" if connection.vendor == "postgresql" else fts_query(query)
        # Nothing for the index to look for (the notice, or on SQLite only excluded words).
        self.empty = bool(self.notice) or (connection.vendor != "postgresql" and not self.fts_query)
        if self.empty:
            self.matches = live.none()
        elif connection.vendor == "postgresql":
            self.ts_query = SearchQuery(query, search_type="websearch", config="english")
            # Rank on any of the wanted words: with an AND query, ts_rank scores a title that
            # holds one of two words as if it held neither.
            rank_query = reduce(
                operator.or_, (SearchQuery(w, config="english") for w in self.words)
            )
            self.matches = (
                live.filter(search_vector=self.ts_query)
                .annotate(rank=SearchRank(RankVector(), rank_query))
                .order_by("-rank", "-first_published_at", "-pk")
            )
        else:
            # Through live(), as every public read: the index holds versions of every state.
            self.matches = live.filter(
                # The query travels as a parameter; the table name is our constant.
                pk__in=RawSQL(  # noqa: S611
                    f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                    (self.fts_query,),
                )
            ).order_by("-first_published_at", "-pk")

    def ids(self) -> list[int]:
        """Return the ids of the best matches, best first, at most ``COUNT_CAP``."""
        if self._ids is None:
            found = [] if self.empty else self._best_ids()
            self.capped = len(found) > COUNT_CAP
            self._ids = found[:COUNT_CAP]
        return self._ids

    def _best_ids(self) -> list[int]:
        if connection.vendor == "postgresql":
            best = self.matches.values_list("pk", flat=True)[: COUNT_CAP + 1]
            return self._from_index(lambda: list(best))
        # SQLite: every match's bm25 score from the index, in one query, then the live ones
        # among them (newest first), sorted by score; equal scores keep the newest first.
        weights = ", ".join(f"{w:f}" for w in FTS_WEIGHTS)
        with connections[self.matches.db].cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE}"  # noqa: S608
                f" WHERE {FTS_TABLE} MATCH %s",
                [self.fts_query],
            )
            scores = dict(cursor.fetchall())
        newest_first = list(self.matches.values_list("pk", flat=True))
        # bm25() is lower for better matches.
        return sorted(newest_first, key=lambda pk: scores.get(pk, 0.0))[: COUNT_CAP + 1]

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    @property
    def summary(self) -> str:
        """Return the count as the page states it: "1 result", "1,000+ results"."""
        n = self.count()
        if self.capped:
            return f"{n:,}+ results"
        return f"{n:,} result{'' if n == 1 else 's'}"

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        if not isinstance(page, slice):
            raise TypeError("Search results are read a page (a slice) at a time.")
        page_ids = self.ids()[page]
        if not page_ids:
            return []
        live = PublishedVersion.objects.live().filter(pk__in=page_ids)
        rows: list[dict[str, Any]]
        if connection.vendor == "postgresql":
            headlines = live.annotate(
                snippet=SearchHeadline(
                    SnippetWindow(self.words),
                    self.ts_query,
                    config="english",
                    start_sel=START_SEL,
                    stop_sel=STOP_SEL,
                    max_words=35,
                    min_words=15,
                    max_fragments=1,
                )
            ).values("pk", "card_html", "snippet")
            rows = list(headlines)
        else:
            rows = list(live.values("pk", "card_html"))
            snippets = self._fts_snippets(page_ids)
            for row in rows:
                row["snippet"] = snippets.get(row["pk"], "")
        position = {pk: n for n, pk in enumerate(page_ids)}
        return sorted(rows, key=lambda row: position[row["pk"]])

    def _fts_snippets(self, ids: list[int]) -> dict[int, str]:
        """Return SQLite's snippet of each version's body, matches between the markers."""
        marks = ", ".join(["%s"] * len(ids))
        with connections[self.matches.db].cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({FTS_TABLE}, 2, %s, %s, %s, %s) FROM {FTS_TABLE}"  # noqa: S608
                f" WHERE {FTS_TABLE} MATCH %s AND rowid IN ({marks})",
                [START_SEL, STOP_SEL, " … ", FTS_SNIPPET_TOKENS, self.fts_query, *ids],
            )
            return {pk: snippet.strip() for pk, snippet in cursor.fetchall()}

    def _from_index(self, read: Callable[[], T]) -> T:
        """Return ``read()``, on PostgreSQL with the matches taken from the GIN index.

        The planner does not count the cost of reading each row's out-of-line vector to test
        ``@@``, so for a word in a third of all versions it picks a sequential scan that
        decompresses every vector, many times slower than the index scan (figures in
        docs/performance.md).
        Measured on the bench data after VACUUM ANALYZE, as autovacuum keeps it: with 10,000
        dead rows and a long GIN pending list, the planner preferred the ``ends_at`` index
        (every live row, ``@@`` tested on each). Taking the matches from a subquery of their
        own left it no choice but read 2 to 6 times as many buffers in the normal case.
        """
        if connection.vendor != "postgresql":
            return read()
        db = self.matches.db
        if connections[db].in_atomic_block:
            # SET LOCAL would last until the enclosing transaction ends: undo it. (If read()
            # fails, that transaction is aborted and its rollback undoes the setting.)
            with connections[db].cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                result = read()
                cursor.execute("RESET enable_seqscan")
            return result
        with transaction.atomic(using=db), connections[db].cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return read()


def search(query: str) -> SearchResults:
    """Return the live versions matching ``query``, best first, to paginate."""
    return SearchResults(query)


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


def card_with_snippet(card_html: str, snippet: SafeString) -> SafeString:
    """Return a version's stored list card with ``snippet`` as a paragraph above its date."""
    at = card_html.find(_CARD_META)
    if at == -1:
        at = card_html.rfind("</article>")
    if at == -1:
        at = len(card_html)
    paragraph = format_html('<p class="card-snippet">{}</p>\n  ', snippet)
    # Safe: card_html was rendered at publish by our card template with autoescaping on
    # (render.render_card), and the snippet is escaped text whose only markup is <mark>.
    return mark_safe(card_html[:at] + paragraph + card_html[at:])  # noqa: S308


def with_snippets(rows: list[dict[str, Any]]) -> list[SafeString]:
    """Return one page of results as list cards, each with its snippet, as safe HTML.

    The cards are those stored at publish time (``card_html``, as list pages show them):
    rendering the card template for each result would cost about as much as the search itself
    (docs/performance.md).
    """
    cards = []
    for row in rows:
        snippet = highlight_headline(row.get("snippet") or "")
        cards.append(card_with_snippet(row["card_html"], snippet))
    return cards
