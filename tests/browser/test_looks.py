"""Looks: screenshots of the public pages at phone and desktop widths, light and dark, and the
desk's change form at a laptop's width.

Screenshots go to ``test-artifacts/screenshots/`` (git-ignored) for people to look at; the
tests themselves assert what a machine can judge: the page renders, dark mode changes the
colours, and nothing scrolls sideways on a small phone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser import ui
from tests.browser.data import published_explainer

WIDTHS = [390, 1280]
SCHEMES = ["light", "dark"]


@pytest.fixture
def version(db):
    return published_explainer()


def _url(name: str, version) -> str:
    return "/" if name == "home" else version.get_absolute_url()


def _background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["home", "explainer"])
def test_screenshot(open_page, version, screenshots_dir, name, width, scheme):
    """The page renders its heading at this width and scheme; a full-page screenshot is kept."""
    page = open_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page.goto(_url(name, version))
    expect(page.locator("main h1").first).to_be_visible()
    page.screenshot(path=screenshots_dir / f"{name}-{width}-{scheme}.png", full_page=True)


@pytest.mark.parametrize("name", ["home", "explainer"])
def test_dark_scheme_changes_background(open_page, version, name):
    """A reader who prefers dark colours gets a different page background than in light mode."""
    page = open_page(color_scheme="light")
    page.goto(_url(name, version))
    light = _background(page)
    page.emulate_media(color_scheme="dark")
    assert _background(page) != light


@pytest.mark.parametrize("name", ["home", "explainer"])
def test_no_horizontal_scroll_at_320px(open_page, version, name):
    """At 320 px wide the page fits: nothing, not even a long source URL, scrolls sideways."""
    page = open_page(viewport={"width": 320, "height": 640})
    page.goto(_url(name, version))
    expect(page.locator("main h1").first).to_be_visible()
    sizes = page.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], sizes


def test_change_form_fits_a_laptop_screen(open_page, editor):
    """The explainer change form at 1280 px, with the admin's side navigation: long source
    citations and links do not push the inline tables or the sources off the screen."""
    citation = "Regional Water Board: annual report on reservoir levels, abstraction " * 3
    explainer = factories.complete_explainer(title="A wide one")
    source = explainer.sources.get()
    source.citation = citation.strip()
    source.save()
    factories.SourceFactory(explainer=explainer, position=2, citation=citation.upper().strip())
    event = explainer.timeline.filter(date__isnull=False).first()
    event.source = source
    event.save()
    page = open_page(editor, viewport={"width": 1280, "height": 900})
    page.goto(ui.admin_change_url(explainer))
    expect(page.locator("#key_facts-group")).to_be_visible()
    sizes = page.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth,"
        " wide: [...document.querySelectorAll('.inline-group, .module, fieldset')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id || e.className)})"
    )
    assert sizes["scroll"] <= sizes["client"], sizes
