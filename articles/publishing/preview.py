"""Previews of the working copy, rendered as publishing would render it.

Two kinds of link open one:

- the *staff preview*: a stateless signed, expiring token; the page asks for a login and for
  sight of the explainer;
- the *share link*, for someone without an account (a lawyer, an interviewee): a stored
  ``ShareLink`` row, so that it can be listed on the desk, withdrawn and audited. Its URL token is
  a random secret, signed; the row keeps only the secret's SHA-256 digest, so a copy of the
  database opens nothing, and a forged token is turned away before any query.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from articles.models import Explainer, PublishedVersion, ShareLink, ShareLinkView
from articles.publishing.freeze import render_version
from articles.snapshot import snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SALT = "articles.preview"  # unchanged since the module moved: links already sent stay valid
DEFAULT_MAX_AGE = 24 * 60 * 60
SHARE_SALT = "articles.share"
SHARE_DEFAULT_DAYS = 7
SHARE_MAX_DAYS = 30


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


def preview_version(explainer: Explainer, data: dict[str, Any] | None = None) -> PublishedVersion:
    """Return an unsaved version of the working copy, rendered as publishing would render it.

    ``data`` is the snapshot to render instead of the saved working copy's (the desk's live
    preview of a form not yet saved).
    """
    now = timezone.now()
    history = PublishedVersion.objects.filter(explainer=explainer).aggregate(
        number=Max("number"), first=Max("first_published_at")
    )
    data = snapshot(explainer) if data is None else data
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


# --- Share links ------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def share_url(token: str) -> str:
    return reverse("articles:share", kwargs={"token": token})


def create_share_link(
    explainer: Explainer, *, by: User, for_whom: str, days: int = SHARE_DEFAULT_DAYS
) -> tuple[ShareLink, str]:
    """Store a new share link and return it with its URL token.

    The token exists only in the return value: show it to the editor now, it cannot be
    recovered later.
    """
    if not 1 <= days <= SHARE_MAX_DAYS:
        raise ValueError(f"A share link lasts 1 to {SHARE_MAX_DAYS} days.")
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    link = ShareLink.objects.create(
        explainer=explainer,
        token_digest=_digest(secret),
        for_whom=for_whom,
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    return link, signing.Signer(salt=SHARE_SALT).sign(secret)


def share_link_for(token: str) -> ShareLink | None:
    """Return the link a URL token opens (withdrawn and expired ones too), or None."""
    try:
        secret = signing.Signer(salt=SHARE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    # The lookup is by digest: equal digests say nothing useful about how close a guess was.
    return (
        ShareLink.objects.select_related("explainer").filter(token_digest=_digest(secret)).first()
    )


def revoke_share_link(link: ShareLink, *, by: User) -> bool:
    """Withdraw ``link`` now; return False if it was already withdrawn (nothing changes)."""
    changed = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    link.refresh_from_db()
    return bool(changed)


# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSER_FAMILIES = [
    ("bot", re.compile(r"bot|crawl|spider|preview|fetch|curl|wget|python", re.I)),
    ("Edge", re.compile(r"Edg/|Edge/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/")),
    ("Chrome", re.compile(r"Chrome/|Chromium/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
]


def browser_family(user_agent: str) -> str:
    """Return a coarse name for the client: enough to tell a person from a link unfurler."""
    if not user_agent:
        return "unknown"
    for family, pattern in _BROWSER_FAMILIES:
        if pattern.search(user_agent):
            return family
    return "other"


def record_share_view(link: ShareLink, outcome: str, user_agent: str) -> ShareLinkView:
    return ShareLinkView.objects.create(
        link=link, outcome=outcome, client=browser_family(user_agent)
    )
