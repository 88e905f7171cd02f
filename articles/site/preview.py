"""Signed, expiring preview links for staff: one explainer per token."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from articles.models import Explainer

SALT = "articles.site.preview"
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
