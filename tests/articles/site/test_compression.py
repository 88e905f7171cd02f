"""Public pages are gzipped for clients that accept it, through the page cache too; the admin,
previews and share links never are (views.public_page)."""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import caches
from django.utils.cache import has_vary_header

from articles.publishing import preview
from articles.site import cache
from tests import factories
from tests.articles.publicsite import live_explainer

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "compression-tests",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    caches["default"].clear()
    cache.page_cache.reset()
    yield
    cache.page_cache.reset()


def text_of(response) -> str:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


@pytest.mark.parametrize(
    "url", ["/", "{explainer}", "/topics/science/", "/watch/", "/corrections/", "/search/?q=why"]
)
def test_public_pages_are_gzipped_when_accepted(client, url):
    """An HTML page comes gzipped, with Vary: Accept-Encoding and a matching Content-Length."""
    explainer = live_explainer(title="Why the bridge closed")
    url = url.format(explainer=explainer.get_absolute_url())
    plain = client.get(url)
    packed = client.get(url, **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert gzip.decompress(packed.content) == plain.content
    assert has_vary_header(packed, "Accept-Encoding") and has_vary_header(plain, "Accept-Encoding")


def test_without_accept_encoding_the_page_is_plain(client):
    """A client that does not ask for gzip gets the page uncompressed."""
    response = client.get(live_explainer().get_absolute_url())
    assert not response.has_header("Content-Encoding")
    assert "<html" in response.content.decode()


def test_gzipped_page_still_answers_if_none_match_with_304(client):
    """The ETag of a gzipped page is weak, and sending it back gets a 304."""
    url = live_explainer().get_absolute_url()
    etag = client.get(url, **GZIP)["ETag"]
    assert etag.startswith('W/"')
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **GZIP).status_code == 304


def test_page_cache_keeps_a_gzipped_and_a_plain_copy(client, page_cache):
    """From the page cache, a gzip client gets the gzipped page and another the plain one,
    whichever asked first, and browsers' different spellings share one copy."""
    url = live_explainer(title="Why the bridge closed").get_absolute_url()
    first = client.get(url, **GZIP)
    assert first["X-Page-Cache"] == "miss" and first["Content-Encoding"] == "gzip"
    plain = client.get(url)
    assert plain["X-Page-Cache"] == "miss" and not plain.has_header("Content-Encoding")
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert again["X-Page-Cache"] == "hit local"
    assert again["Content-Encoding"] == "gzip"
    assert "Why the bridge closed" in text_of(again)
    plain_again = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert plain_again["X-Page-Cache"] == "hit local"
    assert not plain_again.has_header("Content-Encoding")
    assert "Why the bridge closed" in plain_again.content.decode()


def test_admin_is_never_gzipped(admin_client):
    """Admin pages carry CSRF tokens: they are not compressed (BREACH), whatever is accepted."""
    for url in ("/admin/", "/admin/articles/explainer/", "/admin/login/"):
        response = admin_client.get(url, **GZIP)
        assert response.status_code in (200, 302), url
        assert not response.has_header("Content-Encoding"), url


def test_preview_and_share_pages_are_never_gzipped(client, editor):
    """The private pages (previews, share links) are not compressed either."""
    explainer = factories.complete_explainer()
    _, token = preview.create_share_link(explainer, by=editor, for_whom="Our lawyer")
    response = client.get(preview.share_url(token), **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    client.force_login(editor)
    response = client.get(preview.preview_url(explainer), **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
