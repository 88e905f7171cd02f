"""The editorial calendar in a browser: week and month, the "mine" filter, links to the desk."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_accessibility import assert_accessible


def test_calendar_switches_views_filters_mine_and_opens_an_explainer(open_page, writer, editor):
    today = timezone.localdate()
    own = factories.complete_explainer(authors=[editor], title="Editor's own plan")
    colleague = factories.complete_explainer(authors=[writer], title="A writer's draft")
    for explainer in (own, colleague):
        factories.TimelineEventFactory(
            explainer=explainer, date=today, precision="day", kind="upcoming", text="Vote day"
        )

    desk = open_page(editor)
    desk.goto(reverse("admin:articles_explainer_changelist"))
    desk.get_by_role("link", name="Calendar").click()
    expect(desk.locator("h1")).to_have_text("Editorial calendar")
    expect(desk.locator("#calendar-heading")).to_contain_text("Week of")
    today_item = desk.locator('li.calendar-day[aria-current="date"]')
    expect(today_item.get_by_role("link", name="Editor's own plan")).to_be_visible()
    expect(today_item.get_by_role("link", name="A writer's draft")).to_be_visible()
    expect(today_item.locator(".calendar-kind").first).to_have_text("Upcoming")
    assert_accessible(desk)

    desk.get_by_role("link", name="Month", exact=True).click()
    expect(desk.locator("#calendar-heading")).to_have_text(f"{today:%B %Y}")
    expect(desk.get_by_role("link", name="Week", exact=True)).to_be_visible()

    desk.get_by_label("Mine only").check()
    desk.get_by_role("button", name="Filter").click()
    expect(desk.get_by_label("Mine only")).to_be_checked()
    expect(desk.locator("#calendar-heading")).to_have_text(f"{today:%B %Y}")
    expect(desk.get_by_role("link", name="A writer's draft")).to_have_count(0)
    # Navigation keeps the filter.
    desk.get_by_role("link", name="Next month").click()
    desk.get_by_role("link", name="Previous month").click()
    expect(desk.get_by_label("Mine only")).to_be_checked()

    desk.get_by_role("link", name="Editor's own plan").click()
    expect(desk).to_have_url(
        desk.url.split("/admin/")[0] + reverse("admin:articles_explainer_change", args=[own.pk])
    )
    expect(desk.locator("#id_title")).to_have_value("Editor's own plan")
