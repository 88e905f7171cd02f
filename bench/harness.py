"""What every stage of ``make bench`` stands on: paths, settings, tools, the machine, the database.

``bench_env()`` is the production-like environment of every process of the run (``DEBUG`` off,
plain HTTP on loopback, Redis as the shared cache when it answers). ``prepare_database()``
makes sure the PostgreSQL database ``newsroom_bench`` holds the explainers ``bench/seed.py``
writes, reusing it when it already holds exactly that many. ``machine()`` describes where the
figures were taken, for the report.
"""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PY = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").exists() else sys.executable
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "newsroom_bench")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers() -> bool:
    """Whether a Redis server answers PING on 127.0.0.1:6379."""
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


def pg(dbname: str):
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{dbname}", autocommit=True)


def published_count() -> int | None:
    """Return how many versions the bench database holds, or None if it is not usable."""
    try:
        with pg(DB_NAME) as conn:
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
        with pg(DB_NAME) as conn:
            conn.execute("VACUUM ANALYZE")
        return None
    log(f"(re)creating {DB_NAME}")
    with pg("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage(env, "migrate", "--noinput", "-v0")
    log(f"bench/seed.py --explainers {explainers}")
    started = time.perf_counter()
    subprocess.run(
        [PY, "bench/seed.py", "--explainers", str(explainers)], cwd=REPO, env=env, check=True
    )
    seconds = time.perf_counter() - started
    with pg(DB_NAME) as conn:
        conn.execute("VACUUM ANALYZE")
    return seconds
