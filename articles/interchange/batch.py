"""Import many files: each its own transaction, one bad file never stopping the others."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError
from django.utils import timezone

from articles.interchange.importer import (
    ImportRefused,
    ImportResult,
    StakeholderIndex,
    import_parsed,
)
from articles.interchange.textformat import FormatErrors, parse

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


def import_one(
    name: str,
    read: Callable[[str], bytes],
    *,
    index: StakeholderIndex,
    today: datetime.date,
    **options,
) -> Outcome:
    """Import one input and say how it went; never raises for a bad file."""
    label = "<stdin>" if name == STDIN else name
    try:
        data = read(name)
    except OSError as exc:
        return Outcome(label, FAILED, [f"{label}: cannot be read ({exc.strerror or exc})"])
    try:
        parsed = parse(data, filename=label, today=today)
        result = import_parsed(parsed, filename=label, stakeholders=index, **options)
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
    **options,
) -> Iterator[Outcome]:
    """Import each input in turn (its own transaction), yielding each outcome as it is known."""
    index = StakeholderIndex.load()
    today = today or timezone.localdate()
    for name in names:
        yield import_one(name, read, index=index, today=today, **options)
