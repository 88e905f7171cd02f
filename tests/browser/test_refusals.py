"""Refusals as people meet them: missing buttons, a refused approval with a message, the
readiness checklist, and a conflicting save that loses nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import Explainer, KeyFact, Transition
from tests.browser import ui
from tests.browser.data import approved, in_review


def post_move_by_hand(page: Page, explainer: Explainer, verb: str) -> None:
    """Post a workflow move the page offers no button for, as a hand-made form would.

    The CSRF token is the page's own (from any of its forms), so the request is one the
    server must judge on who asks, not on a missing token.
    """
    url = reverse("admin:articles_explainer_transition", args=[explainer.pk, verb])
    with page.expect_navigation():
        page.evaluate(
            """(url) => {
                const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
                const form = document.createElement('form');
                form.method = 'post';
                form.action = url;
                const input = document.createElement('input');
                input.type = 'hidden';
                input.name = 'csrfmiddlewaretoken';
                input.value = token;
                form.appendChild(input);
                document.body.appendChild(form);
                form.submit();
            }""",
            url,
        )


@pytest.mark.parametrize("state", ["in_review", "approved"])
def test_writer_sees_no_approve_or_publish_button(open_page, writer, fact_checker, state):
    """A writer's own explainer, in review or approved, offers them neither approve nor publish."""
    if state == "in_review":
        explainer = in_review(writer=writer)
    else:
        explainer = approved(writer=writer, checker=fact_checker)
    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    expect(page.locator(".workflow-panel")).to_be_visible()
    for verb, label in [("approve", "Approve"), ("publish", "Publish")]:
        expect(ui.move_button(page, verb)).to_have_count(0)
        expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)


@pytest.mark.parametrize(
    ("role", "state", "verb"),
    [("fact_checker", "in_review", "approve"), ("editor", "approved", "publish")],
)
def test_reviewers_do_see_their_button(request, open_page, writer, fact_checker, role, state, verb):
    """The buttons the writer lacks are there for the people who may press them."""
    if state == "in_review":
        explainer = in_review(writer=writer)
    else:
        explainer = approved(writer=writer, checker=fact_checker)
    page = open_page(request.getfixturevalue(role))
    page.goto(ui.admin_change_url(explainer))
    expect(ui.move_button(page, verb)).to_have_count(1)


@pytest.mark.parametrize("how", ["wrote", "submitted"])
def test_approving_own_explainer_is_refused_with_a_message(
    open_page, problems, writer, fact_checker, editor, how
):
    """Four eyes: whoever wrote or submitted it gets no approve button, and a forced try is
    refused with a message while the explainer stays in review."""
    if how == "wrote":
        # A fact-checker who is also a byline author of the explainer.
        explainer = in_review(writer=writer)
        explainer.byline_set.create(author=fact_checker, position=1)
        actor = fact_checker
    else:
        explainer = in_review(writer=writer)
        Explainer.objects.filter(pk=explainer.pk).update(submitted_by=editor)
        actor = editor
    page = open_page(actor)
    page.goto(ui.admin_change_url(explainer))
    expect(ui.move_button(page, "approve")).to_have_count(0)

    # The server may answer the hand-made request with 403, which the browser logs.
    problems.allow(r"status of 403")
    post_move_by_hand(page, explainer, "approve")
    expect(page.locator("body")).to_contain_text("may not approve")
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW
    assert not Transition.objects.filter(explainer=explainer, name="approve").exists()


def test_readiness_failures_are_listed_on_the_form(open_page, writer, fact_checker):
    """The checklist names each failing check with its fix, and approve waits for it."""
    explainer = in_review(writer=writer)
    explainer.topics.clear()
    KeyFact.objects.filter(explainer=explainer, position=1).update(
        check_status=KeyFact.Check.UNCHECKED, checked_by=None, checked_at=None
    )
    page = open_page(fact_checker)
    page.goto(ui.admin_change_url(explainer))
    failed = page.locator(".workflow-checklist li.failed")
    expect(failed).to_have_count(2)
    expect(failed.filter(has_text="Choose at least one topic.")).to_have_count(1)
    expect(failed.filter(has_text="“verified”")).to_contain_text("#2")
    expect(ui.move_button(page, "approve")).to_have_count(0)
    expect(page.locator(".workflow-moves")).to_contain_text("Approve")


def test_request_changes_without_a_comment_is_not_sent(open_page, writer, fact_checker):
    """The comment box is required: pressing "Request changes" empty changes nothing."""
    explainer = in_review(writer=writer)
    page = open_page(fact_checker)
    page.goto(ui.admin_change_url(explainer))
    ui.move_button(page, "request_changes").click()
    comment = page.locator("form.move-request_changes textarea")
    assert comment.evaluate("el => !el.checkValidity()")
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW


def test_second_save_shows_the_conflict_and_loses_nothing(open_page, writer, editor):
    """Two people edit one explainer: the second save is refused, naming who saved first, and
    everything the first person saved is kept."""
    explainer = in_review(writer=writer)
    Explainer.objects.filter(pk=explainer.pk).update(state=Explainer.State.DRAFT)
    first, second = open_page(writer), open_page(editor)
    for page in (first, second):
        page.goto(ui.admin_change_url(explainer))
        ui.wait_for_editors(page)

    ui.type_rich_text(first, "what_happened", "The writer's new opening paragraph.")
    row = ui.add_inline_row(first, "key_facts", "Add another Key fact")
    first.fill(f"#{row}-text", "A fact the writer added.")
    ui.save(first)
    assert ui.errors(first) == ""

    second.fill("#id_dek", "The editor's dek, typed over the old form.")
    second.fill("#id_key_facts-0-text", "The editor's rewrite of the first fact.")
    ui.save(second)
    refusal = second.locator("ul.messagelist li.error", has_text="saved this explainer at")
    expect(refusal).to_be_visible()
    assert (writer.get_full_name() or writer.username) in refusal.inner_text()

    explainer.refresh_from_db()
    assert "The writer's new opening paragraph." in explainer.what_happened
    assert explainer.key_facts.filter(text="A fact the writer added.").exists()
    assert explainer.dek != "The editor's dek, typed over the old form."
    assert not explainer.key_facts.filter(text__startswith="The editor's rewrite").exists()


def test_conflict_message_is_in_view_after_a_stale_save(open_page, writer, editor):
    """The refused second save says why where the page opens, above the workflow panel."""
    explainer = in_review(writer=writer)
    Explainer.objects.filter(pk=explainer.pk).update(state=Explainer.State.DRAFT)
    first, second = open_page(writer), open_page(editor)
    for page in (first, second):
        page.goto(ui.admin_change_url(explainer))
        ui.wait_for_editors(page)
    first.fill("#id_dek", "The writer's dek.")
    ui.save(first)
    second.fill("#id_dek", "The editor's dek.")
    ui.save(second)

    message = second.locator("ul.messagelist li", has_text="saved this explainer at")
    expect(message).to_be_in_viewport()
