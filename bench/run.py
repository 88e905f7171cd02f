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

The stages live in modules beside this driver: ``harness`` (settings, tools, the machine and
the database), ``pages`` (gunicorn and wrk), ``inprocess`` (the test client's measurements),
``proxy`` (the explainer page through Varnish) and ``report`` (the goals, the table and the
files).

Usage: ``make bench`` or ``.venv/bin/python bench/run.py [--quick] [--duration S] [--reseed]``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
from pathlib import Path

# Run as a file (``python bench/run.py``), only bench/ is on the path: the stages are imported
# as the ``bench`` package, from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    DB_NAME,
    bench_env,
    ensure_wrk,
    log,
    machine,
    manage,
    pg,
    prepare_database,
)
from bench.inprocess import (  # noqa: E402
    admin_timings,
    count_queries,
    import_speed,
    importer_present,
    pick_targets,
    search_latency,
    setup_django,
)
from bench.pages import TARGETS_ORDER, Server, fetch, free_port, measure_pages, wrk  # noqa: E402
from bench.report import build_rows, write_report  # noqa: E402


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

    measured = measure_pages(
        env,
        paths,
        args.only,
        wrk_binary=wrk_binary,
        duration=duration,
        rounds=args.rounds,
        threads=args.threads,
        connections=args.connections,
    )

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
        "rows": build_rows(
            measured.runs, measured.ceilings, measured.sizes, queries, measured.unmeasured
        ),
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
    write_report(report, started)
    shutil.rmtree(static_root, ignore_errors=True)
    errors = sum(row["errors"] for row in report["rows"]) + len(measured.unmeasured)
    if errors:
        log(f"{errors} error responses, socket errors or unmeasurable targets")
        return 1
    return 0


def _postgres_version() -> str:
    with pg(DB_NAME) as conn:
        return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0]


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    sys.exit(main())
