"""Load test: gunicorn on PostgreSQL under 64 concurrent connections for two minutes.

    make load                                  # 120 s, 64 connections, page cache on Redis
    make load LOAD_ARGS="--duration 30 --no-cache"

It prepares a PostgreSQL database (``newsroom_load`` by default: created, migrated and filled
with the demo explainers if empty), collects static files, starts gunicorn with production
settings (DEBUG off) and drives the explainer, home and search pages from 64 keep-alive
connections. Every few seconds it samples each gunicorn worker's resident memory (VmRSS from
/proc). It passes when no response is an error (status >= 400 or a failed connection) and no
worker's memory grows by more than ``--max-growth-mb`` between the end of the warm-up and the
end of the run. Results go to stdout and ``var/bench/load-<time>.json``.

``bench/faults.py`` reuses the server and client defined here.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_load"
SEARCH_WORDS = ["water", "court", "budget", "election", "climate", "trial", "reservoir", "vote"]


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, *, cache_url: str | None, static_root: Path) -> dict:
    """Environment for a production-like process: DEBUG off, plain HTTP on localhost."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        # The load runs over plain HTTP on localhost; TLS would be the proxy's job.
        "SECURE_SSL_REDIRECT": "0",
        "AXES_ENABLED": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CACHE_URL", None)
    if cache_url:
        env["CACHE_URL"] = cache_url
        env["PAGE_CACHE_ENABLED"] = "1"
    else:
        env["PAGE_CACHE_ENABLED"] = "0"
    return env


PREPARE = r"""
import json, os, pathlib, tempfile
import django
from django.core.management import call_command
from django.db import connection
django.setup()
call_command("migrate", verbosity=0, interactive=False)
from articles.models import PublishedVersion
if not PublishedVersion.objects.exists():
    from articles import demo
    demo.seed(logins_file=pathlib.Path(tempfile.mkdtemp()) / "logins.txt")
slugs = sorted(set(PublishedVersion.objects.live().values_list("slug", flat=True)))
print(json.dumps(slugs))
"""


def prepare_database(database_url: str) -> list[str]:
    """Create, migrate and seed the load database; return the live explainer slugs."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DEBUG": "1",  # the demo seed refuses to run otherwise; it only writes rows
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    env.pop("CACHE_URL", None)
    result = subprocess.run(
        [PYTHON, "-c", PREPARE], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"preparing {name} failed:\n{result.stderr}")
    slugs = json.loads(result.stdout.strip().splitlines()[-1])
    if not slugs:
        raise SystemExit(f"{name} has no live explainer to load.")
    return slugs


def collect_static(env: dict) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


@dataclass
class Server:
    """A gunicorn master with its workers, started with production settings."""

    env: dict
    workers: int = 5
    worker_class: str | None = None  # None: gunicorn.conf.py's (sync)
    threads: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path = field(default_factory=lambda: Path(tempfile.mkstemp(suffix=".log")[1]))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self._log = self.log_path.open("w")
        # The project's gunicorn.conf.py, as production runs it, with three changes for a
        # measurement: our port, no worker recycling (it would hide a leak) and no access log.
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_ACCESSLOG": "",
        }
        if self.worker_class:
            env["GUNICORN_WORKER_CLASS"] = self.worker_class
            env["GUNICORN_THREADS"] = str(self.threads)
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "--config=gunicorn.conf.py",
                "--no-control-socket",  # parallel runs would fight over the default path
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status = fetch_status(self.base_url, "/healthz")
            except OSError:
                status = None
            if status == 200 and len(self.worker_pids()) == self.workers:
                return self
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_path.read_text()}")
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not come up:\n{self.log_path.read_text()}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "_log", None):
            self._log.close()


def rss_kb(pid: int) -> int | None:
    """Return a process's resident set size in KiB (VmRSS), or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# --- the client ------------------------------------------------------------------------------


def fetch_status(base_url: str, path: str, timeout: float = 5) -> int:
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def page_mix(slugs: list[str]) -> list[str]:
    """The pages to load: explainers, the home page and searches, about a third each."""
    explainers = [f"/explainers/{slug}/" for slug in slugs]
    searches = [f"/search/?q={quote(word)}" for word in SEARCH_WORDS]
    mix = explainers * max(1, 8 // len(explainers)) + ["/"] * 8 + searches
    random.Random(8).shuffle(mix)
    return mix


@dataclass
class Second:
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: collections.Counter = field(default_factory=collections.Counter)


class Load:
    """``concurrency`` threads, each on its own keep-alive connection, looping over ``paths``."""

    def __init__(self, base_url: str, paths: list[str], concurrency: int, timeout: float = 10):
        self.base_url, self.paths, self.concurrency, self.timeout = (
            base_url,
            paths,
            concurrency,
            timeout,
        )
        self.seconds: dict[int, Second] = collections.defaultdict(Second)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.started = 0.0
        self.threads: list[threading.Thread] = []

    def start(self) -> Load:
        self.started = time.monotonic()
        for n in range(self.concurrency):
            thread = threading.Thread(target=self._run, args=(n,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=self.timeout + 5)

    def _record(self, status: int | str, latency: float) -> None:
        second = int(time.monotonic() - self.started)
        with self.lock:
            bucket = self.seconds[second]
            bucket.statuses[status] += 1
            if isinstance(status, int) and status < 400:
                bucket.ok += 1
                bucket.latencies.append(latency)
            else:
                bucket.errors += 1

    def _run(self, n: int) -> None:
        parts = urlsplit(self.base_url)
        rng = random.Random(n)
        conn = None
        while not self.stopping.is_set():
            path = rng.choice(self.paths)
            began = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(
                        parts.hostname, parts.port, timeout=self.timeout
                    )
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                response.read()
                status: int | str = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)  # a refused connection fails at once; do not spin
            self._record(status, time.monotonic() - began)

    def totals(self) -> dict:
        with self.lock:
            seconds = dict(self.seconds)
        statuses: collections.Counter = collections.Counter()
        latencies: list[float] = []
        for bucket in seconds.values():
            statuses.update(bucket.statuses)
            latencies.extend(bucket.latencies)
        latencies.sort()
        requests = sum(statuses.values())
        elapsed = max(seconds) + 1 if seconds else 0

        def pct(p: float) -> float:
            return round(latencies[int(p * (len(latencies) - 1))] * 1000, 1) if latencies else 0

        return {
            "requests": requests,
            "errors": sum(b.errors for b in seconds.values()),
            "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "rps": round(requests / elapsed, 1) if elapsed else 0,
            "latency_ms": {"p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99)},
        }


class MemorySampler:
    """Samples every worker's VmRSS every ``interval`` seconds."""

    def __init__(self, server: Server, interval: float = 5):
        self.server, self.interval = server, interval
        self.samples: list[tuple[float, dict[int, int]]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()

    def start(self) -> MemorySampler:
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stopping.is_set():
            at = round(time.monotonic() - self.started, 1)
            rss = {pid: rss_kb(pid) for pid in self.server.worker_pids()}
            self.samples.append((at, {pid: kb for pid, kb in rss.items() if kb}))
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()

    def report(self, warmup: float) -> dict:
        """Per worker: RSS at the end of warm-up, at the end, the peak, and the growth in MB."""
        workers: dict[int, list[tuple[float, int]]] = collections.defaultdict(list)
        for at, rss in self.samples:
            for pid, kb in rss.items():
                workers[pid].append((at, kb))
        out = {}
        for pid, series in workers.items():
            after = [kb for at, kb in series if at >= warmup] or [series[-1][1]]
            out[str(pid)] = {
                "start_mb": round(after[0] / 1024, 1),
                "end_mb": round(after[-1] / 1024, 1),
                "peak_mb": round(max(after) / 1024, 1),
                "growth_mb": round((after[-1] - after[0]) / 1024, 1),
                "samples": len(series),
                "series_mb": [round(kb / 1024, 1) for _, kb in series],
            }
        return out


def save(name: str, result: dict) -> Path:
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    return path


# --- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds (default 120)")
    parser.add_argument("--concurrency", type=int, default=64, help="connections (default 64)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5)")
    parser.add_argument("--worker-class", help="default: gunicorn.conf.py's (sync)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--warmup", type=float, default=15, help="seconds before memory counts")
    parser.add_argument("--max-growth-mb", type=float, default=15.0)
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL"))
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/9",
        help="page cache (default: the local Redis, database 9)",
    )
    parser.add_argument("--no-cache", action="store_true", help="run without the page cache")
    args = parser.parse_args(argv)

    database_url = args.database_url or DEFAULT_DATABASE_URL
    print(f"Preparing {urlsplit(database_url).path.lstrip('/')} …", flush=True)
    slugs = prepare_database(database_url)
    static_root = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
    env = production_env(
        database_url, cache_url=None if args.no_cache else args.cache_url, static_root=static_root
    )
    collect_static(env)
    server = Server(
        env, workers=args.workers, worker_class=args.worker_class, threads=args.threads
    ).start()
    paths = page_mix(slugs)
    print(
        f"gunicorn: {args.workers} {args.worker_class or 'sync'} workers on {server.base_url}; "
        f"{args.concurrency} connections for {args.duration:g}s over {len(set(paths))} pages "
        f"({len(slugs)} explainers, home, {len(SEARCH_WORDS)} searches); "
        f"page cache: {'off' if args.no_cache else args.cache_url}",
        flush=True,
    )
    sampler = MemorySampler(server).start()
    load = Load(server.base_url, paths, args.concurrency).start()
    try:
        time.sleep(args.duration)
    finally:
        load.stop()
        sampler.stop()
        server.stop()

    totals = load.totals()
    memory = sampler.report(args.warmup)
    grew = {pid: m for pid, m in memory.items() if m["growth_mb"] > args.max_growth_mb}
    # A replaced worker would hide a leak (its memory starts again from zero): count it a failure.
    replaced = max(0, len(memory) - args.workers)
    result = {
        "duration_s": args.duration,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "worker_class": args.worker_class or "sync",
        "page_cache": None if args.no_cache else args.cache_url,
        "client": totals,
        "memory": memory,
        "workers_replaced": replaced,
        "passed": totals["errors"] == 0 and not grew and not replaced,
    }
    path = save("load", result)
    print(
        f"\n{totals['requests']} requests, {totals['rps']}/s, errors: {totals['errors']}, "
        f"statuses: {totals['statuses']}, latency p50/p95/p99: "
        f"{totals['latency_ms']['p50']}/{totals['latency_ms']['p95']}/"
        f"{totals['latency_ms']['p99']} ms"
    )
    print(f"Worker RSS after {args.warmup:g}s warm-up (MB): start → end (peak, growth)")
    for pid, m in memory.items():
        print(
            f"  worker {pid}: {m['start_mb']} → {m['end_mb']} "
            f"(peak {m['peak_mb']}, {m['growth_mb']:+})  "
            f"median {statistics.median(m['series_mb']):.1f}"
        )
    print(f"Workers replaced during the run: {replaced}")
    print(f"{'PASSED' if result['passed'] else 'FAILED'}; details in {path.relative_to(ROOT)}")
    problems = [line for line in server.log().splitlines() if "[INFO]" not in line]
    if problems:
        print("gunicorn log (not INFO, tail):\n" + "\n".join(problems[-15:]))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
