"""What readers were shown: the audit trail, published versions and their list and watch rows."""

from __future__ import annotations

import calendar
import datetime
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from articles.models.explainer import Explainer
from articles.models.parts import TimelineEvent
from articles.querysets import PublishedVersionQuerySet


class Transition(models.Model):
    """One workflow move: append-only audit trail."""

    # Each move as done, said after the fact: the one place the trail's names become words
    # (the desk reads them through articles.desk.wording). Besides the workflow's moves, the
    # trail names "schedule" (a publish with a go-live time), "revise" (an edit that sent a
    # reviewed copy back to draft), "assign" (naming the fact-checker), and "lock" and "unlock"
    # (an editor's edit lock, articles/workflow/locks.py), which keep the state.
    DONE: ClassVar[dict[str, str]] = {
        "submit": "Sent for fact-check",
        "request_changes": "Asked for changes",
        "approve": "Approved",
        "publish": "Published",
        "schedule": "Scheduled to go live",
        "reschedule": "Go-live time changed",
        "cancel_schedule": "Schedule cancelled",
        "unpublish": "Unpublished",
        "restore": "Restored to draft",
        "revise": "Edited: back to draft",
        "assign": "Review assigned",
        "lock": "Locked for editing",
        "unlock": "Unlocked",
    }

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"

    def __str__(self) -> str:
        states = dict(Explainer.State.choices)
        moved = f"{states.get(self.from_state, self.from_state)} → "
        moved += str(states.get(self.to_state, self.to_state))
        return f"{self.DONE.get(self.name, self.name)}: {moved}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Transition records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError("Transition records are append-only.")


class PublishedVersion(models.Model):
    """A frozen, render-ready snapshot of an explainer: what readers see.

    A version is live while ``go_live_at <= now < ends_at`` (``ends_at`` empty: no end). The
    filter is applied at query time, so scheduled go-live and expiry need no worker.
    """

    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=200)
    dek = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField(max_length=300, blank=True)
    go_live_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    first_published_at = models.DateTimeField(
        help_text="When the explainer first went live (JSON-LD datePublished)."
    )
    # The whole explainer as plain data: for diffs, re-rendering and exports.
    data = models.JSONField(default=dict)
    # Rendered at publish time so that serving a page costs one query. The body is stored in
    # two parts, before and after the "Up next" section: that section names other explainers,
    # so it is rendered per request from the ones live then (``publishing.upnext``).
    body_html = models.TextField(blank=True)
    body_end_html = models.TextField(blank=True)
    head_html = models.TextField(blank=True)
    # The explainers the "Up next" section links to, in order (ids; the section shows those
    # live at the time of the request).
    related_ids = models.JSONField(default=list, blank=True)
    # The version's card on list pages (home, topic, stakeholder, author), rendered with it.
    card_html = models.TextField(blank=True)
    search_text = models.TextField(blank=True)
    # The topic and author names a feed item lists, copied out of ``data``: reading them from
    # ``data`` would make the database decompress each version's whole document.
    topic_names = models.JSONField(default=list, blank=True)
    author_names = models.JSONField(default=list, blank=True)
    # The share image made at publish time (the hero's 1200x630 crop, or the site's fallback
    # card): url, width, height, type and length, for og:image, JSON-LD and feed enclosures.
    image = models.JSONField(default=dict, blank=True)
    # PostgreSQL full-text vector (title A, dek B, the rest C), GIN-indexed by a migration
    # that runs on PostgreSQL only. Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-go_live_at", "-number"]
        get_latest_by = "go_live_at"
        constraints = [
            models.UniqueConstraint(
                fields=["explainer", "number"], name="version_number_unique_per_explainer"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("go_live_at")),
                name="version_ends_after_go_live",
            ),
        ]
        indexes = [
            models.Index(fields=["slug", "-go_live_at"], name="version_slug_live"),
            # Lists and feeds (newest first publication first, LIMIT n) walk this index and
            # stop early, instead of sorting every live row with its JSON (docs/performance.md).
            models.Index(fields=["-first_published_at", "-id"], name="version_first_published"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def get_absolute_url(self) -> str:
        return reverse("articles:explainer", kwargs={"slug": self.slug})

    def is_live(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.go_live_at <= at and (self.ends_at is None or at < self.ends_at)


class ListEntry(models.Model):
    """A version's place on one public list: a topic's, a stakeholder's or an author's page.

    The one record of which lists a version is on. Written when the version is frozen, one
    row for each of the topics, stakeholders and authors in its ``data``, with copies of the
    version's times: the list's order (``first_published_at``) and its liveness
    (``go_live_at``/``ends_at``, kept in step by ``publishing.end_version``), so that one
    index gives a list in order. The cards shown come from the versions, checked for
    liveness again (``public.list_cards``).
    """

    class Kind(models.TextChoices):
        TOPIC = "topic", "topic"
        STAKEHOLDER = "stakeholder", "stakeholder"
        AUTHOR = "author", "author"

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="list_entries"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The id of the topic, stakeholder or author (a user), as frozen in the version's data.
    key = models.IntegerField()
    first_published_at = models.DateTimeField()
    go_live_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "version"], name="list_entry_unique"),
        ]
        indexes = [
            # Newest first, with the times that decide liveness in the index itself, so that
            # PostgreSQL counts a list from the index alone.
            models.Index(
                fields=["kind", "key", "-first_published_at", "-version"],
                include=["go_live_at", "ends_at"],
                name="list_entry_newest",
            ),
            models.Index(fields=["version"], name="list_entry_version"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: version {self.version_id}"

    @classmethod
    def for_version(cls, version: PublishedVersion) -> list[ListEntry]:
        """Return the unsaved rows of a saved version, from the topics, stakeholders and
        authors frozen in its ``data``."""
        data = version.data or {}
        keys = {
            cls.Kind.TOPIC: [topic["id"] for topic in data.get("topics") or []],
            cls.Kind.STAKEHOLDER: [v["stakeholder"]["id"] for v in data.get("viewpoints") or []],
            cls.Kind.AUTHOR: [author["id"] for author in data.get("authors") or []],
        }
        return [
            cls(
                version_id=version.pk,
                kind=kind,
                key=key,
                first_published_at=version.first_published_at,
                go_live_at=version.go_live_at,
                ends_at=version.ends_at,
            )
            for kind, ids in keys.items()
            for key in dict.fromkeys(ids)
        ]


def period_end(day: datetime.date, precision: str) -> datetime.date:
    """Return the last day of the period a dated event stands for."""
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


class WatchItem(models.Model):
    """An upcoming or watch event of a published version, copied out of its frozen ``data``.

    Written once when the version is frozen and never edited, so it is exactly as public as
    its version: ``/watch/``, ``/watch.ics`` and the home page read these rows (filtered by the
    version's liveness, sorted and limited by the database) instead of every version's JSON.
    """

    KINDS = (TimelineEvent.Kind.UPCOMING, TimelineEvent.Kind.WATCH)

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="watch_items"
    )
    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=5, choices=TimelineEvent.Precision.choices, blank=True)
    kind = models.CharField(max_length=10, choices=TimelineEvent.Kind.choices)
    text = models.TextField()
    # Last day of the period the date stands for (null when undated): an item is listed until
    # then, and lists sort by it.
    period_end = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The version's title, copied like the rest (a version never changes): lists sort by it
    # after the date, and one index then gives them in order (``public.watch_items``).
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = [F("period_end").asc(nulls_last=True), "date", "position", "pk"]
        indexes = [
            models.Index(fields=["period_end", "date", "title"], name="watch_item_order"),
            models.Index(fields=["version"], name="watch_item_version"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @classmethod
    def from_timeline(
        cls, version_id: int, explainer_id: int, timeline: list[dict[str, Any]], title: str = ""
    ) -> list[WatchItem]:
        """Return the unsaved rows for the upcoming and watch events of a frozen timeline."""
        rows = []
        for position, event in enumerate(timeline or []):
            if event.get("kind") not in cls.KINDS:
                continue
            day = datetime.date.fromisoformat(event["date"]) if event.get("date") else None
            precision = event.get("precision") or ""
            rows.append(
                cls(
                    version_id=version_id,
                    explainer_id=explainer_id,
                    date=day,
                    precision=precision,
                    kind=event["kind"],
                    text=event.get("text", ""),
                    period_end=period_end(day, precision or "day") if day else None,
                    position=position,
                    title=title,
                )
            )
        return rows
