"""The admin works under its Content-Security-Policy, and the policy really blocks inline script.

The page fixtures fail a test on any console error, and Chromium reports every CSP violation
as one: so these tests prove both that the admin needs nothing the policy forbids and that
CKEditor's exemption is needed only where it is given (the pages that draw the editor).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser import ui


def test_admin_scripts_run_without_inline_script(open_page, editor):
    """Topic add page: the admin's own JavaScript (slug prefill) runs under script-src 'self'."""
    page = open_page(editor)
    page.goto("/admin/articles/topic/add/")
    page.locator("#id_name").press_sequentially("Water supply")
    expect(page.locator("#id_slug")).to_have_value("water-supply")


def test_ckeditor_runs_on_explainer_pages(open_page, editor):
    """The editor loads and its toolbar (inline handlers) works on the explainer add page."""
    page = open_page(editor)
    page.goto(ui.admin_add_url())
    ui.wait_for_editors(page)
    ui.type_rich_text(page, "what_happened", "Plain words")
    page.locator("#cke_id_what_happened .cke_button__bold").click()
    expect(page.locator("#cke_id_what_happened .cke_button__bold")).to_have_class(
        "cke_button cke_button__bold cke_button_on"
    )


@pytest.mark.parametrize("path", ["/admin/articles/topic/", "/admin/articles/explainer/"])
def test_inline_script_is_blocked_on_other_admin_pages(open_page, editor, problems, path):
    """Away from the editor (even on the explainer list) the admin refuses inline script."""
    problems.allow(r"Content Security Policy|Refused to execute inline script")
    page = open_page(editor)
    page.goto(path)
    ran = page.evaluate(
        """() => {
            window.__ran = false;
            const s = document.createElement('script');
            s.textContent = 'window.__ran = true';
            document.body.appendChild(s);
            return window.__ran;
        }"""
    )
    assert ran is False


def test_inline_script_is_blocked_on_public_pages(reader, problems):
    """A public page refuses inline script even if some were injected."""
    problems.allow(r"Content Security Policy|Refused to execute inline script")
    factories.TopicFactory(name="Science", slug="science")
    reader.goto("/")
    ran = reader.evaluate(
        """() => {
            window.__ran = false;
            const s = document.createElement('script');
            s.textContent = 'window.__ran = true';
            document.body.appendChild(s);
            return window.__ran;
        }"""
    )
    assert ran is False
