"""Presence and edit locks in real browsers: two people open the same explainer and each sees
the other's name; when one leaves, the notice goes; an editor locks it and the writer, after a
reload, gets the read-only form with who locked it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from articles.desk import presence
from articles.models import Explainer
from tests import factories
from tests.browser import ui


@pytest.fixture(autouse=True)
def _quick_heartbeat(monkeypatch, settings) -> None:
    """Presence on (the other browser tests turn it off), with a heartbeat a second, so that
    the test waits seconds, not tens of seconds."""
    settings.NEWSROOM_PRESENCE = True
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 1)


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def test_two_people_see_each_other_then_one_locks(
    open_page, writer, editor, screenshots_dir
) -> None:
    named(writer, "Ana", "Writer")
    named(editor, "Eda", "Editor")
    explainer = factories.complete_explainer(authors=[writer], title="Bus fares in 2026")
    url = ui.admin_change_url(explainer)

    writers = open_page(writer)
    writers.goto(url)
    editors = open_page(editor)
    editors.goto(url)
    writers_notice = writers.locator("#presence-notice")
    editors_notice = editors.locator("#presence-notice")
    expect(editors_notice).to_have_attribute("aria-live", "polite")
    expect(editors_notice).to_have_text("Ana Writer is also editing this explainer.")
    expect(writers_notice).to_have_text("Eda Editor is also editing this explainer.")

    # The writer leaves for the desk: the editor's notice empties without a reload.
    writers.goto("/admin/")
    expect(editors_notice).to_have_text("")

    # Back again, and the editor locks it: the writer's open form is told at once...
    writers.goto(url)
    expect(editors_notice).to_have_text("Ana Writer is also editing this explainer.")
    with editors.expect_navigation():
        editors.locator("button[data-lock]").click()
    expect(editors.locator("section.edit-lock")).to_contain_text("Locked by you since")
    expect(writers_notice).to_contain_text("Eda Editor locked this explainer at", timeout=5_000)
    expect(writers_notice).to_contain_text("your changes cannot be saved")
    # ... and sees the read-only form, saying who locked it and since when, after a reload.
    writers.reload()
    expect(writers.locator("#id_title")).to_have_count(0)
    expect(writers.locator("input[name=_save]")).to_have_count(0)
    expect(writers.locator("ul.messagelist")).to_contain_text("Eda Editor locked this explainer on")
    expect(writers.locator("section.edit-lock")).to_contain_text("Locked by Eda Editor since")
    expect(writers.locator("button[data-unlock]")).to_have_count(0)
    # The editor is told the writer is there, read-only now.
    expect(editors_notice).to_have_text("Ana Writer has this explainer open, read-only.")
    assert Explainer.objects.get(pk=explainer.pk).locked_by == editor

    for width in (390, 1280):
        writers.set_viewport_size({"width": width, "height": 900})
        writers.screenshot(path=screenshots_dir / f"presence-locked-{width}.png")
        editors.set_viewport_size({"width": width, "height": 900})
        editors.screenshot(path=screenshots_dir / f"presence-holder-{width}.png")

    # Unlocked: the writer's read-only page says it may be edited again.
    with editors.expect_navigation():
        editors.locator("button[data-unlock]").click()
    expect(writers_notice).to_contain_text("The lock has been lifted: reload the page to edit.")
    writers.reload()
    expect(writers.locator("#id_title")).to_have_count(1)

    # Both leave for the desk, and the test waits until the server has heard them go: a
    # "leave" beacon sent as a browser closes could otherwise reach the server while the
    # database is being emptied for the next test ("database table is locked" on SQLite).
    writers.goto("/admin/")
    editors.goto("/admin/")
    deadline = time.monotonic() + presence.PRESENCE_SECONDS + 5
    while presence.others(explainer.pk, user_id=0) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert presence.others(explainer.pk, user_id=0) == []
