"""Reads shared by the public views, feeds, sitemaps and calendar.

Everything here starts from ``PublishedVersion.objects.live()``, the one definition of
"public", and reads the versions' frozen ``data`` and the HTML rendered from it at publish
time: never the working-copy tables (``Explainer``, ``TimelineEvent``, ``Correction``…), which
may hold edits nobody has published yet. The exceptions are ``Topic`` and ``Stakeholder`` rows,
which are shared across explainers; they are shown only while a live version is on their list
(``ListEntry``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from articles.models import ListEntry, PublishedVersion, Stakeholder, Topic, period_end
from articles.models import WatchItem as WatchRow
from articles.publishing.render import explainer_path
from articles.querysets import live_q

# How many items a feed carries.
FEED_LENGTH = 30
# What a feed item shows of a version: its page fields and the names of its topics and authors.
FEED_FIELDS = (
    "slug",
    "title",
    "dek",
    "first_published_at",
    "go_live_at",
    "topic_names",
    "author_names",
    "image",
)


def live_page(slug: str, at: datetime.datetime | None = None) -> PublishedVersion | None:
    """Return the newest live version at ``slug``, with what its page shows, or None.

    Only the fields the page reads: the HTML stored at publish time and the ids of its "Up
    next" targets (``publishing.upnext``), not the frozen data.
    """
    return (
        PublishedVersion.objects.live(at)
        .filter(slug=slug)
        .order_by("-go_live_at")
        .only(
            "pk",
            "number",
            "title",
            "go_live_at",
            "head_html",
            "body_html",
            "body_end_html",
            "related_ids",
        )
        .first()
    )


def newest(queryset: QuerySet[PublishedVersion] | None = None) -> QuerySet[PublishedVersion]:
    """Return live versions newest first publication first (an update keeps its place)."""
    queryset = queryset if queryset is not None else PublishedVersion.objects.live()
    return queryset.order_by("-first_published_at", "-pk")


def newest_cards(limit: int) -> list[str]:
    """Return the stored cards (``card_html``) of the ``limit`` newest live explainers."""
    return list(newest().values_list("card_html", flat=True)[:limit])


def list_entries(kind: str, key: Any, at: datetime.datetime | None = None) -> QuerySet[ListEntry]:
    """Return the live entries of one topic's, stakeholder's or author's list, newest first."""
    return ListEntry.objects.filter(live_q(at or timezone.now()), kind=kind, key=key).order_by(
        "-first_published_at", "-version_id"
    )


def list_cards(
    kind: str, key: Any, at: datetime.datetime | None = None
) -> QuerySet[ListEntry, str]:
    """Return the stored cards of one list's live versions, newest first publication first.

    The entries carry copies of their versions' times, so that one index gives the list in
    order; the versions' own times are checked too, as they are what decides.
    """
    at = at or timezone.now()
    return (
        list_entries(kind, key, at)
        .filter(live_q(at, "version__"))
        .values_list("version__card_html", flat=True)
    )


def on_list(kind: str, key: Any, at: datetime.datetime | None = None) -> QuerySet:
    """Return the live versions on one topic's, stakeholder's or author's list, newest first."""
    at = at or timezone.now()
    return newest(PublishedVersion.objects.live(at)).filter(
        list_entries__kind=kind, list_entries__key=key
    )


def public_topics(at: datetime.datetime | None = None) -> QuerySet[Topic]:
    """Return the topics at least one live explainer is filed under."""
    return Topic.objects.filter(Exists(list_entries(ListEntry.Kind.TOPIC, OuterRef("pk"), at)))


def public_stakeholders(at: datetime.datetime | None = None) -> QuerySet[Stakeholder]:
    """Return the stakeholders at least one live explainer features."""
    return Stakeholder.objects.filter(
        Exists(list_entries(ListEntry.Kind.STAKEHOLDER, OuterRef("pk"), at))
    )


def feed_items(topic: Topic | None = None) -> QuerySet[PublishedVersion, dict[str, Any]]:
    """Return the newest live versions for a feed (of one topic, or all), as dicts of
    ``FEED_FIELDS``."""
    versions = newest() if topic is None else on_list(ListEntry.Kind.TOPIC, topic.pk)
    return versions.values(*FEED_FIELDS)[:FEED_LENGTH]


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
    rows = WatchRow.objects.filter(
        live_q(now, "version__"), Q(period_end__isnull=True) | Q(period_end__gte=today)
    )
    if dated is not None:
        rows = rows.filter(date__isnull=not dated)
    if until is not None:
        rows = rows.filter(period_end__lte=until)
    if precisions is not None:
        rows = rows.filter(precision__in=precisions)
    values = rows.order_by(
        F("period_end").asc(nulls_last=True), "date", "title", "text", "pk"
    ).values_list(*WATCH_FIELDS)
    if limit is not None:
        values = values[:limit]
    return [WatchItem(*row) for row in values]


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
