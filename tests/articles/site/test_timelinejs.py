"""/explainers/<slug>/timeline.json in Knight Lab TimelineJS's format."""

from __future__ import annotations

import datetime

import pytest

from articles.models import Explainer
from tests import factories
from tests.articles.publicsite import (
    publish,
)

pytestmark = pytest.mark.django_db


def timeline(client, explainer) -> dict:
    response = client.get(f"/explainers/{explainer.slug}/timeline.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        (datetime.date(2025, 3, 14), "day", {"year": "2025", "month": "3", "day": "14"}),
        (datetime.date(2025, 3, 1), "month", {"year": "2025", "month": "3"}),
        (datetime.date(2025, 1, 1), "year", {"year": "2025"}),
    ],
)
def test_start_date_is_as_precise_as_the_event(client, date, precision, expected):
    """start_date carries year/month/day only as far as the event's precision."""
    explainer = factories.ExplainerFactory()
    factories.TimelineEventFactory(explainer=explainer, date=date, precision=precision)
    publish(explainer)
    (event,) = timeline(client, explainer)["events"]
    assert event["start_date"] == expected


def test_events_have_text_and_group(client):
    """Each event has text.headline, text.text and a past/upcoming/watch group."""
    explainer = factories.ExplainerFactory(title="Tides")
    factories.TimelineEventFactory(explainer=explainer, kind="past", text="A & B met", position=0)
    factories.TimelineEventFactory(
        explainer=explainer, kind="upcoming", date=datetime.date(2031, 1, 2), position=1
    )
    factories.TimelineEventFactory(
        explainer=explainer,
        kind="watch",
        date=datetime.date(2031, 5, 1),
        precision="month",
        position=2,
    )
    publish(explainer)
    document = timeline(client, explainer)
    events = document["events"]
    assert [e["group"] for e in events] == ["Past events", "Upcoming", "To watch"]
    assert events[0]["text"] == {"headline": "A &amp; B met", "text": "<p>A &amp; B met</p>"}
    assert "Tides" in document["title"]["text"]["headline"]


def test_event_source_is_linked(client):
    """An event citing a source names and links it in text.text."""
    explainer = factories.ExplainerFactory()
    source = factories.SourceFactory(
        explainer=explainer, citation="Harbour log", url="https://example.org/log"
    )
    factories.TimelineEventFactory(explainer=explainer, source=source)
    publish(explainer)
    (event,) = timeline(client, explainer)["events"]
    assert '<a href="https://example.org/log">Harbour log</a>' in event["text"]["text"]


def test_undated_items_are_left_out(client):
    """Undated watch items cannot sit on a time axis and are omitted."""
    explainer = factories.ExplainerFactory()
    factories.TimelineEventFactory(explainer=explainer, kind="watch", date=None, precision="")
    publish(explainer)
    assert timeline(client, explainer)["events"] == []


def test_editor_markup_is_escaped(client):
    """Event text is escaped: TimelineJS renders headline and text as HTML."""
    explainer = factories.ExplainerFactory()
    factories.TimelineEventFactory(explainer=explainer, text="<img src=x onerror=alert(1)>")
    publish(explainer)
    (event,) = timeline(client, explainer)["events"]
    assert "<img" not in event["text"]["headline"] and "<img" not in event["text"]["text"]


def test_timeline_json_of_a_draft_is_404(client):
    """Unpublished explainers have no timeline.json."""
    explainer = factories.ExplainerFactory()
    assert client.get(f"/explainers/{explainer.slug}/timeline.json").status_code == 404


def test_timeline_json_ignores_unpublished_edits(client):
    """Only the live version's timeline is served."""
    explainer = factories.ExplainerFactory()
    factories.TimelineEventFactory(explainer=explainer, text="Published event")
    publish(explainer)
    factories.TimelineEventFactory(explainer=explainer, text="Draft event")
    Explainer.objects.filter(pk=explainer.pk).update(title="Draft title")
    document = timeline(client, explainer)
    assert [e["text"]["headline"] for e in document["events"]] == ["Published event"]
    assert "Draft title" not in str(document)
