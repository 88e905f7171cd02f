"""Sitemaps (Django's sitemaps framework) and the Google News sitemap.

Every list is read from live versions, and each is one query: items are evaluated into a list
so that the framework's paginator counts them without a second query. URLs use the scheme and
host of settings.NEWSROOM_BASE_URL, like canonical URLs, whatever host the request came to.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.models import Site
from django.contrib.sites.requests import RequestSite
from django.urls import reverse
from django.utils import timezone

from articles.models import PublishedVersion, Stakeholder, Topic
from articles.publishing.render import absolute_url, explainer_path
from articles.site import reads as public
from articles.site.xmltext import xml_safe

# Google News lists articles published in the last two days, at most 1,000 of them.
NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_LIMIT = 1000


class PublicSitemap(Sitemap):
    """A sitemap whose URLs sit on the configured public address."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.NEWSROOM_BASE_URL).scheme or "https"

    def get_domain(self, site: Site | RequestSite | None = None) -> str:
        return urlsplit(settings.NEWSROOM_BASE_URL).netloc


class ExplainerSitemap(PublicSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> list[dict[str, Any]]:
        return list(
            PublishedVersion.objects.live()
            .order_by("-first_published_at", "-pk")
            .values("slug", "go_live_at")
        )

    def location(self, item: dict[str, Any]) -> str:
        return explainer_path(item["slug"])

    def lastmod(self, item: dict[str, Any]) -> datetime.datetime:
        return item["go_live_at"]


class TopicSitemap(PublicSitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self) -> list[Topic]:
        return list(public.public_topics().only("slug"))


class StakeholderSitemap(PublicSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self) -> list[Stakeholder]:
        return list(public.public_stakeholders().only("slug"))


class NewsSitemap(PublicSitemap):
    """Explainers first published within the last two days, with Google News tags."""

    limit = NEWS_LIMIT

    def items(self) -> list[dict[str, Any]]:
        since = timezone.now() - NEWS_WINDOW
        return list(
            PublishedVersion.objects.live()
            .filter(first_published_at__gte=since)
            .order_by("-first_published_at", "-pk")
            .values("slug", "title", "first_published_at", "go_live_at")[:NEWS_LIMIT]
        )

    def location(self, item: dict[str, Any]) -> str:
        return explainer_path(item["slug"])

    def lastmod(self, item: dict[str, Any]) -> datetime.datetime:
        return item["go_live_at"]

    def get_urls(
        self,
        page: int | str = 1,
        site: Site | RequestSite | None = None,
        protocol: str | None = None,
    ) -> list[dict[str, Any]]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["news"] = {
                "name": settings.NEWSROOM_NAME,
                "language": settings.NEWSROOM_LANGUAGE,
                "publication_date": url["item"]["first_published_at"],
                # A pasted control character would make the whole sitemap ill-formed XML.
                "title": xml_safe(url["item"]["title"]),
            }
        return urls


# Typed as django.contrib.sitemaps' views take them (a dict is invariant in its values).
SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "explainers": ExplainerSitemap,
    "topics": TopicSitemap,
    "stakeholders": StakeholderSitemap,
}
NEWS_SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {"news": NewsSitemap}


def sitemap_urls() -> list[str]:
    """Return the absolute URLs of both sitemaps (robots.txt)."""
    return [
        absolute_url(reverse("articles:sitemap")),
        absolute_url(reverse("articles:news_sitemap")),
    ]
