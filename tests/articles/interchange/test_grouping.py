"""Tests for grouping the files of a run: which must be imported in order by one process."""

from __future__ import annotations

import datetime

import pytest

from articles.interchange.grouping import plan_run
from articles.interchange.planning import StakeholderIndex
from articles.interchange.textformat import ParsedExplainer, parse
from tests.factories import ExplainerFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 1)


def file(title: str, *, people: tuple[str, ...] = (), up_next: tuple[str, ...] = ()) -> bytes:
    lines = [title, "", "What happened", "It happened."]
    if people:
        lines += ["Stakeholders & viewpoints", *[f"- {p}: A view." for p in people]]
    if up_next:
        lines += ["Up Next", *[f"- {t}" for t in up_next]]
    return ("\n".join(lines) + "\n").encode()


def plan(*files: bytes | None):
    parsed: list[ParsedExplainer | None] = [
        None if f is None else parse(f, filename=f"{n}.txt", today=TODAY)
        for n, f in enumerate(files)
    ]
    return plan_run(parsed, index=StakeholderIndex.load(), viewer=None)


def test_unrelated_files_are_groups_of_their_own() -> None:
    """Files sharing nothing may be imported by any process: one group each."""
    assert plan(file("One"), file("Two"), file("Three")).groups == [[0], [1], [2]]


def test_a_series_naming_each_next_file_stays_spread() -> None:
    """A file naming only later files does not wait for them: they are not imported yet."""
    run = plan(file("One", up_next=("Two",)), file("Two", up_next=("Three",)), file("Three"))
    assert run.groups == [[0], [1], [2]]
    assert all(not known.reread for known in run.targets.values())


def test_naming_an_earlier_file_joins_its_group_and_is_read_again() -> None:
    """A bullet naming an earlier file's title waits for it and is looked up when imported."""
    run = plan(file("One"), file("Two"), file("Three", up_next=("one", "Nothing")))
    assert run.groups == [[0, 2], [1]]
    assert run.targets[2].reread == frozenset({"one"})


def test_naming_an_earlier_file_by_slug_joins_its_group() -> None:
    """A bullet may name a file by the slug its title gives."""
    assert plan(file("Rail fares"), file("Other", up_next=("rail-fares",))).groups == [[0, 1]]


def test_same_title_or_slug_is_one_group() -> None:
    """Two files writing the same explainer (title in any case, or slug) are one group."""
    assert plan(file("Budget"), file("Two"), file("BUDGET"), file("Budget!")).groups == [
        [0, 2, 3],
        [1],
    ]


def test_files_updating_one_existing_explainer_are_one_group() -> None:
    """One file matching an explainer by title and another by its slug are one group."""
    ExplainerFactory(title="Old title", slug="new-title")
    assert plan(file("Old title"), file("Other"), file("New title")).groups == [[0, 2], [1]]


def test_a_new_stakeholder_named_by_two_files_is_one_group() -> None:
    """Files creating the same new stakeholder, or one whose slug the other's may take, are one
    group; files naming the same existing one are not."""
    StakeholderFactory(name="Voters")
    run = plan(
        file("One", people=("Farmers", "Voters")),
        file("Two", people=("Voters",)),
        file("Three", people=("FARMERS",)),
        file("Four", people=("Jo",)),
        file("Five", people=("Jo 2",)),
    )
    assert run.groups == [[0, 2], [1], [3, 4]]


def test_files_that_failed_to_read_are_in_no_group() -> None:
    """A file that failed before import (None) is left out."""
    assert plan(file("One"), None, file("Three")).groups == [[0], [2]]
