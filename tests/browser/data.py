"""Published explainers for the public-page tests, built without the workflow.

``complete_explainer`` gives a draft that passes every readiness check; ``freeze`` makes the
version readers see. The public-page tests then do not depend on the admin's workflow screens.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from articles import publishing
from articles.models import PublishedVersion, TimelineEvent
from tests import factories

# Real source links are often long and unbroken; the page must not scroll sideways for them.
LONG_URL = "https://example.org/reports/2025/" + "annual-water-statistics-" * 6 + "final.pdf"


def published_explainer(
    *, title: str = "Why the reservoir is filling again", slug: str = "reservoir-refill", **kwargs
) -> PublishedVersion:
    """Publish a complete explainer with every section filled, and return its live version."""
    author = factories.UserFactory(
        username="published_author", first_name="Rosa", last_name="Marsh"
    )
    explainer = factories.complete_explainer(
        authors=[author],
        title=title,
        slug=slug,
        dek="The gates closed in March; here is what that means for your water bill.",
        what_happened=(
            "<p>The regional water board closed the overflow gates on 14 March.</p>"
            "<p>Levels have risen by <strong>two metres</strong> since then.</p>"
        ),
        background="<p>The reservoir was built in 1962 and last refilled in 2011.</p>",
        why_it_matters="<p>It supplies drinking water for <em>40,000 homes</em>.</p>",
        **kwargs,
    )
    source = explainer.sources.get()
    source.url = LONG_URL
    source.save()
    stakeholder = explainer.viewpoints.get().stakeholder
    stakeholder.name, stakeholder.slug = "Regional Water Board", "regional-water-board"
    stakeholder.description = "The public body that runs the reservoir."
    stakeholder.save()
    factories.TimelineEventFactory(
        explainer=explainer,
        position=2,
        kind=TimelineEvent.Kind.UPCOMING,
        date=timezone.localdate() + datetime.timedelta(days=30),
        text="The board votes on next year's water prices.",
    )
    factories.CorrectionFactory(explainer=explainer)
    return publishing.freeze(explainer, by=author)
