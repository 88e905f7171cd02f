"""Parallel views of the revert page under a real gunicorn: none of them fails.

django-reversion's own revert page reverted inside a transaction even for GET (and rolled
back); on SQLite parallel views then collided on the write lock and most answered 500
("database is locked"). The page now reads the stored revision and writes nothing.

The server is gunicorn with threaded workers, on this run's database: on PostgreSQL the test
database itself; on SQLite (an in-memory test database that another process cannot open) a
file copy of it made with SQLite's backup API, taken once the data is in place.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.db import connection
from django.test import Client
from reversion.models import Version

from bench.harness import free_port
from tests import factories
from tests.paths import REPO

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PARALLEL = 48


def database_url(tmp_path: Path) -> str:
    """Return a DATABASE_URL another process can open holding this test's data."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        import sqlite3

        copy = tmp_path / "revert.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def server(tmp_path):
    """Start gunicorn (3 workers of 4 threads) on a database URL; yield its base address."""
    servers = []

    def start(url: str) -> str:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            # The test's key: the session cookie made here must be valid there.
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "0",
            "PYTHONPATH": str(REPO),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "3",
            "GUNICORN_WORKER_CLASS": "gthread",
            "GUNICORN_THREADS": "4",
            "GUNICORN_ACCESSLOG": "",
            "GUNICORN_LOGLEVEL": "warning",
        }
        env.pop("CACHE_URL", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=REPO, env=env
        )
        servers.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}")
            try:
                if fetch(base + "/healthz")[0] == 200:
                    return base
            except OSError:
                time.sleep(0.2)
        pytest.fail("gunicorn did not start within 90 s")

    yield start
    for process in servers:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def fetch(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with OPENER.open(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_parallel_views_of_the_revert_page_all_succeed(server, tmp_path, editor, writer):
    """48 parallel GETs of the revert page all answer 200 (none 500, none "database is locked")."""
    explainer = factories.complete_explainer(authors=[writer], title="Version A")
    for title in ("Version A", "Version B"):
        explainer.title = title
        with reversion.create_revision():
            explainer.save()
    first = Version.objects.get_for_object(explainer).order_by("pk").first()
    client = Client()
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    base = server(database_url(tmp_path))
    url = f"{base}/admin/articles/explainer/{explainer.pk}/history/{first.pk}/"

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(lambda _: fetch(url, cookie), range(PARALLEL)))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * PARALLEL, Counter(statuses)
    assert all("Version A" in body for _, body in answers)
