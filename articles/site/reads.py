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

from django.contrib.auth import get_user_model
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
            "explainer_id",
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


def public_authors(at: datetime.datetime | None = None) -> QuerySet[Any]:
    """Return the active users with a byline on a live explainer (those with an author page)."""
    return get_user_model().objects.filter(
        Exists(list_entries(ListEntry.Kind.AUTHOR, OuterRef("pk"), at)), is_active=True
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
    keeps only dated (True) or undated (False) items, ``until`` only periods starting by that
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
        rows = rows.filter(date__lte=until)
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
    published_at: datetime.datetime  # when readers first saw it (``corrections_first_seen``)

    @property
    def url(self) -> str:
        return explainer_path(self.slug) + "#corrections"

    @property
    def kind_label(self) -> str:
        return self.kind.capitalize()


CorrectionKey = tuple[int, str, str, str]


def corrections_first_seen(
    explainer_ids: list[int], now: datetime.datetime
) -> dict[CorrectionKey, datetime.datetime]:
    """Return when each correction of these explainers was first published.

    A correction reaches readers with the first version that carries it, so its time is that
    version's go-live time. Only versions readers could see count (gone live, and not
    cancelled before then); a correction is known by its explainer, kind, text and date, so
    one whose text was edited later counts as published again with the edit.
    """
    versions = (
        PublishedVersion.objects.filter(explainer_id__in=explainer_ids, go_live_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=F("go_live_at")))
        .exclude(data__corrections=[])
        .order_by("go_live_at")
        .values_list("explainer_id", "go_live_at", "data__corrections")
    )
    seen: dict[CorrectionKey, datetime.datetime] = {}
    for explainer_id, go_live_at, corrections in versions:
        for c in corrections or []:
            seen.setdefault((explainer_id, c["kind"], c["text"], c["dated"]), go_live_at)
    return seen


def public_corrections() -> list[PublicCorrection]:
    """Return every correction of every live version, newest first: by its date, and on the
    same date by the time it was first published (two queries)."""
    now = timezone.now()
    rows = list(
        PublishedVersion.objects.live(now)
        .exclude(data__corrections=[])
        .values("explainer_id", "go_live_at", "slug", "title", "data__corrections")
    )
    first_seen = corrections_first_seen([row["explainer_id"] for row in rows], now)
    found = [
        PublicCorrection(
            kind=c["kind"],
            text=c["text"],
            dated=datetime.date.fromisoformat(c["dated"]),
            slug=row["slug"],
            title=row["title"],
            published_at=first_seen.get(
                (row["explainer_id"], c["kind"], c["text"], c["dated"]), row["go_live_at"]
            ),
        )
        for row in rows
        for c in row["data__corrections"] or []
    ]
    # A stable sort: one version's corrections of the same moment keep the desk's order.
    return sorted(found, key=lambda c: (c.dated, c.published_at), reverse=True)
