"""Send back and revise: a fact-checker asks for changes, the writer revises and resubmits; an
editor revises a published explainer while readers keep the published text until it is
republished.
"""

from __future__ import annotations

from playwright.sync_api import expect

from articles.models import Explainer, PublishedVersion
from tests.browser import ui
from tests.browser.data import in_review, published

COMMENT = "Fact 2 gives the wrong year: the minutes say 2024, not 2025."
OLD_TEXT = "Readers were first told that the gates closed in March."
NEW_TEXT = "The gates closed in April, a month later than first planned."


def test_writer_sees_the_comment_revises_and_resubmits(open_page, writer, fact_checker):
    """Changes requested with a comment reach the writer, whose edit and resubmission stick."""
    explainer = in_review(writer=writer)
    checker = open_page(fact_checker)
    checker.goto(ui.admin_change_url(explainer))
    ui.workflow_move(checker, "request_changes", COMMENT)
    expect(checker.locator("ul.messagelist")).to_contain_text("Request changes")
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.DRAFT

    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    expect(page.locator(".workflow-history")).to_contain_text(COMMENT)
    ui.wait_for_editors(page)
    ui.type_rich_text(page, "what_happened", NEW_TEXT)
    page.fill("#id_key_facts-1-text", "The minutes are dated 2024.")
    ui.save(page)
    assert ui.errors(page) == ""
    ui.workflow_move(page, "submit")

    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW
    assert NEW_TEXT in explainer.what_happened
    assert explainer.key_facts.filter(text="The minutes are dated 2024.").exists()


def test_published_text_stays_until_the_revision_is_published(
    open_page, writer, fact_checker, editor
):
    """An editor's edit of a live explainer is invisible to readers until it is republished."""
    explainer = published(
        writer=writer,
        checker=fact_checker,
        editor=editor,
        what_happened=f"<p>{OLD_TEXT}</p>",
    )
    reader = open_page()
    reader.goto(explainer.get_absolute_url())
    expect(reader.locator("main")).to_contain_text(OLD_TEXT)

    desk = open_page(editor)
    desk.goto(ui.admin_change_url(explainer))
    ui.wait_for_editors(desk)
    ui.type_rich_text(desk, "what_happened", NEW_TEXT)
    desk.fill("#id_change_note", "Corrected the month the gates closed.")
    ui.save(desk)
    assert ui.errors(desk) == ""
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.DRAFT

    reader.reload()
    expect(reader.locator("main")).to_contain_text(OLD_TEXT)
    expect(reader.locator("main")).not_to_contain_text(NEW_TEXT)

    ui.workflow_move(desk, "submit")
    checker = open_page(fact_checker)
    checker.goto(ui.admin_change_url(explainer))
    ui.workflow_move(checker, "approve")
    desk.goto(ui.admin_change_url(explainer))
    ui.workflow_move(desk, "publish")
    assert PublishedVersion.objects.live().get(explainer=explainer).number == 2

    reader.reload()
    expect(reader.locator("main")).to_contain_text(NEW_TEXT)
    expect(reader.locator("main")).not_to_contain_text(OLD_TEXT)
