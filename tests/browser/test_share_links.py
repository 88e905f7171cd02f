"""Share links in a real browser: an editor makes one on the change form, someone without an
account opens it and sees the preview banner; once the editor withdraws it, the page is gone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import ui
from tests.browser.data import in_review


def test_editor_shares_an_outsider_reads_then_the_link_is_withdrawn(
    open_page, problems, writer, editor
):
    explainer = in_review(writer=writer, title="Water prices: the draft for our lawyer")
    desk = open_page(editor)
    desk.goto(ui.admin_change_url(explainer))
    section = desk.locator("section.share-links")
    expect(section).to_contain_text("No share link has been made")
    section.get_by_label("For whom").fill("Our lawyer, J. Adeyemi")
    section.get_by_label("Valid for (days)").fill("5")
    with desk.expect_navigation():
        section.locator("button[data-share-create]").click()
    [message] = ui.messages(desk)
    url = re.search(r"https?://\S+/share/\S+/", message).group(0)
    expect(desk.locator("section.share-links tbody")).to_contain_text("Our lawyer, J. Adeyemi")

    outsider = open_page()
    outsider.goto(url)
    expect(outsider.locator(".share-banner")).to_contain_text(
        "Preview of an unpublished draft — not for publication"
    )
    expect(outsider.locator("main")).to_contain_text("Water prices: the draft for our lawyer")

    desk.reload()
    expect(desk.locator("section.share-links tbody")).to_contain_text("1 time")
    with desk.expect_navigation():
        desk.locator("button[data-share-revoke]").click()
    expect(desk.locator("section.share-links tbody")).to_contain_text("withdrawn by")

    problems.allow("status of 410")
    response = outsider.reload()
    assert response is not None and response.status == 410
    expect(outsider.locator("body")).to_contain_text("This preview link has been withdrawn.")
    expect(outsider.locator("body")).not_to_contain_text("Water prices")
