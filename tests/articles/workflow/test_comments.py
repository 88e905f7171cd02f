"""Threads on an explainer's parts: who may comment and resolve, the approval block, mentions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import Comment, Explainer, KeyFact, Thread
from articles.workflow import comments as talk
from articles.workflow import moves as workflow
from articles.workflow import readiness
from tests.articles.workflow_helpers import desk_checker, explainer_in

pytestmark = pytest.mark.django_db

State = Explainer.State


def fact_key(explainer: Explainer, number: int) -> str:
    fact = KeyFact.objects.filter(explainer=explainer).order_by("position", "pk")[number - 1]
    return f"fact:{fact.pk}"


@pytest.fixture
def in_review(writer):
    return explainer_in(State.IN_REVIEW, authors=[writer])


def test_a_thread_remembers_its_anchor_and_first_comment(in_review, fact_checker):
    thread = talk.start_thread(
        in_review, by=fact_checker, anchor=fact_key(in_review, 2), body="Which year?"
    )
    fact = KeyFact.objects.get(pk=thread.anchor_id)
    assert thread.anchor == Thread.Anchor.FACT
    assert thread.anchor_text == fact.text
    assert thread.blocks_approval
    assert [c.body for c in thread.comments.all()] == ["Which year?"]
    assert thread.comments.get().author == fact_checker


def test_a_thread_on_a_section_snapshots_its_plain_text(in_review, writer):
    thread = talk.start_thread(in_review, by=writer, anchor="section:what_happened", body="Long?")
    assert thread.section == "what_happened" and thread.anchor_id is None
    assert "<" not in thread.anchor_text and thread.anchor_text
    assert not thread.blocks_approval


def test_unknown_anchor_or_empty_text_is_refused_and_saves_nothing(in_review, writer):
    with pytest.raises(ValidationError):
        talk.start_thread(in_review, by=writer, anchor="fact:999999", body="Hm")
    with pytest.raises(ValidationError):
        talk.start_thread(in_review, by=writer, anchor="section:dek", body="   ")
    assert not Thread.objects.exists() and not Comment.objects.exists()


def test_who_may_comment_is_who_may_open_the_explainer(writer, other_writer, fact_checker):
    draft = explainer_in(State.DRAFT, authors=[writer])
    # A fact-checker does not see a draft that is not theirs; another writer never does.
    for outsider in (other_writer, fact_checker):
        assert not talk.can_comment(outsider, draft)
        with pytest.raises(PermissionDenied):
            talk.start_thread(draft, by=outsider, anchor="section:dek", body="Hi")
    thread = talk.start_thread(draft, by=writer, anchor="section:dek", body="Note to self")
    with pytest.raises(PermissionDenied):
        talk.reply(thread, by=other_writer, body="Sneaky")
    assert thread.comments.count() == 1


def test_who_may_resolve_and_reopen(in_review, writer, other_writer, fact_checker, editor):
    checker2 = desk_checker()
    thread = talk.start_thread(in_review, by=fact_checker, anchor="section:dek", body="Hm")
    # Another fact-checker may reply but not resolve someone else's thread.
    talk.reply(thread, by=checker2, body="Agreed")
    with pytest.raises(PermissionDenied):
        talk.resolve(thread, by=checker2)
    with pytest.raises(PermissionDenied):
        talk.resolve(thread, by=other_writer)
    for who in (fact_checker, writer, editor):  # starter, author, editor
        assert talk.can_resolve(who, thread)
    talk.resolve(thread, by=writer)
    thread.refresh_from_db()
    assert thread.resolved_by == writer and not thread.is_open
    with pytest.raises(ValidationError):
        talk.resolve(thread, by=editor)
    talk.reopen(thread, by=editor)
    thread.refresh_from_db()
    assert thread.is_open and thread.resolved_by is None


def test_a_checkers_open_question_on_a_fact_blocks_approval_until_resolved(
    in_review, fact_checker, writer
):
    checker = desk_checker()
    thread = talk.start_thread(
        in_review, by=fact_checker, anchor=fact_key(in_review, 2), body="Source says 2019."
    )
    failed = {c.key: c for c in readiness.failures(in_review)}
    name = fact_checker.get_full_name()
    assert "fact_questions" in failed
    assert f"Key fact #2 has an open question from {name}." in failed["fact_questions"].fix
    with pytest.raises(workflow.NotReady, match=f"Key fact #2 has an open question from {name}"):
        workflow.approve(in_review, by=checker)
    talk.resolve(thread, by=writer)
    workflow.approve(in_review, by=checker)
    assert Explainer.objects.get(pk=in_review.pk).state == State.APPROVED


def test_a_writers_thread_or_a_thread_on_a_source_does_not_block(in_review, writer, fact_checker):
    talk.start_thread(in_review, by=writer, anchor=fact_key(in_review, 1), body="Sure?")
    source = in_review.sources.first()
    talk.start_thread(in_review, by=fact_checker, anchor=f"source:{source.pk}", body="Old")
    assert readiness.is_ready(in_review)


def test_a_question_on_a_deleted_fact_no_longer_blocks_but_the_thread_stays(
    in_review, fact_checker
):
    thread = talk.start_thread(
        in_review, by=fact_checker, anchor=fact_key(in_review, 1), body="Drop this?"
    )
    KeyFact.objects.filter(pk=thread.anchor_id).delete()
    thread.refresh_from_db()
    assert thread.is_open and thread.anchor_text
    assert "fact_questions" not in {c.key for c in readiness.failures(in_review)}


def test_mentions_send_one_email_each_to_those_who_may_open_it(
    in_review, writer, fact_checker, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = talk.start_thread(
            in_review,
            by=fact_checker,
            anchor="section:dek",
            body="Please look <b>now</b>",
            notify=[writer, editor, fact_checker],
        )
    # The author of the comment is not mailed about it.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([writer.email, editor.email])
    message = mail.outbox[0]
    assert in_review.title in message.subject
    assert "Please look <b>now</b>" in message.body
    assert f"#thread-{thread.pk}" in message.body
    assert set(thread.comments.get().mentions.all()) == {writer, editor}


def test_a_mention_of_someone_who_may_not_open_it_is_refused(
    writer, other_writer, django_capture_on_commit_callbacks
):
    draft = explainer_in(State.DRAFT, authors=[writer])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        talk.start_thread(
            draft, by=writer, anchor="section:dek", body="Secret", notify=[other_writer]
        )
    assert mail.outbox == [] and not Thread.objects.exists()


def test_mentionable_matches_the_visibility_rule(writer, other_writer, fact_checker, editor):
    draft = explainer_in(State.DRAFT, authors=[writer])
    review = explainer_in(State.IN_REVIEW, authors=[other_writer])
    for explainer in (draft, review):
        offered = set(talk.mentionable(explainer))
        for person in (writer, other_writer, fact_checker, editor):
            assert (person in offered) == talk.may_open(person, explainer), (explainer, person)
