"""Run groups of work in several processes, each with its own database connection.

The processes are forked from this one once the work is planned, so they start with what it
has read (the parsed files, the stakeholders) and need nothing sent but the positions of the
work to do. Each opens its own connection on its first query.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

_T = TypeVar("_T")

# The work of a forked worker process, set once as it starts (Pool's initializer).
_work: Callable[[int], object] | None = None


def cpu_count() -> int:
    """Return the number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def usable_jobs(jobs: int, groups: int) -> int:
    """Return how many processes to use for ``groups`` groups: 1 where others cannot help.

    Other processes cannot see the work of a transaction the caller has open (and must not
    commit outside it), nor an in-memory SQLite database; and without ``fork`` they would
    start without the planned work.
    """
    if jobs <= 1 or groups <= 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if not transaction.get_autocommit():
        return 1
    default = connections[DEFAULT_DB_ALIAS]
    if isinstance(default, SQLiteWrapper) and default.is_in_memory_db():
        return 1
    return min(jobs, groups)


def run_groups(
    groups: Sequence[Sequence[int]], work: Callable[[int], _T], jobs: int
) -> Iterator[tuple[int, _T]]:
    """Yield ``(n, work(n))`` for every position, each group's in order in one process.

    Groups are handed out in order and their results come back as each group finishes.
    """
    # Children must not share the parent's connections: each opens its own.
    connections.close_all()
    chunk = max(1, min(16, len(groups) // (jobs * 8)))
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start, initargs=(work,)) as pool:
        for results in pool.imap_unordered(_run_group, groups, chunksize=chunk):
            yield from results  # type: ignore[misc]
        pool.close()
        pool.join()


def _start(work: Callable[[int], object]) -> None:
    global _work
    _work = work


def _run_group(group: Sequence[int]) -> list[tuple[int, object]]:
    assert _work is not None, "the worker was started without its work"
    return [(n, _work(n)) for n in group]
