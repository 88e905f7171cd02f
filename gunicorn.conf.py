"""gunicorn settings, read from the environment: `gunicorn -c gunicorn.conf.py newsroom.wsgi`.

Sync workers suit this app: a page is one short query or a page-cache hit, so a worker is
never held long, and each worker keeps its own in-process page cache. Size them to the CPUs.
"""

import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, with jitter so they do not all restart at once: bounds the
# growth of any leak. 0 turns it off (the benchmark does, to measure steady state).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
# Access log to stdout by default; "" turns it off (it costs a few percent at high rates).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind a load balancer or CDN that terminates TLS: trust its X-Forwarded-* headers only from
# these addresses (comma-separated; "*" when the network guarantees nobody else can connect).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker temp files in memory, not on a disk that may be slow or full (containers).
_shm = "/dev/shm"  # noqa: S108 - gunicorn's documented choice for its heartbeat files
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _shm if os.path.isdir(_shm) else None)


# Garbage collection thresholds for a worker (Python's default is 700, 10, 10). A request
# allocates tens of thousands of objects (an admin change form with 350 inline rows, many more),
# so the default runs a young collection every few hundred and a full one every 70,000
# allocations: on the 50-inline change form a full collection (100-190 ms) landed in about every
# other request. Nearly all of a request's garbage is freed by reference counting; cycles are
# rare, so collecting less often costs little memory (`make load` watches worker RSS).
GC_THRESHOLDS = (10_000, 20, 20)


def post_worker_init(worker) -> None:
    """Leave what the worker loaded at start (Django, the URLconf, settings, templates) out of
    garbage collection: ``gc.freeze()`` moves it to the permanent generation, so the full
    collections a request can trigger scan only what requests allocate; and collect less often
    (``GC_THRESHOLDS``)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


# Prometheus with several workers (newsroom/metrics.py): with PROMETHEUS_MULTIPROC_DIR set, each
# worker writes its numbers to files there and /metrics adds them up. The directory is emptied
# when gunicorn starts (stale files would count old workers forever), and a worker's gauges are
# dropped when it exits.
_METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server) -> None:
    if _METRICS_DIR:
        metrics_dir = Path(_METRICS_DIR)
        metrics_dir.mkdir(parents=True, exist_ok=True)
        for stale in metrics_dir.glob("*.db"):
            stale.unlink()


def child_exit(server, worker) -> None:
    if _METRICS_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
