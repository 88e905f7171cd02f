"""Upper-case public addresses redirect (301) to their lower-case page when it exists
(articles/site/lowercase.py)."""

from __future__ import annotations

import pytest

from articles.publishing import preview
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def heat_dome():
    """A live explainer by "ada", on the Science topic, quoting the Met Office."""
    explainer = factories.complete_explainer(
        title="What is a heat dome",
        slug="what-is-a-heat-dome",
        authors=[factories.UserFactory(username="ada", first_name="Ada", last_name="")],
    )
    stakeholder = factories.StakeholderFactory(slug="met-office")
    factories.ViewpointFactory(explainer=explainer, stakeholder=stakeholder, position=5)
    publish(explainer)
    return explainer


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("/Explainers/What-Is-A-Heat-Dome/", "/explainers/what-is-a-heat-dome/"),
        ("/explainers/What-is-a-heat-dome/", "/explainers/what-is-a-heat-dome/"),
        ("/Topics/Science/", "/topics/science/"),
        ("/STAKEHOLDERS/Met-Office/", "/stakeholders/met-office/"),
        ("/Authors/Ada/", "/authors/ada/"),
        ("/Watch/", "/watch/"),
        ("/Corrections/", "/corrections/"),
        (
            "/Explainers/What-Is-A-Heat-Dome/timeline.json",
            "/explainers/what-is-a-heat-dome/timeline.json",
        ),
    ],
)
def test_upper_case_address_redirects_to_lower_case(client, heat_dome, typed, canonical):
    """A page's address typed with capitals answers 301 to the lower-case address."""
    response = client.get(typed)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert client.get(canonical).status_code == 200


def test_redirect_keeps_the_query_string(client, heat_dome):
    """The query string goes along unchanged (its case too)."""
    response = client.get("/Topics/Science/?page=1&utm_source=Mail")
    assert response.status_code == 301
    assert response["Location"] == "/topics/science/?page=1&utm_source=Mail"


@pytest.mark.parametrize(
    "typed",
    ["/Explainers/No-Such-Thing/", "/Topics/Nothing-Here/", "/Authors/Nobody/", "/Nowhere/"],
)
def test_upper_case_address_of_nothing_is_still_404(client, heat_dome, typed):
    """With no page at the lower-case address, the answer is a plain 404, not a redirect."""
    assert client.get(typed).status_code == 404


def test_an_old_mixed_case_login_name_address_reaches_the_author_page(client, db):
    """An author's old address by a mixed-case login name still leads to their slug page."""
    live_explainer(
        authors=[factories.UserFactory(username="JSmith", first_name="Jo", last_name="Smith")]
    )
    response = client.get("/authors/JSmith/", follow=True)
    assert response.redirect_chain[-1][0] == "/authors/jo-smith/"
    assert response.status_code == 200


def test_preview_and_share_tokens_are_not_lower_cased(client, editor):
    """Tokens are case-sensitive secrets: a capitalised one is a 404, never a redirect."""
    _, token = preview.create_share_link(
        factories.complete_explainer(), by=editor, for_whom="Our lawyer"
    )
    url = preview.share_url(token)
    capitalised = url.replace("/share/", "/Share/")
    assert client.get(capitalised).status_code == 404


def test_post_to_an_upper_case_address_is_not_redirected(client, heat_dome):
    """Only GET and HEAD are redirected: anything else keeps its 404."""
    assert client.post("/Explainers/What-Is-A-Heat-Dome/").status_code == 404
