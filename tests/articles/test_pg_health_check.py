"""The PostgreSQL health check without a round trip (newsroom/postgresql/base.py).

A connection the server has closed (a restart, a failover, pg_terminate_backend) must be found
before the request's first query and replaced, as Django's ``SELECT 1`` check would; a live one
must be kept, with no query sent.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tests.articles.publicsite import live_explainer

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's check"),
]


@pytest.fixture
def other():
    """A second connection to the test database, with health checks on."""
    wrapper = connections.create_connection("default")
    wrapper.settings_dict["CONN_HEALTH_CHECKS"] = True
    wrapper.ensure_connection()
    wrapper.health_check_enabled = True
    yield wrapper
    wrapper.close()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_project_uses_this_backend():
    assert type(connections["default"]).__module__ == "newsroom.postgresql.base"
    assert connections["default"].settings_dict["CONN_HEALTH_CHECKS"] is True


def test_live_connection_is_kept_without_a_query(other, monkeypatch):
    pid = backend_pid(other)
    monkeypatch.setattr(type(other), "is_usable", lambda self: pytest.fail("round trip"))
    other.health_check_done = False

    other.close_if_health_check_failed()

    assert other.connection is not None
    assert other.health_check_done
    assert backend_pid(other) == pid


def test_connection_closed_by_the_server_is_replaced(other):
    pid = backend_pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while other.server_still_there() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's FATAL message and close reach the socket
    assert not other.server_still_there()

    other.health_check_done = False
    other.close_if_health_check_failed()

    assert other.connection is None
    assert backend_pid(other) != pid  # a new connection answered


def test_pages_send_no_select_1(client):
    explainer = live_explainer()
    connection.health_check_enabled = True
    connection.health_check_done = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/explainers/{explainer.slug}/")
    assert response.status_code == 200
    assert [q["sql"] for q in queries.captured_queries if q["sql"].strip() == "SELECT 1"] == []
