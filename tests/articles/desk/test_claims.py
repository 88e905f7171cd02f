"""Claim ratings on the change form: who rates, who checks (four eyes), what is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import roles
from articles.models import ClaimRating, Explainer, RatingValue
from tests import factories
from tests.adminform import form_data
from tests.articles.workflow_helpers import explainer_in, user_in

pytestmark = pytest.mark.django_db

PREFIX = "claim_ratings"


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def opened(client, user, explainer) -> dict:
    """Return the change form's data as ``user``'s browser would send it back."""
    client.force_login(user)
    return form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")


def new_rating(data: dict, explainer: Explainer, **fields: str) -> dict:
    """Add a filled-in new rating row to the form data."""
    n = int(data[f"{PREFIX}-TOTAL_FORMS"])
    row = {
        "viewpoint": str(explainer.viewpoints.order_by("position", "pk").first().pk),
        "claim": "The levy pays for the whole barrier.",
        "appearance_title": "Council meeting of 3 March",
        "appearance_url": "https://example.org/minutes",
        "appeared_on": "2026-03-03",
        "rating": str(RatingValue.objects.get(name="Misleading").pk),
        "explanation": "It pays for a third; a state grant pays the rest.",
        "sources": "1",
        **fields,
    }
    data.update({f"{PREFIX}-{n}-{key}": value for key, value in row.items()})
    data[f"{PREFIX}-TOTAL_FORMS"] = str(n + 1)
    return data


@pytest.fixture
def in_review(writer):
    return explainer_in(Explainer.State.IN_REVIEW, authors=[writer])


@pytest.fixture
def second_checker(db):
    return user_in(roles.FACT_CHECKER, "second_checker")


def rated_by(client, checker, explainer) -> ClaimRating:
    data = new_rating(opened(client, checker, explainer), explainer)
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ClaimRating.objects.get(explainer=explainer)


def test_a_fact_checker_rates_a_claim_and_is_stamped_as_its_rater(client, fact_checker, in_review):
    """The new rating records its rater, is unchecked, and the explainer stays in review."""
    rating = rated_by(client, fact_checker, in_review)
    assert rating.rated_by == fact_checker and rating.rated_at is not None
    assert rating.checked_by is None and not rating.is_checked
    assert [s.pk for s in rating.sources.all()] == [in_review.sources.get().pk]
    in_review.refresh_from_db()
    assert in_review.state == Explainer.State.IN_REVIEW


def test_the_rater_cannot_check_their_own_rating(client, fact_checker, in_review):
    """Four eyes: the rater's tick in "checked" is refused and nothing changes."""
    rating = rated_by(client, fact_checker, in_review)
    data = opened(client, fact_checker, in_review)
    data[f"{PREFIX}-0-checked"] = "on"
    response = client.post(change_url(in_review), data)
    assert response.status_code == 200
    assert "someone else must check it" in response.content.decode()
    rating.refresh_from_db()
    assert rating.checked_by is None


def test_rating_and_checking_in_one_save_is_refused(client, fact_checker, in_review):
    """A new rating ticked "checked" by its own rater is refused whole: nothing is saved."""
    data = new_rating(opened(client, fact_checker, in_review), in_review, checked="on")
    response = client.post(change_url(in_review), data)
    assert response.status_code == 200
    assert not ClaimRating.objects.exists()


@pytest.mark.parametrize("checker", ["second_checker", "editor"])
def test_another_fact_checker_or_an_editor_checks_it(
    request, client, fact_checker, in_review, checker
):
    """Someone other than the rater ticks "checked" and is stamped as its checker."""
    rating = rated_by(client, fact_checker, in_review)
    user = request.getfixturevalue(checker)
    data = opened(client, user, in_review)
    data[f"{PREFIX}-0-checked"] = "on"
    assert client.post(change_url(in_review), data).status_code == 302
    rating.refresh_from_db()
    assert rating.checked_by == user and rating.rated_by == fact_checker


def test_changing_a_checked_rating_makes_a_new_rating(
    client, fact_checker, second_checker, in_review
):
    """A checked rating reworded by anyone loses its check; the rewriter becomes its rater."""
    rating = rated_by(client, fact_checker, in_review)
    rating.checked_by, rating.checked_at = second_checker, rating.rated_at
    rating.save()
    data = opened(client, second_checker, in_review)
    data[f"{PREFIX}-0-rating"] = str(RatingValue.objects.get(name="False").pk)
    assert client.post(change_url(in_review), data).status_code == 302
    rating.refresh_from_db()
    assert rating.rating.name == "False"
    assert rating.rated_by == second_checker and rating.checked_by is None


def test_a_writer_sees_ratings_but_cannot_add_or_change_them(client, writer, fact_checker):
    """The writer's form shows the rating read-only and ignores a crafted new row."""
    explainer = explainer_in(Explainer.State.DRAFT, authors=[writer])
    rating = factories.ClaimRatingFactory(
        viewpoint=explainer.viewpoints.get(), claim="Quoted words.", rated_by=fact_checker
    )
    client.force_login(writer)
    html = client.get(change_url(explainer)).content.decode()
    assert "Quoted words." in html
    assert f'name="{PREFIX}-0-claim"' not in html
    data = form_data(html, "explainer_form")
    data[f"{PREFIX}-0-claim"] = "Words the writer put in their mouth."
    data[f"{PREFIX}-0-id"] = str(rating.pk)
    new_rating(data, explainer, claim="A claim the writer rated.")
    client.post(change_url(explainer), data)
    assert list(ClaimRating.objects.values_list("claim", flat=True)) == ["Quoted words."]


def test_a_viewpoint_of_another_explainer_is_refused(client, fact_checker, in_review):
    """A crafted viewpoint id from another explainer gets "Select a valid choice"."""
    elsewhere = factories.ViewpointFactory()
    data = new_rating(
        opened(client, fact_checker, in_review), in_review, viewpoint=str(elsewhere.pk)
    )
    response = client.post(change_url(in_review), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ClaimRating.objects.exists()


def test_a_source_number_outside_this_explainer_is_refused(client, fact_checker, in_review):
    """The explanation cites this explainer's sources by number; another number is an error."""
    data = new_rating(opened(client, fact_checker, in_review), in_review, sources="7")
    response = client.post(change_url(in_review), data)
    assert response.status_code == 200
    assert "There is no source 7" in response.content.decode()
    assert not ClaimRating.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("editor", 200), ("fact_checker", 403), ("writer", 403)]
)
def test_only_editors_change_the_rating_scale(client, request, role, status):
    """The scale's add page opens for editors only."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("admin:articles_ratingvalue_add")).status_code == status


def test_an_editor_adds_a_verdict_to_the_scale(client, editor):
    """A new verdict saved by an editor is offered to raters."""
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_ratingvalue_add"),
        {"name": "Mostly accurate", "value": "5", "description": "Right on the whole."},
    )
    assert response.status_code == 302
    assert RatingValue.objects.order_by("-value").first().name == "Mostly accurate"


def test_a_verdict_in_use_cannot_be_deleted(client, editor, fact_checker):
    """Deleting a verdict some rating uses is refused by the admin (protected)."""
    rating = factories.ClaimRatingFactory(rated_by=fact_checker)
    client.force_login(editor)
    url = reverse("admin:articles_ratingvalue_delete", args=[rating.rating_id])
    client.post(url, {"post": "yes"})
    assert RatingValue.objects.filter(pk=rating.rating_id).exists()


def test_a_claimant_outside_this_explainer_is_refused(client, fact_checker, in_review):
    """The claimant is one of this explainer's stakeholders; another is "Select a valid choice"."""
    outsider = factories.StakeholderFactory()
    data = new_rating(opened(client, fact_checker, in_review), in_review, claimant=str(outsider.pk))
    response = client.post(change_url(in_review), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ClaimRating.objects.exists()


def test_the_claimant_may_be_another_stakeholder_of_this_explainer(client, fact_checker, in_review):
    """A claim quoted in one viewpoint may be made by another stakeholder of the explainer."""
    other = factories.ViewpointFactory(explainer=in_review, position=5).stakeholder
    data = new_rating(opened(client, fact_checker, in_review), in_review, claimant=str(other.pk))
    assert client.post(change_url(in_review), data).status_code == 302
    assert ClaimRating.objects.get().claimant == other
