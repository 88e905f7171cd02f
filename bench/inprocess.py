"""The in-process measurements: Django's test client in this process, with the run's settings.

``setup_django()`` loads the app as a gunicorn worker does (the same garbage-collection setup).
Then: which pages to load (``pick_targets()``: a typical explainer, the busiest topic and
stakeholder), the SQL queries each page makes (``count_queries()``), the server time of search
over many terms (``search_latency()``), the admin pages at scale, up to an explainer with 50 of
every inline (``admin_timings()``), and the speed of ``manage.py import_explainer`` on generated
plain-text files (``import_speed()``).
"""

from __future__ import annotations

import datetime
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import PY, REPO

SEARCH_TERM = "inflation"
# Search latency: single words, phrases, a miss, a long query and a second page.
SEARCH_QUERIES = [
    "inflation", "climate", "election turnout", "hospital waiting", "rents", "court appeal",
    "railway fares", "nuclear", "asylum", "telescope", "budget deficit", "vaccine",
    "mortgages tenants", "privacy regulation", "schools", "flooding", "wind solar grid",
    "zzzznotaword", "why the decision matters for families in the northern region",
]  # fmt: skip
SEARCH_PAGES = ["inflation&page=2", "climate&page=3"]
CHANGE_URL = "/admin/articles/explainer/"
# A realistic explainer: what the change form must open in under report.ADMIN_GOAL_MS.
REALISTIC = {
    "bylines": 2,
    "sources": 10,
    "facts": 12,
    "viewpoints": 6,
    "events": 12,
    "corrections": 1,
    "links": 3,
}
FIFTY = 50


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(REPO))
    os.chdir(REPO)
    import django

    django.setup()
    # What a gunicorn worker does once the app is loaded (gunicorn.conf.py, post_worker_init),
    # so the in-process timings see the same garbage collection as the server.
    runpy.run_path(str(REPO / "gunicorn.conf.py"))["post_worker_init"](None)


def pick_targets() -> dict[str, str]:
    from django.db.models import Count

    from articles.models import ListEntry, PublishedVersion, Stakeholder, Topic
    from articles.publishing.render import explainer_path

    live = PublishedVersion.objects.live()
    # A typical page: the median body size among the newest hundred.
    recent = sorted(
        live.order_by("-go_live_at").values_list("slug", "body_html")[:100],
        key=lambda row: len(row[1]),
    )
    slug = recent[len(recent) // 2][0]

    # The busiest topic and stakeholder: where a reader of a breaking story goes next.
    def busiest(kind: str) -> int:
        entries = ListEntry.objects.filter(kind=kind, version__in=live)
        return entries.values("key").annotate(n=Count("pk")).order_by("-n")[0]["key"]

    topic = Topic.objects.get(pk=busiest(ListEntry.Kind.TOPIC))
    stakeholder = Stakeholder.objects.get(pk=busiest(ListEntry.Kind.STAKEHOLDER))
    return {
        "explainer": explainer_path(slug),
        "home": "/",
        "topic": topic.get_absolute_url(),
        "stakeholder": stakeholder.get_absolute_url(),
        "search": f"/search/?q={SEARCH_TERM}",
        "rss": "/feeds/latest.rss",
        "watch.ics": "/watch.ics",
    }


def count_queries(paths: dict[str, str]) -> dict[str, dict[str, int]]:
    """SQL queries per request of each page, page cache off and on (its second request)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from articles.site import cache

    counts: dict[str, dict[str, int]] = {}
    for name, path in paths.items():
        counts[name] = {}
        for mode, enabled in (("off", False), ("on", True)):
            with override_settings(PAGE_CACHE_ENABLED=enabled):
                cache.page_cache.reset()
                client = Client(HTTP_HOST="127.0.0.1")
                client.get(path)  # warm: lazy settings, ContentTypes, the cache entry
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                counts[name][mode] = len(queries)
    return counts


def search_latency(repeats: int = 3) -> dict[str, float]:
    """Server time of search over many queries, page cache off, in milliseconds."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    queries = SEARCH_QUERIES + SEARCH_PAGES
    for query in queries:
        client.get(f"/search/?q={query}")  # warm
    times = []
    for _ in range(repeats):
        for query in queries:
            started = time.perf_counter()
            response = client.get(f"/search/?q={query}")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (query, response.status_code)
    times.sort()
    return {
        "requests": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
    }


def inline_explainer(slug: str, n: dict[str, int]):
    """Return (creating it once) a draft explainer with ``n[kind]`` rows of each inline."""
    from django.contrib.auth import get_user_model

    from articles.models import (
        Byline,
        Correction,
        Explainer,
        KeyFact,
        RelatedLink,
        Source,
        Stakeholder,
        TimelineEvent,
        Topic,
        Viewpoint,
    )

    existing = Explainer.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    user_model = get_user_model()
    explainer = Explainer.objects.create(
        title=f"Bench: {slug}",
        slug=slug,
        dek="Facts, sources, stakeholders, events, corrections, bylines and links.",
        what_happened="<p>Many things happened.</p>",
    )
    explainer.topics.set(Topic.objects.all()[:3])
    authors = [
        user_model.objects.get_or_create(username=f"bench_author_{n:02d}")[0]
        for n in range(n["bylines"])
    ]
    Byline.objects.bulk_create(
        [Byline(explainer=explainer, author=a, position=i) for i, a in enumerate(authors)]
    )
    sources = Source.objects.bulk_create(
        [
            Source(
                explainer=explainer,
                position=i,
                citation=f"Source number {i}",
                url=f"https://example.org/{i}",
            )
            for i in range(n["sources"])
        ]
    )
    facts = KeyFact.objects.bulk_create(
        [KeyFact(explainer=explainer, position=i, text=f"Fact {i}.") for i in range(n["facts"])]
    )
    KeyFact.sources.through.objects.bulk_create(
        [
            KeyFact.sources.through(keyfact_id=f.pk, source_id=sources[i % len(sources)].pk)
            for i, f in enumerate(facts)
        ]
    )
    stakeholders = list(Stakeholder.objects.order_by("pk")[: n["viewpoints"]])
    Viewpoint.objects.bulk_create(
        [
            Viewpoint(explainer=explainer, stakeholder=s, position=i, text=f"View {i}.")
            for i, s in enumerate(stakeholders)
        ]
    )
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                explainer=explainer,
                position=i,
                date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i * 9),
                precision="day",
                kind="past",
                text=f"Event {i}.",
                source=sources[i % len(sources)],
            )
            for i in range(n["events"])
        ]
    )
    Correction.objects.bulk_create(
        [Correction(explainer=explainer, text=f"Correction {i}.") for i in range(n["corrections"])]
    )
    targets = list(Explainer.objects.exclude(pk=explainer.pk).order_by("pk")[: n["links"]])
    RelatedLink.objects.bulk_create(
        [RelatedLink(explainer=explainer, position=i, target=t) for i, t in enumerate(targets)]
    )
    return explainer


def admin_timings(repeats: int = 5) -> dict[str, dict[str, float]]:
    """Server time (median ms) and queries of the admin pages, as an editor, in process."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import roles

    editor, _ = get_user_model().objects.get_or_create(
        username="bench_editor", defaults={"is_staff": True}
    )
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    realistic = inline_explainer("bench-realistic", REALISTIC)
    fifty = inline_explainer("bench-fifty-inlines", dict.fromkeys(REALISTIC, FIFTY))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    pages = {
        "admin change list": "/admin/articles/explainer/",
        "admin dashboard (index)": "/admin/",
        "admin change form, realistic explainer": f"{CHANGE_URL}{realistic.pk}/change/",
        "admin change form, 50 of every inline": f"{CHANGE_URL}{fifty.pk}/change/",
    }
    results = {}
    for name, path in pages.items():
        client.get(path)
        times, queries = [], 0
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            queries = len(captured)
        results[name] = {"ms": statistics.median(times), "queries": queries, "path": path}
    return results


def importer_present() -> bool:
    import importlib.util

    return (
        importlib.util.find_spec("articles.interchange.batch") is not None
        and (REPO / "articles" / "management" / "commands" / "import_explainer.py").exists()
    )


def import_files(folder: Path, n: int, token: str) -> None:
    """Write ``n`` plain-text explainers in the plain-text format (docs/text-format.md)."""
    import random

    from articles.models import Stakeholder
    from bench.bulk.prose import TOPICS, Prose

    rng = random.Random(7)
    prose = Prose(rng)
    names = list(Stakeholder.objects.values_list("name", flat=True)[:200])
    topics = list(TOPICS)
    for i in range(n):
        topic = topics[i % len(topics)]
        lines = [f"Bench import {token} number {i}: the {topic.lower()} question", ""]
        lines += ["What happened", *[prose.paragraph(topic, 4) + "\n" for _ in range(3)]]
        lines += ["Key facts", *[f"- {prose.sentence(topic, 10, 18)}" for _ in range(8)], ""]
        lines += ["Background & context", *[prose.paragraph(topic, 5) + "\n" for _ in range(3)]]
        lines += ["Why it matters", *[prose.paragraph(topic, 4) + "\n" for _ in range(2)]]
        lines += ["Stakeholders & viewpoints"]
        lines += [f"- {name}: {prose.sentence(topic, 10, 16)}" for name in rng.sample(names, 5)]
        lines += ["", "Timeline & what to watch next"]
        for k in range(6):
            day = datetime.date(2023, 1, 1) + datetime.timedelta(days=40 * k + i % 30)
            lines.append(f"- {day:%B} {day.day}, {day.year}: {prose.sentence(topic, 8, 12)}")
        lines += [f"- March {2030 + i % 3}: {prose.sentence(topic, 8, 12)}"]
        lines += [f"- Whether {prose.sentence(topic, 6, 10).lower()}", ""]
        lines += ["Sources"]
        lines += [
            f"- {prose.sentence(topic, 5, 9)[:-1]} https://example.org/{topic.lower()}/{i}/{k}"
            for k in range(6)
        ]
        lines += ["", "Up Next", f"- Bench import {token} number {(i + 1) % n}"]
        (folder / f"explainer-{i:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def import_speed(env: dict[str, str], n: int = 1000) -> dict[str, Any]:
    """Time ``manage.py import_explainer`` on ``n`` generated files, then remove what it made.

    The command runs as a user runs it, with its default number of processes. Its CPU time
    (user and system, its worker processes included) is kept beside the wall time, which
    moves with whatever else the machine runs.
    """
    import resource

    from articles.interchange.workers import cpu_count
    from articles.models import Explainer

    token = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        import_files(Path(folder), n, token)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        run = subprocess.run(
            [PY, "manage.py", "import_explainer", folder, "-v0"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    made = Explainer.objects.filter(title__startswith=f"Bench import {token} ")
    imported = made.count()
    made.delete()
    return {
        "files": n,
        "imported": imported,
        "seconds": seconds,
        "per_second": n / seconds,
        "processes": cpu_count(),
        "cpu_ms_per_file": cpu * 1000 / n,
        "exit_status": run.returncode,
        "stderr_tail": run.stderr[-500:],
    }
