"""Claim ratings in an explainer's history: a changed verdict shows in the comparison, and a
save compares equal to the version published from it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests import factories
from tests.articles.desk.test_timeline import compare_url, record_as_made, saves
from tests.articles.workflow_helpers import desk_checker

pytestmark = pytest.mark.django_db


def rated_explainer(writer, **rating):
    explainer = factories.complete_explainer(authors=[writer])
    viewpoint = explainer.viewpoints.first()
    claim = factories.ClaimRatingFactory(
        viewpoint=viewpoint,
        claim="The levy pays for the whole barrier.",
        claimant=viewpoint.stakeholder,
        sources=[explainer.sources.first()],
        **rating,
    )
    return explainer, claim


def test_a_changed_verdict_shows_under_claim_ratings(client, editor, writer):
    explainer, claim = rated_explainer(writer)
    record_as_made(explainer, by=editor)
    claim.rating = factories.rating_value("False")
    claim.save()
    record_as_made(explainer, by=editor)
    first, second = saves(explainer)

    client.force_login(editor)
    response = client.get(compare_url(explainer), {"start": f"s{first.pk}", "end": f"s{second.pk}"})

    changes = {section.label: section.changes for section in response.context["changes"]}
    assert set(changes) == {"Claim ratings"}
    (change,) = changes["Claim ratings"]
    assert change.kind == "changed"
    assert change.parts == [
        ("same", f"{claim.claimant.name}: “The levy pays for the whole barrier.” — "),
        ("del", "Misleading "),
        ("ins", "False "),
        (
            "same",
            "(Council meeting, https://example.org/meeting, 2025-03-14). "
            "The figures say otherwise. [1]",
        ),
    ]


def test_a_removed_rating_shows_as_removed(client, editor, writer):
    explainer, claim = rated_explainer(writer)
    record_as_made(explainer, by=editor)
    claim.delete()
    record_as_made(explainer, by=editor)
    first, second = saves(explainer)

    client.force_login(editor)
    response = client.get(compare_url(explainer), {"start": f"s{first.pk}", "end": f"s{second.pk}"})

    changes = {section.label: section.changes for section in response.context["changes"]}
    assert [c.kind for c in changes["Claim ratings"]] == ["removed"]


def test_a_rated_save_and_its_published_version_compare_as_the_same(client, editor, writer):
    """A revision's ratings are read into the same shape as the frozen version's."""
    checker = desk_checker()
    explainer, _ = rated_explainer(writer, checked_by=checker, checked_at=timezone.now())
    record_as_made(explainer, by=editor)
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=checker)
    publication.publish(explainer, by=editor)
    (saved,) = saves(explainer)

    client.force_login(editor)
    response = client.get(compare_url(explainer), {"start": f"s{saved.pk}", "end": "v1"})

    assert response.context["changes"] == []
    version = explainer.versions.get()
    (viewpoint,) = [v for v in version.data["viewpoints"] if v.get("ratings")]
    assert viewpoint["ratings"][0]["checked_by"] == checker.get_username()
