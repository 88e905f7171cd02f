"""SQLite, the embedded default, with a few people working at once (newsroom/settings.py).

The suite's own SQLite database lives in memory, where there is no journal to speak of; these
tests run the project's settings in a process of their own, on a database file.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.articles import sqlite_workload
from tests.paths import REPO

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the settings under test apply to SQLite only",
)


def run_on_file(tmp_path: Path, *args: str) -> str:
    """Run python ``args`` from the project root against a fresh SQLite file; return stdout."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'newsroom.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(40),
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_new_connection_uses_wal(tmp_path):
    """Each connection opens the file in WAL mode, so readers do not wait for a writer."""
    code = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); "
        "print(cursor.fetchone()[0])"
    )
    assert run_on_file(tmp_path, "-c", code) == "wal"


def test_concurrent_writers_and_readers_are_not_refused(tmp_path):
    """Three people editing while three read: every edit goes through, no "database is locked"."""
    outcome = json.loads(run_on_file(tmp_path, "-m", "tests.articles.sqlite_workload"))
    assert outcome["errors"] == []
    assert outcome["edits"] == sqlite_workload.WRITERS * sqlite_workload.ROUNDS


def test_check_on_sqlite_reports_no_covering_index_warning(tmp_path):
    """A newcomer's migrate on SQLite shows no models.W040 about ListEntry's INCLUDE columns."""
    last_line = run_on_file(
        tmp_path, "manage.py", "check", "--database", "default", "--fail-level", "WARNING"
    )
    assert last_line.startswith("System check identified no issues")
