"""Which files of a run depend on one another, so that several processes may import the rest.

A run imports its files as if one after the other, in order. Two files depend on each other
when one writes what the other reads or writes: the same explainer (a title or slug either
takes, or that of the existing explainer it updates), a new stakeholder both name, or an "Up
next" bullet naming what an earlier file writes. Such files form a group, imported in order by
one process; different groups touch different rows and may be imported in any order, at once.

An "Up next" bullet naming what only a later file writes does not join that file's group: it
is resolved against the explainers as the run found them (``KnownTargets``), as it would be
if the later file had not been imported yet. So a chain of files each naming the next, the
usual shape of a series, still spreads over every process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify

from articles.interchange.planning import (
    KnownTargets,
    RelatedTargets,
    StakeholderIndex,
    name_key,
    slug_for,
)
from articles.interchange.textformat import ParsedExplainer
from articles.models import Explainer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a file writes or names, as (kind, value): ("slug", "budget-cuts"), ("title", "budget
# cuts"), ("who", "farmers") …
Key = tuple[str, str]


@dataclass(frozen=True)
class RunPlan:
    """The groups of a run (file positions, in order) and each file's "Up next" targets."""

    groups: list[list[int]]
    targets: dict[int, KnownTargets]


def plan_run(
    files: Sequence[ParsedExplainer | None], *, index: StakeholderIndex, viewer: User | None
) -> RunPlan:
    """Group the parsed ``files`` (None: a file that failed before import) of a run.

    Two queries: the existing explainers the files update, and the "Up next" targets.
    """
    parsed = {n: f for n, f in enumerate(files) if f is not None}
    existing = _existing(parsed.values())
    before = RelatedTargets.load(
        (item.title for f in parsed.values() for item in f.related), viewer=viewer
    )
    groups = _Groups()
    targets: dict[int, KnownTargets] = {}
    written: set[Key] = set()
    for n, f in parsed.items():
        writes = _written_by(f, existing, index)
        reread = frozenset(item.title for item in f.related if _named(item.title) & written)
        groups.join(n, writes.union(*(_named(text) for text in reread)))
        written |= writes
        targets[n] = KnownTargets(before, reread)
    return RunPlan(groups.as_lists(), targets)


def _existing(files: Iterable[ParsedExplainer]) -> list[Explainer]:
    """Return the explainers whose title or slug one of ``files`` has (those it may update)."""
    titles = sorted({f.title.lower() for f in files})
    found: list[Explainer] = []
    # In slices: SQLite takes a bounded number of parameters in one statement.
    for start in range(0, len(titles), 1000):
        some = titles[start : start + 1000]
        found += (
            Explainer.objects.annotate(lower_title=Lower("title"))
            .filter(Q(lower_title__in=some) | Q(slug__in=[slug_for(t) for t in some]))
            .only("pk", "slug", "title")
        )
    return found


def _named(text: str) -> set[Key]:
    """Return the keys an "Up next" text matches: a slug as written, a title in any case."""
    return {("slug", text), ("title", text.casefold())}


def _written_by(f: ParsedExplainer, existing: list[Explainer], index: StakeholderIndex) -> set[Key]:
    slug = slug_for(f.title)
    keys = {("slug", slug), ("title", f.title.casefold())}
    for explainer in existing:
        # The explainer a re-import updates keeps its slug and may change its title.
        if explainer.slug == slug or explainer.title.casefold() == f.title.casefold():
            keys |= {("slug", explainer.slug), ("title", explainer.title.casefold())}
    for viewpoint in f.viewpoints:
        if index.find(viewpoint.name) is None:
            # A new stakeholder: its name, and its slug without a number ("jo-2" may be taken
            # by "Jo" as well as by "Jo 2").
            base = re.sub(r"-\d+$", "", slugify(viewpoint.name))
            keys |= {("who", name_key(viewpoint.name)), ("who-slug", base)}
    return keys


class _Groups:
    """Files joined by the keys they share (union-find over file positions)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.owner: dict[Key, int] = {}

    def root(self, n: int) -> int:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def join(self, n: int, keys: Iterable[Key]) -> None:
        self.parent[n] = n
        for key in keys:
            other = self.owner.setdefault(key, n)
            a, b = self.root(n), self.root(other)
            if a != b:
                self.parent[max(a, b)] = min(a, b)

    def as_lists(self) -> list[list[int]]:
        """Return each group's positions in order, the groups by their first position."""
        groups: dict[int, list[int]] = {}
        for n in sorted(self.parent):
            groups.setdefault(self.root(n), []).append(n)
        return sorted(groups.values())
