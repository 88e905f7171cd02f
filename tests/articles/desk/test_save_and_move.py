"""'Save and submit' and 'Save and approve': one click saves the form, then makes the move."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Explainer, KeyFact, Transition
from articles.workflow import moves as workflow
from tests import factories
from tests.adminform import form_data
from tests.articles.workflow_helpers import explainer_in

pytestmark = pytest.mark.django_db

State = Explainer.State


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def edit_form(client, explainer: Explainer) -> dict:
    return form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def buttons(client, explainer: Explainer | None = None) -> str:
    url = change_url(explainer) if explainer else reverse("admin:articles_explainer_add")
    html = client.get(url).content.decode()
    return " ".join(
        name for name in ("_save_and_submit", "_save_and_approve") if f'name="{name}"' in html
    )


def test_writer_saves_and_submits_in_one_post(client, writer):
    """The edit is saved and the draft goes to review, recorded in the audit as the writer's."""
    explainer = explainer_in(State.DRAFT, authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    data.update(title="A sharper headline", _save_and_submit="Save and submit for fact-check")
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302 and response.url == change_url(explainer)
    explainer.refresh_from_db()
    assert explainer.title == "A sharper headline"
    assert explainer.state == State.IN_REVIEW
    move = Transition.objects.filter(explainer=explainer).get()
    assert (move.name, move.actor) == ("submit", writer)
    assert said(response)[-1] == "Submit for fact-check: done. It is now in review."


def test_fact_checker_verifies_the_last_fact_and_approves_in_one_post(client, writer, fact_checker):
    """Marking the last unchecked fact verified and approving take one click."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    KeyFact.objects.filter(explainer=explainer, position=1).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    client.force_login(fact_checker)
    data = edit_form(client, explainer)
    data.update({"key_facts-1-check_status": "verified", "_save_and_approve": "Save and approve"})
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED
    assert explainer.approved_by == fact_checker
    assert Transition.objects.filter(explainer=explainer, name="approve", actor=fact_checker)


def test_refused_approval_keeps_the_save_and_says_which_facts(client, writer, fact_checker):
    """With fact #2 still unchecked the note is saved, nothing is approved, and #2 is named."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    KeyFact.objects.filter(explainer=explainer, position=1).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    client.force_login(fact_checker)
    data = edit_form(client, explainer)
    data.update(
        {"key_facts-0-check_note": "Seen the report.", "_save_and_approve": "Save and approve"}
    )
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302 and response.url == change_url(explainer)
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW
    assert explainer.key_facts.order_by("position")[0].check_note == "Seen the report."
    refusal = said(response)[-1]
    assert refusal.startswith("Saved, but not approved: Not ready yet:")
    assert "key facts #2 “verified”" in refusal
    assert not Transition.objects.filter(explainer=explainer, name="approve").exists()


def test_writer_adds_and_submits_a_new_explainer(client, writer):
    """On the add form, 'Save and submit' creates the explainer (with the writer's byline) and
    submits it."""
    client.force_login(writer)
    data = form_data(
        client.get(reverse("admin:articles_explainer_add")).content.decode(), "explainer_form"
    )
    data.update(title="New one", slug="new-one", _save_and_submit="Save and submit")
    response = client.post(reverse("admin:articles_explainer_add"), data)
    assert response.status_code == 302
    explainer = Explainer.objects.get(slug="new-one")
    assert response.url == change_url(explainer)
    assert explainer.state == State.IN_REVIEW and explainer.submitted_by == writer


def test_buttons_follow_who_may_make_the_move(client, writer, fact_checker):
    """Writers see 'Save and submit' on their draft; fact-checkers 'Save and approve' in review;
    neither sees a button for a move they may not make."""
    draft = explainer_in(State.DRAFT, authors=[writer])
    review = explainer_in(State.IN_REVIEW, authors=[writer], slug="in-review")
    client.force_login(writer)
    assert buttons(client, draft) == "_save_and_submit"
    assert buttons(client, review) == ""
    assert buttons(client) == "_save_and_submit"
    client.force_login(fact_checker)
    assert buttons(client, draft) == ""
    assert buttons(client, review) == "_save_and_approve"


def test_author_who_reviews_gets_no_save_and_approve(client, writer, fact_checker):
    """Four eyes: a fact-checker with a byline on the explainer is offered no approval."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer, fact_checker])
    client.force_login(fact_checker)
    assert buttons(client, explainer) == ""


def test_forged_save_and_approve_is_refused_and_saves_nothing(client, writer):
    """A writer posting 'Save and approve' by hand gets 403 and their edit is not saved."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    data.update(title="Changed by hand", _save_and_approve="Save and approve")
    assert client.post(change_url(explainer), data).status_code == 403
    explainer.refresh_from_db()
    assert explainer.title != "Changed by hand" and explainer.state == State.IN_REVIEW


def test_stale_form_is_neither_saved_nor_submitted(client, writer, editor):
    """Someone saved since the form was opened: the lock refuses the save, and no move is made."""
    explainer = explainer_in(State.DRAFT, authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    explainer.title = "The editor's headline"
    explainer.lock_version += 1
    explainer.save()
    data.update(title="Writer's headline", _save_and_submit="Save and submit")
    response = client.post(change_url(explainer), data)
    assert response.status_code == 200
    explainer.refresh_from_db()
    assert explainer.title == "The editor's headline" and explainer.state == State.DRAFT


def test_submitting_a_submitted_explainer_says_why_and_keeps_the_save(client, writer):
    """A draft submitted from another tab meanwhile: the save stands, the move is refused."""
    explainer = explainer_in(State.DRAFT, authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    workflow.submit(explainer, by=writer)
    data.update(_save_and_submit="Save and submit")
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302
    assert said(response)[-1] == (
        "Saved, but not submitted: “Submit for fact-check” is not possible while the "
        "explainer is in review."
    )
    assert Transition.objects.filter(explainer=explainer, name="submit").count() == 1


def test_plain_save_makes_no_move(client, writer):
    """The ordinary Save button still only saves."""
    explainer = factories.complete_explainer(authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    data.update(title="Only saved", _save="Save")
    assert client.post(change_url(explainer), data).status_code == 302
    explainer.refresh_from_db()
    assert explainer.title == "Only saved" and explainer.state == State.DRAFT
