"""Claim ratings in the workflow: who may rate and check, four eyes, and readiness."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import ClaimRating
from articles.snapshot import content_digest, snapshot
from articles.workflow import moves as workflow
from articles.workflow import readiness
from tests import factories
from tests.articles.workflow_helpers import desk_checker, desk_editor

pytestmark = pytest.mark.django_db


def rated(explainer, *, by, checked_by=None) -> ClaimRating:
    """Return a rating of the explainer's viewpoint citing its first source."""
    viewpoint = explainer.viewpoints.first()
    rating = factories.ClaimRatingFactory(
        viewpoint=viewpoint, rated_by=by, sources=[explainer.sources.first()]
    )
    if checked_by is not None:
        rating.checked_by, rating.checked_at = checked_by, timezone.now()
        rating.save()
    return rating


def failing(explainer) -> set[str]:
    return {check.key for check in readiness.failures(explainer)}


@pytest.mark.parametrize(
    ("role", "may"),
    [("writer", False), ("fact_checker", True), ("editor", True), ("superuser", True)],
)
def test_who_may_rate_claims(request, role, may):
    """Fact-checkers and editors rate claims; writers do not."""
    user = request.getfixturevalue(role)
    assert workflow.can_rate_claims(user, factories.ExplainerFactory()) is may


@pytest.mark.parametrize(
    ("role", "may"),
    [("rater", False), ("fact_checker", True), ("editor", True), ("writer", False)],
)
def test_who_may_check_a_rating(request, role, may):
    """Anyone who may rate, except the rater, may check a rating (four eyes)."""
    rater = desk_checker()
    user = rater if role == "rater" else request.getfixturevalue(role)
    rating = rated(factories.complete_explainer(), by=rater)
    assert workflow.can_check_rating(user, rating) is may


def test_the_database_refuses_a_rating_checked_by_its_rater():
    """Four eyes holds in the database too: rater and checker cannot be the same person."""
    rater = desk_checker()
    rating = rated(factories.complete_explainer(), by=rater)
    rating.checked_by, rating.checked_at = rater, timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        rating.save()


def test_a_rating_must_rate_a_viewpoint_of_its_own_explainer():
    """A viewpoint of another explainer is refused by validation."""
    rating = rated(factories.complete_explainer(), by=desk_checker())
    rating.viewpoint = factories.ViewpointFactory()
    with pytest.raises(ValidationError) as raised:
        rating.full_clean()
    assert "viewpoint" in raised.value.message_dict


def test_an_unchecked_rating_blocks_approval():
    """Readiness fails while a rating is unchecked, and approve refuses."""
    explainer = factories.complete_explainer()
    rated(explainer, by=desk_checker())
    assert "ratings_checked" in failing(explainer)
    workflow.submit(explainer, by=desk_editor())
    with pytest.raises(workflow.NotReady):
        workflow.approve(explainer, by=factories.UserFactory(username="root2", is_superuser=True))


def test_a_rating_checked_by_someone_else_lets_approval_go_ahead():
    """Once another person checked it, the rating holds nothing up."""
    explainer = factories.complete_explainer()
    rated(explainer, by=desk_checker(), checked_by=desk_editor())
    assert not failing(explainer) & {"ratings_checked", "ratings_sourced"}
    workflow.submit(explainer, by=desk_editor())
    workflow.approve(explainer, by=factories.UserFactory(username="root2", is_superuser=True))


def test_a_rating_without_a_source_of_this_explainer_fails_readiness():
    """A rating citing no source (or only another explainer's) fails "cites a source"."""
    explainer = factories.complete_explainer()
    rating = rated(explainer, by=desk_checker(), checked_by=desk_editor())
    rating.sources.set([factories.SourceFactory()])
    assert "ratings_sourced" in failing(explainer)


def test_rating_during_review_is_the_review_not_a_text_change():
    """A rating leaves the text digest alone (no send-back in review) but not the content's."""
    explainer = factories.complete_explainer()
    before = snapshot(explainer)
    rated(explainer, by=desk_checker())
    after = snapshot(explainer)
    assert workflow.text_digest(after) == workflow.text_digest(before)
    assert content_digest(after) != content_digest(before)


def test_a_viewpoint_without_ratings_keeps_its_old_snapshot_shape():
    """Explainers approved before ratings existed keep their fingerprint (no "ratings" key)."""
    explainer = factories.complete_explainer()
    assert all("ratings" not in v for v in snapshot(explainer)["viewpoints"])
