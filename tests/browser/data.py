"""Explainers in a given state, built in Python so that each test drives only its own steps.

``published_explainer`` uses ``complete_explainer`` and ``freeze`` only, so the public-page
tests do not depend on the workflow at all; ``in_review``, ``approved`` and ``published`` call
the workflow's functions, for tests that start in the middle of the journey.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from articles.models import Explainer, PublishedVersion, TimelineEvent
from articles.publishing import freeze as publishing
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
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


def in_review(*, writer, **kwargs) -> Explainer:
    """Return a complete explainer by ``writer``, submitted for fact-checking."""
    explainer = factories.complete_explainer(authors=[writer], **kwargs)
    return workflow.submit(explainer, by=writer)


def approved(*, writer, checker, **kwargs) -> Explainer:
    explainer = in_review(writer=writer, **kwargs)
    return workflow.approve(explainer, by=checker)


def published(*, writer, checker, editor, **kwargs) -> Explainer:
    """Return an explainer taken through the workflow to a live version."""
    explainer = approved(writer=writer, checker=checker, **kwargs)
    publication.publish(explainer, by=editor)
    explainer.refresh_from_db()
    return explainer


def desk_stages(*, writer, checker, editor) -> dict[str, Explainer]:
    """Explainers by ``writer`` at each stage: one published (so it has published versions and
    a workflow history), and, under each role's fixture name, one where that role has a move:
    a writer submits a draft, a fact-checker approves what is in review, an editor publishes
    what is approved."""
    return {
        "live": published(writer=writer, checker=checker, editor=editor, title="Live already"),
        "writer": factories.complete_explainer(authors=[writer], title="Ready to submit"),
        "fact_checker": in_review(writer=writer, title="Waiting for a check"),
        "editor": approved(writer=writer, checker=checker, title="Ready to publish"),
    }
