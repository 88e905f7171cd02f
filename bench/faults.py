"""Fault drills under load: PostgreSQL restarted, Redis stopped.

    make faults                                   # both drills
    make faults FAULT_ARGS="--only redis"         # just the Redis drill

1. **PostgreSQL restart.** gunicorn (production settings, page cache off so that every page
   needs the database) serves the explainer, home and search pages under load; PostgreSQL is
   restarted once with ``pg_ctlcluster``. Passes when errors happen only while the database is
   down (plus a short grace for requests already in flight) and every request after that
   succeeds, with no restart of gunicorn: ``CONN_HEALTH_CHECKS`` replaces the dead persistent
   connections by itself.
2. **Redis stopped.** A private redis-server on port 6391 (never the machine's own Redis) backs
   the page cache; it is stopped mid-load, then started again. Passes when every request
   succeeds throughout, and the cache errors appear in the log instead of in responses.

The PostgreSQL drill restarts the machine's cluster, so other test runs on it see a second
of dropped connections: run it when nobody else is running tests. Results go to stdout and
``var/bench/faults-<time>.json``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # noqa: E402 - a sibling script, importable once bench/ is on the path
    DEFAULT_DATABASE_URL,
    ROOT,
    Load,
    Server,
    collect_static,
    page_mix,
    prepare_database,
    production_env,
    save,
)

GRACE_SECONDS = 2  # requests already in flight when the database came back


def pg_cluster() -> tuple[str, str]:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    return versions[-1], "main"


def pg_ready(host: str = "127.0.0.1", port: int = 5432) -> bool:
    command = ["pg_isready", "-q", "-h", host, "-p", str(port)]
    return subprocess.run(command, check=False).returncode == 0


def timeline(load: Load, first: int, last: int) -> list[dict]:
    rows = []
    for second in range(first, last + 1):
        bucket = load.seconds.get(second)
        if bucket is None:
            rows.append({"second": second, "ok": 0, "errors": 0, "statuses": {}})
            continue
        rows.append(
            {
                "second": second,
                "ok": bucket.ok,
                "errors": bucket.errors,
                "statuses": {str(k): v for k, v in bucket.statuses.items()},
            }
        )
    return rows


def print_timeline(rows: list[dict], marks: dict[int, str]) -> None:
    print("  second    ok  errors  statuses")
    for row in rows:
        note = marks.get(row["second"], "")
        statuses = ", ".join(f"{k}×{v}" for k, v in sorted(row["statuses"].items()))
        print(f"  {row['second']:>6} {row['ok']:>5} {row['errors']:>7}  {statuses}  {note}")


def postgres_drill(args, slugs: list[str], static_root: Path) -> dict:
    env = production_env(args.database_url, cache_url=None, static_root=static_root)
    server = Server(env, workers=args.workers).start()
    load = Load(server.base_url, page_mix(slugs), args.concurrency, timeout=10).start()
    version, cluster = pg_cluster()
    try:
        time.sleep(args.before)
        down_at = time.monotonic() - load.started
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"],
            check=True,
        )
        while not pg_ready():
            time.sleep(0.05)
        up_at = time.monotonic() - load.started
        time.sleep(args.after)
    finally:
        load.stop()
        server.stop()
    last = max(load.seconds)
    rows = timeline(load, 0, last)
    window = range(int(down_at), int(up_at) + GRACE_SECONDS + 1)
    outside = [r for r in rows if r["second"] not in window and r["errors"]]
    inside = sum(r["errors"] for r in rows if r["second"] in window)
    tail = rows[-6:-1]  # the last second is cut short by the stop
    recovered = all(r["errors"] == 0 and r["ok"] > 0 for r in tail)
    print(
        f"\nPostgreSQL {version}/{cluster} restarted at {down_at:.1f}s, accepting again at "
        f"{up_at:.1f}s ({up_at - down_at:.1f}s down)."
    )
    print_timeline(rows, {int(down_at): "← restart", int(up_at): "← back up"})
    passed = not outside and recovered
    print(
        f"Errors inside the outage window (+{GRACE_SECONDS}s grace): {inside}; outside it: "
        f"{sum(r['errors'] for r in outside)}; last 5 s all successful: {recovered}. "
        f"{'PASSED' if passed else 'FAILED'}"
    )
    return {
        "down_at_s": round(down_at, 2),
        "up_at_s": round(up_at, 2),
        "errors_in_window": inside,
        "errors_outside_window": outside,
        "recovered": recovered,
        "totals": load.totals(),
        "timeline": rows,
        "passed": passed,
    }


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        ping = subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
        )
        if ping.stdout.strip() == "PONG":
            return process
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"redis-server on port {port} did not start")


def stop_redis(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def redis_drill(args, slugs: list[str], static_root: Path) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-redis-"))
    redis = start_redis(args.redis_port, workdir)
    cache_url = f"redis://127.0.0.1:{args.redis_port}/0"
    env = production_env(args.database_url, cache_url=cache_url, static_root=static_root)
    server = Server(env, workers=args.workers).start()
    load = Load(server.base_url, page_mix(slugs), args.concurrency, timeout=10).start()
    try:
        time.sleep(args.before)
        stopped_at = time.monotonic() - load.started
        stop_redis(redis)
        time.sleep(args.redis_down)
        restarted_at = time.monotonic() - load.started
        redis = start_redis(args.redis_port, workdir)
        time.sleep(args.after)
    finally:
        load.stop()
        server.stop()
        stop_redis(redis)
    rows = timeline(load, 0, max(load.seconds))
    totals = load.totals()
    log = server.log()
    cache_lines = [
        line for line in log.splitlines() if "redis" in line.lower() or "cache" in line.lower()
    ]
    tracebacks = log.count("Traceback")
    phases = {
        "redis up": [r for r in rows if r["second"] < int(stopped_at)],
        "redis stopped": [r for r in rows if int(stopped_at) < r["second"] < int(restarted_at)],
        "redis back": [r for r in rows if r["second"] > int(restarted_at) + 1],
    }
    print(
        f"\nRedis on port {args.redis_port} stopped at {stopped_at:.1f}s, "
        f"started again at {restarted_at:.1f}s."
    )
    print_timeline(rows, {int(stopped_at): "← Redis stopped", int(restarted_at): "← Redis back"})
    summary = {}
    for name, phase in phases.items():
        seconds = max(len(phase), 1)
        ok = sum(r["ok"] for r in phase)
        errors = sum(r["errors"] for r in phase)
        summary[name] = {"ok": ok, "errors": errors, "rps": round(ok / seconds, 1)}
        print(f"  {name:>14}: {ok} ok ({ok / seconds:.0f}/s), {errors} errors")
    passed = totals["errors"] == 0
    print(
        f"Cache errors logged: {len(cache_lines)} log lines mention the cache or Redis; "
        f"tracebacks in the log: {tracebacks}. {'PASSED' if passed else 'FAILED'}"
    )
    for line in cache_lines[:3]:
        print(f"    {line[:160]}")
    return {
        "stopped_at_s": round(stopped_at, 2),
        "restarted_at_s": round(restarted_at, 2),
        "phases": summary,
        "cache_log_lines": len(cache_lines),
        "cache_log_sample": cache_lines[:5],
        "tracebacks": tracebacks,
        "totals": totals,
        "timeline": rows,
        "passed": passed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["postgres", "redis"])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--before", type=float, default=10, help="seconds of load before")
    parser.add_argument("--after", type=float, default=15, help="seconds of load after")
    parser.add_argument("--redis-down", type=float, default=15, help="seconds Redis is stopped")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    if args.redis_port == 6379:
        parser.error("port 6379 is the machine's own Redis; pick another port")

    print(f"Preparing {urlsplit(args.database_url).path.lstrip('/')} …", flush=True)
    slugs = prepare_database(args.database_url)
    static_root = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
    collect_static(production_env(args.database_url, cache_url=None, static_root=static_root))
    results = {}
    if args.only in (None, "postgres"):
        results["postgres_restart"] = postgres_drill(args, slugs, static_root)
    if args.only in (None, "redis"):
        results["redis_stopped"] = redis_drill(args, slugs, static_root)
    passed = all(r["passed"] for r in results.values())
    path = save("faults", {**results, "passed": passed})
    print(f"\n{'PASSED' if passed else 'FAILED'}; details in {path.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
