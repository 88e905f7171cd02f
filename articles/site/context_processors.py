"""Template context shared by every page."""

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The settings every public template reads, by the names templates use: the publication's
# name, the address readers write to about an error (may be empty), and the static picture
# shared with a page that has none of its own.
SITE_SETTINGS = ("NEWSROOM_NAME", "NEWSROOM_CORRECTIONS_EMAIL", "NEWSROOM_SHARE_IMAGE")

# The site's fixed pages that its chrome links to, as ``links.<name>`` in templates.
SITE_LINKS = {
    "home": "articles:home",
    "search": "articles:search",
    "watch": "articles:watch",
    "watch_ics": "articles:watch_ics",
    "corrections": "articles:corrections",
    "feed_rss": "articles:feed_rss",
    "feed_atom": "articles:feed_atom",
    "publishing_principles": "articles:publishing_principles",
    "fact_checking_policy": "articles:fact_checking_policy",
    "corrections_policy": "articles:corrections_policy",
    "manifest": "articles:manifest",
}


@functools.lru_cache(maxsize=16)
def site_links(script_prefix: str) -> dict[str, str]:
    """Return ``SITE_LINKS`` reversed under ``script_prefix`` (the current one).

    A URL depends only on the URLconf, which is fixed for the life of the process, and on the
    script prefix: so each prefix's links are reversed once, not ten times on every page.
    """
    return {name: reverse(view) for name, view in SITE_LINKS.items()}


def site(request: HttpRequest) -> dict[str, Any]:
    context = {name: getattr(settings, name) for name in SITE_SETTINGS}
    context["links"] = site_links(get_script_prefix())
    # The page's address on the public site, printed under the masthead (site.css, print).
    # Only the path: the page cache keys pages on it, and a query string may hold anything.
    context["page_url"] = settings.NEWSROOM_BASE_URL + request.path
    return context
