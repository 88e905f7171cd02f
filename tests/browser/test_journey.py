"""The whole journey in a real browser: write, fact-check, approve, publish, read.

A writer logs in through the login form and writes an explainer by typing into the CKEditor
fields and the inline rows; a fact-checker verifies every key fact against a source and
approves; an editor publishes; an anonymous reader finds it on the home page, reads every
section, finds it through search and in the RSS feed. The second journey starts from the
admin's "Import from text" page instead of a blank form.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from articles.models import Explainer, KeyFact, PublishedVersion
from tests.browser import ui
from tests.factories import StakeholderFactory, TopicFactory

TITLE = "Why the harbour bridge is closing for a year"
SECTIONS = {
    "what_happened": "The council voted on Tuesday to close the harbour bridge for repairs.",
    "background": "The bridge opened in 1931 and carries 40,000 vehicles a day.",
    "why_it_matters": "Commuters face a detour of up to forty minutes each way.",
}
FACTS = [
    "The closure starts on 1 June and lasts twelve months.",
    "Repairs are budgeted at 86 million pounds.",
]
SOURCE = "Harbour council meeting minutes, 3 March"
VIEWPOINT = "Says the detour will hurt shops on the north bank."
EVENT = "Council votes to close the bridge."
HEADINGS = [
    "What happened",
    "Key facts",
    "Background & context",
    "Why it matters",
    "Stakeholders & viewpoints",
    "Timeline",
    "Sources",
]

# "What to know": three takeaways, as the readiness checklist asks.
TAKEAWAYS = "The change takes a year.\nDetours add time.\nThe council says the work is overdue."
IMPORT_TITLE = "What the new ferry timetable changes"
IMPORT_TEXT = f"""{IMPORT_TITLE}

What happened
The ferry company published a new winter timetable on Monday.
Key facts
- Crossings drop from twelve to eight a day.
- The last boat leaves at 9pm instead of 11pm.
Background & context
The route has run since 1968 and is the only link to the island.
Why it matters
Island residents who work late shifts lose their way home.
Stakeholders & viewpoints
- Island Residents Association: Calls the cut a lifeline lost.
Timeline & what to watch next
- The timetable was published on March 3, 2025.
- Whether the council subsidises a late boat.
Sources
Up Next
"""
IMPORT_SOURCE = "Ferry company winter timetable"


@pytest.fixture
def topic(db):
    return TopicFactory(name="Transport", slug="transport")


@pytest.fixture
def stakeholder(db):
    return StakeholderFactory(name="North Bank Traders", slug="north-bank-traders")


def write_explainer(page: Page, topic, stakeholder) -> int:
    """As the writer: fill the add form by typing, add the inline rows, save; return the id."""
    page.goto(ui.admin_add_url())
    ui.wait_for_editors(page)
    page.locator("#id_title").press_sequentially(TITLE)
    expect(page.locator("#id_slug")).to_have_value("why-the-harbour-bridge-is-closing-for-a-year")
    page.fill("#id_dek", "A year of detours: what the closure means and why it is needed.")
    page.fill("#id_takeaways", TAKEAWAYS)
    ui.choose_topic(page, topic.name)
    for field, text in SECTIONS.items():
        ui.type_rich_text(page, field, text)

    for n, fact in enumerate(FACTS):
        row = ui.add_inline_row(page, "key_facts", "Add another Key fact")
        page.fill(f"#{row}-text", fact)
        page.fill(f"#{row}-position", str(n))
    row = ui.add_inline_row(page, "sources", "Add another Source")
    page.fill(f"#{row}-citation", SOURCE)
    page.fill(f"#{row}-publisher", "Harbour Council")
    page.fill(f"#{row}-url", "https://council.example.org/minutes/2025-03-03")
    page.select_option(f"#{row}-kind", "document")
    row = ui.add_inline_row(page, "viewpoints", "Add another Viewpoint")
    ui.choose_autocomplete(page, f"{row}-stakeholder", "north", stakeholder.name)
    page.fill(f"#{row}-text", VIEWPOINT)
    row = ui.add_inline_row(page, "timeline", "Add another Timeline item")
    page.fill(f"#{row}-date", "2025-03-03")
    page.select_option(f"#{row}-precision", "day")
    page.select_option(f"#{row}-kind", "past")
    page.fill(f"#{row}-text", EVENT)

    ui.save(page)
    assert ui.errors(page) == ""
    return ui.change_url_pk(page)


def fact_check_and_approve(page: Page, pk: int, source: str) -> None:
    """As the fact-checker: verify each key fact with the source, save, approve."""
    page.goto(ui.admin_change_url(pk))
    checked = ui.verify_every_fact(page, source)
    assert checked == KeyFact.objects.filter(explainer_id=pk).count()
    ui.save(page)
    assert ui.errors(page) == ""
    assert page.locator(".workflow-checklist li.failed").all_inner_texts() == []
    ui.workflow_move(page, "approve", "Every fact matches the minutes.")
    expect(page.locator("ul.messagelist")).to_contain_text("Approve")


def publish(page: Page, pk: int) -> None:
    page.goto(ui.admin_change_url(pk))
    ui.workflow_move(page, "publish")
    expect(page.locator("ul.messagelist")).to_contain_text("Publish")


def find_and_read(reader: Page, title: str, texts: list[str], search_word: str) -> None:
    """As a reader: home page, open the explainer, every section, then search and RSS."""
    reader.goto("/")
    reader.get_by_role("link", name=title).first.click()
    expect(reader.locator("main h1")).to_have_text(title)
    main = reader.locator("main")
    for heading in HEADINGS:
        expect(main.get_by_role("heading", name=heading).first).to_be_visible()
    for text in texts:
        expect(main).to_contain_text(text)
    url = reader.url

    reader.goto("/search/")
    search = reader.locator("main input[name=q]")
    search.fill(search_word)
    with reader.expect_navigation():
        search.press("Enter")
    reader.locator("main").get_by_role("link", name=title).first.click()
    assert reader.url == url

    response = reader.request.get("/feeds/latest.rss")
    assert response.ok
    # Our own server's feed, parsed in a test: no untrusted XML here.
    channel = ET.fromstring(response.body()).find("channel")  # noqa: S314
    items = {item.findtext("title"): item.findtext("link") for item in channel.iter("item")}
    assert title in items
    # Feed links are absolute on the site's own domain; the path is what must match.
    assert urlparse(items[title]).path == urlparse(url).path


def test_write_check_publish_read(open_page, writer, fact_checker, editor, topic, stakeholder):
    """Writer types it in, fact-checker verifies and approves, editor publishes, reader reads."""
    page = open_page()
    ui.log_in(page, writer.username)
    pk = write_explainer(page, topic, stakeholder)
    explainer = Explainer.objects.get(pk=pk)
    assert explainer.key_facts.count() == len(FACTS)
    assert explainer.byline_set.filter(author=writer).exists()
    ui.workflow_move(page, "submit")
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.IN_REVIEW

    fact_check_and_approve(open_page(fact_checker), pk, SOURCE)
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.APPROVED
    assert set(explainer.key_facts.values_list("check_status", flat=True)) == {"verified"}

    publish(open_page(editor), pk)
    assert PublishedVersion.objects.live().filter(explainer_id=pk).exists()

    texts = [*SECTIONS.values(), *FACTS, SOURCE, VIEWPOINT, EVENT, stakeholder.name]
    find_and_read(open_page(), TITLE, texts, "harbour bridge")


def import_explainer(page: Page, text: str) -> int:
    """As the writer: import pasted text; return the id of the draft it lands on."""
    ui.import_text(page, text)
    assert ui.errors(page) == ""
    return ui.change_url_pk(page)


def test_import_check_publish_read(open_page, writer, fact_checker, editor, topic):
    """The same journey starting from "Import from text": the draft lands ready for checking."""
    page = open_page()
    ui.log_in(page, writer.username)
    pk = import_explainer(page, IMPORT_TEXT)
    explainer = Explainer.objects.get(pk=pk)
    assert explainer.title == IMPORT_TITLE
    assert explainer.state == Explainer.State.DRAFT
    assert list(explainer.key_facts.values_list("check_status", flat=True)) == ["unchecked"] * 2

    # The text format has no dek or topics, and this file no sources: the writer adds them,
    # as the readiness checklist asks.
    ui.wait_for_editors(page)
    page.fill("#id_dek", "Fewer crossings and an earlier last boat from November.")
    page.fill("#id_takeaways", TAKEAWAYS)
    if not page.locator("#id_topics_to option", has_text=topic.name).count():
        ui.choose_topic(page, topic.name)
    row = ui.add_inline_row(page, "sources", "Add another Source")
    page.fill(f"#{row}-citation", IMPORT_SOURCE)
    page.fill(f"#{row}-url", "https://ferries.example.org/winter-2025")
    ui.save(page)
    assert ui.errors(page) == ""
    ui.workflow_move(page, "submit")

    fact_check_and_approve(open_page(fact_checker), pk, IMPORT_SOURCE)
    publish(open_page(editor), pk)

    texts = [
        "The ferry company published a new winter timetable on Monday.",
        "Crossings drop from twelve to eight a day.",
        "Island Residents Association",
        "Whether the council subsidises a late boat.",
        IMPORT_SOURCE,
    ]
    find_and_read(open_page(), IMPORT_TITLE, texts, "ferry timetable")
