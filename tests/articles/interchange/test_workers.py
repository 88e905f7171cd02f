"""Tests for running groups of work in several processes (``workers``)."""

from __future__ import annotations

import os
import time

import pytest
from django.db import connection, transaction

from articles.interchange import workers


def stamp(n: int) -> tuple[int, float]:
    time.sleep(0.05)
    return os.getpid(), time.monotonic()


def test_every_position_is_done_each_group_in_order_by_one_process() -> None:
    """Each group runs in one process, in order; the groups spread over the processes."""
    groups = [[0, 3, 5], [1], [2, 4], [6], [7], [8]]
    done = dict(workers.run_groups(groups, stamp, 2))
    assert sorted(done) == list(range(9))
    for group in groups:
        assert len({done[n][0] for n in group}) == 1
        times = [done[n][1] for n in group]
        assert times == sorted(times)
    assert len({pid for pid, _ in done.values()}) == 2
    assert os.getpid() not in {pid for pid, _ in done.values()}


@pytest.mark.parametrize(("jobs", "groups"), [(1, 10), (4, 1), (4, 0)])
def test_one_process_for_one_job_or_one_group(jobs: int, groups: int) -> None:
    """One job asked for, or one group to do, is done in this process."""
    assert workers.usable_jobs(jobs, groups) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_process_inside_a_transaction_or_on_an_in_memory_database() -> None:
    """Other processes cannot see an open transaction or an in-memory SQLite database."""
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    assert workers.usable_jobs(4, 3) == (1 if in_memory else 3)
    with transaction.atomic():
        assert workers.usable_jobs(4, 3) == 1
