"""The site's machine-readable addresses: timeline JSON, the calendar, feeds, sitemaps,
robots.txt and the health check. Cached and conditional like the pages (``views.public_page``).
"""

from __future__ import annotations

from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from articles.models import PublishedVersion, Topic
from articles.publishing.render import absolute_url, explainer_path
from articles.site import reads as public
from articles.site import timelinejs
from articles.site.feeds import (
    LatestExplainersAtomFeed,
    LatestExplainersFeed,
    TopicAtomFeed,
    TopicFeed,
)
from articles.site.ical import CALENDAR_PRECISIONS, calendar_bytes
from articles.site.sitemaps import NEWS_SITEMAPS, SITEMAPS, sitemap_urls
from articles.site.views import (
    ICS_HORIZON,
    ICS_MAX_EVENTS,
    follows_old_slugs,
    public_page,
)


@public_page
@require_safe
def timeline_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Return the explainer's timeline in TimelineJS's JSON format."""
    row = (
        PublishedVersion.objects.live()
        .filter(slug=slug)
        .order_by("-go_live_at")
        .values("pk", "number", "title", "dek", "go_live_at", "data__timeline", "data__sources")
        .first()
    )
    if row is None:
        raise Http404("No explainer is published at this address.")
    document = timelinejs.build_timeline(
        title=row["title"],
        dek=row["dek"],
        url=absolute_url(explainer_path(slug)),
        data={"timeline": row["data__timeline"] or [], "sources": row["data__sources"] or []},
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response.headers["ETag"] = f'"{row["pk"]}.{row["number"]}.timeline"'
    response.headers["Last-Modified"] = http_date(int(row["go_live_at"].timestamp()))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@public_page
@require_safe
def watch_ics(request: HttpRequest) -> HttpResponse:
    """The dated watch items as an iCalendar feed (see calendar.py for how precision maps)."""
    today = timezone.localdate()
    items = public.watch_items(
        today=today,
        until=today + ICS_HORIZON,
        precisions=CALENDAR_PRECISIONS,
        limit=ICS_MAX_EVENTS,
    )
    body = calendar_bytes(items)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="watch.ics"'
    return response


feed_rss = public_page(LatestExplainersFeed())


feed_atom = public_page(LatestExplainersAtomFeed())


topic_feed_rss = public_page(follows_old_slugs(Topic, "articles:topic_feed_rss")(TopicFeed()))


topic_feed_atom = public_page(follows_old_slugs(Topic, "articles:topic_feed_atom")(TopicAtomFeed()))


@public_page
@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS)


@public_page
@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(
        request, sitemaps=NEWS_SITEMAPS, template_name="articles/news_sitemap.xml"
    )


@public_page
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /share/",
        *(f"Sitemap: {url}" for url in sitemap_urls()),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
