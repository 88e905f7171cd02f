"""Server-side page caching of the public site: one generation number for every page.

Cached public pages key on ``public_generation()``; publishing, unpublishing and restoring call
``invalidate_public_pages()`` after commit, which moves every app server sharing the cache to
fresh keys at once (old entries simply expire).
"""

from __future__ import annotations

from django.core.cache import cache

GENERATION_KEY = "articles:public-generation"


def public_generation() -> int:
    """Return the current generation of cached public pages."""
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def invalidate_public_pages() -> int:
    """Make every cached public page stale; return the new generation."""
    cache.add(GENERATION_KEY, 1, timeout=None)
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:
        # The key was evicted between add() and incr(): start a new generation.
        cache.set(GENERATION_KEY, 2, timeout=None)
        return 2
