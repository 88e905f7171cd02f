"""Which admin pages may run inline script: only those that draw the rich-text editor.

CKEditor 4 needs ``script-src 'unsafe-inline'``; the explainer admin adds it (django-csp's
``csp_update``) when its form shows the editor. Every other admin page, the preview and the
public site keep scripts from this origin only. Pages are opened as a superuser on the world of
``test_security_authz`` (a published draft with a revision, one in review, one deleted).
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern

from articles.models import Explainer
from articles.publishing import preview
from articles.site.csp import ADMIN_POLICY
from tests import factories
from tests.articles.test_security_authz import EXPECTED, POST_ONLY, _url, world  # noqa: F401

STRICT = ["'self'"]
EDITOR = ["'self'", "'unsafe-inline'"]

# The pages that draw the explainer form with the editor: add, change, and django-reversion's
# recover page (the form filled from a deleted explainer's revision). The revert page shows the
# old revision read-only.
EDITOR_PAGES = {
    "articles_explainer_add",
    "articles_explainer_change",
    "articles_explainer_recover",
}
# Addresses kept for old links that only redirect (the published-versions diff now leads to
# the history's comparison): no page of their own.
REDIRECTS = {"articles_explainer_version_diff"}
# Every page of the app's admin a superuser can open, from the authorisation matrix.
APP_PAGES = sorted(
    name
    for (name, method), roles in EXPECTED.items()
    if method == "GET" and name not in POST_ONLY | REDIRECTS and roles["superuser"] == "ok"
)
# Pages the matrix's published draft cannot show (it cannot be deleted), judged on a fresh draft.
DRAFT_PAGES = {"articles_explainer_delete": "delete/"}
# Not pages: the private calendar feed is iCalendar text, with no script to run.
NOT_PAGES = {"articles_explainer_calendar_feed"}
# Pages outside the app's model admins.
OTHER_PAGES = {
    "desk (admin index)": "/admin/",
    "app index": "/admin/articles/",
    "users": "/admin/auth/user/",
    "groups": "/admin/auth/group/add/",
    "password change": "/admin/password_change/",
}


def script_src(response) -> list[str]:
    return re.search(r"script-src ([^;]*)", response["Content-Security-Policy"]).group(1).split()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_every_explainer_admin_page_is_judged():
    """A new explainer admin view fails here until APP_PAGES (via the matrix) covers it."""
    model_admin = admin.site.get_model_admin(Explainer)
    names = {p.name for p in model_admin.get_urls() if isinstance(p, URLPattern) and p.name}
    assert names - POST_ONLY - REDIRECTS - set(APP_PAGES) - set(DRAFT_PAGES) - NOT_PAGES == set()


@pytest.mark.parametrize("name", sorted(DRAFT_PAGES))
def test_draft_page_script_src(superuser, name):
    """The pages shown only for a draft that never went through the workflow allow no inline
    script; the page really was served."""
    draft = factories.ExplainerFactory()
    url = f"/admin/articles/explainer/{draft.pk}/{DRAFT_PAGES[name]}"
    response = logged_in(superuser).get(url)
    assert response.status_code == 200
    assert script_src(response) == STRICT


@pytest.mark.parametrize("name", APP_PAGES)
def test_admin_page_script_src(world, name):  # noqa: F811
    """Exactly the pages that draw the editor allow inline script; the page really was served."""
    url, data = _url(name, world)
    response = logged_in(world["users"]["superuser"]).get(url, data)
    assert response.status_code == 200, response.get("Location")
    assert script_src(response) == (EDITOR if name in EDITOR_PAGES else STRICT)
    assert response.has_header("Permissions-Policy")


@pytest.mark.parametrize("page", OTHER_PAGES)
def test_other_admin_page_script_src(superuser, page):
    """The desk, other apps' admin pages and the password page allow no inline script."""
    response = logged_in(superuser).get(OTHER_PAGES[page])
    assert response.status_code == 200
    assert script_src(response) == STRICT


def test_login_page_script_src(client, db):
    """The login page allows no inline script, and still gets the admin's policy."""
    response = client.get("/admin/login/")
    assert script_src(response) == STRICT
    assert "object-src 'none'" in response["Content-Security-Policy"]


def test_read_only_change_page_has_no_exemption(world):  # noqa: F811
    """A fact-checker's change page shows the story read-only, loads no editor: no exemption."""
    url = f"/admin/articles/explainer/{world['in_review'].pk}/change/"
    response = logged_in(world["checker"]).get(url)
    assert response.status_code == 200
    assert "ckeditor" not in response.content.decode()
    assert script_src(response) == STRICT


def test_editor_exemption_only_widens_script_src(world):  # noqa: F811
    """On the editor page the policy is the admin's, with 'unsafe-inline' added to scripts only."""
    response = logged_in(world["users"]["superuser"]).get("/admin/articles/explainer/add/")
    directives = dict(
        (part.split()[0], part.split()[1:])
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert directives == {**ADMIN_POLICY, "script-src": EDITOR}


def test_preview_stays_strict(world):  # noqa: F811
    """The staff preview shows stored HTML under the strict public policy."""
    response = logged_in(world["users"]["superuser"]).get(preview.preview_url(world["explainer"]))
    assert response.status_code == 200
    sources = script_src(response)
    assert sources[0] == "'self'" and "'unsafe-inline'" not in sources
    assert "default-src 'none'" in response["Content-Security-Policy"]
