"""One bulk explainer as plain data: its planned rows, its snapshot and its rendered HTML.

``plan_explainer()`` draws the working copy's rows (facts citing sources, viewpoints from the
shared pool, timeline, bylines, topics, sometimes a correction). ``snapshot_data()`` turns the
plan into the version's ``data`` in the same shape as ``articles.snapshot.snapshot()`` (a test
holds the two equal), skipping the queries ``publishing.freeze()`` makes one explainer at a
time. ``build_batch()`` does both for a batch and renders each version through
``publishing.render_version`` exactly as publishing renders it: no database, so it runs in
worker processes.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils.html import strip_tags
from django.utils.text import slugify

from articles.models import Correction, KeyFact, PublishedVersion
from articles.publishing.freeze import render_version, search_text
from articles.snapshot import SNAPSHOT_SCHEMA
from bench.bulk.pools import Pools
from bench.bulk.prose import PLACES, Prose, headline

FACTS, STAKEHOLDERS, EVENTS, SOURCES = 8, 5, 8, 6
KIND_CITATIONS = [
    ("report", "Annual report"),
    ("document", "Published statement"),
    ("data", "Statistical release"),
    ("interview", "Interview transcript"),
    ("report", "Independent review"),
    ("other", "Briefing note"),
]


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def plan_explainer(
    n: int, rng: random.Random, prose: Prose, pools: Pools, now: datetime.datetime
) -> dict[str, Any]:
    """Return the rows of one explainer as plain data (no database)."""
    topics = sorted(rng.sample(pools.topics, rng.choice((1, 1, 2))), key=lambda t: t[1])
    main = topics[0][1]
    title = headline(rng, main)
    slug = f"{slugify(title)[:180]}-{n}"
    live_at = now - datetime.timedelta(seconds=rng.randint(3600, 3 * 365 * 86400))
    checked_at = live_at - datetime.timedelta(hours=2)
    start = live_at.date() - datetime.timedelta(days=rng.randint(200, 900))
    events = []
    for i in range(EVENTS - 2):
        day = start + datetime.timedelta(days=i * rng.randint(15, 40))
        precision = rng.choice(("day", "day", "day", "month", "year"))
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        # Past events cite a source (by its number); the others do not.
        events.append((day, precision, "past", i % SOURCES + 1))
    events.append(
        (now.date() + datetime.timedelta(days=rng.randint(1, 120)), "day", "upcoming", None)
    )
    events.append((None, "", "watch", None))
    return {
        "n": n,
        "explainer": {
            "title": title,
            "slug": slug,
            "dek": prose.sentence(main, 14, 24),
            "what_happened": prose.html(main, 3, 4),
            "background": prose.html(main, 3, 5),
            "why_it_matters": prose.html(main, 2, 4),
            "created_at": live_at - datetime.timedelta(days=rng.randint(1, 20)),
            "approved_at": live_at,
        },
        "live_at": live_at,
        "topics": topics,
        "authors": rng.sample(pools.writers, rng.choice((1, 1, 2))),
        "sources": [
            {
                "position": i,
                "citation": f"{label}: {prose.sentence(main, 5, 9)[:-1]}",
                "publisher": rng.choice(PLACES).title() + " Office",
                "url": f"https://example.org/{main.lower()}/{slug[:40]}/{i}",
                "published_on": (live_at - datetime.timedelta(days=rng.randint(2, 400))).date(),
                "accessed_on": live_at.date(),
                "kind": kind,
            }
            for i, (kind, label) in enumerate(KIND_CITATIONS[:SOURCES])
        ],
        "facts": [
            {
                "position": i,
                "text": prose.sentence(main, 10, 18),
                "checked_at": checked_at,
                # Source numbers (1-based positions): odd facts cite two sources.
                "cites": sorted({i % SOURCES + 1, (i * 3 + 1) % SOURCES + 1})
                if i % 2
                else [i % SOURCES + 1],
            }
            for i in range(FACTS)
        ],
        "viewpoints": [
            {"position": i, "stakeholder": s, "text": prose.sentence(main, 10, 18)}
            for i, s in enumerate(rng.sample(pools.stakeholders, STAKEHOLDERS))
        ],
        "events": [
            {
                "position": i,
                "date": day,
                "precision": precision,
                "kind": kind,
                "text": prose.sentence(main, 8, 14),
                "source": source,
            }
            for i, (day, precision, kind, source) in enumerate(events)
        ],
        "corrections": (
            [
                {
                    "kind": Correction.Kind.CORRECTION.value,
                    "text": prose.sentence(main, 12, 20),
                    "dated": (live_at + datetime.timedelta(days=1)).date(),
                }
            ]
            if rng.random() < 0.1
            else []
        ),
    }


def snapshot_data(plan: dict[str, Any], pools: Pools) -> dict[str, Any]:
    """Return what ``articles.snapshot.snapshot()`` returns for the planned explainer."""
    e = plan["explainer"]
    return {
        "schema": SNAPSHOT_SCHEMA,
        "title": e["title"],
        "slug": e["slug"],
        "dek": e["dek"],
        "takeaways": [],
        "what_happened": e["what_happened"],
        "background": e["background"],
        "why_it_matters": e["why_it_matters"],
        "topics": [{"id": pk, "name": name, "slug": slug} for pk, name, slug in plan["topics"]],
        "authors": [
            {"id": pk, "username": username, "name": name, "slug": slug}
            for pk, username, name, slug in plan["authors"]
        ],
        "hero": None,
        "key_facts": [
            {
                "text": f["text"],
                "check": KeyFact.Check.VERIFIED.value,
                "checked_by": pools.checker[1],
                "checked_at": _iso(f["checked_at"]),
                "sources": f["cites"],
            }
            for f in plan["facts"]
        ],
        "sources": [
            {
                "number": s["position"] + 1,
                "citation": s["citation"],
                "publisher": s["publisher"],
                "url": s["url"],
                "published_on": _iso(s["published_on"]),
                "accessed_on": _iso(s["accessed_on"]),
                "kind": s["kind"],
            }
            for s in plan["sources"]
        ],
        "viewpoints": [
            {
                "stakeholder": {"id": pk, "name": name, "slug": slug, "kind": kind},
                "text": v["text"],
                "quote": None,
            }
            for v in plan["viewpoints"]
            for pk, name, slug, kind in [v["stakeholder"]]
        ],
        # The model orders events by date (undated last), then position.
        "timeline": [
            {
                "date": _iso(ev["date"]),
                "precision": ev["precision"],
                "kind": ev["kind"],
                "text": ev["text"],
                "source": ev["source"],
            }
            for ev in sorted(
                plan["events"],
                key=lambda ev: (
                    ev["date"] is None,
                    ev["date"] or datetime.date.min,
                    ev["position"],
                ),
            )
        ],
        "corrections": [
            {"kind": c["kind"], "text": c["text"], "dated": _iso(c["dated"])}
            for c in plan["corrections"]
        ],
        "related": [],
    }


def search_rest(data: dict[str, Any]) -> str:
    """Return the weight-C text of a version, as ``publishing.update_search_vector()`` builds it."""
    sections = " ".join(
        strip_tags(data[k]) for k in ("what_happened", "background", "why_it_matters")
    )
    facts = " ".join(f["text"] for f in data["key_facts"])
    names = " ".join(v["stakeholder"]["name"] for v in data["viewpoints"])
    return f"{facts} {sections} {names}"


def build_batch(job: tuple[range, int, Pools, datetime.datetime]) -> list[dict[str, Any]]:
    """Plan, snapshot and render a batch of explainers: pure computation, no database.

    Runs in a worker process. Each batch has its own random generator, so the output does not
    depend on how batches are spread over workers.
    """
    numbers, random_seed, pools, now = job
    rng = random.Random(random_seed * 1_000_003 + numbers.start)
    prose = Prose(rng)
    plans = []
    for n in numbers:
        plan = plan_explainer(n, rng, prose, pools, now)
        data = snapshot_data(plan, pools)
        version = PublishedVersion(
            number=1,
            slug=data["slug"],
            title=data["title"],
            dek=data["dek"],
            go_live_at=plan["live_at"],
            first_published_at=plan["live_at"],
            data=data,
        )
        render_version(version)
        plan["version"] = {
            "data": data,
            "body_html": version.body_html,
            "body_end_html": version.body_end_html,
            "head_html": version.head_html,
            "related_ids": version.related_ids,
            "card_html": version.card_html,
            "search_text": search_text(data),
            "search_rest": search_rest(data),
        }
        plans.append(plan)
    return plans
