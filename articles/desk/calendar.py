"""The editorial calendar: what happens to which explainer on which day, for one staff member.

Five kinds of date, all read from rows the desk already keeps:

- "Goes live" and "Expires": a published version's ``go_live_at`` and ``ends_at``. A version
  that never goes live (ended at its own go-live time) is left out, and so is an end that is
  only the hand-over to the next version (its ``ends_at`` is the next one's go-live);
- "Review due": the working copy's ``review_due``, set when a review is assigned;
- "Upcoming" and "Watch": the working copy's timeline items of those kinds, since the desk plans
  drafts too. Day precision lands on its day; month precision is listed under its month, not
  on a made-up first of the month; year-precision and undated items have no place here.

Only explainers the user may open are read (``Explainer.objects.visible_to``), for the page and
for the private feed alike. Days are the newsroom's (``settings.TIME_ZONE``).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from articles.models import Explainer, PublishedVersion, TimelineEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

WEEK, MONTH = "week", "month"
VIEWS = (WEEK, MONTH)

# Each kind: its key (CSS class and UID prefix) and its label on the page and in the feed.
GOES_LIVE, EXPIRES, REVIEW_DUE, UPCOMING, WATCH = "golive", "expiry", "review", "upcoming", "watch"
LABELS = {
    GOES_LIVE: "Goes live",
    EXPIRES: "Expires",
    REVIEW_DUE: "Review due",
    UPCOMING: "Upcoming",
    WATCH: "Watch",
}
_KIND_ORDER = list(LABELS)


def newsroom_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def next_month(day: datetime.date) -> datetime.date:
    """Return the first day of the month after ``day``'s."""
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Period:
    """The days shown: a week from Monday, or a calendar month; ``end`` is the day after."""

    view: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def around(cls, view: str, day: datetime.date) -> Period:
        if view == MONTH:
            first = day.replace(day=1)
            return cls(MONTH, first, next_month(first))
        monday = day - datetime.timedelta(days=day.weekday())
        return cls(WEEK, monday, monday + datetime.timedelta(days=7))

    @property
    def previous_start(self) -> datetime.date:
        return (
            (self.start - datetime.timedelta(days=1))
            if self.view == MONTH
            else (self.start - datetime.timedelta(days=7))
        )

    @property
    def days(self) -> list[datetime.date]:
        return [
            self.start + datetime.timedelta(days=n) for n in range((self.end - self.start).days)
        ]


@dataclass(frozen=True)
class Filters:
    """The page's filters, already checked: ``topic`` is a slug that exists, ``state`` a state."""

    mine: bool = False
    topic: str = ""
    state: str = ""


@dataclass(frozen=True)
class Entry:
    """One dated thing on the calendar, linked to the explainer's change form."""

    kind: str
    day: datetime.date
    precision: str  # "day" or "month"
    explainer_id: int
    title: str
    url: str
    detail: str = ""
    at: datetime.datetime | None = (
        None  # the moment, for go-live and expiry, in the newsroom's zone
    )
    source_id: int = 0  # the row it comes from, for stable feed UIDs

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def uid_key(self) -> str:
        return f"{self.kind}-{self.source_id}"


@dataclass
class Calendar:
    """Entries of a period, by day and (for month-precision dates) by month."""

    period: Period
    by_day: dict[datetime.date, list[Entry]] = field(default_factory=dict)
    by_month: dict[datetime.date, list[Entry]] = field(default_factory=dict)

    @property
    def entries(self) -> list[Entry]:
        return [e for m in self.by_month.values() for e in m] + [
            e for d in self.by_day.values() for e in d
        ]


def explainers_for(user: User, filters: Filters) -> QuerySet[Explainer]:
    """Return the explainers whose dates ``user`` sees: never one they may not open."""
    explainers = Explainer.objects.filter(pk__in=Explainer.objects.visible_to(user).values("pk"))
    if filters.mine:
        explainers = explainers.filter(
            Q(pk__in=Explainer.objects.authored_by(user).values("pk")) | Q(assignee=user)
        )
    if filters.topic:
        explainers = explainers.filter(topics__slug=filters.topic)
    if filters.state:
        explainers = explainers.filter(state=filters.state)
    return explainers


def collect(
    user: User,
    start: datetime.date,
    end: datetime.date,
    filters: Filters = Filters(),  # noqa: B008 (frozen)
) -> list[Entry]:
    """Return every entry from ``start`` up to ``end`` (exclusive), soonest first."""
    ids = explainers_for(user, filters).values("pk")
    zone = newsroom_zone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)
    entries = [
        *_go_lives(ids, since, until),
        *_expiries(ids, since, until),
        *_reviews_due(ids, start, end),
        *_timeline(ids, start, end),
    ]
    entries.sort(
        key=lambda e: (
            e.day,
            e.precision != "month",
            e.at or since,
            _KIND_ORDER.index(e.kind),
            e.title,
        )
    )
    return entries


def build(user: User, period: Period, filters: Filters) -> Calendar:
    """Return ``period``'s calendar for ``user``: each day, and month-precision dates by month."""
    calendar = Calendar(period, by_day={day: [] for day in period.days})
    for entry in collect(user, period.start, period.end, filters):
        if entry.precision == "month":
            calendar.by_month.setdefault(entry.day, []).append(entry)
        else:
            calendar.by_day[entry.day].append(entry)
    return calendar


def _change_url(explainer_id: int) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer_id])


def _version_entry(kind: str, version: PublishedVersion, at: datetime.datetime) -> Entry:
    local = at.astimezone(newsroom_zone())
    return Entry(
        kind=kind,
        day=local.date(),
        precision="day",
        explainer_id=version.explainer_id,
        title=version.explainer.title,
        url=_change_url(version.explainer_id),
        detail=f"version {version.number}",
        at=local,
        source_id=version.pk,
    )


def _versions(ids: QuerySet) -> QuerySet[PublishedVersion]:
    # A version ended at its own go-live time never went live: it has no dates to show.
    return (
        PublishedVersion.objects.filter(explainer__in=ids)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=F("go_live_at")))
        .select_related("explainer")
        .only("pk", "number", "go_live_at", "ends_at", "explainer__id", "explainer__title")
    )


def _go_lives(ids: QuerySet, since: datetime.datetime, until: datetime.datetime) -> list[Entry]:
    versions = _versions(ids).filter(go_live_at__gte=since, go_live_at__lt=until)
    return [_version_entry(GOES_LIVE, v, v.go_live_at) for v in versions]


def _expiries(ids: QuerySet, since: datetime.datetime, until: datetime.datetime) -> list[Entry]:
    handed_over = PublishedVersion.objects.filter(
        explainer=OuterRef("explainer"), go_live_at=OuterRef("ends_at")
    ).exclude(pk=OuterRef("pk"))
    versions = (
        _versions(ids).filter(ends_at__gte=since, ends_at__lt=until).filter(~Exists(handed_over))
    )
    return [_version_entry(EXPIRES, v, v.ends_at) for v in versions if v.ends_at is not None]


def _reviews_due(ids: QuerySet, start: datetime.date, end: datetime.date) -> list[Entry]:
    explainers = Explainer.objects.filter(
        pk__in=ids, review_due__gte=start, review_due__lt=end
    ).select_related("assignee")
    return [
        Entry(
            kind=REVIEW_DUE,
            day=e.review_due,
            precision="day",
            explainer_id=e.pk,
            title=e.title,
            url=_change_url(e.pk),
            detail=_reviewer(e),
            source_id=e.pk,
        )
        for e in explainers
        if e.review_due is not None
    ]


def _reviewer(explainer: Explainer) -> str:
    from articles.desk.people import name_of

    return f"assigned to {name_of(explainer.assignee)}" if explainer.assignee else ""


def _timeline(ids: QuerySet, start: datetime.date, end: datetime.date) -> list[Entry]:
    # A month-precision date is stored as the month's first day: its month overlaps the period
    # when that first day is before the end and the next month starts after the start.
    first_month = start.replace(day=1)
    events = (
        TimelineEvent.objects.filter(
            explainer__in=ids, kind__in=[TimelineEvent.Kind.UPCOMING, TimelineEvent.Kind.WATCH]
        )
        .filter(
            Q(precision=TimelineEvent.Precision.DAY, date__gte=start, date__lt=end)
            | Q(precision=TimelineEvent.Precision.MONTH, date__gte=first_month, date__lt=end)
        )
        .select_related("explainer")
        .only("pk", "date", "precision", "kind", "text", "explainer__id", "explainer__title")
    )
    return [
        Entry(
            kind=UPCOMING if t.kind == TimelineEvent.Kind.UPCOMING else WATCH,
            day=t.date,
            precision=t.precision,
            explainer_id=t.explainer_id,
            title=t.explainer.title,
            url=_change_url(t.explainer_id),
            detail=t.text,
            source_id=t.pk,
        )
        for t in events
        if t.date is not None
    ]
