"""The site's machine-readable addresses: timeline JSON, the calendar, feeds, sitemaps,
robots.txt, the icon and web app manifest, and the health check. Cached and conditional like
the pages (``views.public_page``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.models import PublishedVersion, Topic
from articles.publishing.render import absolute_url, explainer_path
from articles.site import icons, timelinejs
from articles.site import reads as public
from articles.site.feeds import (
    LatestExplainersAtomFeed,
    LatestExplainersFeed,
    TopicAtomFeed,
    TopicFeed,
)
from articles.site.ical import CALENDAR_PRECISIONS, calendar_bytes
from articles.site.sitemaps import NEWS_SITEMAPS, SITEMAP_TEMPLATE, SITEMAPS, sitemap_urls
from articles.site.views import (
    ICS_HORIZON,
    ICS_MAX_EVENTS,
    follows_old_slugs,
    public_page,
)


@public_page
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
def sitemap(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS, template_name=SITEMAP_TEMPLATE)
    # Django dates the whole sitemap by its newest lastmod. A withdrawal takes URLs out without
    # a newer one, so like other lists it is validated by its content (ETag) alone.
    del response["Last-Modified"]
    return response


@public_page
def news_sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(
        request, sitemaps=NEWS_SITEMAPS, template_name="articles/news_sitemap.xml"
    )


@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /share/",
        *(f"Sitemap: {url}" for url in sitemap_urls()),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@public_page
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Send clients that ask for /favicon.ico by habit to the static icon (pages link it)."""
    return HttpResponsePermanentRedirect(static("icons/favicon.ico"))


@public_page
def web_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the name and icons a phone shows for a page saved to its home
    screen. ``display: minimal-ui`` keeps the back button and the address, which a reader
    checking a source needs."""
    manifest = {
        "name": settings.NEWSROOM_NAME,
        "short_name": settings.NEWSROOM_SHORT_NAME,
        "lang": settings.NEWSROOM_LANGUAGE,
        "start_url": reverse("articles:home"),
        "scope": reverse("articles:home"),
        "display": "minimal-ui",
        "background_color": icons.PAPER,
        "theme_color": icons.RED,
        "icons": [
            *(
                {
                    "src": static(f"icons/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                }
                for size in icons.PNG_SIZES
            ),
            {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
