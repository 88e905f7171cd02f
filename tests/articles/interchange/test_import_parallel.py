"""``import_explainer --jobs N``: several processes give what one gives, in the same order.

The command runs as a user runs it, in a process of its own, on a database other processes
can open: on PostgreSQL the test database itself; on SQLite (an in-memory test database that
another process cannot open) a file copy of it, made with SQLite's backup API and copied back
once the command is done.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from reversion.models import Version

from articles.models import Explainer, Stakeholder
from tests.articles.workflow_helpers import explainer_in
from tests.factories import ExplainerFactory
from tests.paths import REPO

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

State = Explainer.State
SH = "Stakeholders & viewpoints"


def doc(title: str, *body: str) -> str:
    return "\n".join([title, "", "What happened", f"About {title}.", *body]) + "\n"


def with_people(*people: str) -> list[str]:
    return [SH, *[f"- {person}: A view." for person in people]]


def up_next(*titles: str) -> list[str]:
    return ["Up Next", *[f"- {title}" for title in titles]]


def series(p: str) -> dict[str, str]:
    """Return files (name -> text) whose titles and names start with ``p``, with every kind of
    dependency between files: updates of one explainer, new stakeholders, "Up next" both ways."""
    files = {
        "00.txt": doc(f"{p} Existing", "Key facts", "- Re-imported."),
        "01.txt": doc(f"{p} Budget", *with_people(f"{p} Farmers", f"{p} Jo")),
        "02.txt": doc(f"{p} Renamed", *up_next(f"{p} Existing")),
        # Its slug is the existing explainer's: it updates that one, after 00.txt.
        "03.txt": doc(f"{p} Custom", *up_next(f"{p} Budget")),
        "04.txt": doc(f"{p.upper()} BUDGET", *with_people(f"{p} farmers", f"{p} Jo 2")),
        "05.txt": doc(f"{p} Bad", *with_people(f"{p} Ghost", f"{p} GHOST")),
        "06.txt": f"{p} Unreadable\n\nWhat happened\nText.\n{SH}\n- No separator\n",
    }
    for k in range(12):
        files[f"{10 + k}.txt"] = doc(
            f"{p} Chain {k}",
            *up_next(f"{p} Chain {k + 1}", *([f"{p} Chain 0"] if k else [])),
            "Key facts",
            f"- {k}.",
        )
    return files


@pytest.fixture
def share(tmp_path: Path) -> Callable[[], tuple[str, Callable[[], None]]]:
    """Return a function giving a DATABASE_URL other processes can open, holding this test's
    data so far, and a function that brings their writes back into this test's database."""

    def shared() -> tuple[str, Callable[[], None]]:
        db = connection.settings_dict
        if connection.vendor != "sqlite":
            password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
            host = db["HOST"] or "127.0.0.1"
            url = f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
            return url, lambda: None
        copy = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        target.close()

        def pull() -> None:
            with sqlite3.connect(copy) as source:
                source.backup(connection.connection)
            source.close()

        return f"sqlite:///{copy}", pull

    return shared


def import_command(url: str, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY,
        "CONN_MAX_AGE": "0",
        "PYTHONPATH": str(REPO),
    }
    env.pop("CACHE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "import_explainer", str(folder), "-v0", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def snapshot(p: str) -> dict:
    """Return what the imports of series ``p`` wrote, without ids and with ``p`` as "X"."""
    explainers = {}
    for e in Explainer.objects.filter(title__icontains=p).order_by("title"):
        versions = Version.objects.get_for_object(e).order_by("pk")
        explainers[e.title] = {
            "row": (e.slug, e.what_happened, e.state),
            "facts": list(e.key_facts.values_list("position", "text")),
            "viewpoints": list(e.viewpoints.values_list("stakeholder__name", "text")),
            "related": list(e.related_links.values_list("target__title", "title")),
            "history": [
                (
                    v.revision.comment,
                    sorted(
                        (w.content_type.model, w.object_repr, _without_ids(w.serialized_data))
                        for w in v.revision.version_set.all()
                    ),
                )
                for v in versions
            ],
        }
    stakeholders = sorted(Stakeholder.objects.filter(name__icontains=p).values_list("name", "slug"))
    return json.loads(_neutral(json.dumps([explainers, stakeholders]), p))


def _without_ids(serialized: str) -> dict:
    item = json.loads(serialized)[0]
    return {
        k: v
        for k, v in item["fields"].items()
        if k not in ("explainer", "stakeholder", "target", "created_at", "updated_at")
    }


def _neutral(text: str, p: str) -> str:
    return re.sub(p, "X", text, flags=re.IGNORECASE)


def test_jobs_give_the_result_and_report_of_one_process(share, tmp_path) -> None:
    """Two series alike but for their names, one imported by one process and one by two,
    write the same explainers, stakeholders and history, and report the same lines in order."""
    for p in ("Alpha", "Bravo"):
        ExplainerFactory(title=f"{p} Existing", slug=f"{p.lower()}-custom")
    url, pull = share()
    one = import_command(url, write_folder(tmp_path / "alpha", series("Alpha")), "--jobs", "1")
    two = import_command(url, write_folder(tmp_path / "bravo", series("Bravo")), "--jobs", "2")
    pull()

    assert one.returncode == two.returncode == 1
    assert _neutral(two.stdout, "Bravo") == _neutral(one.stdout, "Alpha")
    assert _neutral(two.stderr, "Bravo") == _neutral(one.stderr, "Alpha")
    assert "imported 14, updated 3, failed 2" in one.stdout
    assert snapshot("Bravo") == snapshot("Alpha")
    # The series did depend on order: a later file updated an earlier one, and "Up next"
    # linked earlier files and kept later ones as titles.
    chain = snapshot("Alpha")[0]["X Chain 3"]["related"]
    assert chain == [[None, "X Chain 4"], ["X Chain 0", ""]]


def test_bad_files_among_good_ones_in_parallel_write_nothing(share, tmp_path) -> None:
    """With two processes, each bad file is reported in its place and writes nothing; the
    good ones are imported."""
    published = explainer_in(State.PUBLISHED, title="Live one")
    files = {f"{n:02d}.txt": doc(f"Good {n}", "Key facts", f"- {n}.") for n in range(12)}
    files["03.txt"] = doc("Bad stakeholders", *with_people("Ghost", "GHOST"))
    files["07.txt"] = "Unreadable\n\nWhat happened\nText.\n" + SH + "\n- No separator\n"
    files["09.txt"] = doc("Live one", "Key facts", "- Replaced?")
    folder = write_folder(tmp_path / "in", files)
    url, pull = share()
    run = import_command(url, folder, "--jobs", "2")
    pull()

    assert run.returncode == 1
    errors = run.stderr.splitlines()
    assert [line.split(":")[0] for line in errors] == [
        str(folder / "03.txt"),
        str(folder / "07.txt"),
        str(folder / "09.txt"),
        "CommandError",
    ]
    assert "is the same stakeholder as" in errors[0]
    assert "already exists and is published" in errors[2]
    assert "imported 9, updated 0, failed 3" in run.stdout
    assert sorted(Explainer.objects.values_list("title", flat=True)) == sorted(
        [*(f"Good {n}" for n in range(12) if n not in (3, 7, 9)), "Live one"]
    )
    assert not Stakeholder.objects.filter(name__iexact="ghost").exists()
    published.refresh_from_db()
    assert published.state == State.PUBLISHED
    assert not published.key_facts.filter(text="Replaced?").exists()
