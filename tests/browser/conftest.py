"""Real-browser fixtures: one Chromium per session, a page per role, and a watch for trouble.

Every test in this folder carries the ``browser`` marker. Without ``/usr/bin/chromium`` the tests
skip, except in CI (``CI`` set), where a missing browser is an error on every browser test.

Pages made here fail their test on any JavaScript dialog (``alert``, ``confirm``, ``prompt``),
any uncaught page error and any console error: an injected script that runs, or that a
Content-Security-Policy blocks, shows up as one of those.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Generator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Error,
    Page,
    Playwright,
)

from articles import roles

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"

LAUNCH_ARGS = {
    "executable_path": str(CHROMIUM),
    "args": [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}

_problems_key = pytest.StashKey["Problems"]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Generator[None, None, None]:
    """Mark the browser tests, skip them without Chromium (outside CI), and run them last.

    Marked before any other plugin looks (so ``-m browser`` selects them); moved after every
    other test once the others have sorted: their database flushes remove the roles the
    migrations made, and while Chromium is up the ORM runs beside Playwright's event loop (see
    ``_orm_beside_playwright``); nothing else should run in either condition.
    """
    in_ci = bool(os.environ.get("CI"))
    missing = not CHROMIUM.exists()
    for item in items:
        if not Path(item.path).resolve().is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.browser)
        if missing and not in_ci:
            item.add_marker(pytest.mark.skip(reason=f"no browser at {CHROMIUM}"))
    result = yield
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    return result


@pytest.fixture(scope="session")
def _orm_beside_playwright() -> Generator[None]:
    """Let the ORM run in the thread where Playwright's sync API keeps its event loop.

    Django refuses database calls from a thread with a running event loop unless this variable
    is set. It is set only while Chromium runs (the browser tests come last), so that no other
    test, nor a subprocess one starts, inherits it.
    """
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    if not CHROMIUM.exists():
        # Only reached in CI (elsewhere the tests are skipped at collection).
        pytest.fail(f"CI is set but {CHROMIUM} is missing: the browser tests cannot run.")
    return LAUNCH_ARGS


@pytest.fixture(scope="session")
def browser_context_args(live_server) -> dict:
    return {"base_url": live_server.url, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(autouse=True)
def _browser_world(transactional_db, live_server, settings) -> None:
    """Give every browser test the roles and an empty cache (tests/conftest.py makes password
    hashing fast for every test)."""
    # A transactional test database is flushed between tests, and the roles come from a data
    # migration, so they are made again here (sync_roles is idempotent).
    roles.sync_roles()
    for cache in caches.all():
        cache.clear()
    # No presence heartbeats but in the tests of presence (tests/browser/test_presence.py): one
    # arriving while the next test flushes the database makes SQLite report a locked table.
    settings.NEWSROOM_PRESENCE = False


class Problems:
    """Dialogs, page errors and console errors seen by the pages of one test."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[re.Pattern[str]] = []
        self.pages: list[Page] = []
        self.expected_dialogs: list[tuple[re.Pattern[str], bool]] = []
        self.answered_dialogs: list[str] = []

    def expect_dialog(self, pattern: str, *, accept: bool) -> None:
        """Answer the next dialog whose message matches ``pattern`` (accept or dismiss) instead
        of failing the test on it; ``answered_dialogs`` records its message."""
        self.expected_dialogs.append((re.compile(pattern), accept))

    def allow(self, pattern: str) -> None:
        """Accept console errors matching ``pattern`` (for example a 404 page's own status)."""
        self.allowed.append(re.compile(pattern))

    def watch(self, page: Page) -> Page:
        self.pages.append(page)
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))
        return page

    def _on_dialog(self, dialog: Dialog) -> None:
        for n, (pattern, accept) in enumerate(self.expected_dialogs):
            if pattern.search(dialog.message):
                del self.expected_dialogs[n]
                self.answered_dialogs.append(dialog.message)
                dialog.accept() if accept else dialog.dismiss()
                return
        self.seen.append(f"{dialog.type} dialog on {dialog.page.url if dialog.page else '?'}: ")
        self.seen[-1] += repr(dialog.message)
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(p.search(text) for p in self.allowed):
            return
        location = message.location.get("url", "") if message.location else ""
        self.seen.append(f"console error at {location or message.page.url}: {text}")

    def settle(self) -> None:
        # Events reach the handlers only while Playwright talks to the browser: one round trip
        # per open page delivers whatever is still queued.
        for page in self.pages:
            if not page.is_closed():
                with contextlib.suppress(Error):
                    page.evaluate("0")

    def check(self) -> None:
        """Fail now if anything went wrong so far."""
        self.settle()
        if self.seen:
            found, self.seen = self.seen, []
            counted = {line: found.count(line) for line in found}  # first-seen order, no repeats
            lines = [line if n == 1 else f"{line} (×{n})" for line, n in counted.items()]
            pytest.fail("The browser reported trouble:\n  " + "\n  ".join(lines), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        result = yield
    finally:
        problems = item.stash.get(_problems_key, None)
        if problems is not None:
            problems.check()
    return result


@pytest.fixture
def problems(request: pytest.FixtureRequest) -> Problems:
    found = Problems()
    request.node.stash[_problems_key] = found
    return found


def session_cookie(user, url: str) -> dict:
    """Return a browser cookie for a session in which ``user`` is logged in."""
    client = Client()
    # Name the model backend: the first one configured, django-axes's, only authenticates and
    # cannot load a user back from a session.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": morsel.key, "value": morsel.value, "url": url}


@pytest.fixture(scope="session")
def chromium(
    _orm_beside_playwright, playwright: Playwright, browser_type_launch_args: dict
) -> Generator[Browser]:
    """The one browser of the session.

    Launched here rather than through pytest-playwright's ``browser`` fixture: that one is
    parametrised per browser name at session scope, and pytest then regroups every test that
    uses it into one block wherever the first of them stands, which would run these
    transactional tests (their flushes remove the migrations' roles) among the ordinary
    database tests instead of after them.
    """
    browser = playwright.chromium.launch(**browser_type_launch_args)
    yield browser
    browser.close()


@pytest.fixture
def open_page(
    chromium: Browser, browser_context_args: dict, problems: Problems, live_server
) -> Generator[Callable[..., Page]]:
    """Return ``open_page(user=None, **context_args)``: a watched page in a fresh context.

    With a user, the context is logged in as that user (a session made by the test client, so
    the login form is not typed again for every role).
    """
    contexts: list[BrowserContext] = []

    def _open(user=None, **context_args) -> Page:
        options = {"viewport": {"width": 1280, "height": 900}, **browser_context_args}
        context = chromium.new_context(**{**options, **context_args})
        contexts.append(context)
        # Chromium asks every site for /favicon.ico and logs a 404 as a console error; answer
        # it here so that console errors mean something.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        if user is not None:
            context.add_cookies([session_cookie(user, live_server.url)])
        page = context.new_page()
        page.set_default_timeout(10_000)
        return problems.watch(page)

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def reader(open_page) -> Page:
    """An anonymous reader's page."""
    return open_page()


@pytest.fixture
def screenshots_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
