"""Layout of the desk: the explainer list fits a laptop, the change form fits a phone.

A laptop is 1280 px wide with the admin's side navigation open and the list's filters beside
the list; a phone is 390 px wide. Screenshots go to ``test-artifacts/screenshots/`` for people
to look at; the tests assert what a machine can judge: nothing pushes the page sideways, the
list's table is no wider than its box (no column hidden past its right edge), and no field of
the form sticks out of its row (where the row would cut it off).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from articles.workflow import moves as workflow
from tests.browser import ui
from tests.browser.data import desk_stages

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Every element of a form row whose right edge lies past the row's: what the row cuts off.
CUT_OFF = """() => [...document.querySelectorAll('.form-row')].flatMap(row => {
    const edge = row.getBoundingClientRect().right + 1;
    return [...row.querySelectorAll('*')]
        .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > edge)
        .filter(el => !el.closest('.tabular'))
        .map(el => `${row.className} > ${el.tagName.toLowerCase()}.${el.className}`);
})"""


def _named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def desk(writer, other_writer, fact_checker, editor):
    """The list as a busy desk sees it: people with full names, long titles, two bylines, a
    review assigned with a due date, verified facts."""
    _named(writer, "Mira", "Castellanos")
    _named(other_writer, "Jonah", "Whitfield")
    _named(fact_checker, "Tomás", "Lindqvist")
    _named(editor, "Dana", "Okafor")
    stages = desk_stages(writer=writer, checker=fact_checker, editor=editor)
    long_titles = {
        "live": "Why Port Alder's schools are switching to a four-day week",
        "writer": "How a leap second works, and why the world is retiring it",
        "fact_checker": "Port Alder votes on removing the Tannery Weir",
        "editor": "What is a heat dome, and why is it so dangerous?",
    }
    for key, explainer in stages.items():
        explainer.title = long_titles[key]
        explainer.save(update_fields=["title"])
        explainer.byline_set.create(author=other_writer, position=1)
    workflow.assign(
        stages["fact_checker"],
        by=editor,
        assignee=fact_checker,
        due=timezone.localdate() + datetime.timedelta(days=3),
    )
    return stages


def _overflow(page: Page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("role", ["writer", "fact_checker", "editor"])
def test_changelist_columns_fit_a_laptop(request, open_page, desk, screenshots_dir, role):
    """At 1280 px every column of the explainer list shows: the table fits its box."""
    page = open_page(request.getfixturevalue(role), viewport=LAPTOP)
    page.goto(reverse("admin:articles_explainer_changelist"))
    table, box = page.evaluate(
        """() => {
            const table = document.querySelector('#result_list');
            return [table.offsetWidth, table.closest('.results').clientWidth];
        }"""
    )
    page.screenshot(path=screenshots_dir / f"desk-changelist-1280-{role}.png", full_page=True)
    assert page.locator("#result_list tbody tr").count() >= 3
    assert table <= box, f"the list is {table} px wide in a box of {box} px"
    assert _overflow(page)[0] <= LAPTOP["width"]


def _change_url(desk: dict, role: str, name: str) -> str:
    """The new form, the published explainer, or the one where ``role`` has a move."""
    if name == "add":
        return ui.admin_add_url()
    return ui.admin_change_url(desk["live"] if name == "live" else desk[role])


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("writer", "add"),
        ("writer", "moves"),
        ("fact_checker", "moves"),
        ("fact_checker", "live"),
        ("editor", "moves"),
        ("editor", "live"),
    ],
)
def test_change_form_fits_a_phone(request, open_page, desk, screenshots_dir, role, name):
    """At 390 px the change form (new, or existing with its workflow panel, published versions
    and history) does not scroll sideways, and no field sticks out of its row."""
    page = open_page(request.getfixturevalue(role), viewport=PHONE)
    page.goto(_change_url(desk, role, name))
    if page.locator("textarea[data-type=ckeditortype]").count():
        ui.wait_for_editors(page)
    page.screenshot(path=screenshots_dir / f"desk-change-390-{role}-{name}.png", full_page=True)
    width, viewport = _overflow(page)
    assert width <= viewport, f"the page is {width} px wide on a {viewport} px screen"
    assert page.evaluate(CUT_OFF) == []


@pytest.mark.parametrize("name", ["dashboard", "history", "import"])
def test_other_desk_pages_fit_a_phone(open_page, editor, desk, screenshots_dir, name):
    """At 390 px the dashboard, an explainer's history and the import page fit the screen."""
    page = open_page(editor, viewport=PHONE)
    page.goto(
        {
            "dashboard": reverse("admin:index"),
            "history": reverse("admin:articles_explainer_history", args=[desk["live"].pk]),
            "import": reverse("admin:articles_explainer_import"),
        }[name]
    )
    page.screenshot(path=screenshots_dir / f"desk-{name}-390.png", full_page=True)
    width, viewport = _overflow(page)
    assert width <= viewport, f"the page is {width} px wide on a {viewport} px screen"
