"""Prepared statements of the list pages give the same rows as their querysets, at any moment."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import public, publishing
from articles.models import PublishedVersion, Topic
from articles.prepared import Prepared
from tests import factories
from tests.articles.publicsite import days, live_explainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    """Three topics' explainers: one live, one scheduled, one expired, one withdrawn."""
    editor = factories.UserFactory(username="prepared_editor")
    rivers = factories.TopicFactory(name="Rivers", slug="rivers")
    roads = factories.TopicFactory(name="Roads", slug="roads")
    quiet = factories.TopicFactory(name="Quiet", slug="quiet")
    now = timezone.now()
    live = [live_explainer(title=f"River {n}", topics=[rivers]) for n in range(3)]
    live.append(live_explainer(title="River and road", topics=[rivers, roads]))
    scheduled = factories.complete_explainer(title="Road later")
    scheduled.topics.set([roads])
    publishing.freeze(scheduled, by=editor, go_live_at=now + datetime.timedelta(hours=1))
    expiring = factories.complete_explainer(title="Quiet soon")
    expiring.topics.set([quiet])
    publishing.freeze(expiring, by=editor, expires_at=now + datetime.timedelta(hours=2))
    gone = live_explainer(title="Withdrawn river", topics=[rivers])
    publishing.withdraw(gone)
    return {"rivers": rivers, "roads": roads, "quiet": quiet, "now": timezone.now()}


MOMENTS = {
    "now": datetime.timedelta(0),
    "after the schedule": datetime.timedelta(hours=1, minutes=1),
    "after the expiry": datetime.timedelta(hours=3),
}


@pytest.mark.parametrize("moment", MOMENTS)
def test_topic_cards_and_counts_match_the_queryset(archive, moment):
    at = archive["now"] + MOMENTS[moment]
    for topic in (archive["rivers"], archive["roads"], archive["quiet"]):
        queryset = public.latest_cards(public.live_with_topic(topic.pk, at))
        cards = public.CardList("topic", topic.pk, at)
        assert cards.count() == queryset.count()
        assert cards[0:20] == list(queryset[0:20])
        assert cards[1:3] == list(queryset[1:3])


def test_counts_follow_scheduling_and_expiry(archive):
    counts = {
        moment: {
            name: public.CardList("topic", archive[name].pk, archive["now"] + delta).count()
            for name in ("rivers", "roads", "quiet")
        }
        for moment, delta in MOMENTS.items()
    }
    assert counts == {
        "now": {"rivers": 4, "roads": 1, "quiet": 1},
        "after the schedule": {"rivers": 4, "roads": 2, "quiet": 1},
        "after the expiry": {"rivers": 4, "roads": 2, "quiet": 0},
    }


def test_empty_slices_and_lists():
    topic = factories.TopicFactory(name="Empty", slug="empty")
    cards = public.CardList("topic", topic.pk)
    assert cards.count() == 0
    assert cards[0:20] == []
    assert cards[5:5] == []


def test_stakeholder_and_author_lists_match_the_queryset():
    author = factories.UserFactory(username="riverwriter")
    explainer = live_explainer(title="Upstream", authors=[author])
    stakeholder = explainer.viewpoints.first().stakeholder

    for kind, id, versions in (
        ("stakeholder", stakeholder.pk, public.live_with_stakeholder(stakeholder.pk)),
        ("author", author.pk, public.live_by_author(author.pk)),
    ):
        cards = public.CardList(kind, id)
        assert cards.count() == versions.count() == 1
        assert cards[0:20] == list(public.latest_cards(versions)[0:20])


def test_newest_cards_topics_and_slug_lookups_match_the_querysets(archive):
    assert public.newest_cards(12) == list(public.latest_cards()[:12])
    assert [link.name for link in public.topic_links()] == list(
        public.public_topics().order_by("name").values_list("name", flat=True)
    )
    found = public.public_topic("rivers")
    assert isinstance(found, Topic)
    assert (found.pk, found.name, found.slug) == (
        archive["rivers"].pk,
        "Rivers",
        "rivers",
    )
    assert public.public_topic("no-such-topic") is None
    assert public.public_topic("nul\x00") is None


def test_topic_with_only_a_scheduled_explainer_is_not_public():
    editor = factories.UserFactory(username="prepared_scheduler")
    secret = factories.TopicFactory(name="Embargoed merger", slug="embargoed-merger")
    explainer = factories.complete_explainer(title="Not yet")
    explainer.topics.set([secret])
    publishing.freeze(explainer, by=editor, go_live_at=timezone.now() + datetime.timedelta(days=1))

    assert public.public_topic("embargoed-merger") is None
    assert "Embargoed merger" not in [link.name for link in public.topic_links()]


def test_watch_items_match_the_queryset_path():
    explainer = factories.complete_explainer(title="Dams")
    factories.TimelineEventFactory(explainer=explainer, position=50, kind="upcoming", date=days(3))
    factories.TimelineEventFactory(explainer=explainer, position=51, kind="upcoming", date=days(9))
    publishing.freeze(explainer, by=factories.UserFactory(username="prepared_watch"))

    prepared = public.watch_items(limit=5, dated=True)
    # ``until`` takes the queryset path; far enough ahead it filters no dated item.
    unprepared = public.watch_items(limit=5, dated=True, until=days(4000))
    assert prepared == unprepared
    assert [item.date for item in prepared][:2] == [days(3), days(9)]


def test_one_statement_per_read(archive):
    topic = archive["rivers"]
    public.CardList("topic", topic.pk).count()  # compiled once
    with CaptureQueriesContext(connection) as queries:
        public.CardList("topic", topic.pk).count()
        public.CardList("topic", topic.pk)[0:20]
        public.newest_cards(12)
    assert len(queries) == 3


def test_a_value_the_query_does_not_take_is_refused():
    ignores_the_moment = Prepared(
        PublishedVersion,
        lambda at: PublishedVersion.objects.values_list("pk"),
        uses=("at",),
    )
    with pytest.raises(ValueError, match="does not take"):
        ignores_the_moment.rows(at=timezone.now())


def test_values_must_be_the_declared_ones():
    prepared = Prepared(
        PublishedVersion,
        lambda at: PublishedVersion.objects.live(at).values_list("pk"),
        uses=("at",),
    )
    with pytest.raises(TypeError):
        prepared.rows()
    with pytest.raises(TypeError):
        prepared.rows(at=timezone.now(), id=3)
    with pytest.raises(ValueError):
        Prepared(PublishedVersion, lambda when: None, uses=("when",))


def test_feed_items_match_the_queryset(archive):
    expected = list(public.latest().values(*public.FEED_FIELDS)[: public.FEED_LENGTH])
    items = public.feed_items()
    assert [{k: item[k] for k in public.FEED_FIELDS} for item in items] == expected
    assert all(item["link"].endswith(f"/explainers/{item['slug']}/") for item in items)

    rivers = archive["rivers"]
    expected = list(
        public.latest(public.live_with_topic(rivers.pk)).values(*public.FEED_FIELDS)[:30]
    )
    items = public.feed_items(rivers.pk)
    assert [{k: item[k] for k in public.FEED_FIELDS} for item in items] == expected
    assert len(items) == 4


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_postgresql_runs_them_as_prepared_statements(settings, archive):
    live_explainer(title="Prepared river", topics=[archive["rivers"]])
    cards = public.newest_cards(12)

    assert any("card_html" in statement for statement in prepared_statements())
    with CaptureQueriesContext(connection) as queries:  # the second run sends only the name
        assert public.newest_cards(12) == cards == list(public.latest_cards()[:12])
    assert "card_html" in queries.captured_queries[0]["sql"]  # still logged in full


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_prepared_statements_can_be_turned_off(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    live_explainer(title="Unprepared river")

    assert public.newest_cards(12) == list(public.latest_cards()[:12])
    assert prepared_statements() == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_postgresql_plans_them_once_per_connection(archive):
    # PostgreSQL's default plans a prepared statement afresh at each of its first five runs,
    # and at every run after that when it guesses the generic plan dearer.
    for _ in range(7):
        public.newest_cards(12)
        public.heading_and_cards("topic", "rivers", slice(0, 20))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["%card_html%"],
        )
        plans = cursor.fetchall()

    assert len(plans) == 2
    assert all(generic >= 7 and custom == 0 for _, generic, custom in plans), plans


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
@pytest.mark.parametrize(("prepared", "mode"), [(True, "force_generic_plan"), (False, "auto")])
def test_new_connections_plan_generically_only_with_prepared_statements(settings, prepared, mode):
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone() == (mode,)
    finally:
        fresh.close()


@pytest.mark.parametrize("window", [slice(0, 20), slice(1, 3), slice(20, 40)])
def test_heading_and_cards_in_one_go_match_the_separate_reads(archive, window):
    rivers = archive["rivers"]

    with CaptureQueriesContext(connection) as queries:
        heading, cards = public.heading_and_cards("topic", "rivers", window)

    assert len(queries) == 2  # one round trip on PostgreSQL (a pipeline)
    assert (heading.pk, heading.name, heading.slug, heading.count) == (
        rivers.pk,
        "Rivers",
        "rivers",
        public.latest_cards(public.live_with_topic(rivers.pk)).count(),
    )
    assert heading.count == 4
    assert cards == public.CardList("topic", rivers.pk)[window]
    assert public.heading_and_cards("topic", "no-such-topic", window) == (None, [])


def test_home_reads_match_the_separate_reads(archive):
    cards, topics, watch = public.home_reads(12, 5)

    assert cards == public.newest_cards(12)
    assert topics == public.topic_links()
    assert watch == public.watch_items(limit=5)


def test_a_page_past_the_end_is_read_again_as_the_last_page(client, archive):
    for n in range(21):
        live_explainer(title=f"Long river {n}", topics=[archive["rivers"]])
    path = "/topics/rivers/"

    last = client.get(path, {"page": 2}).content.decode()
    assert client.get(path, {"page": 9}).content.decode() == last
    assert client.get(path, {"page": -1}).content.decode() == last
    assert client.get(path, {"page": "x"}).content.decode() == client.get(path).content.decode()
    assert "Page 2 of 2" in last and last.count("<li><article") == 25 - 20
