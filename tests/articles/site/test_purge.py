"""Frontend-cache purge by tag (articles/site/purge.py, purge_backends.py): the tags public
responses carry, what each change purges, each provider's request format (against a stand-in
server that records what it gets), retries, the command, and s-maxage never passing the next
scheduled moment."""

from __future__ import annotations

import datetime
import logging
import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.utils import timezone
from prometheus_client import REGISTRY

from articles.models import Explainer, RelatedLink
from articles.publishing import moves as publication
from articles.site import cache, purge
from tests import factories
from tests.articles.site.standin import StandIn
from tests.articles.workflow_helpers import desk_editor, explainer_in, scheduled_revision

pytestmark = pytest.mark.django_db
State = Explainer.State


@pytest.fixture
def standin():
    server = StandIn()
    server.url = server.start()
    yield server
    server.stop()


@pytest.fixture
def varnish(settings, standin, monkeypatch):
    """Purges go to a stand-in for Varnish; retries without waiting."""
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.FRONTEND_CACHE_VARNISH_URLS = [standin.url]
    monkeypatch.setattr(purge, "RETRY_DELAYS", (0, 0))
    return standin


def purged_tags(standin: StandIn) -> set[str]:
    tags: set[str] = set()
    for request in standin.received:
        assert request.method == "PURGE"
        tags.update(request.headers["xkey-purge"].split())
    return tags


def header_tags(response) -> list[str]:
    return response["xkey"].split()


# --- Tags on responses ------------------------------------------------------------------------


def test_public_pages_carry_no_tags_without_a_frontend_cache(client):
    explainer = explainer_in(State.PUBLISHED)
    assert "xkey" not in client.get(explainer.get_absolute_url())


def test_an_explainer_page_is_tagged_with_itself_and_its_up_next_targets(client, varnish):
    target = explainer_in(State.PUBLISHED, title="Target")
    explainer = factories.complete_explainer(slug="linking")
    RelatedLink.objects.create(explainer=explainer, target=target, position=0)
    explainer = explainer_in_published(explainer)
    tags = header_tags(client.get("/explainers/linking/"))
    assert set(tags) == {
        f"explainer-{explainer.pk}",
        f"explainer-{target.pk}",
        "explainer:linking",
    }


def explainer_in_published(explainer: Explainer) -> Explainer:
    from articles.workflow import moves as workflow
    from tests.articles.workflow_helpers import desk_checker

    workflow.submit(explainer, by=desk_editor())
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=desk_editor())
    return explainer


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", {"home"}),
        ("/topics/science/", {"topic:science"}),
        ("/topics/science/feed.rss", {"feeds", "topic:science"}),
        ("/feeds/latest.atom", {"feeds"}),
        ("/watch/", {"watch"}),
        ("/watch.ics", {"watch"}),
        ("/search/?q=plan", {"search"}),
        ("/corrections/", {"corrections"}),
        ("/sitemap.xml", {"sitemaps"}),
    ],
)
def test_lists_and_feeds_carry_their_tags(client, varnish, url, expected):
    explainer_in(State.PUBLISHED)
    response = client.get(url)
    assert response.status_code == 200
    assert set(header_tags(response)) == expected


def test_a_withdrawn_explainers_410_is_tagged_with_its_address(client, varnish):
    explainer = explainer_in(State.ARCHIVED, slug="gone-now")
    response = client.get("/explainers/gone-now/")
    assert response.status_code == 410
    assert header_tags(response) == ["explainer:gone-now"]
    assert explainer.pk  # the page names no id: nothing live is shown


def test_cloudflare_tags_are_comma_separated(client, settings):
    settings.FRONTEND_CACHE_BACKEND = "cloudflare"
    response = client.get(explainer_in(State.PUBLISHED, slug="cf").get_absolute_url())
    tags = response["Cache-Tag"].split(",")
    assert len(tags) == 2 and "explainer:cf" in tags and re.fullmatch(r"explainer-\d+", tags[1])


# --- What changes purge -----------------------------------------------------------------------


def test_publishing_purges_the_explainer_its_lists_and_the_site_wide_pages(
    varnish, django_capture_on_commit_callbacks
):
    author = factories.UserFactory(username="ana", first_name="Ana", last_name="")
    with django_capture_on_commit_callbacks(execute=True):
        explainer = explainer_in(State.PUBLISHED, authors=[author], slug="first")
    stakeholder = explainer.viewpoints.get().stakeholder
    assert purged_tags(varnish) == {
        f"explainer-{explainer.pk}",
        "explainer:first",
        "topic:science",
        f"stakeholder:{stakeholder.slug}",
        "author:ana",
        *purge.SITE_WIDE,
    }


def test_withdrawing_purges_every_address_the_explainer_had(
    varnish, django_capture_on_commit_callbacks
):
    explainer = explainer_in(State.PUBLISHED, slug="old-address")
    from articles.workflow import moves as workflow
    from tests.articles.workflow_helpers import desk_checker

    editor = desk_editor()
    Explainer.objects.filter(pk=explainer.pk).update(slug="new-address", change_note="Renamed.")
    explainer.refresh_from_db()
    workflow.revise(explainer, by=editor)
    workflow.submit(explainer, by=editor)
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=editor)
    varnish.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publication.unpublish(explainer, by=editor, comment="Legal asked us to.")
    tags = purged_tags(varnish)
    assert {"explainer:old-address", "explainer:new-address", f"explainer-{explainer.pk}"} <= tags


def test_cancelling_a_schedule_purges(varnish, django_capture_on_commit_callbacks):
    explainer = scheduled_revision(
        authors=[], go_live_at=timezone.now() + datetime.timedelta(hours=2)
    )
    varnish.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publication.cancel_schedule(explainer, by=desk_editor())
    assert f"explainer-{explainer.pk}" in purged_tags(varnish)


def test_editing_a_topic_purges_its_page_home_and_sitemaps(
    varnish, django_capture_on_commit_callbacks
):
    topic = factories.TopicFactory(slug="energy", name="Energy")
    with django_capture_on_commit_callbacks(execute=True):
        topic.name = "Energy and power"
        topic.save()
    assert purged_tags(varnish) == {"topic:energy", "home", "sitemaps"}


def test_nothing_is_purged_before_commit(varnish, django_capture_on_commit_callbacks):
    topic = factories.TopicFactory(slug="water")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        topic.save()
    assert varnish.received == []
    assert callbacks


# --- Retries and failures ---------------------------------------------------------------------


def failures(backend: str) -> float:
    labels = {"backend": backend, "result": "failure"}
    return REGISTRY.get_sample_value("newsroom_frontend_cache_purges_total", labels) or 0.0


def test_a_failed_purge_is_retried(varnish):
    varnish.answers = [(503, b"busy"), (200, b"")]
    assert purge.purge(["home"]) is True
    assert len(varnish.received) == 2


def test_a_purge_that_keeps_failing_is_logged_as_an_error_and_counted(varnish, caplog):
    varnish.answers = [(500, b"down")]
    before = failures("varnish")
    with caplog.at_level(logging.ERROR, logger="articles.site.purge"):
        assert purge.purge(["home", "feeds"]) is False
    assert len(varnish.received) == 1 + len(purge.RETRY_DELAYS)
    [record] = caplog.records
    assert "FAILED" in record.getMessage() and "feeds home" in record.getMessage()
    assert failures("varnish") == before + 1


def test_an_unreachable_proxy_fails_cleanly(settings, monkeypatch):
    settings.FRONTEND_CACHE_BACKEND = "varnish"
    settings.FRONTEND_CACHE_VARNISH_URLS = ["http://127.0.0.1:9"]
    monkeypatch.setattr(purge, "RETRY_DELAYS", ())
    assert purge.purge(["home"]) is False


# --- Each provider's request ------------------------------------------------------------------


def test_varnish_purges_every_proxy_and_bans_everything(settings, varnish):
    second = StandIn()
    second_url = second.start()
    try:
        settings.FRONTEND_CACHE_VARNISH_URLS = [varnish.url, second_url]
        purge.purge(["home"])
        call_command("purge_frontend_cache")
    finally:
        second.stop()
    for server in (varnish, second):
        assert [(r.method, r.headers.get("xkey-purge")) for r in server.received] == [
            ("PURGE", "home"),
            ("BAN", None),
        ]


def test_fastly_purges_by_surrogate_key(settings, standin):
    settings.FRONTEND_CACHE_BACKEND = "fastly"
    settings.FRONTEND_CACHE_API_URL = standin.url
    settings.FRONTEND_CACHE_SERVICE = "SU1Z0isxPaozGVKXdv0eY"
    settings.FRONTEND_CACHE_TOKEN = "fastly-key"
    assert purge.purge(["home", "explainer-7"])
    assert purge.purge_everything()
    first, everything = standin.received
    assert (first.method, first.path) == ("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge")
    assert first.headers["surrogate-key"] == "explainer-7 home"
    assert first.headers["fastly-key"] == "fastly-key"
    assert (everything.method, everything.path) == (
        "POST",
        "/service/SU1Z0isxPaozGVKXdv0eY/purge_all",
    )


def test_cloudflare_purges_by_cache_tag_thirty_at_a_time(settings, standin):
    settings.FRONTEND_CACHE_BACKEND = "cloudflare"
    settings.FRONTEND_CACHE_API_URL = standin.url
    settings.FRONTEND_CACHE_SERVICE = "zone123"
    settings.FRONTEND_CACHE_TOKEN = "cf-token"
    tags = [f"explainer-{n}" for n in range(45)]
    assert purge.purge(tags)
    assert [r.path for r in standin.received] == ["/zones/zone123/purge_cache"] * 2
    assert standin.received[0].headers["authorization"] == "Bearer cf-token"
    sent = [tag for r in standin.received for tag in r.json()["tags"]]
    assert sorted(sent) == sorted(tags) and len(standin.received[0].json()["tags"]) == 30
    standin.received.clear()
    assert purge.purge_everything()
    assert standin.received[0].json() == {"purge_everything": True}


def test_cloudflare_saying_no_is_a_failure(settings, standin, monkeypatch):
    settings.FRONTEND_CACHE_BACKEND = "cloudflare"
    settings.FRONTEND_CACHE_API_URL = standin.url
    monkeypatch.setattr(purge, "RETRY_DELAYS", ())
    standin.answers = [(200, b'{"success": false, "errors": [{"code": 1012}]}')]
    assert purge.purge(["home"]) is False


CLOUDFRONT_ANSWER = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status><CreateTime>2026-12-07T10:00:00Z</CreateTime>
<InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/</Path></Items></Paths>
<CallerReference>x</CallerReference></InvalidationBatch></Invalidation>"""


def test_cloudfront_invalidates_the_paths_the_tags_stand_for(settings, standin, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    settings.FRONTEND_CACHE_BACKEND = "cloudfront"
    settings.FRONTEND_CACHE_API_URL = standin.url
    settings.FRONTEND_CACHE_SERVICE = "E2QWRUHEXAMPLE"
    standin.answers = [(201, CLOUDFRONT_ANSWER)]
    assert purge.purge(["home", "topic:science", "explainer:first", "explainer-3"])
    [request] = standin.received
    assert (request.method, request.path) == (
        "POST",
        "/2020-05-31/distribution/E2QWRUHEXAMPLE/invalidation",
    )
    assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    ns = {"cf": "http://cloudfront.amazonaws.com/doc/2020-05-31/"}
    sent = ET.fromstring(request.body)  # noqa: S314 - the request this test's own code made
    paths = sorted(path.text for path in sent.iterfind(".//cf:Path", ns))
    assert paths == sorted(["/", "/topics/science/*", "/explainers/first/*", "/explainers/*"])


def test_the_command_needs_a_configured_cache(settings):
    settings.FRONTEND_CACHE_BACKEND = ""
    with pytest.raises(CommandError, match="No frontend cache"):
        call_command("purge_frontend_cache")


def test_the_command_purges_given_tags_and_reports_failure(varnish):
    call_command("purge_frontend_cache", "explainer-4", "home")
    assert purged_tags(varnish) == {"explainer-4", "home"}
    varnish.answers = [(500, b"")]
    with pytest.raises(CommandError, match="failed"):
        call_command("purge_frontend_cache", "home")


# --- s-maxage and scheduled moments -------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "purge-tests",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    caches["default"].clear()
    cache.page_cache.reset()
    yield
    cache.page_cache.reset()


def s_maxage(response) -> int:
    return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))


def test_s_maxage_never_passes_the_next_scheduled_go_live(
    client, settings, page_cache, django_capture_on_commit_callbacks
):
    settings.PUBLIC_CACHE_S_MAXAGE = 600
    live = explainer_in(State.PUBLISHED, slug="steady")
    assert s_maxage(client.get(live.get_absolute_url())) == 600
    in_90s = timezone.now() + datetime.timedelta(seconds=90)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_revision(authors=[], go_live_at=in_90s)
    miss = client.get(live.get_absolute_url())
    hit = client.get(live.get_absolute_url())
    assert miss.headers.get("X-Page-Cache") == "miss" and 30 <= s_maxage(miss) <= 90
    assert hit.headers.get("X-Page-Cache", "").startswith("hit") and s_maxage(hit) <= 90


def test_without_the_page_cache_a_proxy_still_gets_the_cap(client, settings, varnish):
    settings.PUBLIC_CACHE_S_MAXAGE = 600
    live = explainer_in(State.PUBLISHED, slug="steady")
    scheduled_revision(authors=[], go_live_at=timezone.now() + datetime.timedelta(seconds=120))
    assert 60 <= s_maxage(client.get(live.get_absolute_url())) <= 120


def test_a_publish_is_purged_again_after_the_page_cache_window(
    varnish, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Other app servers may serve the old page for PAGE_CACHE_MICRO_SECONDS after a publish;
    whatever the proxy took from them then is purged a second time just after the window."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "purge-again",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_MICRO_SECONDS = 0.1
    monkeypatch.setattr(purge, "SETTLE_SECONDS", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        explainer = explainer_in(State.PUBLISHED, slug="twice")

    def publish_purges() -> list[str]:
        sent = [r.headers["xkey-purge"] for r in varnish.received]
        return [tags for tags in sent if f"explainer-{explainer.pk}" in tags.split()]

    assert len(publish_purges()) == 1
    deadline = time.monotonic() + 5
    while len(publish_purges()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    first, again = publish_purges()
    assert again == first
    cache.page_cache.reset()
