"""Looks: screenshots of the public pages at phone and desktop widths, light and dark.

Screenshots go to ``test-artifacts/screenshots/`` (git-ignored) for people to look at; the
tests themselves assert what a machine can judge: the page renders, dark mode changes the
colours, and nothing scrolls sideways on a small phone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

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
