"""``seed()``: build batches of explainers in worker processes while this process inserts them.

Rendering dominates the cost (a few milliseconds of template work per explainer), and it needs
no database: the text, the snapshot and the HTML of each batch are built in worker processes
(``plan.build_batch``, plain data in and out) while the main process inserts the previous
batches (``insert.insert_batch``), each in its own transaction.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, reset_queries, transaction
from django.utils import timezone

from articles.models import Explainer
from articles.site.cache import invalidate_public_pages
from bench.bulk.insert import insert_batch
from bench.bulk.plan import build_batch
from bench.bulk.pools import pools


@dataclass
class SeedResult:
    explainers: int
    seconds: float


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
