"""Threads in the browser: a fact-checker's question on a key fact holds approval until resolved."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from articles.models import Explainer, Thread
from tests.browser import ui
from tests.browser.data import in_review
from tests.browser.test_refusals import post_move_by_hand


def thread_on_page(page: Page, text: str):
    return page.locator("article.thread").filter(has_text=text)


def test_a_checkers_question_on_fact_2_holds_approval_until_resolved(
    open_page, problems, writer, fact_checker, editor
):
    explainer = in_review(writer=writer)
    checker_name = fact_checker.get_full_name()

    # The checker starts a thread from the second key fact's row.
    page = open_page(fact_checker)
    page.goto(ui.admin_change_url(explainer))
    with page.expect_navigation():
        page.locator("#key_facts-1 .field-threads a.thread-start").click()
    form = page.locator("#start-thread")
    expect(form.get_by_label("About")).to_have_value(
        f"fact:{explainer.key_facts.order_by('position', 'pk')[1].pk}"
    )
    form.get_by_label("Comment").fill("Is 2019 right? The report says 2018.")
    form.get_by_label("Notify").select_option(label=writer.get_full_name())
    with page.expect_navigation():
        form.get_by_role("button", name="Start the thread").click()
    assert "Thread started." in ui.messages(page)
    expect(page.locator("#key_facts-1 .field-threads")).to_contain_text("1 open")

    # The writer, told by mail, replies.
    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    thread = thread_on_page(page, "Is 2019 right?")
    thread.get_by_label("Comment").fill("Fixed the source: it is 2018.")
    with page.expect_navigation():
        thread.get_by_role("button", name="Reply").click()
    expect(thread_on_page(page, "Is 2019 right?")).to_contain_text("Fixed the source")

    # The editor may not approve yet: the checklist names the fact and the checker.
    message = f"Key fact #2 has an open question from {checker_name}."
    page = open_page(editor)
    page.goto(ui.admin_change_url(explainer))
    expect(
        page.locator('.workflow-checklist li.failed[data-check="fact_questions"]')
    ).to_contain_text(message)
    expect(ui.move_button(page, "approve")).to_have_count(0)
    post_move_by_hand(page, explainer, "approve")
    expect(page.locator("ul.messagelist")).to_contain_text(message)
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW

    # The checker resolves the thread; the editor's approval then goes through.
    page = open_page(fact_checker)
    page.goto(ui.admin_change_url(explainer))
    with page.expect_navigation():
        thread_on_page(page, "Is 2019 right?").get_by_role("button", name="Resolve").click()
    assert "Thread resolved." in ui.messages(page)
    assert not Thread.objects.get().is_open

    page = open_page(editor)
    page.goto(ui.admin_change_url(explainer))
    ui.workflow_move(page, "approve")
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.APPROVED
