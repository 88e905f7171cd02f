"""Import many files: each its own transaction, one bad file never stopping the others."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError
from django.utils import timezone

from . import grouped
from .importer import ImportRefused, ImportResult, StakeholderIndex, import_parsed
from .textformat import FormatErrors, parse

STDIN = "-"

IMPORTED = "imported"
UPDATED = "updated"
FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What happened to one input."""

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


def _outcome(label: str, error: Exception | None, result: ImportResult | None) -> Outcome:
    if isinstance(error, FormatErrors):
        return Outcome(label, FAILED, [str(e) for e in error.errors])
    if isinstance(error, ImportRefused):
        return Outcome(label, FAILED, [str(error)])
    if isinstance(error, DatabaseError):
        # A race with another writer (say, the same new slug): this file fails, the run goes on.
        return Outcome(label, FAILED, [f"{label}: the database refused it ({error})"])
    status = IMPORTED if result.created else UPDATED
    return Outcome(label, status, warnings=list(result.warnings), result=result)


def _parse(
    name: str, read: Callable[[str], bytes], today: datetime.date
) -> Outcome | grouped.Entry:
    """Read and parse one input: an entry to import, or the outcome of a file that cannot be."""
    label = "<stdin>" if name == STDIN else name
    try:
        data = read(name)
    except OSError as exc:
        return Outcome(label, FAILED, [f"{label}: cannot be read ({exc.strerror or exc})"])
    try:
        return grouped.Entry(label, parse(data, filename=label, today=today))
    except FormatErrors as exc:
        return _outcome(label, exc, None)


def import_one(
    name: str,
    read: Callable[[str], bytes],
    *,
    index: StakeholderIndex,
    today: datetime.date,
    **options,
) -> Outcome:
    """Import one input and say how it went; never raises for a bad file."""
    parsed = _parse(name, read, today)
    if isinstance(parsed, Outcome):
        return parsed
    try:
        result = import_parsed(
            parsed.parsed, filename=parsed.filename, stakeholders=index, **options
        )
    except (FormatErrors, ImportRefused, DatabaseError) as exc:
        return _outcome(parsed.filename, exc, None)
    return _outcome(parsed.filename, None, result)


def import_all(
    names: Sequence[str],
    read: Callable[[str], bytes],
    *,
    today: datetime.date | None = None,
    **options,
) -> Iterator[Outcome]:
    """Import each input in turn (its own transaction), yielding each outcome as it is known.

    New explainers are written a group of files at a time (``grouped``): each file is still
    checked alone and all or nothing of it is written, with the same rows as alone.
    """
    index = StakeholderIndex.load()
    today = today or timezone.localdate()
    if not grouped.can_group(options):
        for name in names:
            yield import_one(name, read, index=index, today=today, **options)
        return
    for start in range(0, len(names), grouped.GROUP_SIZE):
        slots = [_parse(name, read, today) for name in names[start : start + grouped.GROUP_SIZE]]
        entries = [slot for slot in slots if isinstance(slot, grouped.Entry)]
        grouped.import_entries(entries, index=index, **options)
        for slot in slots:
            if isinstance(slot, Outcome):
                yield slot
            else:
                yield _outcome(slot.filename, slot.error, slot.result)
