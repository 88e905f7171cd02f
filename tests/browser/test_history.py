"""The History page: an editor's save shows on the timeline, and comparing the two newest
points shows the reworded key fact with its words marked."""

from __future__ import annotations

import reversion
from playwright.sync_api import expect

from tests import factories
from tests.browser import ui
from tests.browser.test_accessibility import assert_accessible


def test_history_compares_two_saves(open_page, writer, editor):
    """Edit a key fact, open History, compare the two saves: only that fact shows, changed;
    axe finds nothing serious on either page."""
    explainer = factories.complete_explainer(authors=[writer], title="Dams on the river")
    with reversion.create_revision():
        reversion.set_user(writer)
        reversion.add_to_revision(explainer)
    old_fact, kept_fact = [fact.text for fact in explainer.key_facts.all()]
    new_fact = old_fact.replace("is true", "is not yet proven")

    page = open_page(editor)
    page.goto(ui.admin_change_url(explainer))
    ui.wait_for_editors(page)
    page.fill("#id_key_facts-0-text", new_fact)
    ui.save(page)
    assert ui.errors(page) == ""

    page.get_by_role("link", name="History").first.click()
    timeline = page.locator(".explainer-timeline tbody tr")
    expect(timeline).to_have_count(2)
    expect(timeline.first).to_contain_text("Saved: changed Key facts")
    expect(timeline.first).to_contain_text(editor.get_full_name())
    expect(timeline.nth(1)).to_contain_text(writer.get_full_name())
    expect(timeline.first.get_by_role("link", name="Revert to this")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Compare the two chosen points").click()
    diff = page.locator(".explainer-compare")
    expect(diff.locator("h2")).to_have_text(["Key facts"])
    (changed,) = diff.locator(".text-diff li").all()
    expect(changed).to_contain_text("Changed:")
    expect(changed.locator("del").first).to_have_text("[deleted: true]")
    expect(changed.locator("ins").first).to_have_text("[inserted: not yet proven]")
    expect(diff).not_to_contain_text(kept_fact)
    assert_accessible(page)
