"""Health endpoints for load balancers and orchestrators.

``/healthz`` says the process is alive and serving (no dependency is asked: a database outage
must not get every app server restarted). ``/readyz`` says whether this server can serve now:
the primary database, the read replica when one is configured, the shared cache and the
frontend cache that purges go to (when one is configured) each answer; 503 with the failing
checks named otherwise, so a load balancer takes the server out of rotation until they answer
again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from articles.site import purge_backends

logger = logging.getLogger(__name__)


@csrf_exempt  # GET and HEAD only (require_safe): a POST gets a 405, not the CSRF 403 page
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def database_answers(alias: str) -> Callable[[], None]:
    def check() -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")

    return check


def cache_answers() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


def checks() -> dict[str, Callable[[], None]]:
    found = {"database": database_answers("default")}
    for alias in connections:
        if alias != "default":
            found[f"database:{alias}"] = database_answers(alias)
    found["cache"] = cache_answers
    backend = purge_backends.configured()
    if backend is not None:
        found[f"purge:{backend.name}"] = backend.reachable
    return found


@csrf_exempt  # GET and HEAD only (require_safe): a POST gets a 405, not the CSRF 403 page
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in checks().items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            logger.warning("Readiness check %s failed: %s", name, error)
            results[name] = "failing"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
