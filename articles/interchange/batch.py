"""Import many files: each its own transaction, one bad file never stopping the others."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import DatabaseError
from django.utils import timezone

from articles.interchange import workers
from articles.interchange.grouping import plan_run
from articles.interchange.importer import (
    ImportRefused,
    ImportResult,
    import_parsed,
)
from articles.interchange.planning import StakeholderIndex
from articles.interchange.textformat import FormatErrors, ParsedExplainer, parse
from articles.models import Explainer

STDIN = "-"

IMPORTED = "imported"
UPDATED = "updated"
FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What happened to one input.

    From a run in several processes, ``result.explainer`` holds only the explainer's id,
    title and slug: its rows stay in the process that wrote them.
    """

    name: str
    status: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    result: ImportResult | None = None


@dataclass
class Summary:
    imported: int = 0
    updated: int = 0
    failed: int = 0
    warnings: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.warnings += len(outcome.warnings)

    def __str__(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, failed {self.failed}, "
            f"warnings {self.warnings}"
        )


def expand(paths: Sequence[str]) -> tuple[list[str], list[Outcome]]:
    """Return the files to import (folders give their ``*.txt`` files, sorted) and bad paths.

    ``-`` stands for standard input. A folder is read one level deep.
    """
    names: list[str] = []
    problems: list[Outcome] = []
    for raw in paths:
        if raw == STDIN:
            names.append(STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(str(p) for p in path.glob("*.txt") if p.is_file())
            if not found:
                problems.append(Outcome(raw, FAILED, [f"{raw}: no *.txt files in this folder"]))
            names.extend(found)
        elif path.exists():
            names.append(raw)
        else:
            problems.append(Outcome(raw, FAILED, [f"{raw}: no such file or folder"]))
    return names, problems


def read_parsed(
    name: str, read: Callable[[str], bytes], *, today: datetime.date
) -> ParsedExplainer | Outcome:
    """Read and parse one input; return what failed instead if it cannot be."""
    label = _label(name)
    try:
        data = read(name)
    except OSError as exc:
        return Outcome(label, FAILED, [f"{label}: cannot be read ({exc.strerror or exc})"])
    try:
        return parse(data, filename=label, today=today)
    except FormatErrors as exc:
        return Outcome(label, FAILED, [str(error) for error in exc.errors])


def import_one(name: str, parsed: ParsedExplainer, **options) -> Outcome:
    """Import one parsed input and say how it went; never raises for a bad file."""
    label = _label(name)
    try:
        result = import_parsed(parsed, filename=label, **options)
    except FormatErrors as exc:
        return Outcome(label, FAILED, [str(error) for error in exc.errors])
    except ImportRefused as exc:
        return Outcome(label, FAILED, [str(exc)])
    except DatabaseError as exc:
        # A race with another writer (say, the same new slug): this file fails, the run goes on.
        return Outcome(label, FAILED, [f"{label}: the database refused it ({exc})"])
    status = IMPORTED if result.created else UPDATED
    return Outcome(label, status, warnings=list(result.warnings), result=result)


def import_all(
    names: Sequence[str],
    read: Callable[[str], bytes],
    *,
    today: datetime.date | None = None,
    jobs: int = 1,
    **options,
) -> Iterator[Outcome]:
    """Import each input (its own transaction) as if one after the other, in order.

    Every input is read and parsed first. With ``jobs`` above 1 the files are imported by
    that many processes, files that depend on one another in order by the same one
    (``grouping``); the outcomes, and what is written, are those of importing them one by one
    in order, and come in that order. Where other processes cannot help (inside a transaction,
    on an in-memory SQLite database) one is used.
    """
    today = today or timezone.localdate()
    index = StakeholderIndex.load()
    files = [read_parsed(name, read, today=today) for name in names]
    parsed = [f if isinstance(f, ParsedExplainer) else None for f in files]
    authors = options.get("authors") or ()
    viewer = options.get("by") or (authors[0] if authors else None)
    plan = plan_run(parsed, index=index, viewer=viewer)

    def work(n: int) -> Outcome:
        parsed_file = files[n]
        assert isinstance(parsed_file, ParsedExplainer)
        return import_one(
            names[n],
            parsed_file,
            stakeholders=index,
            known_targets=plan.targets[n],
            **options,
        )

    jobs = workers.usable_jobs(jobs, len(plan.groups))
    done: Iterable[tuple[int, Outcome]]
    if jobs == 1:
        done = ((n, work(n)) for n in range(len(files)) if parsed[n] is not None)
    else:
        done = workers.run_groups(plan.groups, lambda n: _portable(work(n)), jobs)
    failed_early = {n: f for n, f in enumerate(files) if isinstance(f, Outcome)}
    yield from _in_order(done, failed_early, len(files))


def _label(name: str) -> str:
    return "<stdin>" if name == STDIN else name


def _portable(outcome: Outcome) -> Outcome:
    """Return ``outcome`` light to send between processes: its explainer without its rows."""
    if outcome.result is None:
        return outcome
    explainer = outcome.result.explainer
    light = Explainer(pk=explainer.pk, title=explainer.title, slug=explainer.slug)
    return replace(outcome, result=replace(outcome.result, explainer=light))


def _in_order(
    done: Iterable[tuple[int, Outcome]], ready: dict[int, Outcome], total: int
) -> Iterator[Outcome]:
    """Yield the outcomes by position as soon as each and all before it are known."""
    waiting = dict(ready)
    arriving = iter(done)
    for position in range(total):
        while position not in waiting:
            n, outcome = next(arriving)
            waiting[n] = outcome
        yield waiting.pop(position)
