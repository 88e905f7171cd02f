"""The add and change forms' live preview in a browser: it follows what is typed (plain fields,
inline rows, the rich-text editor), shows it at a phone's and a desktop's width, and saves
nothing (static/js/admin-live-preview.js, articles/desk/live_preview.py)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from articles.models import Explainer
from articles.snapshot import snapshot
from tests import factories
from tests.browser import ui

FRAME = "#live-preview iframe"


def preview_text(page: Page) -> str:
    """The text the preview frame shows now (read through the parent: the frame runs no script)."""
    return page.evaluate(
        """(selector) => {
            const doc = document.querySelector(selector).contentDocument;
            return doc && doc.body ? doc.body.innerText : "";
        }""",
        FRAME,
    )


def wait_for_preview(page: Page, text: str) -> None:
    page.wait_for_function(
        """([selector, text]) => {
            const doc = document.querySelector(selector).contentDocument;
            return !!(doc && doc.body && doc.body.innerText.includes(text));
        }""",
        arg=[FRAME, text],
    )


def frame_width(page: Page) -> int:
    return page.evaluate(
        "(selector) => document.querySelector(selector).contentWindow.innerWidth", FRAME
    )


def test_preview_follows_typing_at_both_widths_and_saves_nothing(open_page, writer):
    explainer = factories.complete_explainer(authors=[writer], title="The saved headline")
    saved = snapshot(explainer)
    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    ui.wait_for_editors(page)

    opener = page.get_by_role("link", name="Live preview")
    expect(opener).to_have_attribute("aria-expanded", "false")
    opener.click()
    panel = page.locator("#live-preview")
    expect(panel).to_be_visible()
    expect(opener).to_have_attribute("aria-expanded", "true")
    wait_for_preview(page, "The saved headline")
    expect(panel.locator(".live-preview-status")).to_contain_text("Updated")

    # A plain field, an inline row and the rich-text editor, typed as a writer types.
    page.fill("#id_title", "")
    page.locator("#id_title").press_sequentially("A headline only the preview knows")
    page.fill("#id_key_facts-0-text", "A key fact typed, not saved.")
    ui.type_rich_text(page, "background", "Background typed into the editor.")
    wait_for_preview(page, "A headline only the preview knows")
    wait_for_preview(page, "A key fact typed, not saved.")
    wait_for_preview(page, "Background typed into the editor.")
    assert "live preview — not saved." in preview_text(page).lower()

    # Phone width by default; Desktop draws the page 1280 px wide, scaled to fit the panel.
    phone = panel.get_by_role("button", name="Phone")
    desktop = panel.get_by_role("button", name="Desktop")
    expect(phone).to_have_attribute("aria-pressed", "true")
    assert frame_width(page) == 390
    desktop.click()
    expect(desktop).to_have_attribute("aria-pressed", "true")
    expect(phone).to_have_attribute("aria-pressed", "false")
    assert frame_width(page) == 1280
    box = page.locator(FRAME).bounding_box()
    panel_box = panel.bounding_box()
    assert box is not None and panel_box is not None
    assert box["width"] <= panel_box["width"]  # scaled down, not cut off
    phone.click()
    assert frame_width(page) == 390

    # A field a save would refuse: the panel says what to correct, instead of the page.
    page.fill("#id_title", "")
    wait_for_preview(page, "Correct these to see the preview")
    assert "Title: This field is required." in preview_text(page)
    expect(panel.locator(".live-preview-status")).to_contain_text("Needs corrections")

    # Nothing was saved by any of it.
    explainer.refresh_from_db()
    assert snapshot(explainer) == saved
    assert explainer.title == "The saved headline"

    # Closed, it stops following the form, and the form is as wide as before.
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()
    expect(opener).to_be_focused()


def test_the_preview_frame_runs_no_script(open_page, problems, writer):
    """The frame is sandboxed without scripts: even the page's own document cannot run one."""
    problems.allow(r"Blocked script execution in 'about:srcdoc'")
    explainer = factories.complete_explainer(authors=[writer])
    page = open_page(writer)
    page.goto(ui.admin_change_url(explainer))
    ui.wait_for_editors(page)
    page.get_by_role("link", name="Live preview").click()
    wait_for_preview(page, explainer.title)
    sandbox = page.locator(FRAME).get_attribute("sandbox")
    assert sandbox is not None and "allow-scripts" not in sandbox.split()
    assert page.evaluate(
        """(selector) => {
            const doc = document.querySelector(selector).contentDocument;
            const script = doc.createElement("script");
            script.textContent = "document.body.dataset.ran = 'yes'";
            doc.body.appendChild(script);
            return doc.body.dataset.ran === undefined;
        }""",
        FRAME,
    )


def test_a_fact_checker_previews_their_form(open_page, writer, fact_checker):
    """A fact-checker may preview their checks: the panel works on their read-only text too."""
    explainer = factories.complete_explainer(authors=[writer])
    Explainer.objects.filter(pk=explainer.pk).update(state="in_review", assignee=fact_checker)
    page = open_page(fact_checker)
    page.goto(ui.admin_change_url(explainer))
    page.get_by_role("link", name="Live preview").click()
    wait_for_preview(page, explainer.title)


def test_the_add_form_previews_a_new_explainer_and_saves_nothing(
    open_page, writer, screenshots_dir
):
    """A writer starting an explainer sees the typed title in the preview; nothing is saved."""
    page = open_page(writer)
    page.goto(ui.admin_add_url())
    ui.wait_for_editors(page)
    page.get_by_role("link", name="Live preview").click()
    expect(page.locator("#live-preview")).to_be_visible()

    # The slug follows the title as it is typed (the admin's prepopulated field).
    page.locator("#id_title").press_sequentially("A first headline only the preview knows")
    wait_for_preview(page, "A first headline only the preview knows")
    assert "live preview — not saved." in preview_text(page).lower()
    expect(page.locator("#live-preview .live-preview-status")).to_contain_text("Updated")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=screenshots_dir / f"live-preview-add-{width}.png")
    assert not Explainer.objects.exists()
