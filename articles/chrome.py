"""The public site's chrome, worked out once per process instead of once per request.

Every public page carries the same header and footer, with fourteen links to named URLs. A
``{% url %}`` tag costs about as much as the page's one SQL query (``reverse()`` walks the
resolver under thread-local state), so the links are reversed once per process and handed to
templates as ``urls`` (``articles.context_processors.site``).

The explainer page goes further: its template is nothing but the chrome around HTML stored at
publish time, so the chrome is rendered once, with markers where the title, head and body go,
and cut into a ``Shell``. Serving the page is then a few string joins (``Shell.page``). For
that, ``base.html`` must not depend on the request (no user, no CSRF token, no messages):
``tests/articles/test_chrome.py`` holds the shell's output equal to a full template render.

The list pages (home, topic, stakeholder, author) go the same way with ``frame()``: a page
template rendered once for each distinct set of its inputs (the topic, the count, the page
number...) with markers where the per-request HTML goes (cards stored at publish time), kept
per process and filled by string joins. The inputs are read from the database on every
request, so a frame is never stale: it is the template's output for exactly those inputs.

All are keyed by the URLconf and the script prefix (a site served under a sub-path), and
cleared when a test overrides a setting; with ``DEBUG`` on nothing is kept, so an edited
template shows at the next request.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString

# The chrome's links, by the name templates use: ``{{ urls.home }}``.
CHROME_URLS = {
    "home": "articles:home",
    "watch": "articles:watch",
    "watch_ics": "articles:watch_ics",
    "corrections": "articles:corrections",
    "search": "articles:search",
    "feed_rss": "articles:feed_rss",
    "feed_atom": "articles:feed_atom",
    "publishing_principles": "articles:publishing_principles",
    "fact_checking_policy": "articles:fact_checking_policy",
    "corrections_policy": "articles:corrections_policy",
}

EXPLAINER_TEMPLATE = "articles/explainer_detail.html"
# Markers put where the explainer page's title, head and body go. Characters from Unicode's
# private use area: escaping leaves them alone and no editor text is expected to hold them.
TITLE_MARK = "\ue000title\ue000"
HEAD_MARK = "\ue000head\ue000"
BODY_MARK = "\ue000body\ue000"
# Slugs as the URL patterns accept them: for these, quoting in reverse() changes nothing.
ASCII_SLUG = re.compile(r"[-a-zA-Z0-9_]+")

# Frames kept per process: enough for every topic's first pages and the home page's states.
FRAMES_KEPT = 512
SLOT_MARK = "\ue000slot:{}\ue000"

_urls: dict[tuple, dict[str, str]] = {}
_frames: dict[tuple, Frame] = {}
_shells: dict[tuple, Shell] = {}
_slug_paths: dict[tuple, tuple[str, str]] = {}


def _key() -> tuple:
    return (get_urlconf(), get_script_prefix(), translation.get_language())


def urls() -> dict[str, str]:
    """Return the chrome's URLs, by name (see ``CHROME_URLS``)."""
    key = _key()
    found = _urls.get(key)
    if found is None:
        found = {name: reverse(viewname) for name, viewname in CHROME_URLS.items()}
        if not settings.DEBUG:
            _urls[key] = found
    return found


# The settings every public template reads, by the names templates use: the publication's
# name and the address readers write to about an error (may be empty).
SITE_SETTINGS = ("NEWSROOM_NAME", "NEWSROOM_CORRECTIONS_EMAIL")


def site_context() -> dict:
    """What every public template reads besides its own inputs: ``SITE_SETTINGS`` and the
    chrome's links (``urls``)."""
    return {**{name: getattr(settings, name) for name in SITE_SETTINGS}, "urls": urls()}


def slug_path(viewname: str, slug: str) -> str:
    """Return ``reverse(viewname, kwargs={"slug": slug})`` without walking the resolver."""
    return slug_paths(viewname)(slug)


def slug_paths(viewname: str):
    """Return a function of a slug giving ``slug_path(viewname, slug)``, for many slugs."""
    key = (viewname, *_key())
    parts = _slug_paths.get(key)
    if parts is None:
        before, _, after = reverse(viewname, kwargs={"slug": "SLUG"}).partition("SLUG")
        parts = (before, after)
        if not settings.DEBUG:
            _slug_paths[key] = parts
    before, after = parts

    def path(slug: str) -> str:
        if not ASCII_SLUG.fullmatch(slug):
            return reverse(viewname, kwargs={"slug": slug})
        return before + slug + after

    return path


def explainer_path(slug: str) -> str:
    """Return the path of the explainer page at ``slug``, as ``reverse()`` would."""
    return slug_path("articles:explainer", slug)


@dataclass(frozen=True)
class Shell:
    """The explainer page's HTML around its three variable parts."""

    before_title: str
    before_head: str
    before_body: str
    after_body: str
    revision: str  # changes whenever the chrome's HTML does: part of the page's ETag

    def page(self, *, title: str, head_html: SafeString, body_html: SafeString) -> str:
        return "".join(
            (
                self.before_title,
                escape(title),
                self.before_head,
                head_html,
                self.before_body,
                body_html,
                self.after_body,
            )
        )


@dataclass(frozen=True)
class Frame:
    """A page's HTML around its named slots, in order: ``parts`` has one more item."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]

    def fill(self, **html: str) -> str:
        """Return the page with each slot's (already safe) HTML in its place."""
        out = [self.parts[0]]
        for name, after in zip(self.slots, self.parts[1:], strict=True):
            out += (html[name], after)
        return "".join(out)


def frame(template: str, slots: tuple[str, ...], context: dict[str, Hashable]) -> Frame:
    """Return ``template`` rendered with ``context`` around ``slots``, once per process.

    ``context`` holds every input of the template but ``site_context()`` (added here), as
    hashable values: with the site's settings, it is the key under which the frame is kept.
    Each slot is rendered as a marker (``{{ cards }}``) and must come out once, in the order
    given.
    """
    site = tuple(getattr(settings, name) for name in SITE_SETTINGS)
    key = (template, slots, tuple(sorted(context.items())), site, *_key())
    found = _frames.get(key)
    if found is None:
        found = _render_frame(template, slots, context)
        if not settings.DEBUG:
            if len(_frames) >= FRAMES_KEPT:
                del _frames[next(iter(_frames))]  # the oldest
            _frames[key] = found
    return found


def _render_frame(template: str, slots: tuple[str, ...], context: dict[str, Hashable]) -> Frame:
    marks = {name: SLOT_MARK.format(name) for name in slots}
    html = render_to_string(template, {**context, **marks, **site_context()})
    parts = (
        re.split("(" + "|".join(map(re.escape, marks.values())) + ")", html) if slots else [html]
    )
    if parts[1::2] != list(marks.values()):
        raise ImproperlyConfigured(
            f"{template} must output {', '.join(slots) or 'no slot'} once each, in that order."
        )
    return Frame(parts=tuple(parts[0::2]), slots=slots)


def explainer_shell() -> Shell:
    """Return the explainer page's chrome, rendered once per process."""
    return _shell(EXPLAINER_TEMPLATE)


def _shell(template: str) -> Shell:
    key = (template, *_key())
    shell = _shells.get(key)
    if shell is None:
        shell = _render_shell(template)
        if not settings.DEBUG:
            _shells[key] = shell
    return shell


def _render_shell(template: str) -> Shell:
    html = render_to_string(
        template,
        {
            # Plain strings: autoescaping leaves the markers as they are.
            "title": TITLE_MARK,
            "head_html": HEAD_MARK,
            "body_html": BODY_MARK,
            **site_context(),
        },
    )
    parts = re.split(f"({TITLE_MARK}|{HEAD_MARK}|{BODY_MARK})", html)
    markers = parts[1::2]
    if markers != [TITLE_MARK, HEAD_MARK, BODY_MARK]:
        raise ImproperlyConfigured(
            f"{template} must output the title, head_html and body_html once each, "
            f"in that order; found {len(markers)} markers."
        )
    before_title, before_head, before_body, after_body = parts[0::2]
    return Shell(
        before_title=before_title,
        before_head=before_head,
        before_body=before_body,
        after_body=after_body,
        revision=hashlib.sha256(html.encode()).hexdigest()[:10],
    )


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """Drop what was worked out under other settings (tests override URLconfs and names)."""
    _urls.clear()
    _shells.clear()
    _frames.clear()
    _slug_paths.clear()
