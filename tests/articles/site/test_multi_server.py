"""Two real app servers sharing PostgreSQL and Redis: a publish shows on both within the window.

Each server is a gunicorn process (2 sync workers) with the page cache on, pointed at this
test's database and at a Redis database of its own. The test process publishes (the workflow,
or the ORM plus ``invalidate_public_pages()``) and then reads through both servers.

Needs PostgreSQL (the servers must open the test database) and Redis on 127.0.0.1:6379. Without
Redis the test is skipped, except in CI (``CI`` set), where it fails instead.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.core.cache import caches
from django.db import connection

from articles.models import Explainer
from articles.publishing import freeze as publishing
from articles.publishing import moves as publication
from articles.site import cache
from bench.harness import free_port, redis_answers
from tests import factories
from tests.articles.workflow_helpers import explainer_in
from tests.paths import REPO

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS_URL = "redis://127.0.0.1:6379/14"
MICRO_SECONDS = 1.0
# Requests that start later than this after the publish must all show it. The margin covers
# only the clock reads of two processes on one machine, not scheduling delays: a request is
# judged by when it was sent.
MARGIN = 0.1


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


class AppServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CACHE_URL": REDIS_URL,
            "PAGE_CACHE_ENABLED": "1",
            "PAGE_CACHE_MICRO_SECONDS": str(MICRO_SECONDS),
            # DEBUG keeps static files simple (no collectstatic); it changes nothing cached.
            "DEBUG": "1",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "0",
            "PYTHONPATH": str(REPO),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
        )

    def wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn on {self.port} exited with {self.process.returncode}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn on {self.port} did not start within {timeout} s")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def shared_redis(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the app servers need a database they can share: PostgreSQL")
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis must answer on 127.0.0.1:6379 in CI")
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    caches["default"].clear()
    cache.page_cache.reset()
    yield
    cache.page_cache.reset()


@pytest.fixture
def servers(shared_redis):
    pair = [AppServer(), AppServer()]
    try:
        for server in pair:
            server.wait()
        yield pair
    finally:
        for server in pair:
            server.stop()


def read_everywhere(servers: list[AppServer], path: str, times: int = 6) -> list[tuple[int, str]]:
    """GET ``path`` several times on each server (so both of its workers answer)."""
    return [server.get(path) for server in servers for _ in range(times)]


def wait_out_the_window(since: float) -> None:
    time.sleep(max(0.0, since + MICRO_SECONDS + MARGIN - time.monotonic()))


def test_publishing_reaches_both_servers_within_the_window(servers, editor, writer):
    """Publish, republish and unpublish each show on both servers within the micro window."""
    explainer = explainer_in(Explainer.State.APPROVED, authors=[writer], title="Version one")
    path = f"/explainers/{explainer.slug}/"
    assert {status for status, _ in read_everywhere(servers, path)} == {404}

    publication.publish(explainer, by=editor)  # invalidates after commit
    published = time.monotonic()
    wait_out_the_window(published)
    pages = read_everywhere(servers, path)
    assert all(status == 200 and "Version one" in body for status, body in pages)

    # A new version without invalidation: both servers keep serving what they cached.
    Explainer.objects.filter(pk=explainer.pk).update(title="Version two")
    explainer.refresh_from_db()
    publishing.freeze(explainer, by=factories.UserFactory(username="multi_ed"))
    time.sleep(MICRO_SECONDS + MARGIN)
    assert all("Version one" in body for _, body in read_everywhere(servers, path))

    cache.invalidate_public_pages()
    republished = time.monotonic()
    wait_out_the_window(republished)
    pages = read_everywhere(servers, path)
    assert all("Version two" in body and "Version one" not in body for _, body in pages)

    publication.unpublish(explainer, by=editor, comment="Taken down for the test.")
    unpublished = time.monotonic()
    wait_out_the_window(unpublished)
    assert {status for status, _ in read_everywhere(servers, path)} <= {404, 410}
