"""The page-cache middleware: whole anonymous responses, before the rest of the stack runs.

It sits right after WhiteNoise in ``MIDDLEWARE``: a hit skips sessions, CSRF, authentication,
URL resolving, the view and the database. What may be cached, and how the layers stay coherent
across app servers, is decided in ``articles/site/cache.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from articles.site import cache
from newsroom.metrics import page_cache_requests


class PageCacheMiddleware:
    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponseBase],
        page_cache: cache.PageCache | None = None,
    ) -> None:
        self.get_response = get_response
        self.page_cache = page_cache or cache.page_cache

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not cache.is_enabled():
            response = self.get_response(request)
            if settings.FRONTEND_CACHE_BACKEND:
                # No page cache to know the next scheduled moment: ask the database.
                cache.cap_shared_max_age(response, cache.next_boundary(), time.time())
            return response
        url = cache.request_url(request)
        if url is None:
            return self.get_response(request)
        generation = self.page_cache.current_generation()
        if generation is None:
            # The shared cache is unavailable (logged): the page is served uncached.
            return self.get_response(request)
        hit = self.page_cache.lookup(generation, url, request)
        if hit is not None:
            page_cache_requests.labels(result="hit").inc()
            cache.cap_shared_max_age(hit, self.page_cache.next_boundary(), time.time())
            return hit
        response = self.get_response(request)
        # HEAD answers are not stored: a GET fills the entry that both then use.
        if request.method == "GET" and self.page_cache.store(generation, url, request, response):
            response.headers["X-Page-Cache"] = "miss"
            page_cache_requests.labels(result="miss").inc()
        cache.cap_shared_max_age(response, self.page_cache.next_boundary(), time.time())
        return response
