"""Share links: a working copy shown to someone without an account (a lawyer, an interviewee).

A link is a stored row so that it can be listed, revoked and audited; the token itself is never
stored, only its SHA-256 digest, so a copy of the database opens no preview. Every request for a
known link is recorded as a ``ShareLinkView``, with a coarse browser family and no IP address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.explainer import Explainer


class ShareLink(models.Model):
    explainer = models.ForeignKey(Explainer, on_delete=models.CASCADE, related_name="share_links")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    for_whom = models.CharField(
        "for whom",
        max_length=200,
        help_text="Who the link is for, e.g. “Our lawyer, J. Adeyemi”. Shown to the desk only.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Share link for {self.for_whom}"

    def status(self, now=None) -> str:
        """Return ``"open"``, ``"withdrawn"`` or ``"expired"`` (withdrawn wins)."""
        if self.revoked_at is not None:
            return "withdrawn"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "open"


class ShareLinkView(models.Model):
    """One request for a share link, whatever it answered."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", "shown"
        WITHDRAWN = "withdrawn", "refused: withdrawn"
        EXPIRED = "expired", "refused: expired"

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="views")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # A browser family ("Firefox", "Safari", "bot"…), never the full user agent nor the IP.
    client = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link}: {self.outcome} at {self.at:%Y-%m-%d %H:%M}"
