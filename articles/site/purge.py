"""Frontend-cache purge by tag: what each public response shows, and what a change makes stale.

A proxy or CDN in front of the app servers (Varnish, Fastly, Cloudflare, CloudFront) keeps
public pages for ``s-maxage``. Every public response carries the *tags* of what it shows, in
the header the configured proxy reads (``xkey``, ``Surrogate-Key`` or ``Cache-Tag``), and every
change purges exactly the tags it makes stale, after commit:

- ``explainer-<id>``: an explainer's page (and its timeline), and every page whose "Up next"
  names it, so that a withdrawal or a new headline reaches those too;
- ``explainer:<slug>``, ``topic:<slug>``, ``stakeholder:<slug>``, ``author:<slug>``: whatever
  answers at that address, a page, a 301 or a 410 (an old slug's redirect included);
- ``home``, ``feeds``, ``watch``, ``search``, ``corrections``, ``sitemaps``, ``pages``: the
  site-wide lists and the policy pages.

A published explainer page is frozen when it is published, so editing a topic or a stakeholder
changes their own pages, not the explainer pages that name them: those carry no entity tags.

Scheduled go-lives and expiries have no moment at which anything runs: the page's
``s-maxage`` never reaches past the next one (``articles.site.cache``), so the proxy asks again
on time. Purges that fail are retried, then logged as errors and counted in the metrics; the
``purge_frontend_cache`` command purges everything.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from articles.models import (
    AuthorProfile,
    ListEntry,
    PublishedVersion,
    SlugRedirect,
    Stakeholder,
    Topic,
    Transition,
)
from articles.site import purge_backends
from newsroom.metrics import publish_visible, purges

logger = logging.getLogger(__name__)

SITE_WIDE = ("home", "feeds", "watch", "search", "corrections", "sitemaps")
# Tags of the pages found by URL name alone; pages with a slug add their own (``url_tags``).
URL_TAGS: dict[str, tuple[str, ...]] = {
    "home": ("home",),
    "feed_rss": ("feeds",),
    "feed_atom": ("feeds",),
    "topic_feed_rss": ("feeds",),
    "topic_feed_atom": ("feeds",),
    "watch": ("watch",),
    "watch_ics": ("watch",),
    "search": ("search",),
    "corrections": ("corrections",),
    "sitemap": ("sitemaps",),
    "news_sitemap": ("sitemaps",),
    "robots": ("sitemaps",),
    "corrections_policy": ("pages",),
    "fact_checking_policy": ("pages",),
    "publishing_principles": ("pages",),
}
SLUG_TAGS = {
    "explainer": "explainer",
    "timeline_json": "explainer",
    "topic": "topic",
    "topic_feed_rss": "topic",
    "topic_feed_atom": "topic",
    "stakeholder": "stakeholder",
    "author": "author",
}
RETRY_DELAYS = (0.2, 1.0)
# How long after the page cache's window the second purge of a publishing move comes.
SETTLE_SECONDS = 0.2


def explainer_tag(explainer_id: int) -> str:
    return f"explainer-{explainer_id}"


def url_tags(request: HttpRequest) -> list[str]:
    """The tags of whatever answers at ``request``'s address."""
    match = request.resolver_match
    if match is None:
        return []
    tags = list(URL_TAGS.get(match.url_name or "", ()))
    kind = SLUG_TAGS.get(match.url_name or "")
    if kind is not None:
        key = match.kwargs.get("slug") or match.kwargs.get("username")
        if key:
            tags.append(f"{kind}:{key}")
    return tags


def tag_response(request: HttpRequest, response: HttpResponseBase, *extra: str) -> None:
    """Give a public response its tags, in the configured proxy's header (if one is set)."""
    backend = purge_backends.configured()
    if backend is None or not backend.tag_header:
        return
    existing = response.headers.get(backend.tag_header, "")
    old = [tag for tag in existing.split(backend.tag_separator) if tag]
    tags = dict.fromkeys([*old, *url_tags(request), *extra])
    response.headers[backend.tag_header] = backend.tag_separator.join(tags)


def explainer_page_tags(version: PublishedVersion) -> list[str]:
    """An explainer page shows its own version and the "Up next" explainers it names."""
    return [explainer_tag(version.explainer_id)] + [
        explainer_tag(pk) for pk in version.related_ids or []
    ]


def tags_for_explainer(explainer_id: int) -> set[str]:
    """Everything a move of this explainer (publish, correct, withdraw, …) can make stale:
    its pages under every slug it had, the lists it is or was on, and the site-wide lists."""
    tags = {explainer_tag(explainer_id), *SITE_WIDE}
    versions = PublishedVersion.objects.filter(explainer_id=explainer_id)
    tags.update(f"explainer:{slug}" for slug in versions.values_list("slug", flat=True))
    keys: dict[str, set[int]] = {kind: set() for kind in ListEntry.Kind.values}
    for kind, key in ListEntry.objects.filter(version__in=versions).values_list("kind", "key"):
        keys[kind].add(key)
    tags.update(
        f"topic:{s}"
        for s in Topic.objects.filter(pk__in=keys["topic"]).values_list("slug", flat=True)
    )
    tags.update(
        f"stakeholder:{s}"
        for s in Stakeholder.objects.filter(pk__in=keys["stakeholder"]).values_list(
            "slug", flat=True
        )
    )
    tags.update(
        f"author:{slug}"
        for slug in AuthorProfile.objects.filter(user_id__in=keys["author"]).values_list(
            "slug", flat=True
        )
    )
    return tags


def purge(tags: Iterable[str]) -> bool:
    """Purge ``tags`` from the frontend cache now, retrying; True when it is done (or when
    no frontend cache is configured). A failure is logged as an error: pages may then stay
    stale in the proxy for up to ``s-maxage``."""
    backend = purge_backends.configured()
    wanted = sorted(set(tags))
    if backend is None or not wanted:
        return True
    for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
        try:
            backend.purge(wanted)
        except purge_backends.PurgeError as error:
            if delay is None:
                purges.labels(backend=backend.name, result="failure").inc()
                logger.error(
                    "Frontend cache purge FAILED after %d attempts (%s): %s. Tags: %s. Pages "
                    "may stay stale for up to s-maxage; run manage.py purge_frontend_cache.",
                    attempt,
                    backend.name,
                    error,
                    " ".join(wanted),
                )
                return False
            logger.warning("Frontend cache purge attempt %d failed: %s", attempt, error)
            time.sleep(delay)
        else:
            purges.labels(backend=backend.name, result="success").inc()
            return True
    return False  # pragma: no cover - the loop always returns


def purge_everything() -> bool:
    backend = purge_backends.configured()
    if backend is None:
        return True
    try:
        backend.purge_all()
    except purge_backends.PurgeError as error:
        purges.labels(backend=backend.name, result="failure").inc()
        logger.error("Frontend cache purge of everything FAILED (%s): %s", backend.name, error)
        return False
    purges.labels(backend=backend.name, result="success").inc()
    return True


def purge_on_commit(tags: Iterable[str]) -> None:
    wanted = set(tags)
    transaction.on_commit(lambda: purge(wanted))


# --- Receivers ------------------------------------------------------------------------------


def explainer_changed(sender: object, explainer_id: int | None = None, **kwargs: object) -> None:
    """A publishing move was committed (``public_pages_changed``): purge what it made stale,
    and measure how long the move took to reach the readers' caches (from the move's time in
    the audit trail; the page cache was invalidated just before this receiver runs)."""
    if explainer_id is None:
        return
    tags = tags_for_explainer(explainer_id) if settings.FRONTEND_CACHE_BACKEND else set()
    done = purge(tags)
    moved_at = Transition.objects.filter(explainer_id=explainer_id).values_list("at", flat=True)
    latest = moved_at.first()
    if done and latest is not None:
        publish_visible.observe(max(0.0, (timezone.now() - latest).total_seconds()))
    if tags and settings.PAGE_CACHE_ENABLED:
        purge_again_later(tags)


def purge_again_later(tags: set[str]) -> None:
    """Purge ``tags`` once more when every app server's page cache has seen the change.

    Other app servers' workers trust the page-cache generation they read for up to
    ``PAGE_CACHE_MICRO_SECONDS``: a proxy asking one of them again in that window may be given
    the old page and keep it for ``s-maxage``. A second purge just after the window evicts it.
    The timer thread is not a daemon, so a command that publishes waits for it before exiting.
    """
    delay = float(settings.PAGE_CACHE_MICRO_SECONDS) + SETTLE_SECONDS
    threading.Timer(delay, purge, args=(tags,)).start()


def entity_changed(sender: type, instance: Topic | Stakeholder, **kwargs: object) -> None:
    """A topic or stakeholder was saved or deleted: its page, and the lists that name it."""
    if settings.FRONTEND_CACHE_BACKEND:
        kind = "topic" if isinstance(instance, Topic) else "stakeholder"
        purge_on_commit({f"{kind}:{instance.slug}", "home", "sitemaps"})


def old_slug_changed(sender: type, instance: SlugRedirect, **kwargs: object) -> None:
    """An old address now redirects (or no longer does): what the proxy kept for it is stale."""
    if settings.FRONTEND_CACHE_BACKEND:
        kind = "topic" if instance.topic_id is not None else "stakeholder"
        purge_on_commit({f"{kind}:{instance.slug}"})


def flat_page_changed(sender: type, instance: object, **kwargs: object) -> None:
    if settings.FRONTEND_CACHE_BACKEND:
        purge_on_commit({"pages"})


def connect_signals() -> None:
    """Purge after every change readers could see (called by the page cache's own
    ``connect_signals``, after its receivers)."""
    from django.contrib.flatpages.models import FlatPage
    from django.db.models.signals import post_delete, post_save

    from articles.publishing.signals import public_pages_changed

    public_pages_changed.connect(explainer_changed, dispatch_uid="frontend-purge")
    for entity in (Topic, Stakeholder):
        name = entity.__name__
        post_save.connect(entity_changed, sender=entity, dispatch_uid=f"purge-{name}")
        post_delete.connect(entity_changed, sender=entity, dispatch_uid=f"purge-d-{name}")
    post_save.connect(old_slug_changed, sender=SlugRedirect, dispatch_uid="purge-old-slug")
    post_delete.connect(old_slug_changed, sender=SlugRedirect, dispatch_uid="purge-d-old-slug")
    post_save.connect(flat_page_changed, sender=FlatPage, dispatch_uid="purge-flatpage")
    post_delete.connect(flat_page_changed, sender=FlatPage, dispatch_uid="purge-d-flatpage")
