"""Workflow email: who is told about what, and only once the move is committed."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from articles.models import Explainer
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import (
    desk_checker,
    desk_editor,
    explainer_in,
)
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_submit_tells_the_fact_checkers(writer, fact_checker, django_capture_on_commit_callbacks):
    """Submitting mails every fact-checker, one message each, and not the author."""
    other_checker = desk_checker()
    explainer = complete_explainer(authors=[writer], title="Water rates")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(explainer, by=writer)
    assert recipients() == {fact_checker.email, other_checker.email}
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "Water rates" in mail.outbox[0].subject
    assert f"/admin/articles/explainer/{explainer.pk}/change/" in mail.outbox[0].body


def test_mail_waits_for_the_commit(writer, fact_checker, django_capture_on_commit_callbacks):
    """Nothing is sent while the transaction is open: mail goes out on commit only."""
    explainer = complete_explainer(authors=[writer])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(explainer, by=writer)
    assert mail.outbox == []
    assert callbacks
    for callback in callbacks:
        callback()
    assert recipients() == {fact_checker.email}


def test_rolled_back_move_sends_nothing(writer, fact_checker, django_capture_on_commit_callbacks):
    """A move undone by its transaction tells nobody."""
    explainer = complete_explainer(authors=[writer])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.submit(explainer, by=writer)
        raise RuntimeError("something later failed")
    assert mail.outbox == []


def test_resubmission_goes_to_the_assigned_checker(
    writer, fact_checker, django_capture_on_commit_callbacks
):
    """Once a fact-checker is named, a resubmission is mailed to them alone."""
    desk_checker()
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    workflow.assign(explainer, by=desk_editor(), assignee=fact_checker)
    workflow.request_changes(explainer, by=fact_checker, comment="Fix fact 1.")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(explainer, by=writer)
    assert recipients() == {fact_checker.email}


def test_assignment_tells_the_assignee_with_the_due_date(
    writer, fact_checker, editor, django_capture_on_commit_callbacks
):
    """The named fact-checker is told the review is theirs, and by when."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    due = timezone.localdate() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign(explainer, by=editor, assignee=fact_checker, due=due)
    (message,) = mail.outbox
    assert message.to == [fact_checker.email]
    assert str(due.year) in message.body and due.strftime("%B") in message.body


def test_approval_tells_the_editors(
    writer, editor, fact_checker, django_capture_on_commit_callbacks
):
    """Approving mails the editors that it is ready to publish."""
    other_editor = desk_editor()
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(explainer, by=fact_checker)
    assert recipients() == {editor.email, other_editor.email}
    assert mail.outbox[0].subject.startswith("Approved")


def test_changes_requested_tells_the_authors_what_to_change(
    writer, other_writer, fact_checker, django_capture_on_commit_callbacks
):
    """Every author gets the reviewer's comment."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer, other_writer])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(explainer, by=fact_checker, comment="Cite the 2024 report.")
    assert recipients() == {writer.email, other_writer.email}
    assert "Cite the 2024 report." in mail.outbox[0].body


def test_publication_tells_the_authors(writer, editor, django_capture_on_commit_callbacks):
    """Publishing mails the authors the public address."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    with django_capture_on_commit_callbacks(execute=True):
        publication.publish(explainer, by=editor)
    (message,) = mail.outbox
    assert message.to == [writer.email]
    assert message.subject.startswith("Published")
    assert f"/explainers/{explainer.slug}/" in message.body


def test_scheduling_tells_the_authors_when(writer, editor, django_capture_on_commit_callbacks):
    """A scheduled publication says it is scheduled, not live."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    with django_capture_on_commit_callbacks(execute=True):
        publication.publish(explainer, by=editor, go_live_at=timezone.now() + timedelta(days=1))
    (message,) = mail.outbox
    assert message.subject.startswith("Scheduled")
    assert "scheduled to go live" in message.body


def test_actor_is_not_mailed_about_their_own_move(editor, django_capture_on_commit_callbacks):
    """An editor who publishes their own explainer gets no mail about it."""
    explainer = explainer_in(State.APPROVED, authors=[editor])
    with django_capture_on_commit_callbacks(execute=True):
        publication.publish(explainer, by=editor)
    assert mail.outbox == []


def test_mail_failure_does_not_undo_the_move(
    writer, fact_checker, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """A broken mail server is logged; the committed move stands."""

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("articles.workflow.notifications.send_mass_mail", broken)
    explainer = complete_explainer(authors=[writer])
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        workflow.submit(explainer, by=writer)
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW
    assert "explainer_submitted" in caplog.text and "SMTP down" in caplog.text
