"""Threads on the change form: the section, the thread column, the POST views, the desk queues."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from articles.models import Explainer, KeyFact, Thread
from articles.workflow import comments as talk
from tests.articles.workflow_helpers import explainer_in

pytestmark = pytest.mark.django_db

State = Explainer.State


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def start_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_thread_start", args=[explainer.pk])


def action_url(thread: Thread, action: str) -> str:
    return reverse(
        "admin:articles_explainer_thread_action", args=[thread.explainer_id, thread.pk, action]
    )


def first_fact(explainer: Explainer) -> KeyFact:
    return KeyFact.objects.filter(explainer=explainer).order_by("position", "pk").first()


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def in_review(writer):
    return explainer_in(State.IN_REVIEW, authors=[writer])


def test_checker_starts_a_thread_on_a_fact_from_the_change_form(client, in_review, fact_checker):
    fact = first_fact(in_review)
    client.force_login(fact_checker)
    response = client.post(
        start_url(in_review), {"anchor": f"fact:{fact.pk}", "body": "Which census?"}
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#thread-{thread.pk}")
    assert (thread.anchor, thread.anchor_id, thread.created_by) == ("fact", fact.pk, fact_checker)
    page = client.get(change_url(in_review)).content.decode()
    assert 'id="threads"' in page and "Which census?" in page
    # The fact's row shows its open thread.
    assert f'href="#anchor-fact-{fact.pk}"' in page and "1 open" in page


def test_comment_text_is_escaped_on_the_change_form(client, in_review, writer):
    talk.start_thread(
        in_review, by=writer, anchor="section:dek", body='<script>alert("x")</script>'
    )
    client.force_login(writer)
    page = client.get(change_url(in_review)).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_start_form_preselects_the_row_it_was_opened_from(client, in_review, writer):
    fact = first_fact(in_review)
    client.force_login(writer)
    page = client.get(change_url(in_review), {"comment_on": f"fact:{fact.pk}"}).content.decode()
    assert f'<option value="fact:{fact.pk}" selected>' in page


def test_an_empty_comment_is_refused_with_a_message(client, in_review, writer):
    client.force_login(writer)
    response = client.post(start_url(in_review), {"anchor": "section:dek", "body": " "})
    assert response.status_code == 302
    assert any("Comment" in m for m in said(response))
    assert not Thread.objects.exists()


def test_views_are_post_only(client, in_review, writer):
    client.force_login(writer)
    assert client.get(start_url(in_review)).status_code == 405


def test_someone_who_may_not_open_the_explainer_cannot_comment(client, writer, other_writer):
    draft = explainer_in(State.DRAFT, authors=[writer])
    thread = talk.start_thread(draft, by=writer, anchor="section:dek", body="Mine")
    client.force_login(other_writer)
    assert client.post(start_url(draft), {"anchor": "section:dek", "body": "x"}).status_code == 404
    response = client.post(action_url(thread, "reply"), {f"t{thread.pk}-body": "x"})
    assert response.status_code == 404
    assert client.post(action_url(thread, "resolve")).status_code == 404
    assert thread.comments.count() == 1


def test_reply_resolve_reopen_through_the_views(client, in_review, writer, fact_checker):
    thread = talk.start_thread(in_review, by=fact_checker, anchor="section:dek", body="Q")
    client.force_login(writer)
    client.post(action_url(thread, "reply"), {f"t{thread.pk}-body": "Answered."})
    assert [c.body for c in thread.comments.all()] == ["Q", "Answered."]
    response = client.post(action_url(thread, "resolve"))
    assert "Thread resolved." in said(response)
    thread.refresh_from_db()
    assert thread.resolved_by == writer
    client.post(action_url(thread, "reopen"))
    thread.refresh_from_db()
    assert thread.is_open


def test_a_checker_may_not_resolve_another_persons_thread(client, in_review, writer, fact_checker):
    thread = talk.start_thread(in_review, by=writer, anchor="section:dek", body="Q")
    client.force_login(fact_checker)
    page = client.get(change_url(in_review)).content.decode()
    assert 'data-thread-action="resolve"' not in page
    assert client.post(action_url(thread, "resolve")).status_code == 403
    thread.refresh_from_db()
    assert thread.is_open


def test_an_edited_fact_shows_edited_since_this_comment(client, in_review, writer, fact_checker):
    fact = first_fact(in_review)
    talk.start_thread(in_review, by=fact_checker, anchor=f"fact:{fact.pk}", body="Q")
    client.force_login(writer)
    assert "edited since this comment" not in client.get(change_url(in_review)).content.decode()
    KeyFact.objects.filter(pk=fact.pk).update(text="A reworded fact.")
    page = client.get(change_url(in_review)).content.decode()
    assert "edited since this comment" in page
    fact.delete()
    page = client.get(change_url(in_review)).content.decode()
    assert "deleted since this comment" in page and "Key fact (deleted)" in page


def test_a_mention_mails_and_appears_under_mentions_for_you(
    client, in_review, writer, editor, fact_checker, django_capture_on_commit_callbacks
):
    client.force_login(fact_checker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            start_url(in_review),
            {"anchor": "section:dek", "body": "Editor, please look.", "notify": [editor.pk]},
        )
    assert [m.to for m in mail.outbox] == [[editor.email]]
    client.force_login(editor)
    queues = {q["key"]: q for q in client.get(reverse("admin:index")).context["queues"]}
    (item,) = queues["mentions"]["items"]
    assert item["title"] == in_review.title and "Editor, please look." in item["note"]
    # The writer was not named: nothing for them there, but the thread is on their explainer.
    client.force_login(writer)
    queues = {q["key"]: q for q in client.get(reverse("admin:index")).context["queues"]}
    assert queues["mentions"]["items"] == []
    (item,) = queues["open_threads"]["items"]
    assert item["url"].endswith(f"#thread-{Thread.objects.get().pk}")


def test_notify_offers_only_people_who_may_open_it(client, writer, other_writer, editor):
    draft = explainer_in(State.DRAFT, authors=[writer])
    client.force_login(writer)
    response = client.post(
        start_url(draft),
        {"anchor": "section:dek", "body": "x", "notify": [other_writer.pk]},
    )
    assert any("Notify" in m for m in said(response))
    assert not Thread.objects.exists()
    form = client.get(change_url(draft)).context["threads"]["start_form"]
    offered = {pk for pk, _ in form.fields["notify"].choices}
    assert editor.pk in offered and other_writer.pk not in offered


def test_a_resolved_thread_leaves_the_open_threads_queue(client, in_review, writer):
    thread = talk.start_thread(in_review, by=writer, anchor="section:dek", body="Q")
    talk.resolve(thread, by=writer)
    client.force_login(writer)
    queues = {q["key"]: q for q in client.get(reverse("admin:index")).context["queues"]}
    assert queues["open_threads"]["items"] == []
