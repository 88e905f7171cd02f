"""WatchItem rows: written when a version is frozen, read by watch_items() with one query."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import PublishedVersion, WatchItem
from articles.publishing import freeze as publishing
from articles.site import reads as public
from tests import factories
from tests.articles.publicsite import days, explainer_with, publish

pytestmark = pytest.mark.django_db


def texts() -> list[str]:
    return [item.text for item in public.watch_items()]


def test_freeze_writes_rows_for_upcoming_and_watch_events_only():
    """Freezing copies the upcoming and watch events (not past ones) with their period end."""
    explainer = explainer_with(
        {"kind": "past", "date": days(-3), "text": "Old"},
        {"kind": "upcoming", "date": datetime.date(2031, 2, 1), "precision": "month", "text": "M"},
        {"kind": "watch", "date": None, "precision": "", "text": "Open"},
    )
    version = publish(explainer)
    rows = {row.text: row for row in version.watch_items.all()}
    assert set(rows) == {"M", "Open"}
    assert rows["M"].period_end == datetime.date(2031, 2, 28)
    assert rows["M"].explainer_id == explainer.pk
    assert rows["Open"].period_end is None


@pytest.mark.parametrize(
    ("day", "precision", "end"),
    [
        (datetime.date(2030, 6, 9), "day", datetime.date(2030, 6, 9)),
        (datetime.date(2032, 2, 1), "month", datetime.date(2032, 2, 29)),
        (datetime.date(2030, 1, 1), "year", datetime.date(2030, 12, 31)),
    ],
)
def test_period_end_is_the_last_day_of_the_period(day, precision, end):
    """period_end is the day itself, the month's last day, or 31 December."""
    explainer = explainer_with(
        {"kind": "upcoming", "date": day, "precision": precision, "text": "X"}
    )
    assert publish(explainer).watch_items.get().period_end == end


def test_withdrawn_version_items_vanish():
    """Withdrawing an explainer removes its items from watch_items()."""
    explainer = explainer_with({"kind": "upcoming", "date": days(3), "text": "Vote"})
    publish(explainer)
    assert texts() == ["Vote"]
    publishing.withdraw(explainer)
    assert texts() == []


def test_expired_version_items_vanish():
    """An item of a version past its expiry is not listed."""
    explainer = explainer_with({"kind": "upcoming", "date": days(30), "text": "Vote"})
    publish(explainer, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert texts() == ["Vote"]
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert texts() == []


def test_superseded_version_items_are_replaced():
    """Republishing without an item drops it; the new version's items show, once each."""
    explainer = explainer_with({"kind": "upcoming", "date": days(3), "text": "Vote"})
    publish(explainer)
    explainer.timeline.update(text="Rescheduled vote")
    publish(explainer)
    assert texts() == ["Rescheduled vote"]
    assert WatchItem.objects.count() == 2  # the old version keeps its rows, unlisted


def test_scheduled_version_items_appear_at_go_live():
    """A scheduled version's items are hidden until its go-live time, then listed."""
    explainer = explainer_with({"kind": "watch", "date": days(20), "text": "Ruling"})
    go_live = timezone.now() + datetime.timedelta(days=2)
    publish(explainer, go_live_at=go_live)
    assert texts() == []
    with time_machine.travel(go_live + datetime.timedelta(minutes=1)):
        assert texts() == ["Ruling"]


def test_unpublished_edits_do_not_reach_watch_items():
    """Only frozen versions have rows: a working-copy event added later is not listed."""
    explainer = explainer_with({"kind": "upcoming", "date": days(3), "text": "Vote"})
    publish(explainer)
    factories.TimelineEventFactory(explainer=explainer, kind="upcoming", date=days(4), text="Leak")
    assert texts() == ["Vote"]


def test_passed_periods_are_dropped():
    """An item whose whole period is over is not listed; one in the current month is."""
    today = timezone.localdate()
    explainer = explainer_with(
        {"kind": "upcoming", "date": days(-1), "text": "Yesterday"},
        {"kind": "upcoming", "date": today.replace(day=1), "precision": "month", "text": "Month"},
    )
    publish(explainer)
    assert texts() == ["Month"]


def test_order_matches_sort_key():
    """The database sorts like sort_key: period end, then date, then title; undated last."""
    publish(
        explainer_with(
            {"kind": "watch", "date": None, "precision": "", "text": "Undated"},
            {
                "kind": "upcoming",
                "date": datetime.date(2031, 1, 1),
                "precision": "year",
                "text": "Y",
            },
            {
                "kind": "upcoming",
                "date": datetime.date(2031, 1, 1),
                "precision": "month",
                "text": "M",
            },
            title="Beta",
        )
    )
    publish(
        explainer_with(
            {"kind": "upcoming", "date": datetime.date(2031, 1, 11), "text": "D"},
            {"kind": "upcoming", "date": datetime.date(2031, 1, 31), "text": "D31"},
            title="Alpha",
        )
    )
    items = public.watch_items()
    assert [i.text for i in items] == ["D", "M", "D31", "Y", "Undated"]
    assert items == sorted(items, key=lambda item: item.sort_key)


def test_limit_returns_the_soonest():
    """limit=n returns the first n items of the full list."""
    publish(
        explainer_with(*({"kind": "upcoming", "date": days(i), "text": f"E{i}"} for i in range(8)))
    )
    assert public.watch_items(limit=3) == public.watch_items()[:3]


def test_item_carries_the_live_version_slug_title_and_stamp():
    """Each item has its live version's slug, title and go-live time (for URL and DTSTAMP)."""
    version = publish(explainer_with({"kind": "upcoming", "date": days(2), "text": "Vote"}))
    (item,) = public.watch_items()
    assert (item.slug, item.title, item.stamp) == (version.slug, version.title, version.go_live_at)
    assert item.url == version.get_absolute_url()


@pytest.mark.parametrize("explainers", [1, 50])
def test_query_count_is_constant(explainers):
    """watch_items() is one query whether one or fifty explainers have items."""
    for n in range(explainers):
        publish(explainer_with({"kind": "upcoming", "date": days(n + 1), "text": f"E{n}"}))
    with CaptureQueriesContext(connection) as queries:
        items = public.watch_items()
    assert len(items) == explainers
    assert len(queries) == 1


def test_ics_has_a_horizon(client):
    """/watch.ics leaves out dates beyond about 18 months ahead; /watch/ still lists them."""
    publish(
        explainer_with(
            {"kind": "upcoming", "date": days(30), "text": "Soon"},
            {"kind": "upcoming", "date": days(800), "text": "Far off"},
        )
    )
    ics = client.get("/watch.ics").content.decode()
    assert "Soon" in ics
    assert "Far off" not in ics
    assert "Far off" in client.get("/watch/").content.decode()


def test_backfill_migration_writes_rows_for_existing_versions():
    """The data migration recreates the rows of versions frozen before the table existed."""
    version = publish(explainer_with({"kind": "upcoming", "date": days(3), "text": "Vote"}))
    WatchItem.objects.all().delete()
    migration = importlib.import_module("articles.migrations.0007_backfill_watch_items")
    migration.backfill(apps, None)
    assert list(WatchItem.objects.values_list("version", "text")) == [(version.pk, "Vote")]
    assert PublishedVersion.objects.count() == 1


def test_items_carry_their_version_title_and_the_migration_copies_it():
    """Lists sort by the explainer's title after the date; items hold it for one index."""
    version = publish(explainer_with({"kind": "watch", "date": days(4), "text": "Tender"}))
    assert list(WatchItem.objects.values_list("title", flat=True)) == [version.title]

    WatchItem.objects.update(title="")
    migration = importlib.import_module("articles.migrations.0012_watch_item_title")
    migration.copy_titles(apps, SimpleNamespace(connection=connection))

    assert list(WatchItem.objects.values_list("title", flat=True)) == [version.title]
