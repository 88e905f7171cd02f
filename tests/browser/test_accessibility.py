"""Accessibility: axe-core finds no serious or critical violations, and the skip link works.

The public pages are checked as a reader sees them; the desk's pages (dashboard, list, change
form new and existing, history, import, the workflow panel's moves) as each role sees them.

axe-core comes inside the axe-playwright-python package (``axe.min.js``): nothing is
downloaded. It is injected through Playwright, so the pages keep their own strict CSP.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser import ui
from tests.browser.data import desk_stages, published_explainer

BLOCKING = {"serious", "critical"}

_axe = Axe()


@pytest.fixture
def version(db):
    return published_explainer()


def blocking_violations(page: Page) -> list[str]:
    """Run axe on the page; describe each serious or critical violation with its elements."""
    results = _axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}"
            )
    return found


def assert_accessible(page: Page) -> None:
    found = blocking_violations(page)
    assert not found, f"axe on {page.url}:\n" + "\n".join(found)


def _public_url(name: str, version) -> str:
    stakeholder = version.data["viewpoints"][0]["stakeholder"]
    return {
        "home": "/",
        "explainer": version.get_absolute_url(),
        "topic": "/topics/science/",
        "stakeholder": f"/stakeholders/{stakeholder['slug']}/",
        "watch": "/watch/",
        "search": "/search/?q=reservoir",
    }[name]


@pytest.mark.parametrize("name", ["home", "explainer", "topic", "stakeholder", "watch", "search"])
def test_public_page_has_no_serious_violations(reader, version, name):
    """axe finds nothing serious or critical on the public page."""
    response = reader.goto(_public_url(name, version))
    assert response is not None and response.status == 200
    assert_accessible(reader)


def test_search_results_list_the_match(reader, version):
    """The search page checked above really shows a result (so axe saw a results list)."""
    reader.goto("/search/?q=reservoir")
    expect(reader.locator("main").get_by_role("link", name=version.title)).to_be_visible()


def test_404_page_has_no_serious_violations(reader, problems, db):
    """The not-found page is accessible too."""
    # The browser logs the 404 status of the page itself as a console error; nothing else.
    problems.allow(r"status of 404")
    response = reader.goto("/explainers/no-such-explainer/")
    assert response is not None and response.status == 404
    assert_accessible(reader)


def test_admin_change_form_has_no_serious_violations(open_page, editor, version):
    """The explainer change form, with its editors and inlines, has no serious violations."""
    page = open_page(editor)
    page.goto(ui.admin_change_url(version.explainer_id))
    ui.wait_for_editors(page)
    assert_accessible(page)


def test_skip_link_reaches_main_content_by_keyboard(reader, version):
    """Tab from the top lands on a visible skip link; Enter moves focus into the main content."""
    reader.goto(version.get_absolute_url())
    reader.keyboard.press("Tab")
    skip = reader.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    expect(skip).to_be_in_viewport()
    reader.keyboard.press("Enter")
    assert reader.evaluate("document.activeElement.id") == "main"
    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.closest('main') !== null")


def test_admin_login_page_has_no_serious_violations(reader, db):
    """The desk's login page, the first page staff see, is accessible."""
    reader.goto(reverse("admin:login"))
    assert_accessible(reader)


# The desk, as each role sees it.

ROLES = ["writer", "fact_checker", "editor"]
DESK_PAGES = ["dashboard", "changelist", "add", "change", "history", "import", "moves"]
# Fact-checkers add nothing: no "Add explainer" and no import for them.
ADDING = {"add", "import"}
ROLE_PAGES = [
    (role, name)
    for role in ROLES
    for name in DESK_PAGES
    if name not in ADDING or role != "fact_checker"
]


@pytest.fixture
def desk(writer, fact_checker, editor):
    return desk_stages(writer=writer, checker=fact_checker, editor=editor)


def _desk_url(name: str, desk: dict, role: str) -> str:
    live = desk["live"]
    return {
        "dashboard": reverse("admin:index"),
        "changelist": reverse("admin:articles_explainer_changelist"),
        "add": ui.admin_add_url(),
        "change": ui.admin_change_url(live),
        "history": reverse("admin:articles_explainer_history", args=[live.pk]),
        "import": reverse("admin:articles_explainer_import"),
        "moves": ui.admin_change_url(desk[role]),
    }[name]


def _open_desk_page(page: Page, name: str, desk: dict, role: str) -> None:
    response = page.goto(_desk_url(name, desk, role))
    assert response is not None and response.status == 200
    if page.locator("textarea[data-type=ckeditortype]").count():
        ui.wait_for_editors(page)


@pytest.mark.parametrize(("role", "name"), ROLE_PAGES)
def test_desk_page_has_no_serious_violations(request, open_page, desk, role, name):
    """axe finds nothing serious or critical on the desk page, as this role sees it."""
    page = open_page(request.getfixturevalue(role))
    _open_desk_page(page, name, desk, role)
    assert_accessible(page)


@pytest.mark.parametrize("name", DESK_PAGES)
def test_desk_page_in_dark_colours_has_no_serious_violations(open_page, editor, desk, name):
    """The admin's dark theme, with the desk's own colours on it, keeps enough contrast."""
    page = open_page(editor, color_scheme="dark")
    _open_desk_page(page, name, desk, "editor")
    assert_accessible(page)


@pytest.mark.parametrize("role", ROLES)
def test_workflow_moves_are_on_the_checked_page(open_page, request, desk, role):
    """The change form checked above offers this role its move (so axe saw the move's form)."""
    move = {"writer": "submit", "fact_checker": "approve", "editor": "publish"}[role]
    page = open_page(request.getfixturevalue(role))
    page.goto(_desk_url("moves", desk, role))
    expect(ui.move_button(page, move)).to_be_visible()


def test_import_errors_have_no_serious_violations(open_page, writer, db):
    """The import page listing what is wrong with a pasted text is accessible too."""
    page = open_page(writer)
    ui.import_text(page, "This is not an explainer.")
    expect(page.locator(".import-errors")).to_be_visible()
    assert_accessible(page)
