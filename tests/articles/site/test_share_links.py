"""The public side of share links: the page, its headers, 410 and 404, the record of views,
and the page cache, which must never keep one."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from csp.constants import HEADER
from django.core.cache import caches
from django.utils import timezone

from articles.models import Explainer, ShareLinkView
from articles.publishing import preview
from articles.site import cache
from tests import factories

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


@pytest.fixture
def shared(editor):
    """A draft with unpublished text, and an open share link to it."""
    explainer = factories.complete_explainer(title="Draft only the lawyer reads")
    Explainer.objects.filter(pk=explainer.pk).update(dek="Words not yet published")
    link, token = preview.create_share_link(explainer, by=editor, for_whom="Our lawyer")
    return link, preview.share_url(token)


def test_open_link_shows_the_saved_working_copy_with_a_banner(client, shared):
    link, url = shared
    response = client.get(url, HTTP_USER_AGENT=FIREFOX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Draft only the lawyer reads" in html and "Words not yet published" in html
    assert "Preview of an unpublished draft — not for publication" in html
    # Nothing leads an outsider to the desk.
    assert "/admin/" not in html


def test_open_link_is_private_noindex_and_under_the_public_csp(client, shared):
    _, url = shared
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    policy = response[HEADER]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_every_view_is_recorded_with_a_coarse_browser_name_only(client, shared):
    link, url = shared
    client.get(url, HTTP_USER_AGENT=FIREFOX)
    client.get(url, HTTP_USER_AGENT="Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
    client.head(url)
    views = list(link.views.order_by("pk").values_list("outcome", "client"))
    assert views == [("shown", "Firefox"), ("shown", "bot")]


def test_withdrawn_link_answers_410_plainly_and_shows_nothing(client, shared, editor):
    link, url = shared
    preview.revoke_share_link(link, by=editor)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This preview link has been withdrawn." in html
    assert "Draft only the lawyer reads" not in html and "Words not yet published" not in html
    assert response["Cache-Control"] == "private, no-store"
    assert link.views.get().outcome == ShareLinkView.Outcome.WITHDRAWN


def test_expired_link_answers_410_plainly_and_shows_nothing(client, shared):
    link, url = shared
    with time_machine.travel(link.expires_at + datetime.timedelta(seconds=1)):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This preview link has expired." in html
    assert "Words not yet published" not in html
    assert link.views.get().outcome == ShareLinkView.Outcome.EXPIRED


@pytest.mark.parametrize(
    "token",
    [
        "nothing",  # unsigned
        "abc:def",  # a forged signature
        "%3Cscript%3E",
    ],
)
def test_unknown_or_forged_token_is_404(client, token):
    assert client.get(f"/share/{token}/").status_code == 404
    assert not ShareLinkView.objects.exists()


def test_a_validly_signed_token_of_no_stored_link_is_404(client, shared):
    link, url = shared
    link.delete()
    assert client.get(url).status_code == 404


def test_an_edit_shows_at_once(client, shared):
    """The page is the working copy as saved now, not as it was when the link was made."""
    link, url = shared
    client.get(url)
    Explainer.objects.filter(pk=link.explainer_id).update(dek="A later correction")
    assert "A later correction" in client.get(url).content.decode()


@pytest.fixture
def page_cache_on(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "share-link-tests",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    caches["default"].clear()
    cache.page_cache.reset()
    yield
    cache.page_cache.reset()


def test_the_page_cache_never_keeps_a_share_link(client, shared, editor, page_cache_on):
    """Each request reaches the view (and is recorded); a withdrawal closes the link at once."""
    link, url = shared
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in second
    assert link.views.count() == 2
    preview.revoke_share_link(link, by=editor)
    assert client.get(url).status_code == 410
    assert client.get(url).status_code == 410
    assert link.views.count() == 4


def test_share_paths_bypass_the_page_cache(rf):
    assert cache.request_url(rf.get("/share/anything/")) is None


def test_robots_txt_keeps_crawlers_out_of_share_links(client):
    assert "Disallow: /share/" in client.get("/robots.txt").content.decode()


def test_links_last_one_to_thirty_days(editor):
    explainer = factories.complete_explainer()
    for days in (0, 31):
        with pytest.raises(ValueError):
            preview.create_share_link(explainer, by=editor, for_whom="x", days=days)
    link, _ = preview.create_share_link(explainer, by=editor, for_whom="x")
    assert link.expires_at - link.created_at == datetime.timedelta(days=7)
    assert link.status(timezone.now()) == "open"
