"""List entries: a version's places on topic, stakeholder and author pages, kept in step with it.

``ListEntry`` rows copy their version's times so that one index gives a list in order.
These tests hold the copies equal to the versions through publishing, scheduling, republishing
and withdrawal, and the migration's backfill equal to what publishing writes.
"""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from articles.models import ListEntry, PublishedVersion
from articles.publishing import freeze as publishing
from articles.querysets import live_q
from articles.site import reads as public
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db

TIMES = ("first_published_at", "go_live_at", "ends_at")


def entries_out_of_step() -> list:
    """Return the entries whose times differ from their version's."""
    return [
        entry
        for entry in ListEntry.objects.select_related("version")
        if any(getattr(entry, f) != getattr(entry.version, f) for f in TIMES)
    ]


def test_a_frozen_version_has_one_entry_per_topic_stakeholder_and_author():
    rivers = factories.TopicFactory(name="Rivers", slug="rivers")
    roads = factories.TopicFactory(name="Roads", slug="roads")
    writers = [factories.UserFactory(username=f"writer{n}") for n in range(2)]
    explainer = live_explainer(topics=[rivers, roads], authors=writers)
    version = PublishedVersion.objects.get(explainer=explainer)

    found = set(ListEntry.objects.filter(version=version).values_list("kind", "key"))

    assert found == {
        ("topic", rivers.pk),
        ("topic", roads.pk),
        *(("stakeholder", v["stakeholder"]["id"]) for v in version.data["viewpoints"]),
        *(("author", w.pk) for w in writers),
    }
    assert entries_out_of_step() == []


def test_entries_follow_republishing_scheduling_and_withdrawal():
    editor = factories.UserFactory(username="entries_editor")
    explainer = live_explainer(title="First")
    now = timezone.now()
    explainer.title = "Second"
    explainer.save()
    publishing.freeze(explainer, by=editor, go_live_at=now + datetime.timedelta(hours=1))
    explainer.title = "Third, replacing the scheduled one"
    explainer.save()
    publishing.freeze(
        explainer,
        by=editor,
        go_live_at=now + datetime.timedelta(hours=2),
        expires_at=now + datetime.timedelta(days=3),
    )
    assert entries_out_of_step() == []
    assert PublishedVersion.objects.filter(explainer=explainer).count() == 3

    publishing.withdraw(explainer)

    assert entries_out_of_step() == []
    assert not ListEntry.objects.filter(live_q(timezone.now())).exists()


def test_cards_check_the_version_itself():
    """Entries that disagree with their version (written by hand, say) show no card: the
    version's own times decide what a reader sees."""
    topic = factories.TopicFactory(name="Tides", slug="tides")
    explainer = live_explainer(title="Spring tides", topics=[topic])
    PublishedVersion.objects.filter(explainer=explainer).update(ends_at=timezone.now())

    assert list(public.list_cards("topic", topic.pk)) == []


def test_backfill_writes_what_publishing_writes():
    topic = factories.TopicFactory(name="Ports", slug="ports")
    writer = factories.UserFactory(username="ports_writer")
    first = live_explainer(title="Harbour dues", topics=[topic], authors=[writer])
    publish(first)  # a second version: the first one ended
    live_explainer(title="Dredging")
    written = sorted(ListEntry.objects.values_list("version", "kind", "key", *TIMES))
    ListEntry.objects.all().delete()

    migration = importlib.import_module("articles.migrations.0010_list_entries")
    migration.write_entries(apps, SimpleNamespace(connection=connection))

    assert sorted(ListEntry.objects.values_list("version", "kind", "key", *TIMES)) == written
    assert len(written) == 3 * 3  # three versions: a topic, a stakeholder and an author each
