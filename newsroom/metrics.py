"""Prometheus metrics: what the app counts, and the token-guarded endpoint that exports it.

django-prometheus's middleware measures every request (latency histograms per view and method,
status codes, exceptions). The counters here add what only this app knows: how the page cache
answers, which workflow moves are made, frontend-cache purges and how long a publishing move
takes to reach the readers' cache. ``/metrics`` answers only with
``Authorization: Bearer $METRICS_TOKEN`` and is a 404 when no token is set, so a public
deployment shows nothing by default. Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` so that
every worker's numbers are added up (``gunicorn.conf.py`` clears the directory at start).
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Histogram

page_cache_requests = Counter(
    "newsroom_page_cache_requests_total",
    "Anonymous public requests the page cache answered (hit) or stored after the view (miss).",
    ["result"],
)
workflow_moves = Counter(
    "newsroom_workflow_moves_total",
    "Workflow moves made (submit, approve, publish, schedule, unpublish, …).",
    ["move"],
)

purges = Counter(
    "newsroom_frontend_cache_purges_total",
    "Frontend-cache (CDN, Varnish) purges, by backend and result (success or failure).",
    ["backend", "result"],
)
publish_visible = Histogram(
    "newsroom_publish_to_visible_seconds",
    "From a publishing move's commit to the frontend cache confirming the purge.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def count_workflow_move(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A ``post_save`` receiver for ``Transition``: every move is one new row."""
    if created:
        workflow_moves.labels(move=instance.name).inc()


@csrf_exempt  # GET and HEAD only (require_safe): a POST gets a 405, not the CSRF 403 page
@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("Metrics are not enabled.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse(
            "A valid metrics token is required.\n",
            status=401,
            content_type="text/plain",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return ExportToDjangoView(request)
