"""schema.org pieces shared by the explainer page and the site's own pages.

The explainer's ``BackgroundNewsArticle`` is assembled in ``render.json_ld``; this module gives
it its publisher, its sources as ``citation`` and its ``BreadcrumbList``, and gives the home
page its ``WebSite`` (with the search box readers and search engines can use) and
``NewsMediaOrganization``. Every address is absolute, on settings.NEWSROOM_BASE_URL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from articles.templatetags.newsroom import absolute as _absolute
from articles.templatetags.newsroom import web_url

SCHEMA = "https://schema.org"
# The name a search engine fills in SearchAction's URL template.
SEARCH_TERM = "search_term_string"


def home_url() -> str:
    return _absolute(reverse("articles:home"))


def lasting_static_url(path: str) -> str:
    """Return the absolute address of a static file by its plain name (``STATIC_URL`` + path).

    Explainer pages are rendered when published and kept, so not ``static()``: the hashed name
    it gives changes whenever the file does, and after the next deployment the old one is gone
    (and it needs the manifest, which a publish must not depend on). WhiteNoise serves the
    plain name as well."""
    return _absolute(settings.STATIC_URL + path)


def logo_url() -> str:
    """Return the absolute address of the publication's logo (settings.NEWSROOM_LOGO)."""
    return lasting_static_url(settings.NEWSROOM_LOGO)


def organization() -> dict[str, Any]:
    """Return the publication as a NewsMediaOrganization, with its logo and policy pages."""
    return {
        "@type": "NewsMediaOrganization",
        "@id": home_url() + "#organization",
        "name": settings.NEWSROOM_NAME,
        "url": home_url(),
        "logo": {"@type": "ImageObject", "url": logo_url()},
        "publishingPrinciples": _absolute(reverse("articles:publishing_principles")),
        "correctionsPolicy": _absolute(reverse("articles:corrections_policy")),
        "verificationFactCheckingPolicy": _absolute(reverse("articles:fact_checking_policy")),
    }


def website() -> dict[str, Any]:
    """Return the site as a WebSite whose search a search engine may offer (SearchAction)."""
    search = _absolute(reverse("articles:search"))
    return {
        "@type": "WebSite",
        "@id": home_url() + "#website",
        "name": settings.NEWSROOM_NAME,
        "url": home_url(),
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "publisher": {"@id": home_url() + "#organization"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{{SEARCH_TERM}}}"},
            "query-input": f"required name={SEARCH_TERM}",
        },
    }


def home_page() -> dict[str, Any]:
    """Return the home page's JSON-LD: the WebSite and the organization behind it."""
    return {"@context": SCHEMA, "@graph": [website(), organization()]}


def breadcrumbs(data: dict[str, Any], canonical: str) -> dict[str, Any]:
    """Return the explainer's trail, Home > its first topic > the explainer, as a
    BreadcrumbList (an explainer without a topic goes straight from Home)."""
    trail = [(settings.NEWSROOM_NAME, home_url())]
    if data.get("topics"):
        topic = data["topics"][0]
        trail.append((topic["name"], _absolute(reverse("articles:topic", args=[topic["slug"]]))))
    trail.append((data["title"], canonical))
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def citations(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return an explainer's sources (frozen data) as the CreativeWorks it cites."""
    works = []
    for source in sources:
        work: dict[str, Any] = {"@type": "CreativeWork", "name": source["citation"]}
        if url := web_url(source.get("url")):
            work["url"] = url
        if source.get("publisher"):
            work["publisher"] = {"@type": "Organization", "name": source["publisher"]}
        if source.get("published_on"):
            work["datePublished"] = source["published_on"]
        works.append(work)
    return works
