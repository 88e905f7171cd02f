"""Claim ratings on the public page: their anchors and their schema.org ``ClaimReview``.

Each rating sits beside the viewpoint it rates, under the anchor ``claim-<viewpoint>-<rating>``
(both numbered from 1 in page order); the template (``includes/claim_ratings.html``) and the
JSON-LD here name it the same way. Everything is read from a version's frozen data, so readers
and search engines get the ratings of the published version only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse

from articles.models import Stakeholder


def claim_anchor(viewpoint_number: int, rating_number: int) -> str:
    return f"claim-{viewpoint_number}-{rating_number}"


def _rated(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Yield (anchor, viewpoint, rating) for every rating of ``data``, in page order."""
    for v, viewpoint in enumerate(data.get("viewpoints") or [], start=1):
        for r, rating in enumerate(viewpoint.get("ratings") or [], start=1):
            yield claim_anchor(v, r), viewpoint, rating


def _claimant(viewpoint: dict[str, Any], rating: dict[str, Any]) -> dict[str, Any]:
    who = rating.get("claimant") or viewpoint["stakeholder"]
    kind = "Person" if who.get("kind") == Stakeholder.Kind.PERSON else "Organization"
    path = reverse("articles:stakeholder", kwargs={"slug": who["slug"]})
    return {"@type": kind, "name": who["name"], "url": settings.NEWSROOM_BASE_URL + path}


def _appearance(rating: dict[str, Any]) -> dict[str, Any]:
    seen = rating["appearance"]
    work: dict[str, Any] = {"@type": "CreativeWork", "name": seen["title"]}
    if seen.get("url"):
        work["url"] = seen["url"]
    if seen.get("date"):
        work["datePublished"] = seen["date"]
    return work


def claim_reviews(
    data: dict[str, Any], canonical: str, *, published: str | None
) -> list[dict[str, Any]]:
    """Return one schema.org ClaimReview per claim rating in ``data``.

    ``published`` is when the version carrying them went live (None for a preview, which must
    not claim a publication).
    """
    reviews = []
    for anchor, viewpoint, rating in _rated(data):
        verdict = rating["rating"]
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{canonical}#{anchor}",
            "claimReviewed": rating["claim"],
            "reviewBody": rating["explanation"],
            "author": {
                "@type": "NewsMediaOrganization",
                "name": settings.NEWSROOM_NAME,
                "url": settings.NEWSROOM_BASE_URL + "/",
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": _claimant(viewpoint, rating),
                "appearance": _appearance(rating),
            },
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": verdict["value"],
                "bestRating": verdict["best"],
                "worstRating": verdict["worst"],
                "alternateName": verdict["name"],
            },
        }
        if rating["appearance"].get("date"):
            review["itemReviewed"]["datePublished"] = rating["appearance"]["date"]
        if published:
            review["datePublished"] = published
        reviews.append(review)
    return reviews
