"""Public addresses take GET and HEAD only: any other method gets 405 with ``Allow``, even with
CSRF checks on (views.read_only)."""

from __future__ import annotations

import pytest
from django.test import Client

from articles.publishing import freeze as publishing
from tests import factories
from tests.publicurls import public_urls

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete", "options")


@pytest.fixture
def urls(editor) -> dict[str, str]:
    """Every public route, filled for a live explainer (a route added later is walked too)."""
    explainer = factories.complete_explainer(authors=[factories.UserFactory(username="author")])
    publishing.freeze(explainer, by=editor)
    unfilled: list[str] = []
    found = public_urls(
        explainer, explainer.topics.first(), factories.StakeholderFactory(), unfilled=unfilled
    )
    assert unfilled == []
    return found


@pytest.fixture
def strict_client() -> Client:
    """A client that, like a browser or a bot, does not skip Django's CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("method", UNSAFE)
def test_unsafe_methods_get_405_with_allow_on_every_public_url(strict_client, urls, method):
    """POST, PUT, PATCH, DELETE and OPTIONS answer 405, Allow: GET, HEAD, and an empty body."""
    answers = {}
    for name, url in urls.items():
        response = getattr(strict_client, method)(
            url, data="q=x", content_type="application/x-www-form-urlencoded"
        )
        answers[name] = (response.status_code, response.get("Allow"), response.content)
    assert answers == {name: (405, "GET, HEAD", b"") for name in urls}


def test_405_sets_no_cookie_and_is_not_cached(strict_client, urls):
    """A refused POST hands out no CSRF or session cookie and no public Cache-Control."""
    response = strict_client.post(urls["articles:home"])
    assert response.status_code == 405
    assert response.cookies == {}
    assert "public" not in response.get("Cache-Control", "")


def test_safe_methods_still_served(strict_client, urls):
    """GET and HEAD of the same addresses are not refused."""
    for name, url in urls.items():
        assert strict_client.get(url).status_code != 405, name
        assert strict_client.head(url).status_code != 405, name


def test_admin_post_is_still_csrf_checked(strict_client, editor):
    """The exemption is the public site's only: a tokenless POST to the admin is refused."""
    response = strict_client.post(
        "/admin/login/", {"username": "editor", "password": "correct horse battery staple"}
    )
    assert response.status_code == 403
