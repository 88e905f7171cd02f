"""XSS in the browser: hostile text typed into every field never runs, in the admin or on the
public site.

Every page opened here fails its test on any dialog (the payloads call ``alert``), page error
or console error (a script that the Content-Security-Policy blocks, or an ``<img src=x>`` that
escaped and tried to load, logs one). Each payload names its field, so a failure says where
the hole is.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.models import Explainer, KeyFact, Source
from articles.publishing import freeze as publishing
from tests.browser import ui
from tests.factories import StakeholderFactory, TopicFactory
from tests.payloads import HTML_PAYLOADS

RICH_TEXT = ["what_happened", "background", "why_it_matters"]


def hostile(tag: str) -> str:
    """Markup that runs ``alert(tag)`` if any page puts it into HTML unescaped."""
    return (
        f"\"'><script>alert('{tag}')</script><img src=x onerror=alert('{tag}')>"
        f"</textarea></title><svg onload=alert('{tag}')>"
    )


@pytest.fixture
def topic(db):
    return TopicFactory(name="Security", slug="security")


@pytest.fixture
def stakeholder(db):
    # Names are typed by writers in the stakeholder admin; this one arrives hostile.
    return StakeholderFactory(name=f"Mallory {hostile('stakeholder')}", slug="mallory")


def visit(page: Page, problems, url: str) -> None:
    """Open ``url`` and fail at once if anything ran or complained."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    problems.check()


def publish_as_is(explainer: Explainer, *, by) -> None:
    """Verify every fact against the first source and freeze the version readers see."""
    source = Source.objects.filter(explainer=explainer).first()
    for fact in explainer.key_facts.all():
        if source is not None:
            fact.sources.add(source)
    explainer.key_facts.update(
        check_status=KeyFact.Check.VERIFIED, checked_by=by, checked_at=timezone.now()
    )
    publishing.freeze(explainer, by=by)


def read_public_pages(page: Page, problems, explainer: Explainer, stakeholder_slug: str) -> None:
    explainer.refresh_from_db()
    for url in [
        explainer.get_absolute_url(),
        "/",
        f"/topics/{explainer.topics.first().slug}/",
        f"/stakeholders/{stakeholder_slug}/",
        "/watch/",
        "/search/?q=alert",
        "/search/?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/corrections/",
        "/feeds/latest.rss",
        "/feeds/latest.atom",
    ]:
        visit(page, problems, url)


def test_payloads_typed_into_every_field_never_run(open_page, problems, editor, topic, stakeholder):
    """Titles, dek, every rich-text section, key facts, sources, viewpoints, timeline,
    corrections and related titles: typed hostile, shown as text, never run."""
    page = open_page(editor)
    page.goto(ui.admin_add_url())
    ui.wait_for_editors(page)
    # The slug first: once edited by hand, the admin stops deriving it from the title.
    page.fill("#id_slug", "hostile-explainer")
    page.fill("#id_title", hostile("title"))
    page.fill("#id_dek", hostile("dek"))
    ui.choose_topic(page, topic.name)
    for field in RICH_TEXT:
        ui.type_rich_text(page, field, hostile(field))
    row = ui.add_inline_row(page, "key_facts", "Add another Key fact")
    page.fill(f"#{row}-text", hostile("key fact"))
    row = ui.add_inline_row(page, "sources", "Add another Source")
    page.fill(f"#{row}-citation", hostile("source citation"))
    page.fill(f"#{row}-publisher", hostile("source publisher")[:200])
    page.fill(f"#{row}-url", "https://example.org/report?q=%22%3E%3Cscript%3E")
    row = ui.add_inline_row(page, "viewpoints", "Add another Viewpoint")
    ui.choose_autocomplete(page, f"{row}-stakeholder", "Mallory", "Mallory")
    page.fill(f"#{row}-text", hostile("viewpoint"))
    row = ui.add_inline_row(page, "timeline", "Add another Timeline item")
    page.fill(f"#{row}-date", (timezone.localdate() + timezone.timedelta(days=20)).isoformat())
    page.select_option(f"#{row}-precision", "day")
    page.select_option(f"#{row}-kind", "upcoming")
    page.fill(f"#{row}-text", hostile("timeline"))
    row = ui.add_inline_row(page, "corrections", "Add another Correction")
    page.fill(f"#{row}-text", hostile("correction"))
    row = ui.add_inline_row(page, "related_links", "Add another “Up next” link")
    page.fill(f"#{row}-title", hostile("related")[:200])
    ui.save(page)
    assert ui.errors(page) == ""
    problems.check()

    explainer = Explainer.objects.get(pk=ui.change_url_pk(page))
    # Typed into the editor, markup is text: it is kept, escaped, never dropped or run.
    assert "&lt;script&gt;alert('what_happened')" in explainer.what_happened
    ui.wait_for_editors(page)
    assert (
        "<script>alert('background')</script>" in ui.rich_text_body(page, "background").inner_text()
    )
    visit(page, problems, reverse("admin:articles_explainer_changelist"))

    publish_as_is(explainer, by=editor)
    reader = open_page()
    read_public_pages(reader, problems, explainer, stakeholder.slug)
    reader.goto(explainer.get_absolute_url())
    main = reader.locator("main")
    expect(main).to_contain_text("<script>alert('key fact')</script>")
    expect(main).to_contain_text("<script>alert('why_it_matters')</script>")
    visit(page, problems, reverse("admin:articles_explainer_change", args=[explainer.pk]))


def test_raw_html_posted_past_the_editor_never_runs(open_page, problems, editor, topic):
    """Markup sent straight to the server, bypassing CKEditor, is sanitised before any page."""
    page = open_page(editor)
    page.goto(ui.admin_add_url())
    ui.wait_for_editors(page)
    page.locator("#id_title").press_sequentially("Raw markup")
    ui.choose_topic(page, topic.name)
    raw = "\n".join(HTML_PAYLOADS)
    for field in RICH_TEXT:
        # A hostile client: remove the editor without letting it filter, post the textarea.
        page.evaluate(f"CKEDITOR.instances['id_{field}'].destroy(true)")
        page.fill(f"#id_{field}", raw)
    ui.save(page)
    assert ui.errors(page) == ""
    ui.wait_for_editors(page)
    problems.check()

    explainer = Explainer.objects.get(pk=ui.change_url_pk(page))
    for field in RICH_TEXT:
        stored = getattr(explainer, field).lower()
        assert "<script" not in stored and "onerror" not in stored and "javascript:" not in stored
    publish_as_is(explainer, by=editor)
    reader = open_page()
    visit(reader, problems, explainer.get_absolute_url())
    visit(reader, problems, "/")


IMPORT_TEMPLATE = """{title}

What happened
{p1}
Key facts
- {fact}
Background & context
{p2}
Why it matters
{p3}
Stakeholders & viewpoints
- Hostile Group: {viewpoint}
Timeline & what to watch next
- On March 3, 2025 {event}
- {watch}
Sources
- {source} https://example.org/source
Up Next
- {related}
"""


def hostile_import_text() -> str:
    fields = ["p1", "fact", "p2", "p3", "viewpoint", "event", "watch", "source", "related"]
    values = {name: hostile(f"import {name}") for name in fields}
    return IMPORT_TEMPLATE.format(title=hostile("import title")[:150], **values)


def test_payloads_pasted_into_the_import_box_never_run(open_page, problems, editor, topic):
    """Hostile text imported from the admin's "Import from text" box is text everywhere."""
    page = open_page(editor)
    ui.import_text(page, hostile_import_text())
    assert ui.errors(page) == ""
    problems.check()

    explainer = Explainer.objects.get(pk=ui.change_url_pk(page))
    explainer.topics.add(topic)
    publish_as_is(explainer, by=editor)
    reader = open_page()
    visit(reader, problems, explainer.get_absolute_url())
    expect(reader.locator("main")).to_contain_text("<script>alert('import fact')</script>")
    visit(reader, problems, "/")


def test_payload_in_a_refused_import_never_runs(open_page, problems, editor):
    """An import refused for a format error shows the text and the error, and runs nothing."""
    page = open_page(editor)
    bad = hostile_import_text().replace("- Hostile Group: ", "- Hostile Group without separator ")
    ui.import_text(page, bad)
    expect(page.locator(".import-errors")).to_contain_text("separator")
    problems.check()
    assert not Explainer.objects.exists()
