"""Invariant 1 for the live preview: what is previewed reaches no public URL, cached or not.

A canary is typed into every part of a live explainer's change form, or of the add form, and
previewed (the answer shows it, so the test means something); then every public URL, fetched
before and after with the page cache on, must show none of it, and nothing readers are served
from (versions, their list and watch rows) may have changed.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Explainer, ListEntry, PublishedVersion, WatchItem
from articles.site import cache
from tests import factories
from tests.adminform import form_data
from tests.articles.publicsite import publish
from tests.articles.test_leaks import public_urls

pytestmark = pytest.mark.django_db

CANARY = "CanaryXqLivePreview"
NEW_SLUG = "live-preview-new-leak"  # the add form's explainer


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


def warmed_reader(urls: list[str]) -> Client:
    """A reader who has opened every URL once, so the page cache holds each page."""
    readers = Client()
    for url in urls:
        assert readers.get(url).status_code < 500, url
    return readers


def showing_the_canary(readers: Client, urls: list[str]) -> list[str]:
    """The URLs whose page shows the canary: as cached, then read afresh from the database."""
    offenders = [url for url in urls if CANARY in readers.get(url).content.decode()]
    cache.page_cache.reset()
    offenders += [url for url in urls if CANARY in readers.get(url).content.decode()]
    return offenders


def test_a_preview_of_a_live_explainer_reaches_no_public_url(page_cache_on, editor):
    author = factories.UserFactory(username="leak_author")
    explainer = factories.complete_explainer(authors=[author], slug="live-preview-leak")
    publish(explainer)
    urls = public_urls(explainer, author, CANARY)
    readers = warmed_reader(urls)
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

    assert showing_the_canary(readers, urls) == []
    assert reader_rows(explainer) == rows
    assert CANARY not in str(reader_rows(explainer))


def canary_add_form(client: Client) -> dict:
    """The add form, with the canary typed into the explainer and into a new row of each part."""
    response = client.get(reverse("admin:articles_explainer_add"))
    data = form_data(response.content.decode(), "explainer_form")
    for prefix in ("key_facts", "sources", "timeline", "corrections"):
        # "Add another" fills a new row from the empty form's defaults.
        template = f"{prefix}-__prefix__-"
        data.update(
            {f"{prefix}-0-{k[len(template) :]}": v for k, v in data.items() if template in k}
        )
        data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update(
        {
            "title": f"Title {CANARY}",
            "slug": NEW_SLUG,
            "dek": f"Dek {CANARY}",
            "what_happened": f"<p>What happened {CANARY}</p>",
            "background": f"<p>Background {CANARY}</p>",
            "key_facts-0-text": f"Fact {CANARY}",
            "sources-0-citation": f"Source {CANARY}",
            "timeline-0-kind": "upcoming",
            "timeline-0-date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "timeline-0-precision": "day",
            "timeline-0-text": f"Upcoming {CANARY}",
            "corrections-0-text": f"Correction {CANARY}",
        }
    )
    return data


def test_a_preview_of_a_new_explainer_reaches_no_public_url(page_cache_on, writer):
    """The add form's preview: nothing typed in reaches a public URL, its slug's included."""
    explainer = factories.complete_explainer(authors=[writer], slug="live-preview-leak")
    publish(explainer)
    urls = public_urls(explainer, writer, CANARY) + [
        reverse("articles:explainer", kwargs={"slug": NEW_SLUG}),
        reverse("articles:timeline_json", args=[NEW_SLUG]),
    ]
    readers = warmed_reader(urls)
    rows = reader_rows(explainer)

    desk = Client()
    desk.force_login(writer)
    preview = desk.post(reverse("admin:articles_explainer_add_live_preview"), canary_add_form(desk))
    assert preview.headers["Live-Preview"] == "shown", preview.content.decode()[:3000]
    shown = preview.content.decode()
    for part in ("Title", "Fact", "Source", "Upcoming", "Correction", "Background"):
        assert f"{part} {CANARY}" in shown, part

    assert showing_the_canary(readers, urls) == []
    assert reader_rows(explainer) == rows
    assert not Explainer.objects.filter(slug=NEW_SLUG).exists()
