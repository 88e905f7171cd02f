"""Helpers for the public-site tests: build live, scheduled and withdrawn explainers."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from articles.models import Explainer, PublishedVersion
from articles.publishing import freeze as publishing
from tests import factories


def publish(explainer: Explainer, *, by=None, **kwargs) -> PublishedVersion:
    """Freeze ``explainer`` into a version and mark the working copy published."""
    by = by or factories.UserFactory(username="test_editor")
    version = publishing.freeze(explainer, by=by, **kwargs)
    Explainer.objects.filter(pk=explainer.pk).update(state=Explainer.State.PUBLISHED)
    explainer.refresh_from_db()
    return version


def live_explainer(*, topics=None, **kwargs) -> Explainer:
    """Return a complete explainer with one live version (``topics`` replaces "Science")."""
    explainer = factories.complete_explainer(**kwargs)
    if topics is not None:
        explainer.topics.set(topics)
    publish(explainer)
    return explainer


def grow(explainer: Explainer, n: int) -> None:
    """Give ``explainer`` n facts, sources, stakeholders, events and corrections."""
    today = timezone.localdate()
    for i in range(n):
        source = factories.SourceFactory(explainer=explainer, position=100 + i)
        factories.KeyFactFactory(explainer=explainer, position=100 + i, sources=[source])
        factories.ViewpointFactory(explainer=explainer, position=100 + i)
        factories.TimelineEventFactory(
            explainer=explainer,
            position=100 + i,
            kind="upcoming",
            date=today + datetime.timedelta(days=i + 1),
        )
        factories.CorrectionFactory(explainer=explainer, text=f"Correction {i}.")


def json_ld_text(html: str) -> str:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return match.group(1)


def days(n: int) -> datetime.date:
    """Return the date ``n`` days from today in the newsroom's time zone."""
    return timezone.localdate() + datetime.timedelta(days=n)


def explainer_with(*events: dict, **kwargs):
    """Return an explainer whose timeline holds ``events`` (TimelineEventFactory arguments)."""
    explainer = factories.ExplainerFactory(**kwargs)
    for position, event in enumerate(events):
        factories.TimelineEventFactory(explainer=explainer, position=position, **event)
    return explainer
