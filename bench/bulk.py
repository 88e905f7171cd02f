"""Bulk benchmark data: thousands of realistic published explainers, fast (``bench/seed.py``).

``seed()`` writes what the workflow would have left behind for each explainer, in batches with
``bulk_create``: the working copy with its facts (verified, each citing sources), sources,
viewpoints of stakeholders from a shared pool, timeline, bylines, topics and a publish
transition, and the published version, rendered through ``publishing.render_version`` exactly
as publishing renders it, with its full-text vector computed by PostgreSQL in the same INSERT.

It skips what ``publishing.freeze()`` does one explainer at a time (about ten queries to snapshot
the working copy, two more to store it): the version's ``data`` is built here from the planned
rows, in the same shape as ``articles.snapshot.snapshot()`` (a test holds the two equal).

Rendering dominates the cost (a few milliseconds of template work per explainer), and it needs
no database: the text, the snapshot and the HTML of each batch are built in worker processes
(``build_batch``, plain data in and out) while the main process inserts the previous batches.

The text is generated from a fixed vocabulary with a seeded random generator, so two runs with
the same seed write the same words; it reads like newsroom prose closely enough for search
ranking, page weights and rendering costs to be realistic.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections, reset_queries, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from articles import roles
from articles.models import (
    AuthorProfile,
    Byline,
    Correction,
    Explainer,
    KeyFact,
    ListEntry,
    PublishedVersion,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Transition,
    Viewpoint,
    WatchItem,
)
from articles.publishing.freeze import feed_labels, render_version, search_text
from articles.publishing.fulltext import index_versions
from articles.site.cache import invalidate_public_pages
from articles.snapshot import SNAPSHOT_SCHEMA

FACTS, STAKEHOLDERS, EVENTS, SOURCES = 8, 5, 8, 6
STAKEHOLDER_POOL = 300
WRITERS = 24

TOPICS = {
    "Climate": "climate emissions carbon drought heatwave flooding glacier warming renewables",
    "Economy": "inflation interest wages budget deficit tariffs recession growth unemployment",
    "Elections": "ballot turnout candidates polling campaign coalition referendum constituency",
    "Health": "hospital vaccine clinics waiting patients nurses outbreak prescriptions",
    "Housing": "rents mortgages tenants landlords planning construction homelessness",
    "Justice": "court verdict appeal prosecutors sentencing trial evidence jury",
    "Technology": "algorithm privacy platform semiconductor regulation data encryption",
    "Transport": "railway buses congestion fares airport electrification commuters",
    "Education": "schools teachers exams curriculum universities tuition pupils",
    "Energy": "electricity grid nuclear pipeline prices gas wind solar",
    "Migration": "asylum border visas refugees integration deportation",
    "Science": "research telescope genome laboratory experiment satellite",
}
PLACES = [
    "Port Alder", "the capital", "the northern region", "the coast", "the valley",
    "the city council", "the border towns", "the islands", "the eastern provinces",
]  # fmt: skip
COMMON_TEXT = (
    "the a of to and in that for on with as by from at which after before over under "
    "government ministry officials report said says according announced expected plans new "
    "year years month week council committee agency public private local national regional "
    "policy decision vote law bill proposal court data figures percent million billion cost "
    "costs spending rise fall increase decrease change changes people residents families "
    "workers companies businesses groups experts analysts critics supporters opposition "
    "minister mayor leaders officials independent review inquiry investigation evidence "
    "question questions answer reasons because however although while since until during "
    "first second last next previous recent current long short term impact effect effects "
    "pressure demand supply prices services funding support plan plans target targets "
    "process system systems rules standards agreement deal talks negotiations meeting "
    "statement documents records figures survey study analysis warned argued agreed denied "
    "could would should might will may must can cannot still already now then again also "
    "only more most less least many several few other others same different important "
    "major minor significant small large higher lower early late open closed free full"
)
COMMON = COMMON_TEXT.split()
KIND_CITATIONS = [
    ("report", "Annual report"),
    ("document", "Published statement"),
    ("data", "Statistical release"),
    ("interview", "Interview transcript"),
    ("report", "Independent review"),
    ("other", "Briefing note"),
]


@dataclass(frozen=True)
class Pools:
    """The shared rows explainers draw on, as plain data that worker processes can receive."""

    writers: tuple[tuple[int, str, str, str], ...]  # (id, username, full name, public slug)
    checker: tuple[int, str]
    editor: int
    topics: tuple[tuple[int, str, str], ...]  # (id, name, slug)
    stakeholders: tuple[tuple[int, str, str, str], ...]  # (id, name, slug, kind)


@dataclass
class SeedResult:
    explainers: int
    seconds: float


class Prose:
    """Sentences and paragraphs from a fixed vocabulary, per topic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocabulary = {topic: COMMON + words.split() * 6 for topic, words in TOPICS.items()}

    def sentence(self, topic: str, low: int = 12, high: int = 22) -> str:
        words = self.rng.choices(self.vocabulary[topic], k=self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self, topic: str, sentences: int) -> str:
        return " ".join(self.sentence(topic) for _ in range(sentences))

    def html(self, topic: str, paragraphs: int, sentences: int) -> str:
        return "".join(f"<p>{self.paragraph(topic, sentences)}</p>" for _ in range(paragraphs))


def pools(rng: random.Random) -> Pools:
    """Return (creating them once) the writers, topics and stakeholders explainers draw on."""
    user_model = get_user_model()
    names = [f"bulk_writer_{n:02d}" for n in range(WRITERS)]
    user_model.objects.bulk_create(
        [
            user_model(
                username=name,
                first_name=f"Writer{n:02d}",
                last_name=rng.choice(["Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka"]),
                is_staff=True,
            )
            for n, name in enumerate(names)
        ],
        ignore_conflicts=True,
    )
    writers = list(user_model.objects.filter(username__in=names).order_by("username"))
    # Their author pages' addresses, as publishing would make them (AuthorProfile).
    slugs = {pk: profile.slug for pk, profile in AuthorProfile.for_users(writers).items()}
    writer_group = Group.objects.filter(name=roles.WRITER).first()
    if writer_group is not None:
        writer_group.user_set.add(*writers)
    checker, _ = user_model.objects.get_or_create(
        username="bulk_checker", defaults={"is_staff": True, "first_name": "Bulk"}
    )
    editor, _ = user_model.objects.get_or_create(
        username="bulk_editor", defaults={"is_staff": True, "first_name": "Bulk"}
    )
    Topic.objects.bulk_create(
        [
            Topic(name=name, slug=slugify(name), description=f"Explainers about {name.lower()}.")
            for name in TOPICS
        ],
        ignore_conflicts=True,
    )
    kinds = list(Stakeholder.Kind.values)
    Stakeholder.objects.bulk_create(
        [
            Stakeholder(
                name=f"{rng.choice(list(TOPICS))} stakeholder {n:03d}",
                slug=f"bulk-stakeholder-{n:03d}",
                kind=kinds[n % len(kinds)],
                description="A recurring voice in our explainers.",
            )
            for n in range(STAKEHOLDER_POOL)
        ],
        ignore_conflicts=True,
    )
    return Pools(
        writers=tuple(
            (w.pk, w.get_username(), w.get_full_name() or w.get_username(), slugs[w.pk])
            for w in writers
        ),
        checker=(checker.pk, checker.get_username()),
        editor=editor.pk,
        topics=tuple(
            Topic.objects.filter(name__in=TOPICS).order_by("name").values_list("pk", "name", "slug")
        ),
        stakeholders=tuple(
            Stakeholder.objects.filter(slug__startswith="bulk-stakeholder-")
            .order_by("slug")
            .values_list("pk", "name", "slug", "kind")
        ),
    )


def _title(rng: random.Random, topic: str) -> str:
    word = rng.choice(TOPICS[topic].split())
    place = rng.choice(PLACES)
    return rng.choice(
        [
            f"Why {word} is back on the agenda in {place}",
            f"What the {word} decision means for {place}",
            f"How {place} got here on {word}",
            f"The {word} fight in {place}, explained",
            f"Who gains from the {word} plan in {place}",
        ]
    )


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def plan_explainer(
    n: int, rng: random.Random, prose: Prose, pools: Pools, now: datetime.datetime
) -> dict[str, Any]:
    """Return the rows of one explainer as plain data (no database)."""
    topics = sorted(rng.sample(pools.topics, rng.choice((1, 1, 2))), key=lambda t: t[1])
    main = topics[0][1]
    title = _title(rng, main)
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


def insert_batch(plans: list[dict[str, Any]], pools: Pools) -> None:
    """Write one built batch with a bulk insert per table, in one transaction."""
    checker_id, editor_id = pools.checker[0], pools.editor
    explainers = [
        Explainer(
            **plan["explainer"],
            state=Explainer.State.PUBLISHED,
            approved_by_id=checker_id,
            updated_by_id=editor_id,
        )
        for plan in plans
    ]
    Explainer.objects.bulk_create(explainers)
    sources = [
        Source(explainer=e, **s)
        for e, plan in zip(explainers, plans, strict=True)
        for s in plan["sources"]
    ]
    Source.objects.bulk_create(sources)
    # Each explainer's sources, in position order, to resolve source numbers to keys.
    by_explainer = [sources[i * SOURCES : (i + 1) * SOURCES] for i in range(len(plans))]
    facts, cited, views, events, bylines, corrections, topic_links, transitions = (
        [] for _ in range(8)
    )
    for e, plan, own in zip(explainers, plans, by_explainer, strict=True):
        for f in plan["facts"]:
            fact = KeyFact(
                explainer=e,
                position=f["position"],
                text=f["text"],
                check_status=KeyFact.Check.VERIFIED,
                checked_by_id=checker_id,
                checked_at=f["checked_at"],
            )
            facts.append(fact)
            cited.append((fact, [own[number - 1] for number in f["cites"]]))
        views += [
            Viewpoint(
                explainer=e,
                stakeholder_id=v["stakeholder"][0],
                position=v["position"],
                text=v["text"],
            )
            for v in plan["viewpoints"]
        ]
        events += [
            TimelineEvent(
                explainer=e,
                position=ev["position"],
                date=ev["date"],
                precision=ev["precision"],
                kind=ev["kind"],
                text=ev["text"],
                source=own[ev["source"] - 1] if ev["source"] else None,
            )
            for ev in plan["events"]
        ]
        bylines += [
            Byline(explainer=e, author_id=author[0], position=i)
            for i, author in enumerate(plan["authors"])
        ]
        corrections += [Correction(explainer=e, **c) for c in plan["corrections"]]
        topic_links += [
            Explainer.topics.through(explainer_id=e.pk, topic_id=topic[0])
            for topic in plan["topics"]
        ]
        transitions.append(
            Transition(
                explainer=e,
                name="publish",
                from_state=Explainer.State.APPROVED,
                to_state=Explainer.State.PUBLISHED,
                actor_id=editor_id,
                at=plan["live_at"],
            )
        )
    KeyFact.objects.bulk_create(facts)
    KeyFact.sources.through.objects.bulk_create(
        [
            KeyFact.sources.through(keyfact_id=fact.pk, source_id=source.pk)
            for fact, supporting in cited
            for source in supporting
        ]
    )
    for model, rows in (
        (TimelineEvent, events),
        (Viewpoint, views),
        (Byline, bylines),
        (Correction, corrections),
        (Explainer.topics.through, topic_links),
        (Transition, transitions),
    ):
        model.objects.bulk_create(rows)
    versions = [
        PublishedVersion(
            explainer=e,
            number=1,
            slug=e.slug,
            title=e.title,
            dek=e.dek,
            published_at=plan["live_at"],
            published_by_id=editor_id,
            go_live_at=plan["live_at"],
            first_published_at=plan["live_at"],
            data=plan["version"]["data"],
            body_html=plan["version"]["body_html"],
            body_end_html=plan["version"]["body_end_html"],
            head_html=plan["version"]["head_html"],
            related_ids=plan["version"]["related_ids"],
            card_html=plan["version"]["card_html"],
            search_text=plan["version"]["search_text"],
            **feed_labels(plan["version"]["data"]),
            search_vector=(
                search_vector(e.title, e.dek, plan["version"]["search_rest"])
                if connection.vendor == "postgresql"
                else None
            ),
        )
        for e, plan in zip(explainers, plans, strict=True)
    ]
    PublishedVersion.objects.bulk_create(versions)
    index_versions(versions)
    WatchItem.objects.bulk_create(
        [
            item
            for version in versions
            for item in WatchItem.from_timeline(
                version.pk, version.explainer_id, version.data["timeline"], version.title
            )
        ]
    )
    ListEntry.objects.bulk_create(
        [entry for version in versions for entry in ListEntry.for_version(version)]
    )


def search_vector(title: str, dek: str, rest: str):
    """Return the expression of a version's full-text vector, for the INSERT itself.

    The same weights and text as ``publishing.update_search_vector()`` (title A, dek B, the
    rest C), computed by PostgreSQL as each row is inserted: no second write of the batch.
    """
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    return (
        SearchVector(Value(title), weight="A", config="english")
        + SearchVector(Value(dek), weight="B", config="english")
        + SearchVector(Value(rest), weight="C", config="english")
    )


def _chunks(total: int, size: int, start: int) -> Iterator[range]:
    for first in range(start, start + total, size):
        yield range(first, min(first + size, start + total))


def _built(jobs: list, workers: int) -> Iterable[list[dict[str, Any]]]:
    if workers <= 1:
        yield from map(build_batch, jobs)
        return
    with multiprocessing.get_context("fork").Pool(workers, initializer=_detach_connections) as pool:
        # A bounded window of batches in flight: workers outrun the inserts, and an unbounded
        # queue of built batches would hold the whole data set in memory.
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.apply_async(build_batch, (job,)))
            if len(pending) > 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _detach_connections() -> None:
    """In a forked worker, forget the parent's database connections without closing them.

    Closing would end the parent's session on the shared socket; a worker that needed the
    database (it should not) opens its own.
    """
    for conn in connections.all(initialized_only=True):
        conn.connection = None


def seed(
    explainers: int,
    *,
    batch_size: int = 250,
    random_seed: int = 2026,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Create ``explainers`` published explainers; return how many and how long it took.

    ``workers`` processes build batches (default: one per CPU; 0 or 1 builds in this process).
    Each batch is inserted in its own transaction, so an interrupted run leaves whole
    explainers only.
    """
    started = time.perf_counter()
    with transaction.atomic():
        shared = pools(random.Random(random_seed))
    start = (Explainer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    jobs = [
        (numbers, random_seed, shared, now) for numbers in _chunks(explainers, batch_size, start)
    ]
    workers = (os.cpu_count() or 1) if workers is None else workers
    for plans in _built(jobs, workers):
        with transaction.atomic():
            insert_batch(plans, shared)
        # With DEBUG on, Django keeps every statement, and these carry whole batches.
        reset_queries()
        if progress is not None:
            progress(len(plans))
    invalidate_public_pages()
    return SeedResult(explainers, time.perf_counter() - started)
