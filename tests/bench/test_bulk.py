"""Bulk benchmark data (the bench/bulk/ package, bench/seed.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Explainer, ListEntry, PublishedVersion, Stakeholder
from articles.publishing import freeze as publishing
from articles.snapshot import snapshot
from bench.bulk import seed
from bench.bulk.plan import EVENTS, FACTS, SOURCES, STAKEHOLDERS
from bench.bulk.pools import STAKEHOLDER_POOL
from bench.seed import parse_args, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seed(3, batch_size=2, workers=0)
    return list(Explainer.objects.order_by("pk"))


def test_each_explainer_has_the_promised_parts(seeded):
    """8 facts, 6 sources, 5 viewpoints and 8 timeline events, all facts verified and cited."""
    for explainer in seeded:
        assert explainer.key_facts.count() == FACTS
        assert explainer.sources.count() == SOURCES
        assert explainer.viewpoints.count() == STAKEHOLDERS
        assert explainer.timeline.count() == EVENTS
        assert not explainer.key_facts.exclude(check_status="verified").exists()
        assert not explainer.key_facts.filter(sources=None).exists()


def test_every_explainer_is_live(seeded):
    """Each explainer has one live published version under its own slug."""
    live = PublishedVersion.objects.live()
    assert sorted(live.values_list("slug", flat=True)) == sorted(e.slug for e in seeded)


def test_version_data_is_what_publishing_would_freeze(seeded):
    """The stored data equals what freeze() stores: snapshot() of the working copy written,
    with the authors' public slugs."""
    for explainer in seeded:
        version = explainer.versions.get()
        assert version.data == publishing.with_author_slugs(snapshot(explainer))


def test_version_html_is_what_publishing_would_render(seeded):
    """The stored HTML parts, card and Up next ids are exactly what render_version() produces."""
    version = PublishedVersion.objects.select_related("explainer").first()
    fields = ("body_html", "body_end_html", "head_html", "card_html", "related_ids")
    stored = [getattr(version, name) for name in fields]
    assert version.card_html and version.body_end_html
    publishing.render_version(version)
    assert stored == [getattr(version, name) for name in fields]


def test_text_is_about_nine_hundred_words(seeded):
    """Sections, facts, viewpoints and timeline add up to roughly 900 words."""
    data = seeded[0].versions.get().data
    words = len(publishing.search_text(data).split())
    words += sum(len(event["text"].split()) for event in data["timeline"])
    assert 750 <= words <= 1100


def test_stakeholders_come_from_a_shared_pool(seeded):
    """Stakeholders are reused across explainers, not created per explainer."""
    seed(40, workers=0)
    assert Stakeholder.objects.count() == STAKEHOLDER_POOL
    used = list(
        ListEntry.objects.filter(kind=ListEntry.Kind.STAKEHOLDER).values_list("key", flat=True)
    )
    assert len(set(used)) < len(used)  # some stakeholder speaks in several explainers


def test_public_pages_of_a_seeded_explainer_answer(seeded, client):
    """Its page, timeline, topic, stakeholder and author pages answer 200 and link to it."""
    explainer = seeded[0]
    data = explainer.versions.get().data
    own = reverse("articles:explainer", args=[explainer.slug])
    assert explainer.title in client.get(own).content.decode()
    assert client.get(reverse("articles:timeline_json", args=[explainer.slug])).status_code == 200
    for name, slug in (
        ("articles:topic", data["topics"][0]["slug"]),
        ("articles:stakeholder", data["viewpoints"][0]["stakeholder"]["slug"]),
        ("articles:author", data["authors"][0]["slug"]),
    ):
        response = client.get(reverse(name, args=[slug]))
        assert response.status_code == 200, name
        assert own in response.content.decode(), name


def test_topic_page_counts_the_seeded_explainers(seeded, client):
    """A topic page's count is the number of seeded explainers filed under that topic."""
    topic = seeded[0].topics.first()
    expected = topic.explainers.count()
    response = client.get(reverse("articles:topic", args=[topic.slug]))
    assert f"Explainers ({expected})" in response.content.decode()


def test_seeding_makes_cached_pages_stale(settings, client):
    """A home page cached before seeding shows the new explainers after it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bench-bulk-tests",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_MICRO_SECONDS = 0
    client.get("/")
    seed(1, workers=0)
    assert Explainer.objects.get().title in client.get("/").content.decode()


def test_script_creates_the_requested_number(capsys):
    """bench/seed.py --explainers N adds N published explainers and says so."""
    run(parse_args(["--explainers", "4", "--batch-size", "3", "--workers", "0", "--quiet"]))
    assert PublishedVersion.objects.live().count() == 4
    assert "Created 4 published explainers" in capsys.readouterr().out


@pytest.mark.parametrize("option", ["--explainers", "--batch-size"])
def test_script_refuses_a_count_below_one(option, capsys):
    """--explainers 0 or --batch-size 0 stops with a clear message before any write."""
    with pytest.raises(SystemExit):
        parse_args([option, "0"])
    assert f"{option}: must be at least 1, not 0" in capsys.readouterr().err
    assert not Explainer.objects.exists()


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
