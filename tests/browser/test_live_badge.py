"""Live and in review at a glance: the desk's list shows the working copy's state and the live
version beside it, and the live badge opens the page readers see.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.publishing import freeze as publishing
from articles.workflow import moves as workflow
from tests.browser.data import approved, published
from tests.browser.test_accessibility import assert_accessible

OLD_TITLE = "The reservoir opens its gates"
NEW_TITLE = "The reservoir keeps its gates shut"


def test_editor_sees_live_badge_beside_in_review_and_opens_the_live_page(
    open_page, writer, fact_checker, editor, live_server, settings
):
    """A live explainer in review reads "In review" and "Live v1"; the badge opens version 1."""
    settings.NEWSROOM_BASE_URL = live_server.url
    explainer = published(writer=writer, checker=fact_checker, editor=editor, title=OLD_TITLE)
    explainer.title = NEW_TITLE
    explainer.save()
    workflow.revise(explainer, by=writer)
    workflow.submit(explainer, by=writer)

    desk = open_page(editor)
    desk.goto(reverse("admin:articles_explainer_changelist") + "?live=changed")
    row = desk.locator("#result_list tbody tr", has_text=NEW_TITLE)
    expect(row).to_have_count(1)
    expect(row.locator(".state-badge")).to_have_text("In review")
    badge = row.get_by_role("link", name="Live v1 (open the page readers see)")
    expect(badge).to_be_visible()

    badge.click()
    expect(desk).to_have_url(live_server.url + explainer.get_absolute_url())
    expect(desk.locator("main h1")).to_have_text(OLD_TITLE)
    expect(desk.locator("main")).not_to_contain_text(NEW_TITLE)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_badges_pass_axe_on_the_list_and_the_desk(open_page, writer, fact_checker, editor, scheme):
    """The live and scheduled badges meet axe's checks (contrast included) in both themes."""
    revised = published(writer=writer, checker=fact_checker, editor=editor, title=OLD_TITLE)
    workflow.revise(revised, by=writer)
    workflow.submit(revised, by=writer)
    next_up = published(writer=writer, checker=fact_checker, editor=editor, title=NEW_TITLE)
    publishing.freeze(next_up, by=editor, go_live_at=timezone.now() + timedelta(days=1))
    approved(writer=writer, checker=fact_checker, title="Never published yet")

    desk = open_page(editor, color_scheme=scheme)
    desk.goto(reverse("admin:articles_explainer_changelist"))
    expect(desk.locator(".live-badge")).to_have_count(2)
    expect(desk.locator(".scheduled-badge")).to_contain_text("v2 scheduled for")
    assert_accessible(desk)
    desk.goto(reverse("admin:index"))
    expect(desk.locator(".queue-awaiting_fact_check .live-badge")).to_contain_text("Live v1")
    assert_accessible(desk)
