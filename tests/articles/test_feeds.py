"""RSS and Atom feeds, latest and per topic, parsed as XML."""

# ruff: noqa: S314 - parses our own responses in tests, not untrusted XML
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from articles.models import Explainer
from tests import factories
from tests.articles.publicsite import (
    live_explainer,
    publish,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client, url: str) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).findall("./channel/item")


def atom_entries(client, url: str) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_rss_lists_live_explainers_with_absolute_links(client):
    """The RSS feed lists live explainers with title, absolute link, dek and date."""
    explainer = live_explainer(title="Feed story", dek="Feed dek.")
    (item,) = rss_items(client, "/feeds/latest.rss")
    assert item.findtext("title") == "Feed story"
    assert item.findtext("link") == settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()
    assert item.findtext("description") == "Feed dek."
    assert item.findtext("pubDate")
    assert item.findtext("category") == "Science"


def test_atom_lists_live_explainers(client):
    """The Atom feed lists live explainers with updated times and links."""
    explainer = live_explainer(title="Atom story")
    (entry,) = atom_entries(client, "/feeds/latest.atom")
    assert entry.findtext(f"{ATOM}title") == "Atom story"
    link = entry.find(f"{ATOM}link").get("href")
    assert link == settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()
    assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")


def test_feeds_leave_out_drafts_and_unpublished_edits(client):
    """Feeds show the live title, not a draft nor a working-copy edit."""
    explainer = live_explainer(title="Published title")
    Explainer.objects.filter(pk=explainer.pk).update(title="Edited title")
    factories.complete_explainer(title="Draft title")
    titles = [i.findtext("title") for i in rss_items(client, "/feeds/latest.rss")]
    assert titles == ["Published title"]


def test_feed_is_newest_first(client):
    """Items come newest first publication first."""
    live_explainer(title="Older")
    live_explainer(title="Newer")
    titles = [e.findtext(f"{ATOM}title") for e in atom_entries(client, "/feeds/latest.atom")]
    assert titles == ["Newer", "Older"]


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_topic_feed_lists_only_that_topic(client, suffix):
    """/topics/<slug>/feed.rss and feed.atom list only that topic's explainers."""
    other = factories.TopicFactory(slug="other", name="Other")
    live_explainer(title="In science")
    live_explainer(title="In other", topics=[other])
    url = f"/topics/science/feed.{suffix}"
    if suffix == "rss":
        titles = [i.findtext("title") for i in rss_items(client, url)]
    else:
        titles = [e.findtext(f"{ATOM}title") for e in atom_entries(client, url)]
    assert titles == ["In science"]


def test_topic_feed_of_unknown_topic_is_404(client):
    """A feed for a topic with nothing live is 404."""
    assert client.get("/topics/nothing-here/feed.rss").status_code == 404


def test_feed_item_names_its_authors(client):
    """Atom entries carry the byline names."""
    author = factories.UserFactory(username="w", first_name="Wendy", last_name="Writer")
    explainer = factories.complete_explainer(authors=[author])
    publish(explainer)
    (entry,) = atom_entries(client, "/feeds/latest.atom")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Wendy Writer"
