"""Bulk benchmark data (articles/bulk.py, manage.py seed_bulk)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from articles import bulk
from articles.models import Explainer, ListEntry, PublishedVersion, Stakeholder
from articles.publishing import freeze as publishing
from articles.snapshot import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    bulk.seed(3, batch_size=2, workers=0)
    return list(Explainer.objects.order_by("pk"))


def test_each_explainer_has_the_promised_parts(seeded):
    """8 facts, 6 sources, 5 viewpoints and 8 timeline events, all facts verified and cited."""
    for explainer in seeded:
        assert explainer.key_facts.count() == bulk.FACTS
        assert explainer.sources.count() == bulk.SOURCES
        assert explainer.viewpoints.count() == bulk.STAKEHOLDERS
        assert explainer.timeline.count() == bulk.EVENTS
        assert not explainer.key_facts.exclude(check_status="verified").exists()
        assert not explainer.key_facts.filter(sources=None).exists()


def test_every_explainer_is_live(seeded):
    """Each explainer has one live published version under its own slug."""
    live = PublishedVersion.objects.live()
    assert sorted(live.values_list("slug", flat=True)) == sorted(e.slug for e in seeded)


def test_version_data_is_what_publishing_would_freeze(seeded):
    """The stored data equals snapshot() of the working copy written."""
    for explainer in seeded:
        version = explainer.versions.get()
        assert version.data == snapshot(explainer)


def test_version_html_is_what_publishing_would_render(seeded):
    """body_html, head_html and card_html are exactly what render_version() produces."""
    version = PublishedVersion.objects.select_related("explainer").first()
    stored = (version.body_html, version.head_html, version.card_html)
    assert version.card_html
    publishing.render_version(version)
    assert stored == (version.body_html, version.head_html, version.card_html)


def test_text_is_about_nine_hundred_words(seeded):
    """Sections, facts, viewpoints and timeline add up to roughly 900 words."""
    data = seeded[0].versions.get().data
    words = len(publishing.search_text(data).split())
    words += sum(len(event["text"].split()) for event in data["timeline"])
    assert 750 <= words <= 1100


def test_stakeholders_come_from_a_shared_pool(seeded):
    """Stakeholders are reused across explainers, not created per explainer."""
    bulk.seed(40, workers=0)
    assert Stakeholder.objects.count() == bulk.STAKEHOLDER_POOL
    used = list(
        ListEntry.objects.filter(kind=ListEntry.Kind.STAKEHOLDER).values_list("key", flat=True)
    )
    assert len(set(used)) < len(used)  # some stakeholder speaks in several explainers


def test_command_creates_the_requested_number(capsys):
    """manage.py seed_bulk --explainers N adds N published explainers."""
    call_command("seed_bulk", explainers=4, batch_size=3, verbosity=0)
    assert PublishedVersion.objects.live().count() == 4
    assert "Created 4 published explainers" in capsys.readouterr().out


@pytest.mark.postgres
def test_search_vector_matches_publishing(seeded):
    """On PostgreSQL the vector equals what publishing.update_search_vector() stores."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    version = PublishedVersion.objects.first()
    stored = version.search_vector
    publishing.update_search_vector(version)
    version.refresh_from_db()
    assert stored and stored == version.search_vector
