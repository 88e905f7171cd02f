"""/healthz, /readyz and /metrics (newsroom/health.py, newsroom/metrics.py)."""

from __future__ import annotations

import socket

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client

from articles.models import Explainer
from newsroom import health
from tests.articles.publicsite import live_explainer
from tests.articles.workflow_helpers import explainer_in

pytestmark = pytest.mark.django_db


def test_healthz_says_alive_without_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_is_503_naming_what_fails(client, monkeypatch):
    def refuses() -> None:
        raise ConnectionError("cache down")

    monkeypatch.setattr(health, "cache_answers", refuses)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failing"}


def test_readyz_checks_a_configured_replica(client, monkeypatch):
    default = connections["default"].settings_dict
    unreachable = (
        "/nonexistent/replica.sqlite3" if default["ENGINE"].endswith("sqlite3") else "no_such_db"
    )
    handler = ConnectionHandler({"default": default, "replica": {**default, "NAME": unreachable}})
    monkeypatch.setattr(health, "connections", handler)
    try:
        response = client.get("/readyz")
    finally:
        handler.close_all()
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "database:replica": "failing",
        "cache": "ok",
    }


def test_metrics_are_hidden_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_right_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def metric(client, name: str) -> float:
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def test_metrics_count_workflow_moves_and_requests_per_view(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    published = 'newsroom_workflow_moves_total{move="publish"}'
    before = metric(client, published)
    explainer = explainer_in(Explainer.State.PUBLISHED)
    client.get(explainer.get_absolute_url())
    assert metric(client, published) == before + 1
    by_view = (
        "django_http_requests_latency_seconds_by_view_method_count"
        '{method="GET",view="articles:explainer"}'
    )
    assert metric(client, by_view) >= 1


def test_metrics_count_page_cache_hits_and_misses(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.PAGE_CACHE_ENABLED = True
    explainer = live_explainer()
    hits, misses = (f'newsroom_page_cache_requests_total{{result="{r}"}}' for r in ("hit", "miss"))
    before = metric(client, hits), metric(client, misses)
    client.get(explainer.get_absolute_url())
    client.get(explainer.get_absolute_url())
    assert (metric(client, hits), metric(client, misses)) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_other_methods_get_405_not_the_csrf_page(path):
    answer = Client(enforce_csrf_checks=True).post(path)
    assert answer.status_code == 405 and answer["Allow"] == "GET, HEAD"


def test_readyz_checks_that_the_purge_backend_answers(client, settings):
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.FRONTEND_CACHE_VARNISH_URLS = [f"http://127.0.0.1:{port}"]
    try:
        assert client.get("/readyz").json()["checks"]["purge:varnish"] == "ok"
    finally:
        listening.close()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["purge:varnish"] == "failing"
