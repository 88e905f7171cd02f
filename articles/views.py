"""Public views. They read published versions only (``PublishedVersion.objects.live()``)."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import PublishedVersion, Stakeholder, Topic


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    latest = PublishedVersion.objects.live().only("slug", "title", "dek", "go_live_at")[:20]
    return render(request, "articles/home.html", {"latest": latest})


@require_safe
def explainer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    version = PublishedVersion.objects.live().filter(slug=slug).first()
    if version is None:
        raise Http404("No explainer is published at this address.")
    return render(request, "articles/explainer_detail.html", {"version": version})


@require_safe
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    versions = [v for v in PublishedVersion.objects.live() if topic.pk in v.topic_ids]
    return render(request, "articles/topic_detail.html", {"topic": topic, "versions": versions})


@require_safe
def stakeholder_detail(request: HttpRequest, slug: str) -> HttpResponse:
    stakeholder = get_object_or_404(Stakeholder, slug=slug)
    versions = [v for v in PublishedVersion.objects.live() if stakeholder.pk in v.stakeholder_ids]
    return render(
        request,
        "articles/stakeholder_detail.html",
        {"stakeholder": stakeholder, "versions": versions},
    )


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
