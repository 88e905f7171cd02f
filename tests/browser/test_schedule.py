"""A scheduled revision called off: the editor schedules version 2, cancels it, and readers keep
version 1 throughout.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Explainer, PublishedVersion
from articles.workflow import moves as workflow
from tests.browser import ui
from tests.browser.data import published

OLD_TITLE = "The reservoir opens its gates"
NEW_TITLE = "The reservoir keeps its gates shut"


def test_editor_schedules_a_revision_cancels_it_and_version_1_stays_live(
    open_page, writer, fact_checker, editor
):
    """Schedule v2, cancel it: v1 stays live, the copy is approved, the history says so."""
    explainer = published(writer=writer, checker=fact_checker, editor=editor, title=OLD_TITLE)
    explainer.title = NEW_TITLE
    explainer.change_note = "The board changed its mind."
    explainer.save()
    workflow.revise(explainer, by=writer)
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=fact_checker)

    desk = open_page(editor)
    desk.goto(ui.admin_change_url(explainer))
    tomorrow = timezone.localtime() + timedelta(days=1)
    desk.fill("#id_publish-go_live_at", f"{tomorrow:%Y-%m-%dT%H:%M}")
    ui.workflow_move(desk, "publish")
    expect(desk.locator("ul.messagelist")).to_contain_text("scheduled to go live")
    expect(desk.locator(".workflow-versions")).to_contain_text("scheduled")
    expect(ui.move_button(desk, "publish")).to_have_count(0)

    ui.workflow_move(desk, "cancel_schedule", "The board has not voted yet.")
    expect(desk.locator("ul.messagelist")).to_contain_text("Cancel schedule: done.")
    expect(desk.locator(".workflow-panel .state-badge")).to_have_text("Approved")
    expect(desk.locator(".workflow-versions")).not_to_contain_text("scheduled")
    history = desk.locator(".workflow-history tr[data-record=cancel_schedule]")
    expect(history).to_contain_text("Schedule cancelled")
    expect(history).to_contain_text("The board has not voted yet.")
    expect(ui.move_button(desk, "cancel_schedule")).to_have_count(0)
    expect(ui.move_button(desk, "publish")).to_have_count(1)

    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.APPROVED
    assert [v.number for v in PublishedVersion.objects.filter(explainer=explainer)] == [1]

    reader = open_page()
    response = reader.goto(explainer.get_absolute_url())
    assert response is not None and response.status == 200
    expect(reader.locator("main h1")).to_have_text(OLD_TITLE)
    expect(reader.locator("main")).not_to_contain_text(NEW_TITLE)
