"""The "Up next" section in a real browser: a reader follows a link to a live explainer; once
the editor unpublishes it, the linking page no longer offers it.
"""

from __future__ import annotations

from playwright.sync_api import expect

from articles.models import RelatedLink
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests import factories
from tests.browser import ui
from tests.browser.data import published

TARGET = "Why the lighthouse went dark"


def test_up_next_drops_an_explainer_the_moment_the_editor_unpublishes_it(
    open_page, writer, fact_checker, editor
):
    """B's "Up next" links to A in the page footer; after A is unpublished at the desk, B's page
    shows nothing of A."""
    target = published(writer=writer, checker=fact_checker, editor=editor, title=TARGET)
    linker = factories.complete_explainer(authors=[writer], title="The harbour after dark")
    RelatedLink.objects.create(explainer=linker, target=target, position=0)
    workflow.submit(linker, by=writer)
    workflow.approve(linker, by=fact_checker)
    publication.publish(linker, by=editor)

    reader = open_page()
    reader.goto(linker.get_absolute_url())
    link = reader.locator(".explainer-footer .up-next a.card-title")
    expect(link).to_have_text(TARGET)
    # The section sits where it always did: after the sources, before the topics.
    expect(reader.locator(".explainer-footer > :first-child")).to_have_class("up-next")
    link.click()
    expect(reader.locator("main h1")).to_have_text(TARGET)

    desk = open_page(editor)
    desk.goto(ui.admin_change_url(target))
    ui.workflow_move(desk, "unpublish", "The harbour board asked us to check a figure.")
    expect(desk.locator("ul.messagelist")).to_contain_text("done")

    reader.goto(linker.get_absolute_url())
    expect(reader.locator("main h1")).to_have_text("The harbour after dark")
    expect(reader.locator(".up-next")).to_have_count(0)
    expect(reader.locator("body")).not_to_contain_text(TARGET)
