"""RSS and Atom feeds (Django's syndication framework): latest explainers, and per topic.

Items are live versions, newest first publication first; an update keeps its place and its
``<guid>`` (the canonical URL) and carries the new time as Atom's ``<updated>``. Links are
absolute on settings.NEWSROOM_BASE_URL, like the pages' canonical URLs.

The ``Feed`` classes below define the feeds. Served as they are, they cost about 7 ms of CPU
for 30 items (some twenty dynamic attribute lookups per item, ``xml_safe`` over every value,
and each version's topics and authors pulled out of its large ``data``). So each version's
``<item>`` and ``<entry>`` are written once, when it is frozen (``render_items``, called by
``publishing.render_version``), by these same classes and Django's feed writer, and stored
on the version. The views serve the ``Stored…`` subclasses: one query for the newest stored
items and their dates, the channel written by the framework as before, and the stored items
written into it as they are. ``tests/articles/test_feeds.py`` holds the two documents equal.

Stored links begin with ``BASE``, a marker the server replaces with the current
``NEWSROOM_BASE_URL``, so that changing the setting needs no re-render. The marker is U+FFFF,
which ``xml_safe`` removes from every value an editor typed: it can stand only where the
renderer put it. (XML cannot carry it either, so an item served without the substitution would
make the feed fail to parse rather than carry wrong links.)
"""

from __future__ import annotations

import datetime
import functools
from io import StringIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Case, Max, QuerySet, RowRange, Subquery, When, Window
from django.db.models.functions import Greatest, Lead, RowNumber
from django.db.models.lookups import Exact, IsNull
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.xmlutils import SimplerXMLGenerator

from . import chrome, public
from .models import ListEntry, PublishedVersion, Topic
from .prepared import Prepared
from .xmltext import xml_safe

# Stands for settings.NEWSROOM_BASE_URL in stored items (see the module docstring).
BASE = "\uffff"


def _xml_safe_values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: xml_safe(value) for key, value in values.items()}


class LatestExplainersFeed(Feed):
    description = "New explainers: what happened, the key facts and why they matter."

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # A control character pasted into a title would make the feed writer raise.
        feed.feed = _xml_safe_values(feed.feed)
        feed.items = [_xml_safe_values(item) for item in feed.items]
        return feed

    def title(self) -> str:
        return f"{settings.NEWSROOM_NAME}: latest explainers"

    def link(self) -> str:
        # The chrome's paths are reversed once per process (chrome.py), like the pages' links.
        return public.absolute_url(chrome.urls()["home"])

    def feed_url(self) -> str:
        return public.absolute_url(chrome.urls()["feed_rss"])

    def items(self) -> list[dict[str, Any]]:
        return public.feed_items()

    def item_title(self, item: dict[str, Any]) -> str:
        return item["title"]

    def item_description(self, item: dict[str, Any]) -> str:
        return item["dek"]

    def item_link(self, item: dict[str, Any]) -> str:
        return item["link"]

    def item_guid(self, item: dict[str, Any]) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: dict[str, Any]):
        return item["first_published_at"]

    def item_updateddate(self, item: dict[str, Any]):
        return item["go_live_at"]

    def item_author_name(self, item: dict[str, Any]) -> str | None:
        names = [author["name"] for author in item["data__authors"] or []]
        return ", ".join(names) or None

    def item_categories(self, item: dict[str, Any]) -> list[str]:
        return [topic["name"] for topic in item["data__topics"] or []]


class LatestExplainersAtomFeed(LatestExplainersFeed):
    feed_type = Atom1Feed
    subtitle = LatestExplainersFeed.description

    def feed_url(self) -> str:
        return public.absolute_url(chrome.urls()["feed_atom"])


class TopicFeed(LatestExplainersFeed):
    """Explainers filed under one topic."""

    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        topic = public.public_topic(slug)
        if topic is None:
            raise Http404("No topic with live explainers at this address.")
        return topic

    def title(self, obj: Topic) -> str:
        return f"{settings.NEWSROOM_NAME}: {obj.name}"

    def description(self, obj: Topic) -> str:
        return obj.description or f"Explainers about {obj.name}."

    def link(self, obj: Topic) -> str:
        return public.absolute_url(chrome.slug_path("articles:topic", obj.slug))

    def feed_url(self, obj: Topic) -> str:
        return public.absolute_url(chrome.slug_path("articles:topic_feed_rss", obj.slug))

    def items(self, obj: Topic) -> list[dict[str, Any]]:
        return public.feed_items(obj.pk)


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)

    def feed_url(self, obj: Topic) -> str:
        return public.absolute_url(chrome.slug_path("articles:topic_feed_atom", obj.slug))


# --- Items written at publish time -----------------------------------------------------------


def version_item(version: PublishedVersion) -> dict[str, Any]:
    """Return ``version`` as the feed classes read an item (``public.feed_items()``).

    Its link is the page's path, without the base URL: ``render_items`` puts ``BASE`` there.
    """
    data = version.data or {}
    return {
        "pk": version.pk,
        "slug": version.slug,
        "title": version.title,
        "dek": version.dek,
        # In UTC, as the database gives them back when a feed is read.
        "first_published_at": version.first_published_at.astimezone(datetime.UTC),
        "go_live_at": version.go_live_at.astimezone(datetime.UTC),
        "number": version.number,
        "data__topics": data.get("topics"),
        "data__authors": data.get("authors"),
        "link": public.explainer_path(version.slug),
    }


def item_arguments(feed: Feed, item: Any) -> dict[str, Any]:
    """Return the ``add_item()`` arguments ``Feed.get_feed`` gives ``item``.

    The same dynamic attributes, read the same way. What ``get_feed`` does besides does not
    apply to these feeds: its title and description templates are unset, their dates are
    aware, and their links are absolute (it would put the site's domain before a path).
    """
    value = feed._get_dynamic_attr
    link = value("item_link", item)
    author_name = value("item_author_name", item)
    return {
        "title": value("item_title", item),
        "link": link,
        "description": value("item_description", item),
        "unique_id": value("item_guid", item, link),
        "unique_id_is_permalink": value("item_guid_is_permalink", item),
        "enclosures": value("item_enclosures", item),
        "pubdate": value("item_pubdate", item),
        "updateddate": value("item_updateddate", item),
        "author_name": author_name,
        "author_email": value("item_author_email", item) if author_name is not None else None,
        "author_link": value("item_author_link", item) if author_name is not None else None,
        "comments": value("item_comments", item),
        "categories": value("item_categories", item),
        "item_copyright": value("item_copyright", item),
        **feed.item_extra_kwargs(item),
    }


def _written_item(feed: Feed, item: dict[str, Any]) -> str:
    writer = feed.feed_type(title="", link="", description="")
    writer.add_item(**item_arguments(feed, item))
    writer.items = [_xml_safe_values(entry) for entry in writer.items]
    (entry,) = writer.items
    # The link, and the guid made of it, are the page's path so far; the marker goes before
    # the path here, after the writer's own clean-up (iri_to_uri would percent-encode it).
    for key in ("link", "unique_id"):
        if entry[key] and entry[key].startswith("/"):
            entry[key] = BASE + entry[key]
    out = StringIO()
    writer.write_items(SimplerXMLGenerator(out, "utf-8", short_empty_elements=True))
    return out.getvalue()


def render_items(version: PublishedVersion) -> tuple[str, str]:
    """Return the RSS ``<item>`` and the Atom ``<entry>`` of ``version``, links on ``BASE``.

    Written by the feed classes through the framework's own writers, the way a feed writes
    its items; the topic feeds read items the same way as the latest ones.
    """
    item = version_item(version)
    return _written_item(_LATEST_RSS, item), _written_item(_LATEST_ATOM, item)


_LATEST_RSS = LatestExplainersFeed()
_LATEST_ATOM = LatestExplainersAtomFeed()


# --- Serving the stored items ----------------------------------------------------------------


def topic_versions(topic_id: Any, at: datetime.datetime) -> QuerySet[PublishedVersion]:
    """Return the newest live versions filed under a topic, for its feed.

    Read through the topic's list entries (``public.list_entries``), newest first, which an
    index answers in a few rows, where the versions' ``topic_ids`` meant visiting every
    version of the topic. The same versions as the definition's ``public.live_with_topic``
    (``tests/articles/test_feeds.py`` holds the feeds equal)."""
    newest = (
        public.list_entries(ListEntry.Kind.TOPIC, topic_id, at)
        .order_by("-first_published_at", "-version_id")
        .values("version_id")[: public.FEED_LENGTH]
    )
    return PublishedVersion.objects.live(at).filter(pk__in=Subquery(newest))


def _newest(versions: QuerySet[PublishedVersion], column: str) -> QuerySet:
    """Return the stored items of the definition's newest versions (``public.feed_items``),
    the last row also carrying the latest date of them all.

    The channel needs one date: the latest of the items' first-published and went-live times
    (feedgenerator's ``latest_post_date``). Reading 30 dates back costs more than the rest of
    the query, so the database works it out as a running maximum in the rows' own order and
    hands it over on the last row only (the ``FEED_LENGTH``-th, or the last there is). Both
    windows look no further than one row past the last, so the query still stops early.
    """
    newest = public.latest(versions)
    order = newest.query.order_by
    running_latest = Window(
        Max(Greatest("first_published_at", "go_live_at")),
        order_by=order,
        frame=RowRange(start=None, end=0),
    )
    last_row = Exact(Window(RowNumber(), order_by=order), public.FEED_LENGTH) | IsNull(
        Window(Lead("pk"), order_by=order), True
    )
    latest = Case(When(last_row, then=running_latest))
    return newest.values_list(column).annotate(latest=latest)[: public.FEED_LENGTH]


_stored = {
    column: (
        Prepared(
            PublishedVersion,
            lambda at, column=column: _newest(PublishedVersion.objects.live(at), column),
            uses=("at",),
        ),
        Prepared(
            PublishedVersion,
            lambda at, id, column=column: _newest(topic_versions(id, at), column),
            uses=("at", "id"),
        ),
    )
    for column in ("rss_item_xml", "atom_entry_xml")
}


def stored_rows(column: str, topic_id: int | None = None) -> list[tuple]:
    """Return (stored XML, latest date or None) of the newest live versions (``_newest``)."""
    latest, of_topic = _stored[column]
    now = timezone.now()
    return latest.rows(at=now) if topic_id is None else of_topic.rows(at=now, id=topic_id)


@functools.lru_cache(maxsize=8)
def _base_in_xml(base: str) -> str | None:
    """Return ``base`` escaped as stored links take it, or None where they cannot.

    The framework writes an item's link as ``iri_to_uri(link)`` and its guid as the link
    itself. Both equal the base followed by the stored path when the base is already a URI
    (nothing to percent-encode) and absolute: then it holds no quote, angle bracket or white
    space, and escaping ``&`` is all XML text and attributes need.
    """
    if not base.startswith(("http://", "https://")) or iri_to_uri(base) != base:
        return None
    return escape(base)


class _WritesStoredItems(SyndicationFeed):
    stored_xml = ""

    def write(self, outfile, encoding: str) -> None:
        # The writer writes each tag and text separately: into a buffer, not one by one
        # into the response.
        buffer = StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())

    def write_items(self, handler: SimplerXMLGenerator) -> None:
        # ignorableWhitespace() writes its text unescaped: the items are XML already.
        handler.ignorableWhitespace(self.stored_xml)


class StoredRssFeed(_WritesStoredItems, Rss201rev2Feed):
    """An RSS channel whose items were written at publish time."""


class StoredAtomFeed(_WritesStoredItems, Atom1Feed):
    """An Atom feed whose entries were written at publish time."""


class StoredItems:
    """Serve a feed class (``definition``) with the items stored in ``column``.

    Goes before the definition in the bases: the framework writes the channel from the
    definition with no items, and the stored items follow. Where they cannot be served as
    stored (a version frozen before items were stored, or a base URL that is not a plain
    absolute URI), the definition serves the feed itself.
    """

    definition: type[Feed]
    column: str

    def items(self, obj: Any = None) -> tuple:
        return ()

    def get_feed(self, obj: Any, request: HttpRequest) -> SyndicationFeed:
        rows = stored_rows(self.column, obj.pk if isinstance(obj, Topic) else None)
        base = _base_in_xml(settings.NEWSROOM_BASE_URL)
        if base is None or not all(xml for xml, _ in rows):
            return self.definition().get_feed(obj, request)
        feed = super().get_feed(obj, request)
        # What latest_post_date() reads (lastBuildDate, Atom's updated, Last-Modified): the
        # latest date of the items, on the last row.
        feed.items = [{"updateddate": latest} for _, latest in rows[-1:]]
        feed.stored_xml = "".join(xml for xml, _ in rows).replace(BASE, base)
        return feed


class StoredLatestExplainersFeed(StoredItems, LatestExplainersFeed):
    feed_type = StoredRssFeed
    definition = LatestExplainersFeed
    column = "rss_item_xml"


class StoredLatestExplainersAtomFeed(StoredItems, LatestExplainersAtomFeed):
    feed_type = StoredAtomFeed
    definition = LatestExplainersAtomFeed
    column = "atom_entry_xml"


class StoredTopicFeed(StoredItems, TopicFeed):
    feed_type = StoredRssFeed
    definition = TopicFeed
    column = "rss_item_xml"


class StoredTopicAtomFeed(StoredItems, TopicAtomFeed):
    feed_type = StoredAtomFeed
    definition = TopicAtomFeed
    column = "atom_entry_xml"
