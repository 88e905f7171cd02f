"""Server-side page cache of the public site.

Anonymous readers of the public site get whole responses from two layers, checked by
``middleware_cache.PageCacheMiddleware`` right after WhiteNoise:

1. **In process** (per gunicorn worker): pages kept in memory, served with no network round trip
   and no SQL. This is what brings a cached page near the speed of a static file: a Redis round
   trip per request alone would cap it at well under half of that (docs/performance.md).
2. **Shared** (``CACHES[PAGE_CACHE_ALIAS]``, Redis in production): pages every worker and app server
   can reuse, and the one number that keeps them all coherent, the *public generation*.

Every page key holds the public generation. ``invalidate_public_pages()`` (called after commit
when anything public changes) increments it in the shared cache, so every app server moves to
fresh keys; old entries are never read again and simply expire. A worker re-reads the number at
most every ``PAGE_CACHE_MICRO_SECONDS`` (one second by default), so **a change becomes visible on
every app server within that window**, and at once on the worker that made it.

Scheduled go-live and expiry happen at query time with no event to invalidate anything. Each
worker therefore keeps, with the generation it read, the *next boundary*: the earliest
``go_live_at`` or ``ends_at`` still in the future, found with one query when the generation
changes. A worker that sees the boundary pass moves the generation on itself, so no cached page
outlives the moment it stops being true.

The cache never breaks a page: if the shared cache fails (Redis down), the error is logged, the
page is served uncached, and the shared cache is left alone for a few seconds before the next try.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, router, transaction
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe, urlencode

from articles.models import PublishedVersion
from newsroom.dbrouters import wait_for_replica

logger = logging.getLogger(__name__)

GENERATION_KEY = "articles:public-generation"
PAGE_KEY_PREFIX = "articles:page"

# Never cached, whoever asks: staff pages, previews and share links (each view of a share link is
# recorded, and a withdrawn one must close at once), health checks and metrics (they must
# reflect now), and files that WhiteNoise or the media server answer anyway.
EXCLUDED_PREFIXES = (
    "/admin/",
    "/preview/",
    "/share/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/static/",
    "/media/",
)
# The only query parameters a cacheable URL may carry: search's ?q= and pagination's ?page=.
# Anything else (tracking parameters, odd probes) goes to the view uncached.
ALLOWED_PARAMS = frozenset({"q", "page"})
# Missing pages are cached briefly: enough to absorb a burst on a mistyped link.
MISSING_STATUSES = frozenset({404, 410})
# After a shared-cache failure, go straight to the views for this long before trying again, so
# that an unreachable Redis costs one slow request per worker per period, not one per request.
RETRY_AFTER_SECONDS = 5.0

T = TypeVar("T")


class Entry(NamedTuple):
    """A stored response: what it takes to answer again, and until when."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    expires_at: float


@dataclass(frozen=True)
class Generation:
    """What one worker knows of the shared state, and since when."""

    number: int
    boundary: float  # epoch seconds of the next scheduled go-live or expiry; inf if none
    checked_at: float


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def is_enabled() -> bool:
    return bool(_setting("PAGE_CACHE_ENABLED", False))


def shared_cache():
    return caches[_setting("PAGE_CACHE_ALIAS", "default")]


def next_boundary(now: float | None = None) -> float:
    """Return when the set of live versions next changes by itself (epoch seconds, or inf).

    One aggregate query on the primary database: a replica that lags could miss a version
    scheduled a moment ago.
    """
    at = timezone.now() if now is None else datetime.datetime.fromtimestamp(now, tz=datetime.UTC)
    found = (
        PublishedVersion.objects.using(router.db_for_write(PublishedVersion))
        .aggregate(
            go_live=Min("go_live_at", filter=Q(go_live_at__gt=at)),
            ends=Min("ends_at", filter=Q(ends_at__gt=at)),
        )
        .values()
    )
    return min((moment.timestamp() for moment in found if moment is not None), default=math.inf)


class PageCache:
    """The two cache layers of one process: in-memory pages in front of the shared cache."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._pages: OrderedDict[str, Entry] = OrderedDict()
        self._varies: dict[str, tuple[str, ...]] = {}
        self._bytes = 0
        self._shared_down_until = 0.0

    # -- the shared generation ------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything held in this process (the shared cache is untouched)."""
        with self._lock:
            self._generation = None
            self._shared_down_until = 0.0
            self._clear_pages()

    def current_generation(self) -> int | None:
        """Return the generation to key pages on, or None to serve uncached.

        The number read from the shared cache is trusted for ``PAGE_CACHE_MICRO_SECONDS``, and
        never past the next scheduled boundary.
        """
        now = time.time()
        known = self._generation
        micro = float(_setting("PAGE_CACHE_MICRO_SECONDS", 1.0))
        # A clock that went backwards makes the age negative: re-read rather than trust it.
        if known is not None and 0 <= now - known.checked_at < micro and now < known.boundary:
            return known.number
        return self._refresh(now, known)

    def next_boundary(self) -> float:
        """The next scheduled boundary as of the generation last read (call after
        ``current_generation``); inf when none is known."""
        known = self._generation
        return known.boundary if known is not None else math.inf

    def _refresh(self, now: float, known: Generation | None) -> int | None:
        number = self._shared(self._read_generation)
        if number is None:
            return None
        boundary: float | None
        if known is not None and known.number == number:
            boundary = known.boundary
        else:
            # Read after the generation: every change that moved the generation to ``number``
            # was committed before, so this boundary accounts for it.
            boundary = _boundary(now)
        if boundary is not None and now >= boundary:
            # A scheduled version went live or one expired since this generation began: pages
            # stored under it may show the old state. Move everyone on.
            number = self._shared(_bump)
            boundary = _boundary(now) if number is not None else None
        if number is None or boundary is None:
            return None
        with self._lock:
            if self._generation is None or self._generation.number != number:
                self._clear_pages()
            self._generation = Generation(number, boundary, now)
        return number

    @staticmethod
    def _read_generation() -> int:
        cache = shared_cache()
        number = cache.get(GENERATION_KEY)
        if number is None:
            # First use, or the key was evicted: start from the clock in microseconds, which is
            # larger than any number handed out before, so no old page can match again.
            cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
            number = cache.get(GENERATION_KEY)
        return int(number)

    def _shared(self, operation: Callable[[], T]) -> T | None:
        """Run ``operation`` on the shared cache; on failure log, back off, and return None."""
        now = time.time()
        if now < self._shared_down_until:
            return None
        try:
            return operation()
        except Exception:
            # Any backend error (connection refused, timeout, a full Redis): the page is served
            # uncached instead. Logged once per back-off period, not once per request.
            self._shared_down_until = now + RETRY_AFTER_SECONDS
            logger.exception(
                "Page cache: the shared cache failed; serving uncached for %.0f s",
                RETRY_AFTER_SECONDS,
            )
            return None

    # -- pages ----------------------------------------------------------------------------

    def lookup(self, generation: int, url: str, request: HttpRequest) -> HttpResponse | None:
        """Return the cached response for ``request``, or None."""
        url_key = f"{generation}:{url}"
        vary = self._varies.get(url_key)
        if vary is None:
            vary = self._shared(lambda: shared_cache().get(_vary_key(url_key)))
            if vary is None:
                return None
        page_key = _page_key(url_key, vary, request)
        now = time.time()
        entry = self._pages.get(page_key)
        if entry is not None and now < entry.expires_at:
            layer = "local"
        else:
            entry = self._shared(lambda: shared_cache().get(page_key))
            if entry is None or now >= entry.expires_at:
                return None
            self._keep(generation, url_key, vary, page_key, entry)
            layer = "shared"
        return _respond(entry, request, layer)

    def store(
        self, generation: int, url: str, request: HttpRequest, response: HttpResponseBase
    ) -> bool:
        """Keep ``response`` if it is safe to give to any anonymous reader; return True if so."""
        timeout = cacheable_for(response)
        if timeout is None or not isinstance(response, HttpResponse):
            return False
        vary = _vary_headers(response)
        if vary is None:
            return False
        url_key = f"{generation}:{url}"
        page_key = _page_key(url_key, vary, request)
        headers = tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in {"set-cookie", "x-page-cache"}
        )
        entry = Entry(response.status_code, headers, response.content, time.time() + timeout)
        self._keep(generation, url_key, vary, page_key, entry)

        def write() -> None:
            cache = shared_cache()
            # The vary list outlives the pages it describes, so a page is never orphaned.
            cache.set(_vary_key(url_key), vary, timeout + 60)
            cache.set(page_key, entry, timeout)

        self._shared(write)
        return True

    def _keep(
        self, generation: int, url_key: str, vary: tuple[str, ...], page_key: str, entry: Entry
    ) -> None:
        limit = int(_setting("PAGE_CACHE_LOCAL_MAX_BYTES", 32 * 1024 * 1024))
        size = len(entry.content) + 64 * len(entry.headers)
        if size > limit:
            return
        with self._lock:
            known = self._generation
            if known is None or known.number != generation:
                return  # the generation moved on while the view ran: nobody will ask for it
            old = self._pages.pop(page_key, None)
            if old is not None:
                self._bytes -= len(old.content) + 64 * len(old.headers)
            self._pages[page_key] = entry
            self._varies[url_key] = vary
            self._bytes += size
            while self._bytes > limit and self._pages:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= len(evicted.content) + 64 * len(evicted.headers)

    def _clear_pages(self) -> None:
        self._pages.clear()
        self._varies.clear()
        self._bytes = 0


def _boundary(now: float) -> float | None:
    try:
        return next_boundary(now)
    except DatabaseError:
        # Without the boundary nothing new may be cached; pages go to the views (which report
        # the database problem themselves).
        logger.exception("Page cache: could not read the next scheduled boundary")
        return None


def _bump() -> int:
    cache = shared_cache()
    try:
        return int(cache.incr(GENERATION_KEY))
    except ValueError:
        # No generation yet (first use, or evicted): start one, as readers would.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        return int(cache.incr(GENERATION_KEY))


def _vary_key(url_key: str) -> str:
    return f"{PAGE_KEY_PREFIX}:vary:{hashlib.sha256(url_key.encode()).hexdigest()}"


# Public pages vary on Accept-Encoding only to be gzipped or not (``views.public_page``), so a
# page is kept twice at most, not once per browser's spelling of the header. The test is the
# one Django's GZipMiddleware makes (the word "gzip" anywhere in the header).
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _vary_value(request: HttpRequest, header: str) -> str:
    value = request.META.get(header, "")
    if header == "HTTP_ACCEPT_ENCODING":
        return "gzip" if ACCEPTS_GZIP.search(value) else ""
    return value


def _page_key(url_key: str, vary: tuple[str, ...], request: HttpRequest) -> str:
    varying = "\n".join(_vary_value(request, header) for header in vary)
    digest = hashlib.sha256(f"{url_key}\n{varying}".encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{digest}"


def _vary_headers(response: HttpResponseBase) -> tuple[str, ...] | None:
    """Return the request headers (as META keys) the response varies on; None for ``*``."""
    if not response.has_header("Vary"):
        return ()
    names = [name.strip() for name in cc_delim_re.split(response["Vary"]) if name.strip()]
    if "*" in names:
        return None
    return tuple(sorted({"HTTP_" + name.upper().replace("-", "_") for name in names}))


def _respond(entry: Entry, request: HttpRequest, layer: str) -> HttpResponse:
    body = b"" if request.method == "HEAD" else entry.content
    response = HttpResponse(body, status=entry.status)
    for name, value in entry.headers:
        response.headers[name] = value
    response.headers["X-Page-Cache"] = f"hit {layer}"
    if entry.status == 200 and (
        "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
    ):
        modified = response.get("Last-Modified")
        # Given a response, Django returns either a 304 or that response, never None.
        return (
            get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(modified) if modified else None,
                response=response,
            )
            or response
        )
    return response


def cacheable_for(response: HttpResponseBase) -> int | None:
    """Return for how many seconds ``response`` may be shared between readers, or None."""
    if response.streaming or response.cookies or response.has_header("Set-Cookie"):
        return None
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return None
    seconds = int(_setting("PAGE_CACHE_SECONDS", 300))
    if response.status_code == 200:
        return seconds
    if response.status_code in MISSING_STATUSES:
        return min(seconds, int(_setting("PAGE_CACHE_MISSING_SECONDS", 10)))
    return None


S_MAXAGE = re.compile(r"\bs-maxage=(\d+)")


def cap_shared_max_age(response: HttpResponseBase, boundary: float, now: float) -> None:
    """Keep a proxy's copy (``s-maxage``) from outliving the next scheduled go-live or
    expiry: no process purges the proxy at that moment, so it must ask again by then."""
    found = S_MAXAGE.search(response.headers.get("Cache-Control", ""))
    if found is None or boundary == math.inf:
        return
    remaining = max(0, math.floor(boundary - now))
    if remaining < int(found.group(1)):
        patch_cache_control(response, s_maxage=remaining)


def request_url(request: HttpRequest) -> str | None:
    """Return the cache identity of an anonymous public GET or HEAD, or None to bypass."""
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.path
    if path.startswith(EXCLUDED_PREFIXES):
        return None
    # A session cookie means someone logged in (anonymous readers get none); staff must see
    # live pages. HTTP authentication, likewise, is personal.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return None
    query = ""
    if request.META.get("QUERY_STRING"):
        if not set(request.GET).issubset(ALLOWED_PARAMS):
            return None
        query = urlencode(sorted(request.GET.lists()), doseq=True)
    return f"{request.scheme}://{request.get_host()}{path}?{query}"


# The layers of this process, used by the middleware.
page_cache = PageCache()


def public_generation() -> int | None:
    """Return the current public generation, or None while the shared cache is unavailable."""
    return page_cache.current_generation()


def invalidate_public_pages() -> int | None:
    """Make every cached public page stale, on every app server; return the new generation.

    Call it after commit. This process sees the change at once, other workers and servers
    within ``PAGE_CACHE_MICRO_SECONDS``. If the shared cache cannot be reached the error is
    logged and None returned: other servers then keep their pages until the shared cache
    answers again or the pages expire (``PAGE_CACHE_SECONDS``).
    """
    page_cache.reset()
    try:
        return _bump()
    except Exception:
        logger.exception(
            "Page cache: could not invalidate public pages; other app servers may serve stale "
            "pages for up to PAGE_CACHE_SECONDS"
        )
        return None


def invalidate_on_commit(using: str | None = None) -> None:
    """Invalidate public pages when the current transaction commits (once per transaction)."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        callback is invalidate_public_pages for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(invalidate_public_pages, using=using)


def _changed(sender, using: str | None = None, **kwargs) -> None:
    invalidate_on_commit(using)


def _published(sender, **kwargs) -> None:
    # Sent after commit already (articles.publishing.moves). Public pages are read from the
    # replica when there is one: let it catch up first, so that no page is cached again from
    # a replica still showing what was just withdrawn (the frontend purge comes after this).
    wait_for_replica()
    invalidate_public_pages()


def connect_signals() -> None:
    """Invalidate when what public pages show changes.

    Published versions change only through publishing's moves (publish, unpublish, restore),
    which send ``public_pages_changed`` after commit. Topic and stakeholder pages show those
    rows as they are now (and their old slugs redirect), and the policy pages are flat pages:
    their saves and deletes invalidate after commit.
    """
    from django.contrib.flatpages.models import FlatPage
    from django.db.models.signals import post_delete, post_save

    from articles.models import SlugRedirect, Stakeholder, Topic
    from articles.publishing.signals import public_pages_changed
    from articles.site import purge

    public_pages_changed.connect(_published, dispatch_uid="page-cache-published")
    for model in (Topic, Stakeholder, SlugRedirect, FlatPage):
        post_save.connect(_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page-cache-d-{model.__name__}")
    # After the page cache's receivers, so that a proxy asking again at once gets the new page.
    purge.connect_signals()
