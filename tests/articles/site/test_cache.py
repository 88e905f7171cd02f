"""The server-side page cache (articles/site/cache.py, page_cache_middleware.py)."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from articles.models import Explainer
from articles.publishing import freeze as publishing
from articles.publishing import moves as publication
from articles.site import cache
from articles.site.page_cache_middleware import PageCacheMiddleware
from tests import factories
from tests.articles.publicsite import live_explainer, publish
from tests.articles.workflow_helpers import explainer_in

LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "page-cache-tests",
    }
}
REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6390/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def page_cache(settings):
    """Turn the page cache on over a fresh per-test cache and a fresh process layer."""
    settings.CACHES = LOCMEM
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_MICRO_SECONDS = 1.0
    caches["default"].clear()
    cache.page_cache.reset()
    yield cache.page_cache
    cache.page_cache.reset()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def page(client, explainer: Explainer, **extra):
    return client.get(f"/explainers/{explainer.slug}/", **extra)


def retitle(explainer: Explainer, title: str, **freeze_kwargs):
    """Publish a new version of ``explainer`` under ``title`` (no invalidation)."""
    Explainer.objects.filter(pk=explainer.pk).update(title=title)
    explainer.refresh_from_db()
    return publishing.freeze(explainer, by=factories.UserFactory(username="ed"), **freeze_kwargs)


# Hits and misses.


@pytest.mark.django_db
def test_second_request_is_served_from_memory_without_queries(client, django_assert_num_queries):
    """A repeated anonymous GET is answered by the in-process layer with no SQL at all."""
    explainer = live_explainer(title="Why the dam failed")
    first = page(client, explainer)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = page(client, explainer)
    assert second["X-Page-Cache"] == "hit local"
    assert second.content == first.content
    assert b"Why the dam failed" in second.content


@pytest.mark.django_db
def test_another_worker_is_served_from_the_shared_layer(client):
    """A worker that never rendered the page gets it from the shared cache."""
    explainer = live_explainer()
    first = page(client, explainer)
    cache.page_cache.reset()  # what a different worker or app server starts with
    second = page(client, explainer)
    assert second["X-Page-Cache"] == "hit shared"
    assert second.content == first.content


@pytest.mark.django_db
def test_head_is_answered_from_the_cached_get(client):
    """HEAD gets the cached GET's headers and no body."""
    explainer = live_explainer()
    first = page(client, explainer)
    head = client.head(f"/explainers/{explainer.slug}/")
    assert head["X-Page-Cache"] == "hit local"
    assert head.content == b""
    assert head["Content-Type"] == first["Content-Type"]


@pytest.mark.django_db
def test_conditional_request_gets_304_from_the_cache(client):
    """A cached page answers If-None-Match with 304 itself."""
    explainer = live_explainer()
    etag = page(client, explainer)["ETag"]
    revalidated = page(client, explainer, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304


# Invalidation.


@pytest.mark.django_db
def test_a_new_version_is_not_shown_until_pages_are_invalidated(client):
    """Without invalidation the cache keeps serving the page it has (it is really caching)."""
    explainer = live_explainer(title="Old title")
    page(client, explainer)
    retitle(explainer, "New title")
    assert b"Old title" in page(client, explainer).content


@pytest.mark.django_db
def test_invalidation_shows_a_republished_version_at_once(client):
    """After freeze and invalidate_public_pages(), the page shows the new version."""
    explainer = live_explainer(title="Old title")
    page(client, explainer)
    retitle(explainer, "New title")
    cache.invalidate_public_pages()
    response = page(client, explainer)
    assert b"New title" in response.content and b"Old title" not in response.content


@pytest.mark.django_db
def test_invalidation_takes_a_withdrawn_explainer_down_at_once(client):
    """After withdraw and invalidate_public_pages(), the page is gone."""
    explainer = live_explainer()
    assert page(client, explainer).status_code == 200
    publishing.withdraw(explainer)
    cache.invalidate_public_pages()
    assert page(client, explainer).status_code in (404, 410)


@pytest.mark.django_db
def test_workflow_publish_invalidates_after_commit(
    client, editor, writer, django_capture_on_commit_callbacks
):
    """Publishing through the workflow makes the new version visible once committed."""
    explainer = explainer_in(Explainer.State.APPROVED, authors=[writer], title="First take")
    with django_capture_on_commit_callbacks(execute=True):
        publication.publish(explainer, by=editor)
    assert b"First take" in page(client, explainer).content
    explainer = explainer_in(Explainer.State.APPROVED, authors=[writer], title="Second take")
    assert page(client, explainer).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        publication.publish(explainer, by=editor)
    assert b"Second take" in page(client, explainer).content


@pytest.mark.django_db
def test_workflow_unpublish_invalidates_after_commit(
    client, editor, writer, django_capture_on_commit_callbacks
):
    """Unpublishing through the workflow takes the cached page down once committed."""
    explainer = explainer_in(Explainer.State.APPROVED, authors=[writer])
    with django_capture_on_commit_callbacks(execute=True):
        publication.publish(explainer, by=editor)
    assert page(client, explainer).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        publication.unpublish(explainer, by=editor, comment="Legal asked us to.")
    assert page(client, explainer).status_code in (404, 410)


@pytest.mark.django_db
def test_editing_a_topic_invalidates_after_commit(django_capture_on_commit_callbacks):
    """Topic pages read the topic row live, so saving a topic invalidates pages."""
    before = cache.public_generation()
    with django_capture_on_commit_callbacks(execute=True):
        factories.TopicFactory(name="Energy", slug="energy")
    assert cache.public_generation() > before


# Committed for real: the admin's save must invalidate when its own transaction commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cached_topic_page_becomes_a_redirect_when_its_slug_changes(client, editor):
    """The old address of a renamed topic stops serving its cached page at once."""
    topic = factories.TopicFactory(name="Energy", slug="energy")
    live_explainer(topics=[topic])
    assert client.get("/topics/energy/").status_code == 200
    assert client.get("/topics/energy/")["X-Page-Cache"] == "hit local"
    staff = Client()
    staff.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    saved = staff.post(
        f"/admin/articles/topic/{topic.pk}/change/",
        {"name": "Energy", "slug": "power", "description": ""},
    )
    assert saved.status_code == 302
    response = client.get("/topics/energy/")
    assert response.status_code == 301
    assert response["Location"] == "/topics/power/"


# Scheduled go-live and expiry: no event, only time.


@pytest.mark.django_db
def test_scheduled_version_replaces_the_cached_page_when_it_goes_live(client, settings, clock):
    """A cached page does not outlive the go-live time of a scheduled version."""
    settings.PAGE_CACHE_MICRO_SECONDS = 3600  # only the boundary may end the cached state
    explainer = live_explainer(title="Today's version")
    retitle(explainer, "Tomorrow's version", go_live_at=START + datetime.timedelta(seconds=60))
    cache.invalidate_public_pages()
    assert b"Today's version" in page(client, explainer).content
    clock.shift(30)
    assert page(client, explainer)["X-Page-Cache"] == "hit local"
    clock.shift(31)
    response = page(client, explainer)
    assert b"Tomorrow's version" in response.content
    assert response["X-Page-Cache"] == "miss"


@pytest.mark.django_db
def test_cached_page_does_not_outlive_its_expiry(client, settings, clock):
    """A version that expires stops being served from the cache at its end time."""
    settings.PAGE_CACHE_MICRO_SECONDS = 3600
    explainer = factories.complete_explainer()
    publish(explainer, expires_at=START + datetime.timedelta(seconds=60))
    cache.invalidate_public_pages()
    assert page(client, explainer).status_code == 200
    clock.shift(61)
    assert page(client, explainer).status_code in (404, 410)


@pytest.mark.django_db
def test_next_boundary_is_the_earliest_future_go_live_or_end(clock):
    """The boundary is the soonest scheduled change, whether a go-live or an expiry."""
    explainer = factories.complete_explainer()
    publish(explainer, expires_at=START + datetime.timedelta(hours=5))
    other = factories.complete_explainer(slug="other")
    publish(other, go_live_at=START + datetime.timedelta(hours=2))
    assert cache.next_boundary() == (START + datetime.timedelta(hours=2)).timestamp()


# Many app servers: the micro-cache window.


@pytest.mark.django_db
def test_other_servers_follow_within_the_micro_cache_window(settings, clock):
    """A server that cached a page shows the new one at most PAGE_CACHE_MICRO_SECONDS later."""
    body = {"text": b"version one"}

    def view(request):
        return HttpResponse(body["text"])

    server_a = PageCacheMiddleware(view, page_cache=cache.PageCache())
    server_b = PageCacheMiddleware(view, page_cache=cache.PageCache())
    request = RequestFactory().get("/explainers/x/")
    assert server_a(request).content == server_b(request).content == b"version one"
    assert server_b(request)["X-Page-Cache"] == "hit local"

    body["text"] = b"version two"
    cache.invalidate_public_pages()  # published through a third process
    clock.shift(settings.PAGE_CACHE_MICRO_SECONDS / 2)
    assert server_b(request).content == b"version one"  # still inside the window
    clock.shift(settings.PAGE_CACHE_MICRO_SECONDS / 2 + 0.01)
    assert server_a(request).content == server_b(request).content == b"version two"


# Who and what bypasses the cache.


@pytest.mark.django_db
def test_logged_in_staff_bypass_the_cache(client, editor):
    """A signed-in user always gets a fresh page, and what they get is not stored."""
    explainer = live_explainer(title="Old title")
    page(client, explainer)
    retitle(explainer, "New title")
    client.force_login(editor)
    response = page(client, explainer)
    assert "X-Page-Cache" not in response
    assert b"New title" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/?utm_source=newsletter",
        "/?q=dam&utm_source=x",
        "/admin/login/",
        "/healthz",
    ],
)
@pytest.mark.django_db
def test_requests_outside_the_cacheable_set_bypass(client, url):
    """Tracking parameters, the admin and the health check always reach the view."""
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


@pytest.mark.django_db
def test_search_query_and_page_are_part_of_the_key(client):
    """?q= and ?page= are cached, each combination on its own."""
    live_explainer(title="Why the dam failed")
    first = client.get("/search/?q=dam")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/search/?q=dam")["X-Page-Cache"] == "hit local"
    assert client.get("/search/?q=river")["X-Page-Cache"] == "miss"


# What responses are stored: checked with small views of our own.


def set_cookie_view(request):
    response = HttpResponse("hello")
    response.set_cookie("tracking", "1")
    return response


def private_view(request):
    response = HttpResponse("mine")
    response["Cache-Control"] = "private"
    return response


def error_view(request):
    return HttpResponse("broken", status=500)


def missing_view(request):
    return HttpResponse("no such page", status=404)


def language_view(request):
    response = HttpResponse(request.headers.get("Accept-Language", "none"))
    response["Vary"] = "Accept-Language"
    return response


def vary_all_view(request):
    response = HttpResponse("anything")
    response["Vary"] = "*"
    return response


urlpatterns = [
    path("cookie/", set_cookie_view),
    path("private/", private_view),
    path("error/", error_view),
    path("missing/", missing_view),
    path("language/", language_view),
    path("vary-all/", vary_all_view),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/cookie/", "/private/", "/error/", "/vary-all/"])
@pytest.mark.django_db
def test_unshareable_responses_are_not_stored(client, url):
    """Set-Cookie, Cache-Control private, errors and Vary: * never enter the cache."""
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_not_found_is_cached_briefly(client, settings, clock):
    """A 404 is kept for PAGE_CACHE_MISSING_SECONDS, not PAGE_CACHE_SECONDS."""
    settings.PAGE_CACHE_MISSING_SECONDS = 10
    settings.PAGE_CACHE_MICRO_SECONDS = 3600
    client.get("/missing/")
    assert client.get("/missing/")["X-Page-Cache"] == "hit local"
    clock.shift(11)
    assert "hit" not in client.get("/missing/").get("X-Page-Cache", "")


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_vary_keeps_one_entry_per_header_value(client):
    """A response that varies on a header is cached per value of that header."""
    client.get("/language/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/language/", HTTP_ACCEPT_LANGUAGE="en")
    french = client.get("/language/", HTTP_ACCEPT_LANGUAGE="fr")
    assert english.content == b"en" and english["X-Page-Cache"] == "miss"
    assert french.content == b"fr" and french["X-Page-Cache"] == "hit local"


# When the shared cache is down.


@pytest.mark.django_db
def test_redis_down_serves_pages_uncached_and_logs(client, settings, caplog):
    """With Redis unreachable, pages are served fresh and the failure is logged, not raised."""
    settings.CACHES = REDIS_DOWN
    explainer = live_explainer(title="Still readable")
    with caplog.at_level(logging.ERROR, logger="articles.site.cache"):
        response = page(client, explainer)
    assert response.status_code == 200 and b"Still readable" in response.content
    assert "X-Page-Cache" not in response
    assert "shared cache failed" in caplog.text


@pytest.mark.django_db
def test_redis_down_invalidation_is_logged_not_raised(settings, caplog):
    """invalidate_public_pages() never raises: publishing must not fail on a cache outage."""
    settings.CACHES = REDIS_DOWN
    with caplog.at_level(logging.ERROR, logger="articles.site.cache"):
        assert cache.invalidate_public_pages() is None
    assert "could not invalidate" in caplog.text


@pytest.mark.django_db
def test_disabled_cache_stores_nothing(client, settings):
    """PAGE_CACHE_ENABLED=False turns the middleware into a pass-through."""
    settings.PAGE_CACHE_ENABLED = False
    explainer = live_explainer()
    page(client, explainer)
    assert "X-Page-Cache" not in page(client, explainer)


@pytest.mark.django_db
def test_boundary_query_failure_serves_uncached(client, monkeypatch, caplog):
    """If the boundary cannot be read, pages go to the view uncached and the error is logged."""
    explainer = live_explainer(title="Still readable")

    def broken(now=None):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(cache, "next_boundary", broken)
    with caplog.at_level(logging.ERROR, logger="articles.site.cache"):
        response = page(client, explainer)
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert "scheduled boundary" in caplog.text
