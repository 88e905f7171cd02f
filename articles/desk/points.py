"""The points of an explainer's history that hold its content: saved revisions and published
versions, both read into the shape ``snapshot()`` gives, so that one diff compares any two.

A published version already holds that shape (its frozen ``data``). A revision is read back
from django-reversion's stored versions (``Version.field_dict``) without writing anything; the
names it points at (topics, people, stakeholders, linked explainers) are looked up as they are
now, a handful of queries for any number of revisions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from articles.desk.people import name_of
from articles.models import (
    Byline,
    ClaimRating,
    Correction,
    Explainer,
    Figure,
    KeyFact,
    PublishedVersion,
    RatingValue,
    RelatedLink,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Viewpoint,
)
from articles.models.explainer import takeaway_lines
from articles.revisions import INLINE_MODELS


def published_data(version: PublishedVersion) -> dict[str, Any]:
    """Return a published version's content, with its change note."""
    return {**version.data, "change_note": version.change_note}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _in_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row.get("position") or 0, row["id"]))


class _Names:
    """The names a batch of revisions points at, each looked up once."""

    def __init__(self, explainers: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
        def ids(key: str, among: Iterable[dict[str, Any]]) -> set[Any]:
            return {row[key] for row in among if row.get(key) is not None}

        topic_ids = {pk for fields in explainers for pk in fields.get("topics") or []}
        self.topics = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name"))
        people = get_user_model().objects.filter(
            pk__in=ids("author_id", rows) | ids("checked_by_id", rows)
        )
        self.people = {person.pk: name_of(person) for person in people}
        self.usernames = {person.pk: person.get_username() for person in people}
        stakeholder_ids = ids("stakeholder_id", rows) | ids("claimant_id", rows)
        self.stakeholders = {s.pk: s for s in Stakeholder.objects.filter(pk__in=stakeholder_ids)}
        verdicts = RatingValue.objects.filter(pk__in=ids("rating_id", rows))
        self.verdicts = dict(verdicts.values_list("pk", "name"))
        targets = Explainer.objects.filter(pk__in=ids("target_id", rows))
        self.titles = dict(targets.values_list("pk", "title"))


def _content(fields: dict[str, Any], rows: dict[type, list[dict]], names: _Names) -> dict:
    """Return one revision's content in ``snapshot()``'s shape."""
    sources = _in_order(rows[Source])
    number_of = {source["id"]: n for n, source in enumerate(sources, start=1)}
    events = sorted(
        rows[TimelineEvent],
        key=lambda e: (e["date"] is None, e["date"] or date.min, e.get("position") or 0, e["id"]),
    )
    corrections = sorted(rows[Correction], key=lambda c: (c["dated"], c["id"]), reverse=True)
    hero = fields.get("hero_image")
    return {
        "title": fields.get("title", ""),
        "slug": fields.get("slug", ""),
        "dek": fields.get("dek", ""),
        "takeaways": takeaway_lines(fields.get("takeaways", "")),
        "what_happened": fields.get("what_happened", ""),
        "background": fields.get("background", ""),
        "why_it_matters": fields.get("why_it_matters", ""),
        "change_note": fields.get("change_note", ""),
        "topics": sorted(
            ({"name": names.topics[pk]} for pk in fields.get("topics") or [] if pk in names.topics),
            key=lambda topic: topic["name"],
        ),
        "authors": [
            {"name": names.people.get(b["author_id"], "a former user")}
            for b in _in_order(rows[Byline])
        ],
        "hero": (
            {
                "url": str(hero.name if hasattr(hero, "name") else hero),
                "alt": fields.get("hero_alt", ""),
                "caption": fields.get("hero_caption", ""),
                "credit": fields.get("hero_credit", ""),
                "focal": [fields.get("hero_focal_x", 50), fields.get("hero_focal_y", 50)],
            }
            if hero
            else None
        ),
        "key_facts": [
            {
                "text": fact.get("text", ""),
                "check": fact.get("check_status"),
                "sources": sorted(
                    number_of[s] for s in fact.get("sources") or [] if s in number_of
                ),
            }
            for fact in _in_order(rows[KeyFact])
        ],
        "sources": [
            {
                "number": number_of[s["id"]],
                "citation": s.get("citation", ""),
                "publisher": s.get("publisher", ""),
                "url": s.get("url", ""),
                "published_on": _iso(s.get("published_on")),
                "kind": s.get("kind"),
            }
            for s in sources
        ],
        "viewpoints": [
            {
                "stakeholder": {"name": _stakeholder(names, v["stakeholder_id"])},
                "text": v["text"],
                "quote": (
                    {
                        "text": v["quote"],
                        "source": number_of.get(v.get("quote_source_id")),
                        "url": v.get("quote_url", ""),
                        "date": _iso(v.get("quote_date")),
                    }
                    if v.get("quote")
                    else None
                ),
            }
            | _ratings(v["id"], rows[ClaimRating], number_of, names)
            for v in _in_order(rows[Viewpoint])
        ],
        "timeline": [
            {
                "date": _iso(e["date"]),
                "kind": e.get("kind"),
                "text": e.get("text", ""),
                "source": number_of.get(e.get("source_id")),
            }
            for e in events
        ],
        "corrections": [
            {"kind": c.get("kind"), "text": c.get("text", ""), "dated": _iso(c["dated"])}
            for c in corrections
        ],
        "related": [
            {"title": names.titles.get(link.get("target_id")) or link.get("title", "")}
            for link in _in_order(rows[RelatedLink])
        ],
        "figures": [
            {
                "section": f.get("section"),
                "url": str(f.get("image") or ""),
                "alt": f.get("alt", ""),
                "caption": f.get("caption", ""),
                "credit": f.get("credit", ""),
                "focal": [f.get("focal_x", 50), f.get("focal_y", 50)],
            }
            for f in _in_order(rows[Figure])
        ],
    }


def _ratings(
    viewpoint_id: int, ratings: list[dict[str, Any]], number_of: dict[Any, int], names: _Names
) -> dict[str, Any]:
    """Return ``{"ratings": [...]}`` for a viewpoint that has claim ratings, as ``snapshot()``
    does, else nothing."""
    mine = [r for r in _in_order(ratings) if r.get("viewpoint_id") == viewpoint_id]
    if not mine:
        return {}
    return {
        "ratings": [
            {
                "claim": r.get("claim", ""),
                "claimant": (
                    {"name": _stakeholder(names, r["claimant_id"])}
                    if r.get("claimant_id")
                    else None
                ),
                "appearance": {
                    "url": r.get("appearance_url", ""),
                    "title": r.get("appearance_title", ""),
                    "date": _iso(r.get("appeared_on")),
                },
                "rating": {"name": names.verdicts.get(r["rating_id"], "a verdict since deleted")},
                "explanation": r.get("explanation", ""),
                "sources": sorted(number_of[s] for s in r.get("sources") or [] if s in number_of),
                "checked_by": names.usernames.get(r["checked_by_id"])
                if r.get("checked_by_id")
                else None,
            }
            for r in mine
        ]
    }


def _stakeholder(names: _Names, pk: Any) -> str:
    stakeholder = names.stakeholders.get(pk)
    return stakeholder.name if stakeholder else "a stakeholder since deleted"


def revision_data(versions: list[Version]) -> dict[int, dict[str, Any]]:
    """Return the content of each of an explainer's stored ``versions``, by version id.

    Every row the revisions hold is read in one query; rows of other explainers that share a
    revision are left out.
    """
    if not versions:
        return {}
    explainer_id = str(versions[0].object_id)
    kinds = {ContentType.objects.get_for_model(model).pk: model for model in INLINE_MODELS}
    held = Version.objects.filter(
        revision__in=[v.revision_id for v in versions], content_type__in=list(kinds)
    )
    rows: dict[int, dict[type, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in held:
        data = {**row.field_dict, "id": int(row.object_id)}
        if str(data.get("explainer_id")) == explainer_id:
            rows[row.revision_id][kinds[row.content_type_id]].append(data)
    fields = {v.pk: v.field_dict for v in versions}
    names = _Names(
        list(fields.values()),
        [r for by_model in rows.values() for m in by_model.values() for r in m],
    )
    return {v.pk: _content(fields[v.pk], rows[v.revision_id], names) for v in versions}
