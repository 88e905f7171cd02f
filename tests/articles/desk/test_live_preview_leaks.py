"""Invariant 1 for the live preview: what is previewed reaches no public URL, cached or not.

A canary is typed into every part of a live explainer's change form and previewed (the answer
shows it, so the test means something); then every public URL, fetched before and after with
the page cache on, must show none of it, and nothing readers are served from (versions, their
list and watch rows) may have changed.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import ListEntry, PublishedVersion, WatchItem
from articles.site import cache
from tests import factories
from tests.adminform import form_data
from tests.articles.publicsite import publish
from tests.articles.test_leaks import public_urls

pytestmark = pytest.mark.django_db

CANARY = "CanaryXqLivePreview"


@pytest.fixture
def page_cache_on(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "live-preview-leaks",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 300
    caches["default"].clear()
    cache.page_cache.reset()
    yield
    cache.page_cache.reset()


def canary_form(client: Client, explainer) -> dict:
    """The change form, with the canary typed into every part of it, new rows included."""
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    soon = timezone.localdate() + datetime.timedelta(days=3)
    data.update(
        {
            "title": f"Title {CANARY}",
            "dek": f"Dek {CANARY}",
            "what_happened": f"<p>What happened {CANARY}</p>",
            "background": f"<p>Background {CANARY}</p>",
            "why_it_matters": f"<p>Why {CANARY}</p>",
            "key_facts-0-text": f"Fact {CANARY}",
            "sources-0-citation": f"Source {CANARY}",
            "viewpoints-0-text": f"View {CANARY}",
            "timeline-TOTAL_FORMS": str(int(data["timeline-TOTAL_FORMS"]) + 1),
            "timeline-2-kind": "upcoming",
            "timeline-2-date": soon.isoformat(),
            "timeline-2-precision": "day",
            "timeline-2-text": f"Upcoming {CANARY}",
            "corrections-TOTAL_FORMS": str(int(data["corrections-TOTAL_FORMS"]) + 1),
            "corrections-0-kind": "correction",
            "corrections-0-text": f"Correction {CANARY}",
            "corrections-0-dated": timezone.localdate().isoformat(),
        }
    )
    return data


def reader_rows(explainer) -> tuple:
    return (
        list(PublishedVersion.objects.filter(explainer=explainer).values()),
        list(ListEntry.objects.filter(version__explainer=explainer).values()),
        list(WatchItem.objects.filter(explainer=explainer).values()),
    )


def test_a_preview_of_a_live_explainer_reaches_no_public_url(page_cache_on, editor):
    author = factories.UserFactory(username="leak_author")
    explainer = factories.complete_explainer(authors=[author], slug="live-preview-leak")
    publish(explainer)
    urls = public_urls(explainer, author, CANARY)
    readers = Client()
    for url in urls:  # warm the page cache
        assert readers.get(url).status_code < 500, url
    rows = reader_rows(explainer)

    desk = Client()
    desk.force_login(editor)
    preview = desk.post(
        reverse("admin:articles_explainer_live_preview", args=[explainer.pk]),
        canary_form(desk, explainer),
    )
    assert preview.headers["Live-Preview"] == "shown", preview.content.decode()[:3000]
    shown = preview.content.decode()
    for part in ("Title", "Fact", "Source", "View", "Upcoming", "Correction", "Background"):
        assert f"{part} {CANARY}" in shown, part

    offenders = [url for url in urls if CANARY in readers.get(url).content.decode()]
    cache.page_cache.reset()  # and from the database, past any cached copy
    offenders += [url for url in urls if CANARY in readers.get(url).content.decode()]
    assert offenders == []
    assert reader_rows(explainer) == rows
    assert CANARY not in str(reader_rows(explainer))
