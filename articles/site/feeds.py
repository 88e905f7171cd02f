"""RSS and Atom feeds (Django's syndication framework): latest explainers, and per topic.

Items are live versions, newest first publication first; an update keeps its place and its
``<guid>`` (the canonical URL) and carries the new time as Atom's ``<updated>``. Links are
absolute on settings.NEWSROOM_BASE_URL, like the pages' canonical URLs. Each feed reads its
items in one query of the page fields and the names of each version's topics and authors
(``public.feed_items``).
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from typing import IO, Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed

from articles.models import Topic
from articles.publishing.render import absolute_url, explainer_path
from articles.site import reads as public
from articles.site.xmltext import xml_safe


def _xml_safe_values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: xml_safe(value) for key, value in values.items()}


class WritesOnce(SyndicationFeed):
    """A feed writer that hands the response the whole document in one write.

    Django's writers write each tag and text on its own, and each write to an
    ``HttpResponse`` goes through its encoding: for thirty items that cost more than the
    writing itself."""

    def write(self, outfile: IO[str], encoding: str) -> None:
        buffer = StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class RssAuthors(Rss201rev2Feed):
    """RSS items naming each author in a ``<dc:creator>`` of their own.

    RSS's own ``<author>`` must be an e-mail address, which we do not publish; Django writes
    one ``dc:creator`` for a single name, which would make "Ann, Bo" one person.
    """

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for name in item.get("author_names") or ():
            handler.addQuickElement("dc:creator", name)


class AtomAuthors(Atom1Feed):
    """Atom entries with an ``<author>`` for each author (Django's writer takes one name)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for name in item.get("author_names") or ():
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


class BufferedRssFeed(WritesOnce, RssAuthors):
    pass


class BufferedAtomFeed(WritesOnce, AtomAuthors):
    pass


class ExplainerFeed(Feed):
    """What every explainer feed shares: its writer, and each item's fields.

    The site-wide and the per-topic feeds answer ``title``, ``link`` and the rest with and
    without the topic, so each defines those itself rather than overriding the other's.
    """

    feed_type: type[SyndicationFeed] = BufferedRssFeed

    def get_feed(self, obj: Topic | None, request: HttpRequest) -> SyndicationFeed:
        feed = super().get_feed(obj, request)
        # A control character pasted into a title would make the feed writer raise.
        feed.feed = _xml_safe_values(feed.feed)
        feed.items = [_xml_safe_values(item) for item in feed.items]
        return feed

    def item_title(self, item: dict[str, Any]) -> str:
        return item["title"]

    def item_description(self, item: dict[str, Any]) -> str:
        return item["dek"]

    def item_link(self, item: dict[str, Any]) -> str:
        return absolute_url(explainer_path(item["slug"]))

    def item_pubdate(self, item: dict[str, Any]) -> datetime:
        return item["first_published_at"]

    def item_updateddate(self, item: dict[str, Any]) -> datetime:
        return item["go_live_at"]

    def item_extra_kwargs(self, item: dict[str, Any]) -> dict[str, Any]:
        # Each author is written on their own by the feed writers (RssAuthors, AtomAuthors);
        # the framework's author_name field holds one name only.
        return {"author_names": list(item["author_names"])}

    def item_categories(self, item: dict[str, Any]) -> list[str]:
        return item["topic_names"]

    def item_enclosures(self, item: dict[str, Any]) -> list[Enclosure]:
        """The hero's share crop, made at publish time; items without a hero carry none
        (only the hero's crop has a length: the site's card is not the item's image)."""
        image = item["image"] or {}
        if not image.get("length"):
            return []
        return [Enclosure(image["url"], str(image["length"]), image["type"])]


class LatestExplainersFeed(ExplainerFeed):
    description = "New explainers: what happened, the key facts and why they matter."

    def title(self) -> str:
        return f"{settings.NEWSROOM_NAME}: latest explainers"

    def link(self) -> str:
        return absolute_url(reverse("articles:home"))

    def feed_url(self) -> str:
        return absolute_url(reverse("articles:feed_rss"))

    def items(self) -> QuerySet[Any, dict[str, Any]]:
        return public.feed_items()


class LatestExplainersAtomFeed(LatestExplainersFeed):
    feed_type = BufferedAtomFeed
    subtitle = LatestExplainersFeed.description

    def feed_url(self) -> str:
        return absolute_url(reverse("articles:feed_atom"))


class TopicFeed(ExplainerFeed):
    """Explainers filed under one topic."""

    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        topic = public.public_topics().filter(slug=slug).first()
        if topic is None:
            raise Http404("No topic with live explainers at this address.")
        return topic

    def title(self, obj: Topic) -> str:
        return f"{settings.NEWSROOM_NAME}: {obj.name}"

    def description(self, obj: Topic) -> str:
        return obj.description or f"Explainers about {obj.name}."

    def link(self, obj: Topic) -> str:
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj: Topic) -> str:
        return absolute_url(reverse("articles:topic_feed_rss", kwargs={"slug": obj.slug}))

    def items(self, obj: Topic) -> QuerySet[Any, dict[str, Any]]:
        return public.feed_items(obj)


class TopicAtomFeed(TopicFeed):
    feed_type = BufferedAtomFeed

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)

    def feed_url(self, obj: Topic) -> str:
        return absolute_url(reverse("articles:topic_feed_atom", kwargs={"slug": obj.slug}))
