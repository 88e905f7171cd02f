"""The public site's reads (articles/site/reads.py): only what is live, newest first."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from articles.models import ListEntry
from articles.publishing import freeze as publishing
from articles.site import reads
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db


def test_live_page_is_the_newest_live_version():
    """A republished explainer reads as its second version, not its first."""
    explainer = live_explainer(title="First words")
    explainer.title = "Second words"
    explainer.save()
    publish(explainer)
    page = reads.live_page(explainer.slug)
    assert (page.number, page.title) == (2, "Second words")


def test_live_page_ignores_scheduled_and_withdrawn_versions():
    """Nothing scheduled for later or withdrawn is read as a page."""
    scheduled = factories.complete_explainer()
    publish(scheduled, go_live_at=timezone.now() + datetime.timedelta(hours=1))
    withdrawn = live_explainer()
    publishing.withdraw(withdrawn)
    assert reads.live_page(scheduled.slug) is None
    assert reads.live_page(withdrawn.slug) is None


def test_live_page_at_a_moment_reads_what_was_live_then():
    """``at`` asks what readers saw at that moment: a scheduled version once its time came."""
    explainer = factories.complete_explainer()
    go_live = timezone.now() + datetime.timedelta(hours=1)
    publish(explainer, go_live_at=go_live)
    assert reads.live_page(explainer.slug, at=go_live + datetime.timedelta(minutes=1))


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
