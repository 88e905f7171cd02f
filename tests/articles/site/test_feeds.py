"""RSS and Atom feeds, latest and per topic, parsed as XML."""

# ruff: noqa: S314 - parses our own responses in tests, not untrusted XML
from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
import zoneinfo
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from articles.models import Explainer
from articles.publishing import freeze as publishing
from articles.site import reads as public
from tests import factories
from tests.articles.publicsite import (
    live_explainer,
    publish,
)
from tests.articles.workflow_helpers import explainer_in

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


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


def two_author_explainer() -> Explainer:
    authors = [
        factories.UserFactory(username="ann", first_name="Ann", last_name="Ash"),
        factories.UserFactory(username="bo", first_name="Bo", last_name="Berg"),
    ]
    explainer = factories.complete_explainer(title="Co-written", authors=authors)
    publish(explainer)
    return explainer


def test_atom_entry_has_an_author_element_per_author(client):
    """Two bylines make two Atom <author> elements, one name each."""
    two_author_explainer()
    (entry,) = atom_entries(client, "/feeds/latest.atom")
    names = [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
    assert names == ["Ann Ash", "Bo Berg"]


def test_rss_item_has_a_dc_creator_per_author(client):
    """Two bylines make two RSS <dc:creator> elements; the dc namespace is declared once, on
    the root."""
    two_author_explainer()
    response = client.get("/feeds/latest.rss")
    (item,) = ET.fromstring(response.content).findall("./channel/item")
    assert [c.text for c in item.findall(f"{DC}creator")] == ["Ann Ash", "Bo Berg"]
    assert item.find("author") is None  # RSS's <author> is for e-mail addresses
    assert response.content.count(b'xmlns:dc="http://purl.org/dc/elements/1.1/"') == 1
    assert b"<rss " in response.content.split(b"xmlns:dc")[0]


@pytest.mark.parametrize("url", ["/topics/science/feed.rss", "/topics/science/feed.atom"])
def test_topic_feeds_name_each_author_too(client, url):
    """The per-topic feeds write the same per-author elements."""
    two_author_explainer()
    root = ET.fromstring(client.get(url).content)
    names = [e.text for e in root.iter(f"{DC}creator")] + [
        e.findtext(f"{ATOM}name") for e in root.iter(f"{ATOM}author")
    ]
    assert names == ["Ann Ash", "Bo Berg"]


def test_an_item_without_authors_names_nobody(client):
    """A version with no byline has no author elements, not an empty one."""
    publish(factories.ExplainerFactory(title="Unsigned"))
    (item,) = rss_items(client, "/feeds/latest.rss")
    (entry,) = atom_entries(client, "/feeds/latest.atom")
    assert item.findall(f"{DC}creator") == [] and entry.findall(f"{ATOM}author") == []


# --- Feeds of every shape, and their query budget -------------------------------------------

AWKWARD_TITLE = 'Pipes & "quotes" <b>bold</b>\x0b and an escape\x1b'


@pytest.fixture
def archive():
    """Live explainers of every shape a feed item has, and two that must stay out of feeds."""
    rivers = factories.TopicFactory(slug="rivers", name="Rivers & Lakes")
    science = factories.TopicFactory(slug="science", name="Science")
    authors = [
        factories.UserFactory(username="ann", first_name="Ann", last_name="O'Hara & Co"),
        factories.UserFactory(username="bo", first_name="Bo\x0c", last_name="Berg"),
    ]
    many = factories.complete_explainer(title="Several of each", authors=authors)
    many.topics.set([science, rivers])
    publish(many, go_live_at=timezone.now() - datetime.timedelta(days=2))
    live_explainer(title="Filed nowhere", topics=[])
    live_explainer(title=AWKWARD_TITLE, dek="Dek with <tags> & a \x07bell.")
    # A go-live time given in another time zone than the database's.
    new_york = publish(
        factories.complete_explainer(title="Went live in New York"),
        go_live_at=(timezone.now() - datetime.timedelta(hours=3)).astimezone(
            zoneinfo.ZoneInfo("America/New_York")
        ),
    )
    publish(
        factories.complete_explainer(title="Scheduled for later"),
        go_live_at=timezone.now() + datetime.timedelta(days=1),
    )
    publishing.withdraw(live_explainer(title="Withdrawn already"))
    # Version 2, last: the feeds' latest date is an update of an item that is not the first.
    Explainer.objects.filter(pk=many.pk).update(title="Several of each, revised")
    many.refresh_from_db()
    publish(many)
    assert new_york.first_published_at.utcoffset() != datetime.timedelta(0)
    return {"science": science, "rivers": rivers}


def titles(document: bytes) -> list[str]:
    root = ET.fromstring(document)
    return [e.text for e in root.iter() if e.tag in ("title", f"{ATOM}title")][1:]


@pytest.mark.parametrize("url", ["/feeds/latest.rss", "/feeds/latest.atom"])
def test_latest_feeds_list_live_versions_only(archive, client, url):
    """Updates, odd characters and no topic are listed; scheduled and withdrawn ones are not."""
    response = client.get(url)
    shown = titles(response.content)
    assert "Several of each, revised" in shown and "Filed nowhere" in shown
    assert "Scheduled for later" not in shown and "Withdrawn already" not in shown
    assert 'Pipes &amp; "quotes" &lt;b&gt;bold&lt;/b&gt; and an escape' in response.content.decode()


@pytest.mark.parametrize("name", ["latest.rss", "latest.atom"])
def test_a_full_feed_dates_itself_by_its_own_items_only(client, name):
    """With more live explainers than a feed holds, its date is the latest of the items shown.

    The 30th (last) item was updated most recently of those shown; one beyond the feed even
    later, which must not count.
    """
    now = timezone.now().replace(microsecond=0)
    editor = factories.UserFactory(username="desk")
    explainers = [
        factories.ExplainerFactory(title=f"Story {n}", topics=[])
        for n in range(public.FEED_LENGTH + 2)
    ]
    for n, explainer in enumerate(explainers):
        hours = 50 - n  # the last created is the newest, first in the feed
        publishing.freeze(explainer, by=editor, go_live_at=now - datetime.timedelta(hours=hours))
    last_shown, beyond = explainers[2], explainers[0]
    updated = publishing.freeze(
        last_shown, by=editor, go_live_at=now - datetime.timedelta(minutes=2)
    )
    publishing.freeze(beyond, by=editor, go_live_at=now - datetime.timedelta(minutes=1))
    served = client.get(f"/feeds/{name}").content
    assert titles(served)[-1] == "Story 2" and len(titles(served)) == public.FEED_LENGTH
    stamp = updated.go_live_at.astimezone(datetime.UTC)
    root = ET.fromstring(served)
    if name.endswith("rss"):
        assert root.findtext("channel/lastBuildDate") == format_datetime(stamp)
    else:
        assert root.findtext(f"{ATOM}updated") == stamp.isoformat()


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_topic_feed_of_several_topics_lists_that_topic_only(archive, client, suffix):
    """The Rivers feed lists the one explainer filed there (with Science too)."""
    assert titles(client.get(f"/topics/rivers/feed.{suffix}").content) == [
        "Several of each, revised"
    ]


@pytest.mark.parametrize(
    "base", ["https://news.example.org", "http://localhost:8000/a&b", "https://exämple.org"]
)
def test_links_follow_the_base_url_setting(archive, client, base):
    """Item links are on NEWSROOM_BASE_URL as it is set when the feed is served."""
    with override_settings(NEWSROOM_BASE_URL=base):
        document = client.get("/feeds/latest.rss").content.decode()
    assert escape(iri_to_uri(base)) + "/explainers/" in document


def test_publishing_through_the_workflow_lists_the_version(client):
    """workflow.publish makes the new version an item, its guid the canonical URL."""
    explainer = explainer_in(Explainer.State.PUBLISHED, title="Through the desk")
    (item,) = rss_items(client, "/feeds/latest.rss")
    assert item.findtext("title") == "Through the desk"
    assert item.findtext("guid") == settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()


@pytest.mark.parametrize("url", ["/feeds/latest.rss", "/feeds/latest.atom"])
def test_latest_feed_is_one_query(archive, client, url, django_assert_num_queries):
    """The latest feeds read their items in one query (once the site is known)."""
    client.get(url)
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_topic_feed_is_two_queries(archive, client, suffix, django_assert_num_queries):
    """A topic feed reads its topic, then its items."""
    client.get(f"/topics/science/feed.{suffix}")
    with django_assert_num_queries(2):
        assert client.get(f"/topics/science/feed.{suffix}").status_code == 200
