"""Querysets: the one definition of what is public, and of what a staff member may see."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class ExplainerQuerySet(models.QuerySet):
    def authored_by(self, user: User) -> ExplainerQuerySet:
        return self.filter(byline_set__author=user)

    def visible_to(self, user: User | AnonymousUser) -> ExplainerQuerySet:
        """Return the working copies ``user`` may open in the admin."""
        if not user.is_active or not user.is_staff:
            return self.none()
        if user.is_superuser or user.has_perm("articles.edit_any_explainer"):
            return self
        if user.has_perm("articles.check_facts") or user.has_perm("articles.approve_explainer"):
            # Fact-checkers read everything that is, or was, in the review pipeline, plus
            # their own.
            return self.filter(
                Q(state__in=["in_review", "approved", "published"])
                | Q(assignee=user)
                | Q(byline_set__author=user)
            ).distinct()
        return self.filter(byline_set__author=user).distinct()

    def linkable_by(self, user: User | AnonymousUser) -> ExplainerQuerySet:
        """Return the explainers ``user`` may name as an "Up next" target.

        Those they may open, and those with a live version (readers can see them anyway).
        Anything else would show its working title on the linking explainer's change form and
        in its export, so naming it would read another writer's draft or an embargoed
        explainer through a side door.
        """
        versions = self.model._meta.get_field("versions").related_model.objects
        return self.filter(
            Q(pk__in=versions.live().values("explainer_id"))
            | Q(pk__in=self.model.objects.visible_to(user).values("pk"))
        )


def live_q(at: datetime, prefix: str = "") -> Q:
    """Return the condition "live at ``at``" on ``go_live_at``/``ends_at`` under ``prefix``.

    This is the only definition of "public": a version (or a row carrying its times, such as
    ``ListEntry``; ``prefix="version__"`` reaches a version from a related row) has gone live
    and not yet ended. Scheduling and expiry are just times compared here, so they take effect
    without a worker.
    """
    return Q(**{f"{prefix}go_live_at__lte": at}) & (
        Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": at})
    )


class PublishedVersionQuerySet(models.QuerySet):
    def live(self, at: datetime | None = None) -> PublishedVersionQuerySet:
        """Return the versions readers see now (``live_q``)."""
        return self.filter(live_q(at or timezone.now()))

    def scheduled(self, at: datetime | None = None) -> PublishedVersionQuerySet:
        """Return the versions that will go live after ``at``.

        A version ended at its own go-live time (withdrawn, or replaced by a newer one before
        it started) never goes live, so it is not scheduled.
        """
        at = at or timezone.now()
        return self.filter(go_live_at__gt=at).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=F("go_live_at"))
        )
