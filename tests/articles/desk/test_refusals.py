"""What the desk hides and how it explains a refusal: Delete, closed explainers, conflicts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Explainer
from articles.publishing import freeze as publishing
from articles.workflow import moves as workflow
from tests.adminform import form_data
from tests.factories import ExplainerFactory, complete_explainer

pytestmark = pytest.mark.django_db


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def delete_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_delete", args=[explainer.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Delete.


@pytest.fixture
def live(editor, writer) -> Explainer:
    explainer = complete_explainer(authors=[writer], title="Live explainer")
    publishing.freeze(explainer, by=editor)
    return explainer


def test_live_explainer_offers_no_delete(editor, live):
    """An editor's change form of a live explainer has no Delete link, and says to unpublish."""
    html = logged_in(editor).get(change_url(live)).text
    assert delete_url(live) not in html
    assert "unpublish it first to delete it" in html


def test_delete_of_a_live_explainer_is_refused(editor, live):
    """A live explainer's delete page, and a crafted POST to it, are refused (403)."""
    client = logged_in(editor)
    assert client.get(delete_url(live)).status_code == 403
    assert client.post(delete_url(live), {"post": "yes"}).status_code == 403
    assert Explainer.objects.filter(pk=live.pk).exists()


def test_scheduled_explainer_offers_no_delete(editor, writer):
    """A version due to go live later counts as published: no Delete until it is withdrawn."""
    explainer = complete_explainer(authors=[writer])
    publishing.freeze(explainer, by=editor, go_live_at=timezone.now() + timedelta(days=2))
    assert logged_in(editor).get(delete_url(explainer)).status_code == 403


def test_draft_offers_delete_to_an_editor(editor, writer):
    """A draft with nothing published keeps its Delete link, and the delete page opens."""
    explainer = ExplainerFactory(authors=[writer])
    client = logged_in(editor)
    html = client.get(change_url(explainer)).text
    assert delete_url(explainer) in html
    assert "No Delete" not in html
    assert client.get(delete_url(explainer)).status_code == 200


def test_writer_is_not_told_to_unpublish(writer, live):
    """A writer, who may not delete anyway, gets neither Delete nor the unpublish note."""
    html = logged_in(writer).get(change_url(live)).text
    assert delete_url(live) not in html
    assert "No Delete" not in html


def test_explainer_with_a_workflow_history_offers_no_delete(editor, writer):
    """Once a move is recorded the explainer is kept: no Delete, a note saying why, and 403."""
    explainer = complete_explainer(authors=[writer])
    workflow.submit(explainer, by=writer)
    client = logged_in(editor)
    html = client.get(change_url(explainer)).text
    assert delete_url(explainer) not in html
    assert "It has a workflow history, which is kept, so it cannot be deleted." in html
    assert client.get(delete_url(explainer)).status_code == 403


# A colleague's explainer.


@pytest.fixture
def colleagues_draft(other_writer) -> Explainer:
    return ExplainerFactory(authors=[other_writer], title="Colleague's secret plan")


def test_colleagues_draft_says_not_an_author(writer, colleagues_draft):
    """Opening a colleague's draft says the writer is not an author, not that it is missing."""
    client = logged_in(writer)
    response = client.get(change_url(colleagues_draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_explainer_changelist")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("you are not an author of it" in m for m in said)
    assert not any("doesn" in m or "deleted" in m for m in said)


def test_colleagues_draft_refusal_does_not_leak_its_title(writer, colleagues_draft):
    """The page the refusal lands on names nothing of the closed draft."""
    response = logged_in(writer).get(change_url(colleagues_draft), follow=True)
    assert "not an author" in response.text
    assert "secret plan" not in response.text


def test_post_to_a_colleagues_draft_is_refused(writer, colleagues_draft):
    """A crafted save of a colleague's draft is refused (403) and writes nothing."""
    response = logged_in(writer).post(change_url(colleagues_draft), {"title": "Mine now"})
    assert response.status_code == 403
    colleagues_draft.refresh_from_db()
    assert colleagues_draft.title == "Colleague's secret plan"


def test_missing_id_keeps_the_admins_answer(writer):
    """An id that matches no explainer still gets the admin's "doesn't exist" redirect."""
    response = logged_in(writer).get(reverse("admin:articles_explainer_change", args=[999999]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


# Conflicts.


def test_conflict_message_comes_before_the_first_fieldset(editor, writer):
    """A stale save's refusal is drawn at the top of the page, above the workflow panel."""
    explainer = complete_explainer(authors=[writer], title="Original")
    writers_client, editors_client = logged_in(writer), logged_in(editor)
    page = editors_client.get(change_url(explainer)).text
    editors_form = form_data(page, "explainer_form")
    writers_form = form_data(writers_client.get(change_url(explainer)).text, "explainer_form")
    writers_form["title"] = "Writer's title"
    assert writers_client.post(change_url(explainer), writers_form).status_code == 302

    editors_form["title"] = "Editor's title"
    html = editors_client.post(change_url(explainer), editors_form).text

    message = html.index("saved this explainer at")
    assert html.count("saved this explainer at") == 1, "the refusal is said once"
    assert "Please correct the error" not in html, "no note pointing at an error below"
    assert message < html.index("<fieldset")
    assert message < html.index('name="title"')
