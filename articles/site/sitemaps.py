"""Sitemaps (Django's sitemaps framework) and the Google News sitemap.

Every list is read from live versions, and each is one query: items are evaluated into a list
so that the framework's paginator counts them without a second query. URLs use the scheme and
host of settings.NEWSROOM_BASE_URL, like canonical URLs, whatever host the request came to.
Each ``lastmod`` is a full moment (``SITEMAP_TEMPLATE``), the newest go-live among the live
versions a page shows: a page changed twice in a day is worth a second visit.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.models import Site
from django.contrib.sites.requests import RequestSite
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from articles.models import ListEntry, PublishedVersion, WatchItem
from articles.publishing.render import absolute_url, explainer_path
from articles.site import reads as public
from articles.site.xmltext import xml_safe

# Google News lists articles published in the last two days, at most 1,000 of them.
NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_LIMIT = 1000
# Ours, for lastmod as a full moment (Django's writes the day only).
SITEMAP_TEMPLATE = "articles/sitemap.xml"


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


class FixedPagesSitemap(PublicSitemap):
    """The home page and the watch page, dated by the newest live version each shows."""

    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[dict[str, Any]]:
        has_watch_items = Exists(WatchItem.objects.filter(version=OuterRef("pk")))
        dates = PublishedVersion.objects.live().aggregate(
            home=Max("go_live_at"), watch=Max("go_live_at", filter=Q(has_watch_items))
        )
        return [{"name": name, "lastmod": dates[name]} for name in ("home", "watch") if dates[name]]

    def location(self, item: dict[str, Any]) -> str:
        return reverse(f"articles:{item['name']}")

    def lastmod(self, item: dict[str, Any]) -> datetime.datetime:
        return item["lastmod"]


def newest_on_list(kind: str) -> Subquery:
    """The newest go-live among the live entries of the outer row's list (``kind``)."""
    entries = public.list_entries(kind, OuterRef("pk")).order_by("-go_live_at")
    return Subquery(entries.values("go_live_at")[:1])


class ListPagesSitemap(PublicSitemap):
    """Topic, stakeholder or author pages: those with a live explainer, each dated by the
    newest go-live on its list."""

    kind: str  # a ListEntry.Kind
    viewname: str
    key: str  # the owner's field that is in the page's address…
    url_kwarg = "slug"  # …under this name in the URL pattern

    def owners(self) -> QuerySet:
        raise NotImplementedError

    def items(self) -> list[dict[str, Any]]:
        owners = self.owners().annotate(lastmod=newest_on_list(self.kind))
        return list(owners.order_by(self.key).values(self.key, "lastmod"))

    def location(self, item: dict[str, Any]) -> str:
        return reverse(self.viewname, kwargs={self.url_kwarg: item[self.key]})

    def lastmod(self, item: dict[str, Any]) -> datetime.datetime:
        return item["lastmod"]


class TopicSitemap(ListPagesSitemap):
    changefreq = "daily"
    priority = 0.5
    kind = ListEntry.Kind.TOPIC
    viewname = "articles:topic"
    key = "slug"

    def owners(self) -> QuerySet:
        return public.public_topics()


class StakeholderSitemap(ListPagesSitemap):
    changefreq = "weekly"
    priority = 0.4
    kind = ListEntry.Kind.STAKEHOLDER
    viewname = "articles:stakeholder"
    key = "slug"

    def owners(self) -> QuerySet:
        return public.public_stakeholders()


class AuthorSitemap(ListPagesSitemap):
    changefreq = "weekly"
    priority = 0.3
    kind = ListEntry.Kind.AUTHOR
    viewname = "articles:author"
    key = "author_profile__slug"

    def owners(self) -> QuerySet:
        return public.public_authors()


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
    "pages": FixedPagesSitemap,
    "explainers": ExplainerSitemap,
    "topics": TopicSitemap,
    "stakeholders": StakeholderSitemap,
    "authors": AuthorSitemap,
}
NEWS_SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {"news": NewsSitemap}


def sitemap_urls() -> list[str]:
    """Return the absolute URLs of both sitemaps (robots.txt)."""
    return [
        absolute_url(reverse("articles:sitemap")),
        absolute_url(reverse("articles:news_sitemap")),
    ]
