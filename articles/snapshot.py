"""A working copy as plain data: what approval fingerprints, publishing freezes and export writes.

``snapshot()`` reads an explainer and its parts into JSON-ready data with stable keys;
``content_digest()`` fingerprints it, so that "the text that was approved" can be compared with
the text about to be published.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from django.db.models import Max, Min, Prefetch

from articles.models import ClaimRating, Explainer, RatingValue, Viewpoint

SNAPSHOT_SCHEMA = 1


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _quote(viewpoint: Viewpoint, number_of: dict[int, int]) -> dict[str, Any] | None:
    """Return a viewpoint's direct quote with where it is from, or None without one."""
    if not viewpoint.quote:
        return None
    return {
        "text": viewpoint.quote,
        "source": number_of.get(viewpoint.quote_source_id) if viewpoint.quote_source_id else None,
        "url": viewpoint.quote_url,
        "date": _iso(viewpoint.quote_date),
    }


def _stakeholder(stakeholder: Any) -> dict[str, Any]:
    return {
        "id": stakeholder.pk,
        "name": stakeholder.name,
        "slug": stakeholder.slug,
        "kind": stakeholder.kind,
    }


def _viewpoints(explainer: Explainer) -> list[Any]:
    """Return the explainer's viewpoints with their stakeholders and claim ratings."""
    ratings = ClaimRating.objects.select_related("rating", "claimant", "rated_by", "checked_by")
    return list(
        explainer.viewpoints.select_related("stakeholder").prefetch_related(
            Prefetch("claim_ratings", queryset=ratings.prefetch_related("sources"))
        )
    )


def _ratings(
    ratings: Any, number_of: dict[int, int], scale: dict[str, int | None]
) -> list[dict[str, Any]]:
    """Return a viewpoint's claim ratings, each with the scale's ends (``scale``)."""
    return [
        {
            "claim": r.claim,
            "claimant": _stakeholder(r.claimant) if r.claimant else None,
            "appearance": {
                "url": r.appearance_url,
                "title": r.appearance_title,
                "date": _iso(r.appeared_on),
            },
            "rating": {
                "name": r.rating.name,
                "value": r.rating.value,
                "best": scale["best"],
                "worst": scale["worst"],
            },
            "explanation": r.explanation,
            "sources": sorted(number_of[s.pk] for s in r.sources.all() if s.pk in number_of),
            "rated_by": r.rated_by.get_username() if r.rated_by else None,
            "rated_at": _iso(r.rated_at),
            "checked_by": r.checked_by.get_username() if r.checked_by else None,
            "checked_at": _iso(r.checked_at),
        }
        for r in ratings
    ]


def snapshot(explainer: Explainer) -> dict[str, Any]:
    """Return the explainer's content as JSON-ready data with stable keys."""
    sources = list(explainer.sources.all())
    number_of = {source.pk: n for n, source in enumerate(sources, start=1)}
    facts = explainer.key_facts.prefetch_related("sources").select_related("checked_by")
    bylines = explainer.byline_set.select_related("author")
    viewpoints = _viewpoints(explainer)
    # The scale's best and worst values as they are now, read only when something is rated.
    rated = any(v.claim_ratings.all() for v in viewpoints)
    scale = RatingValue.objects.aggregate(best=Max("value"), worst=Min("value")) if rated else {}
    data: dict[str, Any] = {
        "schema": SNAPSHOT_SCHEMA,
        "title": explainer.title,
        "slug": explainer.slug,
        "dek": explainer.dek,
        "takeaways": explainer.takeaway_list(),
        "what_happened": explainer.what_happened,
        "background": explainer.background,
        "why_it_matters": explainer.why_it_matters,
        "topics": [
            {"id": t.pk, "name": t.name, "slug": t.slug} for t in explainer.topics.order_by("name")
        ],
        "authors": [
            {
                "id": b.author_id,
                "username": b.author.get_username(),
                "name": b.author.get_full_name() or b.author.get_username(),
            }
            for b in bylines
        ],
        "hero": (
            {
                "url": explainer.hero_image.url,
                "name": explainer.hero_image.name,
                "alt": explainer.hero_alt,
                "caption": explainer.hero_caption,
                "credit": explainer.hero_credit,
                "focal": [explainer.hero_focal_x, explainer.hero_focal_y],
            }
            if explainer.hero_image
            else None
        ),
        "key_facts": [
            {
                "text": fact.text,
                "check": fact.check_status,
                "checked_by": (fact.checked_by.get_username() if fact.checked_by else None),
                "checked_at": _iso(fact.checked_at),
                "sources": sorted(number_of[s.pk] for s in fact.sources.all() if s.pk in number_of),
            }
            for fact in facts
        ],
        "sources": [
            {
                "number": number_of[s.pk],
                "citation": s.citation,
                "publisher": s.publisher,
                "url": s.url,
                "published_on": _iso(s.published_on),
                "accessed_on": _iso(s.accessed_on),
                "kind": s.kind,
            }
            for s in sources
        ],
        "viewpoints": [
            {
                "stakeholder": _stakeholder(v.stakeholder),
                "text": v.text,
                "quote": _quote(v, number_of),
                # Only when there are some: a viewpoint without ratings keeps the data (and so
                # the approval fingerprint) it had before ratings existed.
                **(
                    {"ratings": _ratings(v.claim_ratings.all(), number_of, scale)}
                    if v.claim_ratings.all()
                    else {}
                ),
            }
            for v in viewpoints
        ],
        "timeline": [
            {
                "date": _iso(e.date),
                "precision": e.precision,
                "kind": e.kind,
                "text": e.text,
                "source": number_of.get(e.source_id) if e.source_id else None,
            }
            for e in explainer.timeline.all()
        ],
        "corrections": [
            {"kind": c.kind, "text": c.text, "dated": _iso(c.dated)}
            for c in explainer.corrections.all()
        ],
        "related": [
            (
                {"slug": link.target.slug, "title": link.target.title, "id": link.target_id}
                if link.target is not None
                else {"slug": None, "title": link.title, "id": None}
            )
            for link in explainer.related_links.select_related("target")
        ],
    }
    figures = [
        {
            "section": f.section,
            "url": f.image.url,
            "name": f.image.name,
            "alt": f.alt,
            "caption": f.caption,
            "credit": f.credit,
            "focal": [f.focal_x, f.focal_y],
        }
        for f in explainer.figures.all()
    ]
    # Only when there are figures: the fingerprint of an explainer without any stays the one
    # its approval recorded before figures existed.
    if figures:
        data["figures"] = figures
    return data


def _without_empty_additions(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` without the keys added since schema 1 where they are empty.

    The takeaways and the viewpoints' quotes came later: left out of the fingerprint while
    empty, an approval given before they existed still matches the unchanged text.
    """
    trimmed = {key: value for key, value in data.items() if key != "takeaways" or value}
    trimmed["viewpoints"] = [
        {key: value for key, value in v.items() if key != "quote" or value}
        for v in data.get("viewpoints", [])
    ]
    return trimmed


def content_digest(data: dict[str, Any]) -> str:
    """Return a fingerprint of a snapshot: equal digests mean the same text was approved."""
    data = _without_empty_additions(data)
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
