"""The chrome every public page shares: its links follow the URLconf and the script prefix."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from articles.site.context_processors import SITE_LINKS

pytestmark = pytest.mark.django_db


def _hrefs(html: str) -> set[str]:
    import re

    return set(re.findall(r'(?:href|action)="([^"]+)"', html))


def test_every_site_link_is_in_the_chrome(client):
    hrefs = _hrefs(client.get("/").content.decode())
    assert {reverse(view) for view in SITE_LINKS.values()} <= hrefs


def test_links_follow_the_script_prefix_of_each_request(client):
    """A site mounted under a path (the WSGI server's SCRIPT_NAME, which Django's handler
    makes the script prefix) links under it; the same process still links at the root for a
    request without the prefix."""
    set_script_prefix("/news/")  # what WSGIHandler does for SCRIPT_NAME=/news; the test
    try:  # client leaves the prefix alone
        mounted = _hrefs(client.get("/").content.decode())
    finally:
        set_script_prefix("/")
    assert "/news/watch/" in mounted
    assert "/news/feeds/latest.rss" in mounted
    at_root = _hrefs(client.get("/").content.decode())
    assert "/watch/" in at_root
    assert not any(href.startswith("/news/") for href in at_root)
