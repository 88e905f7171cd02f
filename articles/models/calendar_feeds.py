"""Private calendar feeds: a secret address per staff member for their own calendar app."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def token_digest(token: str) -> str:
    """Return the stored form of a token: its SHA-256 only, so a database copy opens no feed."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedTokenQuerySet(models.QuerySet):
    def active(self) -> CalendarFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_token(self, token: str) -> CalendarFeedToken | None:
        """Return the active token row matching ``token``, or None (unknown, reset or revoked)."""
        return self.active().filter(digest=token_digest(token)).select_related("user").first()


class CalendarFeedToken(models.Model):
    """One secret feed address of a user; revoked rows are kept as a record, and never answer.

    A user has at most one active token. Creating a new one (a reset) revokes the old, so the
    old address stops working at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_token_per_user",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"

    @classmethod
    @transaction.atomic
    def issue(cls, user: User) -> str:
        """Revoke ``user``'s active token and return a new one (shown once, never stored)."""
        cls.revoke_for(user)
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=token_digest(token))
        return token

    @classmethod
    def revoke_for(cls, user: User) -> int:
        """Revoke ``user``'s active token, if any; return how many were revoked."""
        return cls.objects.filter(user=user).active().update(revoked_at=timezone.now())
