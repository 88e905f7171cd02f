"""The explainer list as an editor uses it: a bulk assignment with its summary, and a search
that finds a draft by one of its key facts."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.browser.data import in_review
from tests.browser.test_accessibility import assert_accessible

CHANGELIST = "admin:articles_explainer_changelist"


def test_editor_assigns_a_selection_and_reads_what_was_refused(
    open_page, writer, fact_checker, editor
):
    """Tick two explainers, pick "Assign…", choose the checker by name: the one in review is
    assigned, the draft is refused, and the list says both."""
    reviewing = in_review(writer=writer, title="Flood defences in review")
    draft = factories.ExplainerFactory(authors=[writer], title="Bus fares draft")
    page = open_page(editor)
    page.goto(reverse(CHANGELIST))
    for explainer in (reviewing, draft):
        page.check(f"input.action-select[value='{explainer.pk}']")
    page.select_option("select[name=action]", "assign_selected")
    page.get_by_role("button", name="Go").click()

    expect(page.locator("h1")).to_contain_text("Assign to a fact-checker: 2 selected")
    expect(page.locator(".bulk-selection")).to_contain_text("Flood defences in review")
    assert_accessible(page)
    page.get_by_label("Fact-checker").select_option(label=fact_checker.get_full_name())
    page.get_by_role("button", name="Assign to a fact-checker").click()

    messages = page.locator("ul.messagelist")
    expect(messages.locator(".success")).to_have_text("Assigned 1: Flood defences in review.")
    expect(messages.locator(".error")).to_have_text(
        "Refused 1: Bus fares draft — Only an explainer in review can be assigned to a "
        "fact-checker."
    )
    row = page.locator("#result_list tr", has_text="Flood defences in review")
    expect(row.locator(".field-review_status")).to_have_text(fact_checker.get_full_name())
    reviewing.refresh_from_db()
    assert reviewing.assignee == fact_checker


def test_search_finds_a_draft_by_a_key_fact(open_page, writer):
    """Typing a figure from a key fact into the list's search box finds its draft."""
    draft = factories.ExplainerFactory(authors=[writer], title="Harbour levy")
    factories.KeyFactFactory(explainer=draft, text="The levy raised 4 million in marmalade duty.")
    factories.ExplainerFactory(authors=[writer], title="Rail timetable")
    page = open_page(writer)
    page.goto(reverse(CHANGELIST))
    expect(page.locator(".search-help")).to_contain_text("key facts")
    page.fill("#searchbar", "marmalade")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Harbour levy")
