"""The public site's reads (articles/site/reads.py): only what is live, newest first."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import ListEntry, PublishedVersion
from articles.publishing import freeze as publishing
from articles.publishing.render import explainer_path
from articles.site import reads
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db


def test_newest_cards_are_newest_first_and_live_only():
    """Home's cards: live versions newest first, by first publication; drafts never appear."""
    older = live_explainer(title="Older story")
    newer = live_explainer(title="Newer story")
    factories.complete_explainer(title="Draft story")
    cards = reads.newest_cards(10)
    assert len(cards) == 2
    assert "Newer story" in cards[0] and "Older story" in cards[1]
    assert older.slug in cards[1] and newer.slug in cards[0]


def test_topic_list_counts_only_live_versions():
    """A topic's list holds its live explainers, not a withdrawn one."""
    topic = factories.TopicFactory(name="Water", slug="water")
    kept = live_explainer(topics=[topic])
    gone = live_explainer(topics=[topic])
    publishing.withdraw(gone)
    on_list = reads.on_list(ListEntry.Kind.TOPIC, topic.pk)
    assert [version.explainer_id for version in on_list] == [kept.pk]
    assert list(reads.public_topics()) == [topic]


def test_live_page_is_one_query():
    """The explainer page's read is one query for what the page shows."""
    explainer = live_explainer()
    with CaptureQueriesContext(connection) as queries:
        page = reads.live_page(explainer.slug)
    assert len(queries) == 1
    version = PublishedVersion.objects.get(explainer=explainer)
    assert (page.pk, page.title, page.body_html) == (version.pk, version.title, version.body_html)
    assert page.go_live_at.tzinfo is not None


def test_live_page_follows_scheduling_expiry_and_republishing():
    """At each moment the page is the version live then: first, scheduled second, none."""
    editor = factories.UserFactory(username="page_editor")
    explainer = live_explainer(title="First wording")
    now = timezone.now()
    first = PublishedVersion.objects.get(explainer=explainer)

    explainer.title = "Second wording"
    explainer.save()
    second = publishing.freeze(explainer, by=editor, go_live_at=now + datetime.timedelta(hours=2))
    third_expiry = now + datetime.timedelta(hours=5)
    PublishedVersion.objects.filter(pk=second.pk).update(ends_at=third_expiry)
    moments = {
        "before the schedule": now + datetime.timedelta(minutes=1),
        "after go-live": now + datetime.timedelta(hours=3),
        "after expiry": now + datetime.timedelta(hours=6),
        "before the first version": first.go_live_at - datetime.timedelta(seconds=1),
    }
    seen = {}
    for label, at in moments.items():
        page = reads.live_page(explainer.slug, at)
        seen[label] = page and page.title
    assert seen == {
        "before the schedule": "First wording",
        "after go-live": "Second wording",
        "after expiry": None,
        "before the first version": None,
    }


def test_live_page_of_a_withdrawn_or_unknown_slug_is_none():
    """A withdrawn explainer and an unknown slug have no page."""
    explainer = live_explainer()
    publishing.withdraw(explainer)

    assert reads.live_page(explainer.slug) is None
    assert reads.live_page("no-such-explainer") is None


def test_draft_is_never_served(client):
    """A draft that was never published is not read and not served."""
    draft = factories.complete_explainer(title="Not yet checked")
    assert reads.live_page(draft.slug) is None
    assert client.get(explainer_path(draft.slug)).status_code == 404


# --- Corrections, newest first by time ----------------------------------------------------------

DAY = datetime.date(2026, 3, 2)
NINE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def publish_at(explainer, at: datetime.datetime):
    with time_machine.travel(at, tick=False):
        publish(explainer)


def test_corrections_of_one_day_are_newest_first_by_the_time_they_were_published():
    """Same date: the one published at 10:00 comes before the one published at 9:00, even
    when the 9:00 one's explainer was republished later (its note was not new then)."""
    alpha = factories.complete_explainer(title="Alpha story")
    factories.CorrectionFactory(explainer=alpha, dated=DAY, text="Alpha fix.")
    beta = factories.complete_explainer(title="Beta story")
    factories.CorrectionFactory(explainer=beta, dated=DAY, text="Beta fix.")
    publish_at(beta, NINE)
    publish_at(alpha, NINE + datetime.timedelta(hours=1))
    publish_at(beta, NINE + datetime.timedelta(hours=2))
    with time_machine.travel(NINE + datetime.timedelta(hours=3), tick=False):
        found = reads.public_corrections()
    assert [c.text for c in found] == ["Alpha fix.", "Beta fix."]
    assert found[1].published_at == NINE


def test_a_later_date_comes_first_and_a_new_note_on_a_corrected_explainer_leads():
    """A later date leads whatever the times; a note added in a later version comes before the
    same explainer's older note of the same date."""
    story = factories.complete_explainer(title="Story")
    factories.CorrectionFactory(explainer=story, dated=DAY, text="First note.")
    publish_at(story, NINE)
    factories.CorrectionFactory(explainer=story, dated=DAY, text="Second note.")
    publish_at(story, NINE + datetime.timedelta(hours=1))
    other = factories.complete_explainer(title="Other")
    factories.CorrectionFactory(
        explainer=other, dated=DAY + datetime.timedelta(days=1), text="Next day's note."
    )
    publish_at(other, NINE - datetime.timedelta(hours=5))
    with time_machine.travel(NINE + datetime.timedelta(hours=3), tick=False):
        found = reads.public_corrections()
    assert [c.text for c in found] == ["Next day's note.", "Second note.", "First note."]


def test_corrections_page_shows_them_in_that_order(client):
    """/corrections/ lists the same order as the read."""
    alpha = factories.complete_explainer(title="Alpha story")
    factories.CorrectionFactory(explainer=alpha, dated=DAY, text="Alpha fix.")
    beta = factories.complete_explainer(title="Beta story")
    factories.CorrectionFactory(explainer=beta, dated=DAY, text="Beta fix.")
    publish_at(beta, NINE)
    publish_at(alpha, NINE + datetime.timedelta(hours=1))
    with time_machine.travel(NINE + datetime.timedelta(hours=3), tick=False):
        html = client.get("/corrections/").content.decode()
    assert html.index("Alpha fix.") < html.index("Beta fix.")
