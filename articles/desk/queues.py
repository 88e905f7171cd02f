"""What waits for whom: the change list's queue filter and the admin index's queues."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from articles.desk.live_status import live_badges, with_live_status
from articles.models import Comment, Explainer, PublishedVersion, Thread, TimelineEvent

State = Explainer.State
STALE_AFTER = timedelta(days=7)


class QueueFilter(admin.SimpleListFilter):
    """The two questions people ask the list most: what is mine, what waits for me."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "Mine"),
            ("awaiting_my_review", "Awaiting my review"),
            ("overdue", "Overdue reviews"),
        ]

    def queryset(self, request, queryset):
        user = request.user
        if self.value() == "mine":
            return queryset.filter(byline_set__author=user)
        if self.value() == "awaiting_my_review":
            return awaiting_review_by(queryset, user)
        if self.value() == "overdue":
            return overdue(queryset)
        return queryset


def awaiting_review_by(queryset: QuerySet[Explainer], user) -> QuerySet[Explainer]:
    """In review and assigned to ``user``, or unassigned and reviewable by them (four eyes)."""
    if not user.has_perm("articles.check_facts"):
        return queryset.none()
    mine = Q(assignee=user)
    open_to_me = (
        Q(assignee__isnull=True)
        & ~Q(submitted_by=user)
        & ~Exists(Explainer.authors.through.objects.filter(explainer=OuterRef("pk"), author=user))
    )
    return queryset.filter(Q(state=State.IN_REVIEW) & (mine | open_to_me))


def overdue(queryset: QuerySet[Explainer]) -> QuerySet[Explainer]:
    return queryset.filter(state=State.IN_REVIEW, review_due__lt=timezone.localdate())


def is_overdue(explainer: Explainer) -> bool:
    return bool(
        explainer.state == State.IN_REVIEW
        and explainer.review_due
        and explainer.review_due < timezone.localdate()
    )


def stale_versions(at: datetime | None = None) -> QuerySet[PublishedVersion]:
    """Live versions with an upcoming or watch date that passed > 7 days ago, with no newer version.

    "No newer version": the live version went live before that date, so readers still read
    about it as something to come.
    """
    at = at or timezone.now()
    cutoff = timezone.localdate(at) - STALE_AFTER
    passed = TimelineEvent.objects.filter(
        explainer=OuterRef("explainer"),
        kind__in=[TimelineEvent.Kind.UPCOMING, TimelineEvent.Kind.WATCH],
        date__lt=cutoff,
        date__gte=OuterRef("live_since"),
    )
    return (
        PublishedVersion.objects.live(at)
        .annotate(live_since=TruncDate("go_live_at"))
        .filter(Exists(passed))
        .select_related("explainer")
        .order_by("go_live_at")
    )


def _who(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else "A former user"


def thread_items(user, visible: QuerySet[Explainer], *, limit: int) -> list[dict[str, Any]]:
    """Open threads on explainers ``user`` has a byline on, newest first."""
    threads = (
        Thread.objects.filter(
            resolved_at__isnull=True,
            explainer__in=visible.filter(byline_set__author=user).values("pk"),
        )
        .select_related("explainer", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        {
            "title": t.explainer.title,
            "url": _thread_url(t),
            "note": f"{t.get_anchor_display()}, from {_who(t.created_by)}",
        }
        for t in threads
    ]


def mention_items(user, visible: QuerySet[Explainer], *, limit: int) -> list[dict[str, Any]]:
    """Comments that name ``user`` in "Notify", in open threads they may still open."""
    mentions = (
        Comment.objects.filter(
            mentions=user,
            thread__resolved_at__isnull=True,
            thread__explainer__in=visible.values("pk"),
        )
        .select_related("thread__explainer", "author")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        {
            "title": c.thread.explainer.title,
            "url": _thread_url(c.thread),
            "note": f"{_who(c.author)}: {c.body[:80]}",
        }
        for c in mentions
    ]


def _thread_url(thread: Thread) -> str:
    url = reverse("admin:articles_explainer_change", args=[thread.explainer_id])
    return f"{url}#thread-{thread.pk}"


def dashboard_queues(user, *, limit: int = 10) -> list[dict[str, Any]]:
    """Return the admin index's queues for ``user``: what each person should look at next."""
    visible = Explainer.objects.visible_to(user)
    visible_ids = visible.values("pk")
    changelist = reverse("admin:articles_explainer_changelist")
    now = timezone.now()

    def explainers(qs: QuerySet[Explainer]) -> list[dict[str, Any]]:
        return [
            {
                "title": e.title,
                "url": reverse("admin:articles_explainer_change", args=[e.pk]),
                "assignee": e.assignee,
                "due": e.review_due,
                "overdue": is_overdue(e),
                "updated_at": e.updated_at,
                "live": live_badges(e),
            }
            for e in with_live_status(qs.select_related("assignee"), now)[:limit]
        ]

    def versions(qs: QuerySet[PublishedVersion]) -> list[dict[str, Any]]:
        return [
            {
                "title": v.title,
                "url": reverse("admin:articles_explainer_change", args=[v.explainer_id]),
                "when": v.go_live_at,
                "number": v.number,
            }
            for v in qs.filter(explainer__in=visible_ids)[:limit]
        ]

    in_review = visible.filter(state=State.IN_REVIEW).order_by(
        "review_due", "updated_at"
    )  # NULL due dates sort last on PostgreSQL and first on SQLite; both fine for a queue
    return [
        {
            "key": "my_drafts",
            "title": "My drafts",
            "items": explainers(visible.authored_by(user).filter(state=State.DRAFT).distinct()),
            "more": f"{changelist}?queue=mine&state__exact=draft",
        },
        {
            "key": "mentions",
            "title": "Mentions for you",
            "items": mention_items(user, visible, limit=limit),
            "more": "",
        },
        {
            "key": "open_threads",
            "title": "Open threads on my explainers",
            "items": thread_items(user, visible, limit=limit),
            "more": "",
        },
        {
            "key": "awaiting_fact_check",
            "title": "Awaiting fact-check",
            "items": explainers(in_review),
            "more": f"{changelist}?state__exact=in_review",
        },
        {
            "key": "ready_to_publish",
            "title": "Approved and ready to publish",
            "items": explainers(visible.filter(state=State.APPROVED)),
            "more": f"{changelist}?state__exact=approved",
        },
        {
            "key": "scheduled",
            "title": "Scheduled",
            "items": versions(PublishedVersion.objects.scheduled(now).order_by("go_live_at")),
            "more": "",
        },
        {
            "key": "recently_published",
            "title": "Recently published",
            "items": versions(PublishedVersion.objects.live(now).order_by("-go_live_at")),
            "more": "",
        },
        {
            "key": "stale",
            "title": "Stale: a date to watch passed over a week ago",
            "items": versions(stale_versions(now)),
            "more": "",
        },
    ]
