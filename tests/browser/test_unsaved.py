"""Workflow moves post forms of their own: before one drops unsaved edits of the main form, the
desk asks (static/js/admin-unsaved.js)."""

from __future__ import annotations

from playwright.sync_api import expect

from articles.models import Explainer
from tests import factories
from tests.browser import ui

ASKS = "changes that are not saved"


def test_a_move_with_unsaved_edits_asks_first(open_page, problems, writer):
    explainer = factories.complete_explainer(authors=[writer], dek="The first summary.")
    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    ui.wait_for_editors(page)

    # A plain field typed into, then Submit: asked, and Cancel keeps the page and the edit.
    page.fill("#id_dek", "A better summary, not saved yet.")
    problems.expect_dialog(ASKS, accept=False)
    ui.move_button(page, "submit").click()
    expect(page.locator("#id_dek")).to_have_value("A better summary, not saved yet.")
    assert problems.answered_dialogs and ASKS in problems.answered_dialogs[-1]
    explainer.refresh_from_db()
    assert (explainer.state, explainer.dek) == (Explainer.State.DRAFT, "The first summary.")

    # Saved, the same move goes through without a question (any dialog would fail the test).
    ui.save(page)
    assert ui.errors(page) == ""
    ui.wait_for_editors(page)
    ui.type_rich_text(page, "background", "Typed into the editor and never saved.")
    problems.expect_dialog(ASKS, accept=True)  # rich text counts too; OK carries on
    ui.workflow_move(page, "submit")
    assert len(problems.answered_dialogs) == 2
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW
    assert explainer.dek == "A better summary, not saved yet."
    assert "never saved" not in explainer.background


def test_a_move_on_an_untouched_page_asks_nothing(open_page, writer):
    explainer = factories.complete_explainer(authors=[writer])
    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    ui.wait_for_editors(page)
    ui.workflow_move(page, "submit")  # a dialog here would fail the test
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW
