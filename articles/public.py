"""Reads shared by the public views, feeds, sitemaps and calendar.

Everything here starts from ``PublishedVersion.objects.live()``, the one definition of
"public", and reads the versions' frozen ``data``: never the working-copy tables (``Explainer``,
``TimelineEvent``, ``Correction``…), which may hold edits nobody has published yet. The
exceptions are ``Topic`` and ``Stakeholder`` rows, which are shared across explainers; they are
shown only while a live version refers to them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import NotSupportedError
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from . import chrome
from .models import ListEntry, PublishedVersion, Stakeholder, Topic, period_end
from .models import WatchItem as WatchRow
from .prepared import Prepared, together
from .querysets import live_q

# The fields a list of explainers (home, topic, stakeholder, author, search) shows.
CARD_FIELDS = ("pk", "slug", "title", "dek", "first_published_at", "go_live_at", "number")


def absolute_url(path: str) -> str:
    """Return ``path`` on the site's public address (settings.NEWSROOM_BASE_URL)."""
    return settings.NEWSROOM_BASE_URL + path


def explainer_path(slug: str) -> str:
    return chrome.explainer_path(slug)


@dataclass(frozen=True)
class LivePage:
    """What the explainer page serves: the newest live version's HTML, stored at publish."""

    pk: int
    number: int
    title: str
    go_live_at: datetime.datetime
    head_html: str
    body_html: str


_live_page = Prepared(
    PublishedVersion,
    lambda at, text: (
        PublishedVersion.objects.live(at)
        .filter(slug=text)
        .order_by("-go_live_at")
        .values_list("pk", "number", "title", "go_live_at", "head_html", "body_html")[:1]
    ),
    uses=("at", "text"),
)


def live_page(slug: str, at: datetime.datetime | None = None) -> LivePage | None:
    """Return the live version at ``slug`` for its page, or None.

    The newest live version with that slug, read through a statement compiled once per
    process (``articles/prepared.py``): building and compiling the queryset costs more than
    running it, and this is the most requested page there is. The database is the one the
    router picks for reading versions (a replica, where there is one).
    """
    rows = _live_page.rows(at=at or timezone.now(), text=slug)
    return LivePage(*rows[0]) if rows else None


class JSONArrayContains(Expression):
    """True when the JSON array in ``field`` holds ``value``.

    ``key`` narrows to arrays of objects: true when one element's ``key`` equals ``value``.
    Compiled per database: ``@>`` on PostgreSQL (a GIN index on the column can serve it) and
    ``json_each`` on SQLite; Django's ``__contains`` on JSON has no SQLite form.
    """

    output_field = BooleanField()

    def __init__(self, field: str, value: Any, *, path: str | None = None, key: str | None = None):
        super().__init__()
        self.array = F(field) if isinstance(field, str) else field
        self.needle = value if hasattr(value, "resolve_expression") else Value(value)
        # Both are spliced into SQL as JSON path parts: code constants, checked to be plain names.
        for part in (path, key):
            if part is not None and not part.isidentifier():
                raise ValueError(f"Not a plain JSON key: {part!r}")
        self.path, self.key = path, key

    def get_source_expressions(self) -> list:
        return [self.array, self.needle]

    def set_source_expressions(self, exprs) -> None:
        self.array, self.needle = exprs

    def as_sql(self, compiler, connection):  # noqa: ARG002 - signature set by Django
        raise NotSupportedError("JSONArrayContains supports PostgreSQL and SQLite only.")

    def as_sqlite(self, compiler, connection):
        field_sql, field_params = compiler.compile(self.array)
        value_sql, value_params = compiler.compile(self.needle)
        path = f", '$.{self.path}'" if self.path else ""
        element = f"json_extract(j.value, '$.{self.key}')" if self.key else "j.value"
        # Only compiled SQL and checked key names are spliced in; values travel as parameters.
        source = f"json_each({field_sql}{path})"
        sql = f"EXISTS (SELECT 1 FROM {source} AS j WHERE {element} = {value_sql})"  # noqa: S608
        return sql, (*field_params, *value_params)

    def as_postgresql(self, compiler, connection):
        field_sql, field_params = compiler.compile(self.array)
        value_sql, value_params = compiler.compile(self.needle)
        array = f"({field_sql} -> '{self.path}')" if self.path else field_sql
        # An array contains a bare scalar too (jsonb's documented exception to @>).
        needle = (
            f"jsonb_build_array(jsonb_build_object('{self.key}', {value_sql}))"
            if self.key
            else f"to_jsonb({value_sql})"
        )
        return f"({array} @> {needle})", (*field_params, *value_params)


def live_with_topic(topic_id: Any, at: datetime.datetime | None = None) -> QuerySet:
    return PublishedVersion.objects.live(at).filter(JSONArrayContains("topic_ids", topic_id))


def live_with_stakeholder(stakeholder_id: Any, at: datetime.datetime | None = None) -> QuerySet:
    return PublishedVersion.objects.live(at).filter(
        JSONArrayContains("stakeholder_ids", stakeholder_id)
    )


def live_by_author(user_id: Any, at: datetime.datetime | None = None) -> QuerySet:
    return PublishedVersion.objects.live(at).filter(
        JSONArrayContains("data", user_id, path="authors", key="id")
    )


def latest(queryset: QuerySet[PublishedVersion] | None = None) -> QuerySet:
    """Return live versions as list cards, newest first publication first."""
    queryset = queryset if queryset is not None else PublishedVersion.objects.live()
    return queryset.order_by("-first_published_at", "-pk").values(*CARD_FIELDS, "data__topics")


def latest_cards(queryset: QuerySet[PublishedVersion] | None = None) -> QuerySet:
    """Return the stored list cards (``card_html``) of live versions, newest first."""
    queryset = queryset if queryset is not None else PublishedVersion.objects.live()
    return queryset.order_by("-first_published_at", "-pk").values_list("card_html", flat=True)


def list_entries(kind: str, key: Any, at: datetime.datetime | None = None) -> QuerySet:
    """Return the live entries of one topic's, stakeholder's or author's list (``ListEntry``).

    Liveness is read from the entries' copies of their versions' times, so that counting a
    list needs its index alone; ``list_cards`` checks the versions themselves as well.
    """
    return ListEntry.objects.filter(live_q(at or timezone.now()), kind=kind, key=key)


def list_cards(kind: str, key: Any, at: datetime.datetime | None = None) -> QuerySet:
    """Return the stored cards of one list's live versions, newest first publication first.

    The same rows as ``latest_cards(live_with_topic(key, at))`` and its stakeholder and
    author kin, which read the versions' JSON (``tests/articles/test_prepared.py``)."""
    at = at or timezone.now()
    return (
        list_entries(kind, key, at)
        .filter(live_q(at, "version__"))
        .order_by("-first_published_at", "-version_id")
        .values_list("version__card_html", flat=True)
    )


def public_topics(at: datetime.datetime | None = None) -> QuerySet[Topic]:
    """Return the topics at least one live explainer is filed under."""
    return Topic.objects.filter(Exists(list_entries(ListEntry.Kind.TOPIC, OuterRef("pk"), at)))


def public_stakeholders(at: datetime.datetime | None = None) -> QuerySet[Stakeholder]:
    """Return the stakeholders at least one live explainer features."""
    return Stakeholder.objects.filter(
        Exists(list_entries(ListEntry.Kind.STAKEHOLDER, OuterRef("pk"), at))
    )


# --- The list pages' reads, compiled once (articles/prepared.py) ---------------------------

_cards = {
    kind: Prepared(
        ListEntry,
        lambda at, id, shape, kind=kind: list_cards(kind, id, at)[slice(*shape)],
        uses=("at", "id"),
    )
    for kind in ListEntry.Kind.values
}
_counts = {
    kind: Prepared(
        ListEntry,
        lambda at, id, kind=kind: count_all(list_entries(kind, id, at), field="version"),
        uses=("at", "id"),
    )
    for kind in ListEntry.Kind.values
}
_newest_cards = Prepared(
    PublishedVersion,
    lambda at, shape: latest_cards(PublishedVersion.objects.live(at))[:shape],
    uses=("at",),
)
_topics = Prepared(
    Topic, lambda at: public_topics(at).order_by("name").values_list("name", "slug"), uses=("at",)
)


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _public_by_slug(model, public_rows) -> Prepared:
    return Prepared(
        model,
        lambda at, text: public_rows(at).filter(slug=text).values_list(*_columns(model)),
        uses=("at", "text"),
    )


_topic_by_slug = _public_by_slug(Topic, public_topics)


def _heading_by_slug(model, public_rows, kind: str) -> Prepared:
    def build(at, text):
        count = count_all(list_entries(kind, OuterRef("pk"), at), field="version")
        return (
            public_rows(at)
            .filter(slug=text)
            .annotate(n=Subquery(count))
            .values_list("pk", "name", "slug", "description", "n", *HEADING_EXTRA[kind])
        )

    return Prepared(model, build, uses=("at", "text"))


class Heading(NamedTuple):
    """Whose list a topic or stakeholder page shows: its public fields and live count.

    Plain values, so that the page's frame (``chrome.frame``) is keyed by all of them."""

    pk: int
    name: str
    slug: str
    description: str
    count: int
    kind_label: str = ""


HEADING_EXTRA = {ListEntry.Kind.TOPIC: (), ListEntry.Kind.STAKEHOLDER: ("kind",)}
_headings = {
    ListEntry.Kind.TOPIC: _heading_by_slug(Topic, public_topics, ListEntry.Kind.TOPIC),
    ListEntry.Kind.STAKEHOLDER: _heading_by_slug(
        Stakeholder, public_stakeholders, ListEntry.Kind.STAKEHOLDER
    ),
}


_MODELS = {ListEntry.Kind.TOPIC: Topic, ListEntry.Kind.STAKEHOLDER: Stakeholder}
_cards_by_slug = {
    kind: Prepared(
        ListEntry,
        lambda at, text, shape, kind=kind: list_cards(
            kind, Subquery(_MODELS[kind].objects.filter(slug=text).values("pk")[:1]), at
        )[slice(*shape)],
        uses=("at", "text"),
    )
    for kind in _MODELS
}


def heading_and_cards(kind: str, slug: str, window: slice) -> tuple[Heading | None, list[str]]:
    """Return the public topic or stakeholder (``kind``) at ``slug`` with its live count, or
    None, and the ``window`` of its list's cards (what ``CardList`` gives): one round trip on
    PostgreSQL (``together``)."""
    if "\x00" in slug:
        return None, []
    now = timezone.now()
    rows, cards = together(
        _headings[kind].run(at=now, text=slug),
        _cards_by_slug[kind].run((window.start, window.stop), at=now, text=slug),
    )
    if not rows:
        return None, []
    pk, name, slug, description, count, *extra = rows[0]
    label = str(Stakeholder.Kind(extra[0]).label) if extra else ""
    return Heading(pk, name, slug, description, count, label), [html for (html,) in cards]


def count_all(queryset: QuerySet, field: str = "pk") -> QuerySet:
    """Return ``queryset``'s row count as a one-row query (what ``count()`` would run).

    Grouping by a constant leaves SQL with no GROUP BY, so an empty set still counts 0.
    ``field`` is the (non-null) column counted: one in an index lets PostgreSQL count from
    the index alone."""
    return (
        queryset.order_by()
        .annotate(everything=Value(1))
        .values("everything")
        .annotate(n=Count(field))
        .values_list("n")
    )


class CardList:
    """The stored cards of one topic's, stakeholder's or author's live explainers, newest
    first, for ``Paginator``: ``count()`` and slices, each one prepared statement."""

    def __init__(self, kind: str, id: int, at: datetime.datetime | None = None) -> None:
        self.kind, self.id, self.at = kind, id, at or timezone.now()

    def count(self) -> int:
        return _counts[self.kind].rows(at=self.at, id=self.id)[0][0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[str]:
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("CardList takes plain slices.")
        if window.stop is not None and window.stop <= (window.start or 0):
            return []
        rows = _cards[self.kind].rows((window.start, window.stop), at=self.at, id=self.id)
        return [html for (html,) in rows]


FEED_LENGTH = 30
FEED_FIELDS = (*CARD_FIELDS, "data__topics", "data__authors")
_feed = Prepared(
    PublishedVersion,
    lambda at: latest(PublishedVersion.objects.live(at)).values_list(*FEED_FIELDS)[:FEED_LENGTH],
    uses=("at",),
)
_topic_feed = Prepared(
    PublishedVersion,
    lambda at, id: latest(live_with_topic(id, at)).values_list(*FEED_FIELDS)[:FEED_LENGTH],
    uses=("at", "id"),
)


def feed_items(topic_id: int | None = None) -> list[dict[str, Any]]:
    """Return the newest live versions for a feed (of one topic, or all), with their links."""
    now = timezone.now()
    rows = _feed.rows(at=now) if topic_id is None else _topic_feed.rows(at=now, id=topic_id)
    items = [dict(zip(FEED_FIELDS, row, strict=True)) for row in rows]
    for item in items:
        item["link"] = absolute_url(explainer_path(item["slug"]))
    return items


def home_reads(cards: int, watch: int) -> tuple[list[str], list[TopicLink], list[WatchItem]]:
    """Return what the home page shows: ``newest_cards(cards)``, ``topic_links()`` and
    ``watch_items(limit=watch)``, read in one round trip on PostgreSQL (``together``)."""
    now = timezone.now()
    found_cards, topics, items = together(
        _newest_cards.run(cards, at=now),
        _topics.run(at=now),
        _watch.run((watch, None), at=now, today=timezone.localdate(now)),
    )
    return [html for (html,) in found_cards], _topic_links(topics), [WatchItem(*r) for r in items]


def newest_cards(limit: int) -> list[str]:
    """Return the stored cards of the ``limit`` newest live explainers."""
    return [html for (html,) in _newest_cards.rows(limit, at=timezone.now())]


class TopicLink(NamedTuple):
    name: str
    path: str


def topic_links() -> list[TopicLink]:
    """Return the name and path of every public topic, by name."""
    return _topic_links(_topics.rows(at=timezone.now()))


def _topic_links(rows: list[tuple]) -> list[TopicLink]:
    path = chrome.slug_paths("articles:topic")
    return [TopicLink(name, path(slug)) for name, slug in rows]


def _one(model, prepared: Prepared, slug: str):
    if "\x00" in slug:
        return None
    rows = prepared.rows(at=timezone.now(), text=slug)
    if not rows:
        return None
    return model(**dict(zip(_columns(model), rows[0], strict=True)))


def public_topic(slug: str) -> Topic | None:
    """Return the public topic at ``slug``, or None."""
    return _one(Topic, _topic_by_slug, slug)


# --- Dates with a precision -----------------------------------------------------------------


@dataclass(frozen=True)
class WatchItem:
    """An upcoming event or an open item to watch, with the explainer it comes from."""

    date: datetime.date | None
    precision: str
    kind: str
    text: str
    explainer_id: int
    slug: str
    title: str
    stamp: datetime.datetime

    @property
    def url(self) -> str:
        return explainer_path(self.slug)

    @property
    def sort_key(self) -> tuple:
        # Soonest first by the end of the period a date stands for: "January 11, 2027" comes
        # before "January 2027", which comes before "2027". Undated items go last.
        # watch_items() sorts in the database by the same keys.
        if self.date is None:
            return (True, datetime.date.max, datetime.date.max, self.title, self.text)
        end = period_end(self.date, self.precision or "day")
        return (False, end, self.date, self.title, self.text)


# In the order of WatchItem's fields.
WATCH_FIELDS = (
    "date",
    "precision",
    "kind",
    "text",
    "explainer_id",
    "version__slug",
    "title",
    "version__go_live_at",
)


def watch_items(
    *,
    today: datetime.date | None = None,
    limit: int | None = None,
    dated: bool | None = None,
    until: datetime.date | None = None,
    precisions: tuple[str, ...] | None = None,
) -> list[WatchItem]:
    """Return upcoming dated events and open watch items across live versions, soonest first.

    An event counts as upcoming until its whole period is over ("March 2026" stays upcoming
    through 31 March). An upcoming or watch item whose date has passed is no longer listed; an
    undated watch item stays open until the explainer is republished without it.

    One query over ``WatchItem`` rows (written when each version was frozen) joined to their
    version for liveness, the same test as ``PublishedVersion.objects.live()``. ``dated``
    keeps only dated (True) or undated (False) items, ``until`` only periods ending by that
    day, ``precisions`` only those precisions, and ``limit`` caps the rows read.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    if until is None and precisions is None:
        rows = _watch.rows((limit, dated), at=now, today=today)
    else:
        rows = _watch_rows(now, today, limit, dated, until, precisions)
    return [WatchItem(*row) for row in rows]


def _watch_rows(
    at: datetime.datetime,
    today: datetime.date,
    limit: int | None,
    dated: bool | None,
    until: datetime.date | None = None,
    precisions: tuple[str, ...] | None = None,
) -> QuerySet:
    rows = WatchRow.objects.filter(
        live_q(at, "version__"), Q(period_end__isnull=True) | Q(period_end__gte=today)
    )
    if dated is not None:
        rows = rows.filter(date__isnull=not dated)
    if until is not None:
        rows = rows.filter(period_end__lte=until)
    if precisions is not None:
        rows = rows.filter(precision__in=precisions)
    rows = rows.order_by(
        F("period_end").asc(nulls_last=True), "date", "title", "text", "pk"
    ).values_list(*WATCH_FIELDS)
    return rows[:limit] if limit is not None else rows


_watch = Prepared(
    WatchRow,
    lambda at, today, shape: _watch_rows(at, today, *shape),
    uses=("at", "today"),
)


@dataclass(frozen=True)
class PublicCorrection:
    kind: str
    text: str
    dated: datetime.date
    slug: str
    title: str

    @property
    def url(self) -> str:
        return explainer_path(self.slug) + "#corrections"

    @property
    def kind_label(self) -> str:
        return self.kind.capitalize()


def public_corrections() -> list[PublicCorrection]:
    """Return every correction of every live version, newest first."""
    rows = (
        PublishedVersion.objects.live()
        .exclude(data__corrections=[])
        .values("slug", "title", "data__corrections")
    )
    found = [
        PublicCorrection(
            kind=c["kind"],
            text=c["text"],
            dated=datetime.date.fromisoformat(c["dated"]),
            slug=row["slug"],
            title=row["title"],
        )
        for row in rows
        for c in row["data__corrections"] or []
    ]
    return sorted(found, key=lambda c: (c.dated, c.title), reverse=True)
