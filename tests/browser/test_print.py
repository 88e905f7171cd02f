"""Printing a page (static/css/site.css, @media print): the masthead and the page's address stay,
navigation, search and footer go, and the page has margins.

The print view and a PDF go to ``test-artifacts/screenshots/`` for people to look at.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.data import published_explainer


@pytest.fixture
def version(db):
    return published_explainer()


def _open_printed(open_page, url: str) -> Page:
    page = open_page(viewport={"width": 800, "height": 1000})
    page.goto(url)
    page.emulate_media(media="print")
    return page


def test_printed_explainer_keeps_masthead_and_its_address(open_page, version, screenshots_dir):
    """In print, the masthead and the explainer's full address show; nav, search, footer don't."""
    url = version.get_absolute_url()
    page = _open_printed(open_page, url)
    address = page.locator(".print-url")
    expect(address).to_be_visible()
    expect(address).to_have_text(settings.NEWSROOM_BASE_URL + url)
    expect(page.locator(".site-name")).to_be_visible()
    expect(page.locator("main h1")).to_be_visible()
    for hidden in (".site-nav", ".site-search", ".site-footer", ".toc"):
        expect(page.locator(hidden)).to_be_hidden()
    page.screenshot(path=screenshots_dir / "explainer-print.png", full_page=True)
    page.pdf(path=screenshots_dir / "explainer-print.pdf", format="A4")


def test_address_is_for_print_only(open_page, version):
    """On screen the address line is hidden and the navigation shows."""
    page = open_page()
    page.goto(version.get_absolute_url())
    expect(page.locator(".print-url")).to_be_hidden()
    expect(page.locator(".site-nav")).to_be_visible()


def test_print_page_has_margins(open_page, version):
    """The stylesheet gives printed pages margins (an @page rule with a margin)."""
    page = _open_printed(open_page, version.get_absolute_url())
    margins = page.evaluate(
        """() => [...document.styleSheets].flatMap(sheet => [...sheet.cssRules])
            .filter(rule => rule instanceof CSSPageRule).map(rule => rule.style.margin)"""
    )
    assert margins and all(margins), margins
