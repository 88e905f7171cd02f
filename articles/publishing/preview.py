"""Staff previews: signed, expiring links (one explainer per token) and the working copy
rendered as publishing would render it."""

from __future__ import annotations

from django.core import signing
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from articles.models import Explainer, PublishedVersion
from articles.publishing.freeze import render_version
from articles.snapshot import snapshot

SALT = "articles.preview"  # unchanged since the module moved: links already sent stay valid
DEFAULT_MAX_AGE = 24 * 60 * 60


def make_token(explainer: Explainer) -> str:
    """Return a token that opens the preview of ``explainer`` (and no other)."""
    return signing.dumps({"explainer": explainer.pk}, salt=SALT, compress=True)


def explainer_id_from_token(token: str, *, max_age: int = DEFAULT_MAX_AGE) -> int:
    """Return the explainer id a token was made for.

    Raises ``signing.BadSignature`` (or its subclass ``SignatureExpired``) for a forged,
    altered or expired token.
    """
    payload = signing.loads(token, salt=SALT, max_age=max_age)
    if not isinstance(payload, dict) or not isinstance(payload.get("explainer"), int):
        raise signing.BadSignature("Malformed preview token.")
    return payload["explainer"]


def preview_url(explainer: Explainer) -> str:
    return reverse("articles:preview", kwargs={"token": make_token(explainer)})


def preview_version(explainer: Explainer) -> PublishedVersion:
    """Return an unsaved version of the working copy, rendered as publishing would render it."""
    now = timezone.now()
    history = PublishedVersion.objects.filter(explainer=explainer).aggregate(
        number=Max("number"), first=Max("first_published_at")
    )
    data = snapshot(explainer)
    version = PublishedVersion(
        explainer=explainer,
        number=(history["number"] or 0) + 1,
        slug=data["slug"],
        title=data["title"],
        dek=data["dek"],
        go_live_at=now,
        published_at=now,
        first_published_at=history["first"] or now,
        data=data,
    )
    render_version(version, preview=True)
    return version
