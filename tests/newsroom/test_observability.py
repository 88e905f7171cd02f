"""Request ids, the one log line per request, JSON logs, the 500 page and Sentry
(newsroom/observability.py)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import path
from django.utils.log import configure_logging

from newsroom import observability
from newsroom import urls as project_urls
from tests.articles.publicsite import live_explainer
from tests.paths import REPO

pytestmark = pytest.mark.django_db


def boom(request):
    logging.getLogger("articles.test").error("about to fail")
    raise RuntimeError("boom")


urlpatterns = [path("boom", boom)]
# The project's 500 handler, as newsroom/urls.py sets it.
handler500 = project_urls.handler500


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="newsroom.request")
    return caplog


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "newsroom.request"]


def test_each_response_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_plain_incoming_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nX-Evil: 1")["X-Request-ID"]
    assert replaced != "bad id\nX-Evil: 1" and replaced.isalnum()


def test_one_line_per_request_with_status_duration_and_queries(client, request_log):
    explainer = live_explainer()
    request_log.clear()
    response = client.get(explainer.get_absolute_url())
    [line] = request_lines(request_log)
    assert line.request_id == response["X-Request-ID"]
    assert (line.method, line.path, line.status) == ("GET", explainer.get_absolute_url(), 200)
    assert line.queries >= 1 and line.db_ms >= 0 and line.duration_ms > 0
    assert line.user_id is None


def test_the_line_names_staff_but_never_a_reader(client, request_log, editor):
    client.force_login(editor)
    client.get("/admin/")
    assert request_lines(request_log)[-1].user_id == editor.pk


def test_staff_user_id_ignores_readers_and_requests_without_a_user():
    request = RequestFactory().get("/")
    assert observability.staff_user_id(request) is None
    request.user = AnonymousUser()
    assert observability.staff_user_id(request) is None


def test_records_made_during_a_request_carry_its_id(client, caplog, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="articles.test"):
        response = client.get("/boom")
    [record] = [r for r in caplog.records if r.getMessage() == "about to fail"]
    # Records get the id through the console handler's filter, which caplog's handler lacks:
    # run the filter as the handler would, after the request ended.
    observability.RequestIdFilter().filter(record)
    assert response.status_code == 500
    assert record.request_id == response["X-Request-ID"]


def test_the_500_page_shows_the_request_id(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert response["X-Request-ID"] in response.content.decode()
    assert "Something went wrong" in response.content.decode()


def test_json_log_format_writes_one_object_per_record(settings):
    stream = io.StringIO()
    settings.LOGGING["handlers"]["console"]["formatter"] = "json"
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        handler = next(h for h in logging.getLogger().handlers if h.filters)
        handler.setStream(stream)
        logging.getLogger("articles.test").warning("hello", extra={"status": 200, "queries": 3})
    finally:
        del settings.LOGGING["handlers"]["console"]["formatter"]
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    record = json.loads(stream.getvalue().strip())
    assert record["message"] == "hello" and record["level"] == "WARNING"
    assert record["logger"] == "articles.test"
    assert record["request_id"] == "-" and record["status"] == 200 and record["queries"] == 3


SENTRY_RUN = """
import json
import django
django.setup()
import sentry_sdk
from django.conf import settings
from django.test import Client
from sentry_sdk.transport import Transport
from newsroom import observability

sent = []


class Recording(Transport):
    def capture_envelope(self, envelope):
        sent.extend(item.payload.json for item in envelope.items if item.type == "event")


settings.ROOT_URLCONF = "tests.newsroom.test_observability"
DSN = "https://key@sentry.example.org/1"
observability.init_sentry(DSN, environment="test", transport=Recording)
client = Client(raise_request_exception=False)
response = client.get("/boom")
sentry_sdk.flush()
events = [e for e in sent if e.get("exception")]
print(json.dumps({"request_id": response["X-Request-ID"], "events": events}))
"""


def test_sentry_receives_an_unhandled_error_tagged_with_the_request_id():
    """In a process of its own: Sentry's Django integration patches Django for good, which
    must not follow the rest of the suite."""
    done = subprocess.run(  # noqa: S603 - this test's own code
        [sys.executable, "-c", SENTRY_RUN],
        cwd=REPO,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SENTRY_DSN": "",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECRET_KEY": "sentry-test-only",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    [event] = result["events"]
    assert event["exception"]["values"][-1]["value"] == "boom"
    assert event["tags"]["request_id"] == result["request_id"]
    assert event["environment"] == "test"


def test_the_500_page_falls_back_to_text_when_its_template_fails(rf, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False, "OPTIONS": {"loaders": []}}
    ]
    response = observability.server_error(rf.get("/"))
    assert response.status_code == 500
    assert response.content.decode().startswith("Server error. Reference: ")
