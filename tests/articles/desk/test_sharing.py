"""Share links on the desk: who may make and withdraw them, what the change form lists."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from articles.models import Explainer, ShareLink
from articles.publishing import preview
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def share_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_share", args=[explainer.pk])


def withdraw_url(link: ShareLink) -> str:
    return reverse("admin:articles_explainer_share_revoke", args=[link.explainer_id, link.pk])


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_editor_makes_a_link_and_is_shown_its_url_once(editor):
    """The link is stored with who made it, for whom and until when; the URL is in the message."""
    explainer = complete_explainer()
    response = as_user(editor).post(share_url(explainer), {"for_whom": "Our lawyer", "days": "3"})
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert (link.explainer, link.created_by, link.for_whom) == (explainer, editor, "Our lawyer")
    assert round((link.expires_at - link.created_at).total_seconds()) == 3 * 86400
    [message] = said(response)
    token = re.search(r"/share/([^/\s]+)/", message).group(1)
    assert preview.share_link_for(token) == link
    # Only a digest is stored: the token appears nowhere in the row.
    assert token not in link.token_digest and token.split(":")[0] not in link.token_digest


@pytest.mark.parametrize("role", ["writer", "fact_checker"])
def test_writers_and_fact_checkers_may_not_share(request, role):
    """Even the explainer's author gets 403 and no link is made."""
    user = request.getfixturevalue(role)
    explainer = complete_explainer(authors=[user])
    if role == "fact_checker":
        Explainer.objects.filter(pk=explainer.pk).update(state="in_review", assignee=user)
    response = as_user(user).post(share_url(explainer), {"for_whom": "A friend", "days": "7"})
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("role", ["writer", "fact_checker"])
def test_writers_and_fact_checkers_may_not_withdraw(request, role, editor):
    user = request.getfixturevalue(role)
    explainer = complete_explainer(authors=[user])
    link, _ = preview.create_share_link(explainer, by=editor, for_whom="Lawyer")
    response = as_user(user).post(withdraw_url(link))
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_share_views_are_post_only(editor):
    explainer = complete_explainer()
    link, _ = preview.create_share_link(explainer, by=editor, for_whom="Lawyer")
    client = as_user(editor)
    assert client.get(share_url(explainer)).status_code == 405
    assert client.get(withdraw_url(link)).status_code == 405
    assert not ShareLink.objects.exclude(pk=link.pk).exists()


def test_create_checks_csrf(editor):
    explainer = complete_explainer()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(share_url(explainer), {"for_whom": "Lawyer", "days": "7"})
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"for_whom": "Lawyer", "days": "31"}, "less than or equal to 30"),
        ({"for_whom": "Lawyer", "days": "0"}, "greater than or equal to 1"),
        ({"for_whom": "   ", "days": "7"}, "For whom"),
        ({"for_whom": "Lawyer", "days": "soon"}, "whole number"),
    ],
)
def test_bad_input_says_why_and_makes_nothing(editor, data, expected):
    explainer = complete_explainer()
    response = as_user(editor).post(share_url(explainer), data)
    assert response.status_code == 302
    assert any(expected in m and "not made" in m for m in said(response)), said(response)
    assert not ShareLink.objects.exists()


def test_editor_withdraws_a_link_once(editor):
    explainer = complete_explainer()
    link, _ = preview.create_share_link(explainer, by=editor, for_whom="Lawyer")
    client = as_user(editor)
    first = client.post(withdraw_url(link))
    link.refresh_from_db()
    assert link.revoked_by == editor and link.revoked_at is not None
    when = link.revoked_at
    second = client.post(withdraw_url(link))
    link.refresh_from_db()
    assert link.revoked_at == when
    assert "is withdrawn" in said(first)[0] and "already withdrawn" in said(second)[-1]


def test_a_link_of_another_explainer_is_not_found(editor):
    link, _ = preview.create_share_link(complete_explainer(), by=editor, for_whom="Lawyer")
    other = complete_explainer(slug="another")
    url = reverse("admin:articles_explainer_share_revoke", args=[other.pk, link.pk])
    assert as_user(editor).post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_change_form_lists_links_with_maker_views_and_withdraw_for_editors(editor, writer):
    """Everyone on the form sees the list; only those who may share get the form and buttons."""
    editor.first_name, editor.last_name = "Ada", "Okafor"
    editor.save()
    explainer = complete_explainer(authors=[writer])
    link, token = preview.create_share_link(explainer, by=editor, for_whom="Interviewee Jo")
    Client().get(preview.share_url(token))
    Client().get(preview.share_url(token))
    html = as_user(editor).get(change_url(explainer)).content.decode()
    assert "Interviewee Jo" in html and "Ada Okafor" in html and "2 times" in html
    assert f'data-share-revoke="{link.pk}"' in html and "data-share-create" in html
    html = as_user(writer).get(change_url(explainer)).content.decode()
    assert "Interviewee Jo" in html and "Ada Okafor" in html
    assert "data-share-revoke" not in html and "data-share-create" not in html


def test_only_editors_hold_the_permission(editor, writer, fact_checker):
    assert editor.has_perm("articles.share_explainer")
    assert not writer.has_perm("articles.share_explainer")
    assert not fact_checker.has_perm("articles.share_explainer")
