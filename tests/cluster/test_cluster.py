"""The whole multi-server setup (`make cluster`): Varnish in front of two gunicorn app servers,
a PostgreSQL primary with a streaming replica, Redis. Through the desk (over HTTP, through
Varnish) an editor publishes, corrects and withdraws an explainer; each change must be visible
through Varnish and on both app servers within a second of the click. With the replica's
replay paused, a withdrawal waits for it (the purge waits for the replica to catch up), so the
proxy never caches the withdrawn page again from a replica behind.

Needs varnish, varnish-modules, PostgreSQL's server binaries and Redis. Without them the test
is skipped, except in CI (``CI`` set), where it fails instead. It runs with the PostgreSQL
suite only (CI's first pass). It makes its own PostgreSQL clusters on free ports; the machine's
own is left alone.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from bench.harness import free_port, redis_answers
from tests.paths import REPO

SCRIPT = REPO / "deploy" / "cluster" / "cluster.sh"
VISIBLE_WITHIN = 1.0
SETUP = """
import django
django.setup()
from articles.models import Explainer
from tests.articles.workflow_helpers import explainer_in, user_in
from articles import roles
editor = user_in(roles.EDITOR, "cluster_editor")
editor.set_password("cluster-password-1")
editor.save()
explainer = explainer_in(Explainer.State.APPROVED, title="Cluster first headline")
print("CREATED", explainer.pk, explainer.slug)
"""
CORRECT = """
import django, sys
django.setup()
from articles.models import Explainer
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import desk_checker, desk_editor
explainer = Explainer.objects.get(pk=int(sys.argv[1]))
workflow.revise(explainer, by=desk_editor())
Explainer.objects.filter(pk=explainer.pk).update(
    title="Cluster corrected headline", change_note="Corrected the headline."
)
explainer.refresh_from_db()
workflow.submit(explainer, by=desk_editor())
workflow.approve(explainer, by=desk_checker())
"""


def missing() -> list[str]:
    needs = {
        "varnishd": shutil.which("varnishd"),
        "vmod-xkey": list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")),
        "initdb": list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        "redis": redis_answers(),
    }
    return [name for name, found in needs.items() if not found]


class Cluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-cluster-", dir="/var/tmp"))
        self.dir.chmod(0o755)
        self.ports = {
            name: free_port() for name in ("PRIMARY", "REPLICA", "VARNISH", "APP1", "APP2")
        }
        self.env = {
            **os.environ,
            "CLUSTER_DIR": str(self.dir),
            "CLUSTER_NO_DEMO": "1",
            "CLUSTER_REDIS_URL": "redis://127.0.0.1:6379/13",
            "PY": sys.executable,
            **{f"CLUSTER_{name}_PORT": str(port) for name, port in self.ports.items()},
        }
        self.varnish = f"http://127.0.0.1:{self.ports['VARNISH']}"
        self.apps = [f"http://127.0.0.1:{self.ports[name]}" for name in ("APP1", "APP2")]

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - the repository's own script
            [str(SCRIPT), *args], env=self.env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def python(self, code: str, *args: str) -> str:
        app_env = dict(
            line.split("=", 1) for line in self.run("env", "manage").splitlines() if "=" in line
        )
        done = subprocess.run(  # noqa: S603 - this test's own code
            [sys.executable, "-c", code, *args],
            env={**os.environ, **app_env, "DEBUG": "1", "PYTHONPATH": str(REPO)},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop"], env=self.env, capture_output=True, timeout=120)  # noqa: S603
        shutil.rmtree(self.dir, ignore_errors=True)


class Desk:
    """An editor's browser, in as much as the desk needs: cookies, CSRF, forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def post(self, path: str, fields: dict[str, str]) -> int:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **fields}).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")  # noqa: S310
        with self.opener.open(request, timeout=60) as response:
            return response.status

    def login(self, username: str, password: str) -> None:
        self.opener.open(self.base + "/admin/login/", timeout=30).read()
        self.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
        page = self.opener.open(self.base + "/admin/", timeout=30).read().decode()
        assert "Log out" in page or "logout" in page, "the editor could not sign in"


def read(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local cluster
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def seen_everywhere(cluster: Cluster, path: str) -> list[tuple[int, str]]:
    return [read(base + path) for base in (cluster.varnish, *cluster.apps)]


def visible_everywhere(cluster: Cluster, path: str, shows) -> float:
    """Read ``path`` through Varnish and from both app servers until every answer ``shows``
    the change; return the seconds that took. (Each app server re-reads the page cache's
    generation within PAGE_CACHE_MICRO_SECONDS, 0.5 s in the cluster.)"""
    started = time.monotonic()
    while True:
        pages = seen_everywhere(cluster, path)
        if all(shows(status, body) for status, body in pages):
            return time.monotonic() - started
        assert time.monotonic() - started < 5 * VISIBLE_WITHIN, pages
        time.sleep(0.05)


def replica_sql(cluster: Cluster, sql: str) -> None:
    subprocess.run(  # noqa: S603
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.ports["REPLICA"]),
            "-U",
            "postgres",
            "-d",
            "newsroom",
            "-Atc",
            sql,
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )


@pytest.fixture(scope="module")
def cluster():
    if connection.vendor != "postgresql":
        # The cluster is PostgreSQL through and through; CI runs it in its PostgreSQL pass.
        pytest.skip("the cluster test runs with the PostgreSQL suite")
    lacking = missing()
    if lacking:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {', '.join(lacking)} for the cluster test")
        pytest.skip(f"missing: {', '.join(lacking)}")
    running = Cluster()
    try:
        running.run("start")
        yield running
    finally:
        running.stop()


def test_desk_changes_show_through_varnish_and_both_app_servers_at_once(cluster):
    pk, slug = re.search(r"^CREATED (\d+) (\S+)$", cluster.python(SETUP), re.MULTILINE).groups()
    path = f"/explainers/{slug}/"
    desk = Desk(cluster.varnish)
    desk.login("cluster_editor", "cluster-password-1")
    assert {status for status, _ in seen_everywhere(cluster, path)} == {404}

    desk.post(f"/admin/articles/explainer/{pk}/workflow/publish/", {"publish-comment": ""})
    took = visible_everywhere(
        cluster, path, lambda s, body: s == 200 and "Cluster first headline" in body
    )
    assert took < VISIBLE_WITHIN
    for _ in range(3):  # now kept by Varnish
        read(cluster.varnish + path)

    cluster.python(CORRECT, pk)
    desk.post(f"/admin/articles/explainer/{pk}/workflow/publish/", {"publish-comment": ""})
    took = visible_everywhere(
        cluster,
        path,
        lambda s, body: "Cluster corrected headline" in body and "Cluster first" not in body,
    )
    assert took < VISIBLE_WITHIN
    # And it stays so: nothing kept by the proxy from the window brings the old headline back.
    time.sleep(1.0)
    assert all("Cluster corrected headline" in body for _, body in seen_everywhere(cluster, path))

    # The replica stops replaying: the withdrawal waits for it before any cache is told, so
    # no reader's request can put the page back from a replica that still has it live.
    replica_sql(cluster, "SELECT pg_wal_replay_pause()")
    withdrawal = threading.Thread(
        target=desk.post,
        args=(
            f"/admin/articles/explainer/{pk}/workflow/unpublish/",
            {"unpublish-comment": "Legal."},
        ),
    )
    withdrawal.start()
    time.sleep(2.0)
    assert withdrawal.is_alive(), "the withdrawal did not wait for the replica"
    replica_sql(cluster, "SELECT pg_wal_replay_resume()")
    withdrawal.join(timeout=60)
    took = visible_everywhere(cluster, path, lambda s, body: s == 410)
    assert took < VISIBLE_WITHIN
    assert "Cluster corrected headline" not in read(cluster.varnish + "/")[1]
    assert purges_counted(cluster) >= 3


def purges_counted(cluster: Cluster) -> float:
    """Successful purges, added up over both app servers' /metrics."""
    token = (cluster.dir / "metrics-token").read_text().strip()
    total = 0.0
    for base in cluster.apps:
        request = urllib.request.Request(  # noqa: S310 - local cluster
            base + "/metrics", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read().decode()
        found = re.search(
            r'^newsroom_frontend_cache_purges_total\{backend="varnish",result="success"\} (\S+)',
            text,
            re.MULTILINE,
        )
        total += float(found.group(1)) if found else 0.0
    return total
