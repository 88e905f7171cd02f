"""``make bench``: how fast the public site is, against a static file served by the same server.

What it does, in order:

1. A PostgreSQL database ``newsroom_bench`` of explainers made by ``bench/seed.py`` (created,
   migrated and seeded unless it already holds exactly that many published explainers;
   ``--reseed`` forces).
2. Static files collected to a temporary ``STATIC_ROOT``, plus the ceiling: the explainer page's
   own HTML saved there as ``bench/explainer.html``, which WhiteNoise serves from the same
   gunicorn as a static file.
3. Two gunicorn instances with production settings (``DEBUG`` off, 2 sync workers each unless
   ``--workers`` says otherwise,
   ``CONN_MAX_AGE=60``, Redis as the shared cache when it answers), one with the page cache off
   and one with it on. Only one is under load at a time.
4. ``wrk -t2 -c16`` on each target, interleaved, three rounds, each run paired with a run on
   the static ceiling on the same instance just before it: median requests/s, p50, p99, error
   responses, and the median of the paired ratios. A page too slow to answer 16 connections
   within wrk's timeout is reported, not loaded.
5. In process (Django's test client, same settings): SQL queries per page, search latency over
   many terms, the admin pages at scale, and import speed.

Results are printed and written to ``bench/results/<timestamp>.md`` and ``.json``. Absolute
figures depend on the machine and what else runs on it; ratios to the ceiling are what to
compare. The exit status is non-zero if any request failed.

Usage: ``make bench`` or ``.venv/bin/python bench/run.py [--quick] [--duration S] [--reseed]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import runpy
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PY = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").exists() else sys.executable
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "newsroom_bench")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")
SEARCH_TERM = "inflation"
# Search latency: single words, phrases, a miss, a long query and a second page.
SEARCH_QUERIES = [
    "inflation", "climate", "election turnout", "hospital waiting", "rents", "court appeal",
    "railway fares", "nuclear", "asylum", "telescope", "budget deficit", "vaccine",
    "mortgages tenants", "privacy regulation", "schools", "flooding", "wind solar grid",
    "zzzznotaword", "why the decision matters for families in the northern region",
]  # fmt: skip
SEARCH_PAGES = ["inflation&page=2", "climate&page=3"]
TARGETS_ORDER = ["explainer", "home", "topic", "stakeholder", "search", "rss", "watch.ics"]
GOALS = {  # minimum ratio to the ceiling
    **{(name, "on"): 0.9 for name in TARGETS_ORDER},
    ("explainer", "off"): 0.25,
    ("home", "off"): 0.15,
    ("topic", "off"): 0.15,
    ("stakeholder", "off"): 0.15,
    ("rss", "off"): 0.15,
}
SEARCH_P95_GOAL_MS = 50
ADMIN_GOAL_MS = 300
# The change form of an explainer with 50 of every inline may take longer (issue goal: < 1 s).
ADMIN_LARGE_GOAL_MS = 1000
CHANGE_URL = "/admin/articles/explainer/"
# A realistic explainer: what the change form must open in under ADMIN_GOAL_MS.
REALISTIC = {
    "bylines": 2,
    "sources": 10,
    "facts": 12,
    "viewpoints": 6,
    "events": 12,
    "corrections": 1,
    "links": 3,
}
IMPORT_GOAL_PER_S = 50
FIFTY = 50
# A page slower than this alone cannot answer 16 connections within wrk's 2 s timeout.
SLOW_REQUEST_SECONDS = 1.0


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- Environment ----------------------------------------------------------------------------


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def bench_env(static_root: Path, workers: int = 2) -> dict[str, str]:
    """Production-like settings for every process of the run (plain HTTP on loopback)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG_SERVER}/{DB_NAME}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "PAGE_CACHE_ENABLED": "0",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESSLOG": "",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOGLEVEL": "warning",
        "PYTHONPATH": str(REPO),
    }
    if redis_answers():
        env["CACHE_URL"] = REDIS_URL
    else:
        log("Redis does not answer on 127.0.0.1:6379: the shared cache is per-process LocMem.")
        env["CACHE_URL"] = "locmemcache://bench"
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PY, "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
    )


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing it with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "wrk"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_at_start": os.getloadavg(),
    }


# --- Database -------------------------------------------------------------------------------


def _pg(dbname: str):
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{dbname}", autocommit=True)


def published_count() -> int | None:
    """Return how many versions the bench database holds, or None if it is not usable."""
    try:
        with _pg(DB_NAME) as conn:
            return conn.execute("SELECT count(*) FROM articles_publishedversion").fetchone()[0]
    except Exception:  # noqa: BLE001 - missing database or tables: rebuild
        return None


def prepare_database(env: dict[str, str], explainers: int, reseed: bool) -> float | None:
    """Make sure the bench database holds ``explainers`` explainers; return seed seconds."""
    if not reseed and published_count() == explainers:
        log(f"{DB_NAME} already holds {explainers} published explainers: reusing it")
        manage(env, "migrate", "--noinput", "-v0")
        # A migration may have rewritten rows; fresh statistics keep the plans the bench sees
        # the ones production (with autovacuum) would get.
        with _pg(DB_NAME) as conn:
            conn.execute("VACUUM ANALYZE")
        return None
    log(f"(re)creating {DB_NAME}")
    with _pg("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage(env, "migrate", "--noinput", "-v0")
    log(f"bench/seed.py --explainers {explainers}")
    started = time.perf_counter()
    subprocess.run(
        [PY, "bench/seed.py", "--explainers", str(explainers)], cwd=REPO, env=env, check=True
    )
    seconds = time.perf_counter() - started
    with _pg(DB_NAME) as conn:
        conn.execute("VACUUM ANALYZE")
    return seconds


# --- gunicorn -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn instance (sync workers, as many as ``GUNICORN_WORKERS``) of the app."""

    def __init__(self, env: dict[str, str], name: str, *, page_cache: bool) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"],
            cwd=REPO,
            env={**env, "PAGE_CACHE_ENABLED": "1" if page_cache else "0"},
            start_new_session=True,
        )

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def drain(servers: dict[str, Server], key: tuple[str, str]) -> None:
    """Wait until the server just loaded has answered what wrk left queued, so that the next
    target is measured on idle workers."""
    server = servers["off" if key[1] in ("off", "static") else "on"]
    fetch(server.base + "/healthz", timeout=600)


def fetch(url: str, timeout: float = 60) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


# --- wrk ------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(binary: str, url: str, duration: int, threads: int, connections: int) -> dict[str, Any]:
    out = subprocess.run(
        [binary, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if os.environ.get("BENCH_DEBUG"):
        print(url, out)
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non_2xx": 0,
        "socket_errors": 0,
    }
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non_2xx"] = int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        result["socket_errors"] = sum(int(n) for n in match.groups())
    return result


# --- In-process measurements ----------------------------------------------------------------


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


# --- Report ---------------------------------------------------------------------------------


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def build_rows(
    runs: dict[tuple[str, str], list[dict[str, Any]]],
    ceilings: dict[tuple[str, str], list[dict[str, Any]]],
    sizes: dict[tuple[str, str], int],
    queries: dict[str, dict[str, int]],
    unmeasured: dict[tuple[str, str], str],
) -> list[dict[str, Any]]:
    every_ceiling = [run for paired in ceilings.values() for run in paired]
    rows = [
        {
            "target": "ceiling",
            "page_cache": "static",
            "rps": median_of(every_ceiling, "rps"),
            "p50_ms": median_of(every_ceiling, "p50_ms"),
            "p99_ms": median_of(every_ceiling, "p99_ms"),
            "bytes": sizes[("ceiling", "static")],
            "queries": 0,
            "ratio": 1.0,
            "goal": None,
            "errors": sum(r["non_2xx"] + r["socket_errors"] for r in every_ceiling),
            "runs": [round(r["rps"]) for r in every_ceiling],
        }
    ]
    for (name, mode), why in unmeasured.items():
        rows.append(
            {
                "target": name,
                "page_cache": mode,
                "rps": None,
                "bytes": sizes[(name, mode)],
                "queries": queries[name][mode],
                "goal": GOALS.get((name, mode)),
                "errors": 0,
                "note": why,
            }
        )
    for (name, mode), measured in runs.items():
        rps = median_of(measured, "rps")
        ratios = [
            run["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
            for run, ceiling in zip(measured, ceilings[(name, mode)], strict=True)
        ]
        rows.append(
            {
                "target": name,
                "page_cache": mode,
                "rps": rps,
                "p50_ms": median_of(measured, "p50_ms"),
                "p99_ms": median_of(measured, "p99_ms"),
                "bytes": sizes[(name, mode)],
                "queries": queries[name][mode],
                "ratio": statistics.median(ratios),
                "ratios": [round(r, 3) for r in ratios],
                "goal": GOALS.get((name, mode)),
                "errors": sum(r["non_2xx"] + r["socket_errors"] for r in measured),
                "runs": [round(r["rps"]) for r in measured],
            }
        )
    order = ["ceiling", *TARGETS_ORDER]
    return sorted(rows, key=lambda row: (order.index(row["target"]), row["page_cache"]))


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    out = [
        f"# Benchmark {report['started']}",
        "",
        *(
            ["**Partial run** (`--only` or `--pages-only`): not a whole `make bench`.", ""]
            if report.get("partial")
            else []
        ),
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']};"
        f" {report['postgres']}; gunicorn {report['gunicorn']} ({report['workers']} sync"
        f" workers); shared cache: {report['shared_cache']}. Load average at start"
        f" {m['load_at_start'][0]:.1f}, at end"
        f" {report['load_at_end'][0]:.1f}.",
        "",
        f"wrk -t{report['threads']} -c{report['connections']} -d{report['duration']}s, "
        f"{report['rounds']} interleaved rounds, medians; {report['explainers']} published "
        "explainers. × ceiling: the median over rounds of the target's req/s over the static"
        " ceiling's, measured on the same gunicorn instance just before it. SQL/req: the"
        " page's queries, counted in process (not counted: the `SELECT 1` of Django's"
        " connection health check, one per request on a reused connection). In-process"
        " timings run with the gunicorn worker's garbage-collection setup (gunicorn.conf.py).",
        "",
        "| target | page cache | req/s | p50 ms | p99 ms | bytes | SQL/req | × ceiling | goal "
        "| errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for row in report["rows"]:
        goal = f"≥ {row['goal']} ❌" if row["goal"] is not None else ""
        if row["rps"] is None:
            out.append(
                f"| {row['target']} | {row['page_cache']} | — | | | {row['bytes']:,} |"
                f" {row['queries']} | — | {goal} | {row['note']} |"
            )
            continue
        if row["goal"] is not None:
            goal = f"≥ {row['goal']} {'✅' if row['ratio'] >= row['goal'] else '❌'}"
        out.append(
            f"| {row['target']} | {row['page_cache']} | {row['rps']:.0f} | {row['p50_ms']:.2f} |"
            f" {row['p99_ms']:.2f} | {row['bytes']:,} | {row['queries']} | {row['ratio']:.2f} |"
            f" {goal} | {row['errors']} |"
        )
    s = report["search"]
    if s is not None:
        out += [
            "",
            "| in process (test client, same settings) | server ms | SQL | goal |",
            "|---|---:|---:|---|",
            f"| search, {s['requests']} requests over {len(SEARCH_QUERIES) + len(SEARCH_PAGES)}"
            f" queries: p95 (p50 {s['p50_ms']:.1f}) | {s['p95_ms']:.1f} | |"
            f" < {SEARCH_P95_GOAL_MS} ms {'✅' if s['p95_ms'] < SEARCH_P95_GOAL_MS else '❌'} |",
        ]
    for name, a in report["admin"].items():
        goal = ADMIN_LARGE_GOAL_MS if "50 of every" in name else ADMIN_GOAL_MS
        ok = "✅" if a["ms"] < goal else "❌"
        out.append(f"| {name} | {a['ms']:.0f} | {a['queries']} | < {goal} ms {ok} |")
    imp = report["import"]
    if imp is None:
        out += ["", f"import: not measured ({report['import_note']})"]
    else:
        ok = "✅" if imp["per_second"] >= IMPORT_GOAL_PER_S else "❌"
        out += [
            "",
            f"Import: {imp['imported']} of {imp['files']} plain-text files in "
            f"{imp['seconds']:.1f} s with `manage.py import_explainer` (its default of "
            f"{imp['processes']} processes, process start included):"
            f" **{imp['per_second']:.0f} files/s** (goal ≥ {IMPORT_GOAL_PER_S} {ok}); CPU "
            f"{imp['cpu_ms_per_file']:.1f} ms a file in the command.",
        ]
    if report["seed_seconds"] is not None:
        out += [
            "",
            f"Seeding: `bench/seed.py --explainers {report['explainers']}` took "
            f"{report['seed_seconds']:.0f} s ({report['explainers'] / report['seed_seconds']:.0f}"
            " explainers/s) in this run.",
        ]
    from bench import proxy

    out += proxy.markdown(report.get("proxy"), report.get("proxy_note", ""))
    return "\n".join(out) + "\n"


# --- Main -----------------------------------------------------------------------------------


def page_names(text: str) -> list[str]:
    """``--only``: comma-separated page names, checked, in the table's order."""
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(names - set(TARGETS_ORDER))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown page {', '.join(unknown) or '(none given)'}; choose from "
            f"{', '.join(TARGETS_ORDER)}"
        )
    return [name for name in TARGETS_ORDER if name in names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--quick", action="store_true", help="3-second wrk runs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="sync workers per gunicorn (2, one per core, unless comparing deployments;"
        " gunicorn.conf.py's own default is 2 x cores + 1)",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--explainers", type=int, default=10_000)
    parser.add_argument("--reseed", action="store_true", help="rebuild the bench database")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--only",
        type=page_names,
        default=TARGETS_ORDER,
        metavar="PAGES",
        help=f"load only these pages (comma-separated, of {', '.join(TARGETS_ORDER)})",
    )
    parser.add_argument(
        "--skip-proxy", action="store_true", help="skip the explainer page through Varnish"
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="skip the in-process measurements (search latency, admin pages, import)",
    )
    args = parser.parse_args()
    duration = 3 if args.quick else args.duration

    started = datetime.datetime.now().astimezone()
    info = machine()
    wrk_binary = ensure_wrk()
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    env = bench_env(static_root, args.workers)
    seed_seconds = prepare_database(env, args.explainers, args.reseed)
    manage(env, "collectstatic", "--noinput", "-v0")

    setup_django(env)
    from django.test import Client

    every_path = pick_targets()
    paths = {name: path for name, path in every_path.items() if name in args.only}
    log(f"targets: {paths}")
    # The ceiling: this very explainer page, saved where WhiteNoise serves it from.
    # (read even when the explainer page is not among the pages loaded)
    response = Client(HTTP_HOST="127.0.0.1").get(every_path["explainer"])
    if response.status_code != 200:
        raise SystemExit(f"the explainer page answered {response.status_code}")
    (static_root / "bench").mkdir()
    (static_root / "bench" / "explainer.html").write_bytes(response.content)
    queries = count_queries(paths)
    log(f"queries per request: {queries}")

    servers = {
        "off": Server(env, "page cache off", page_cache=False),
        "on": Server(env, "page cache on", page_cache=True),
    }
    try:
        for server in servers.values():
            server.wait()
        # The ceiling is measured on the same instance as the target, right before it.
        ceiling_urls = {
            mode: server.base + "/static/bench/explainer.html" for mode, server in servers.items()
        }
        urls: dict[tuple[str, str], str] = {}
        sizes: dict[tuple[str, str], int] = {
            ("ceiling", "static"): len(fetch(ceiling_urls["off"])[1])
        }
        for name in args.only:
            for mode, server in servers.items():
                urls[(name, mode)] = server.base + paths[name]
        unmeasured: dict[tuple[str, str], str] = {}
        for key, url in list(urls.items()):
            # Twice: the first fills the page cache on the server that has one.
            for _ in range(2):
                began = time.perf_counter()
                try:
                    code, content, _headers = fetch(url)
                except (OSError, urllib.error.URLError) as error:
                    code, content = 0, str(error).encode()
                seconds = time.perf_counter() - began
            sizes[key] = len(content)
            if code != 200:
                unmeasured[key] = f"answered {code or content.decode()[:80]}"
            elif seconds > SLOW_REQUEST_SECONDS:
                # Under 16 connections such a page only piles up a queue that outlives the run
                # and starves the next target: report it instead of loading it.
                unmeasured[key] = f"not loaded: one request alone takes {seconds:.1f} s"
            if key in unmeasured:
                log(f"{key}: {unmeasured[key]}")
                del urls[key]
        # Warm every worker's connections and caches.
        for key, url in urls.items():
            wrk(wrk_binary, url, 1, args.threads, args.connections)
            drain(servers, key)
        for url in ceiling_urls.values():
            wrk(wrk_binary, url, 1, args.threads, args.connections)
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {key: [] for key in urls}
        ceilings: dict[tuple[str, str], list[dict[str, Any]]] = {key: [] for key in urls}
        for round_ in range(1, args.rounds + 1):
            log(f"round {round_} of {args.rounds}")
            for key, url in urls.items():
                # Paired: the machine is shared, so its speed drifts; a ratio taken seconds
                # apart on the same instance is what stays comparable.
                ceiling = wrk(
                    wrk_binary, ceiling_urls[key[1]], duration, args.threads, args.connections
                )
                drain(servers, key)
                ceilings[key].append(ceiling)
                runs[key].append(wrk(wrk_binary, url, duration, args.threads, args.connections))
                drain(servers, key)
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / "last-raw.json").write_text(
                json.dumps(
                    {"/".join(k): {"runs": runs[k], "ceilings": ceilings[k]} for k in runs},
                    indent=1,
                )
            )
    finally:
        for server in servers.values():
            server.stop()

    from bench import proxy

    proxied, proxy_note = None, ""
    if args.skip_proxy:
        proxy_note = "--skip-proxy"
    elif not proxy.varnish_available():
        proxy_note = "varnish and varnish-modules are not installed"
    else:
        log("the explainer page through Varnish, and publish-to-visible")
        proxied = proxy.proxy_stage(
            env,
            Server,
            wrk,
            fetch,
            free_port,
            path=every_path["explainer"],
            wrk_binary=wrk_binary,
            duration=duration,
            rounds=args.rounds,
            threads=args.threads,
            connections=args.connections,
        )
    search, admin, imported = None, {}, None
    if not args.pages_only:
        log("search latency, admin pages and import, in process")
        search = search_latency()
        admin = admin_timings()
        if not args.skip_import and importer_present():
            imported = import_speed(env)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "machine": info,
        "load_at_end": os.getloadavg(),
        "postgres": _postgres_version(),
        "gunicorn": _version("gunicorn"),
        "workers": args.workers,
        "shared_cache": env["CACHE_URL"],
        "duration": duration,
        "rounds": args.rounds,
        "threads": args.threads,
        "connections": args.connections,
        "explainers": args.explainers,
        "seed_seconds": seed_seconds,
        "paths": paths,
        "rows": build_rows(runs, ceilings, sizes, queries, unmeasured),
        "search": search,
        "admin": admin,
        "import": imported,
        "proxy": proxied,
        "proxy_note": proxy_note,
        "import_note": (
            "--pages-only"
            if args.pages_only
            else "--skip-import"
            if args.skip_import
            else "importer not present"
        ),
        "partial": args.only != TARGETS_ORDER or args.pages_only,
    }
    text = markdown(report)
    print()
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    log(f"written to bench/results/{stamp}.md and .json")
    shutil.rmtree(static_root, ignore_errors=True)
    errors = sum(row["errors"] for row in report["rows"]) + len(unmeasured)
    if errors:
        log(f"{errors} error responses, socket errors or unmeasurable targets")
        return 1
    return 0


def _postgres_version() -> str:
    with _pg(DB_NAME) as conn:
        return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0]


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    sys.exit(main())
