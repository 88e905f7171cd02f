"""Markup rules the HTML standard sets: times a machine can read, landmarks a reader can tell
apart."""

from __future__ import annotations

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from django.utils import timezone

from articles.templatetags.newsroom import datetime_attr
from articles.timestamps import iso_datetime
from tests import factories
from tests.articles.publicsite import json_ld_text, live_explainer, publish

pytestmark = pytest.mark.django_db

# A valid HTML global date-and-time string: at most three digits of a second's fraction.
HTML_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)")


def time_values(html: str) -> list[str]:
    return re.findall(r'<time[^>]* datetime="([^"]*)"', html)


@override_settings(TIME_ZONE="Europe/London")
def test_datetime_attr_drops_microseconds_and_keeps_the_offset():
    """A moment reads to the second, in the newsroom's zone with its offset."""
    moment = datetime.datetime(2026, 6, 1, 12, 30, 5, 123456, tzinfo=datetime.UTC)
    assert datetime_attr(moment) == "2026-06-01T13:30:05+01:00"
    assert iso_datetime(moment) == "2026-06-01T13:30:05+01:00"
    assert datetime_attr(None) == ""


def test_every_time_on_an_explainer_and_its_card_is_valid(client):
    """The explainer page's and its card's <time datetime> values are valid HTML moments or
    dates, even when the publication time has microseconds."""
    went_live = timezone.now().replace(microsecond=654321) - datetime.timedelta(days=2)
    explainer = factories.complete_explainer(title="Tides")
    publish(explainer, go_live_at=went_live)
    publish(explainer)  # an update: the page and the card show both times
    page = client.get(explainer.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()
    moments = [v for v in time_values(page) + time_values(home) if "T" in v]
    assert len(moments) >= 4
    assert all(HTML_MOMENT.fullmatch(value) for value in moments), moments
    assert iso_datetime(went_live) in moments
    assert ".654321" not in page + home


def test_json_ld_and_open_graph_times_are_to_the_second(client):
    """JSON-LD and article:*_time carry the same whole-second times as the page."""
    explainer = live_explainer()
    version = explainer.versions.get()
    page = client.get(explainer.get_absolute_url()).content.decode()
    data = json.loads(json_ld_text(page))
    expected = iso_datetime(version.go_live_at)
    assert data["datePublished"] == data["dateModified"] == expected
    assert f'<meta property="article:published_time" content="{expected}">' in page
    assert datetime.datetime.fromisoformat(expected) == version.go_live_at.replace(microsecond=0)


class SearchLandmarks(HTMLParser):
    """Collect the accessible names (aria-label) of a page's search landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "search" or attributes.get("role") == "search":
            self.names.append(attributes.get("aria-label"))


def search_landmark_names(html: str) -> list[str | None]:
    parser = SearchLandmarks()
    parser.feed(html)
    return parser.names


@pytest.mark.parametrize("url", ["/search/", "/search/?q=tides", "/explainers/never-was/"])
def test_pages_with_two_search_forms_name_them_apart(client, url):
    """The header's search and the page's own search are landmarks with distinct names."""
    live_explainer(title="Tides")
    names = search_landmark_names(client.get(url).content.decode())
    assert len(names) == 2
    assert all(names) and len(set(names)) == 2, names
