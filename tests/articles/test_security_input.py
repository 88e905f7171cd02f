"""Hostile input through every field, every public page and every query string stays inert."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings as django_settings
from django.core.validators import URLValidator
from django.db import connection, models
from django.test import Client
from django.urls import get_resolver

from articles.interchange.importer import import_text
from articles.interchange.textformat import FormatErrors
from articles.models import Explainer, RelatedLink
from articles.publishing import freeze as publishing
from articles.site.xmltext import xml_safe
from tests import factories
from tests.payloads import HTML_PAYLOADS, PAYLOADS, inert_problems, payload_id
from tests.publicurls import public_urls


def _storable(payload: str) -> str:
    # PostgreSQL text cannot hold NUL at all (forms refuse it: see the admin test below), so
    # on PostgreSQL the ORM path stores the rest of the payload.
    return payload.replace("\x00", "") if connection.vendor == "postgresql" else payload


def _fill(obj: models.Model, payload: str, *, tag: str = "") -> None:
    """Put ``payload`` in every free-text field of ``obj`` (cut to the column's length).

    Names that must be unique (topics, stakeholders) get ``tag`` in front when several hostile
    explainers share a database.
    """
    text = _storable(payload)
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if field.choices or isinstance(field, models.SlugField) or not field.editable:
            continue
        if field.name in {"username", "password", "email"}:
            continue
        is_url = any(isinstance(v, URLValidator) for v in field.validators)
        value = f"https://example.org/{text}" if is_url else text
        if tag and field.name == "name":
            value = f"{tag} {value}"
        setattr(obj, field.name, value[: field.max_length] if field.max_length else value)
    obj.save()


def hostile_explainer(payload: str, *, by, tag: str = "") -> Explainer:
    """Return a published explainer with ``payload`` in every text field of it and its parts.

    It gets its own topic, stakeholder and author, so that their pages show this payload.
    """
    author = factories.UserFactory(username=f"hostile_author{tag}")
    explainer = factories.complete_explainer(authors=[author])
    explainer.topics.set([factories.TopicFactory()])
    viewpoint = explainer.viewpoints.first()
    viewpoint.stakeholder = factories.StakeholderFactory()
    viewpoint.save()
    factories.CorrectionFactory(explainer=explainer)
    RelatedLink.objects.create(explainer=explainer, title="placeholder")
    explainer.hero_image = "heroes/hero.jpg"
    parts = [
        explainer,
        author,
        *explainer.topics.all(),
        *explainer.key_facts.all(),
        *explainer.sources.all(),
        *explainer.timeline.all(),
        *explainer.corrections.all(),
        *explainer.related_links.all(),
        *explainer.viewpoints.all(),
        viewpoint.stakeholder,
    ]
    for part in parts:
        _fill(part, payload, tag=tag)
    explainer.refresh_from_db()
    publishing.freeze(explainer, by=by)
    return explainer


def _assert_response_inert(response, label: str, *, staff: bool = False) -> None:
    assert response.status_code < 500, label
    body = response.content.decode("utf-8", errors="replace")
    assert django_settings.SECRET_KEY not in body, label
    kind = response.get("Content-Type", "")
    if response.status_code >= 300:
        return
    if kind.startswith("text/html"):
        assert inert_problems(body, staff=staff) == [], label
    elif "json" in kind:
        json.loads(body)
    elif "xml" in kind:
        # A payload that broke out of escaping makes the XML ill-formed. (Our own output.)
        ET.fromstring(response.content)  # noqa: S314


def _urls(explainer: Explainer) -> dict[str, str]:
    stakeholder = explainer.viewpoints.first().stakeholder
    return public_urls(explainer, explainer.topics.first(), stakeholder)


def _route(name: str) -> str:
    for entry in get_resolver("articles.site.urls").url_patterns:
        if f"articles:{entry.name}" == name:
            return str(entry.pattern)
    return ""


def _own_pages(explainer: Explainer) -> dict[str, str]:
    """The pages about this explainer and its topic, stakeholder and author (routes with args)."""
    return {name: url for name, url in _urls(explainer).items() if "<" in _route(name)}


def _list_pages(explainer: Explainer) -> dict[str, str]:
    """The site-wide pages (routes without arguments): home, feeds, sitemaps, search …"""
    return {name: url for name, url in _urls(explainer).items() if "<" not in _route(name)}


@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_payload_in_every_field_is_inert_on_its_pages(client, editor, superuser, payload):
    """The explainer, its topic, stakeholder, author, feeds, JSON and preview show it as text."""
    explainer = hostile_explainer(payload, by=editor)
    staff = Client()
    staff.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    for name, url in _own_pages(explainer).items():
        browser = staff if name == "articles:preview" else client
        _assert_response_inert(browser.get(url), f"{name} {url}")


def test_every_payload_is_inert_on_site_wide_pages(client, editor):
    """With one explainer per payload published, every list, feed and sitemap stays inert."""
    explainers = [hostile_explainer(p, by=editor, tag=str(n)) for n, p in enumerate(PAYLOADS)]
    for name, url in _list_pages(explainers[0]).items():
        for page in ("1", "2"):
            _assert_response_inert(client.get(url, {"page": page}), f"{name} {url} page {page}")
    for word in ("alert", "script", "DROP", "SECRET_KEY", "javascript"):
        _assert_response_inert(client.get("/search/", {"q": word}), f"search {word}")


# A sample that covers each kind of payload, for the routes that are not about searching.
QUERY_SAMPLE = [
    '"><script>alert(1)</script>',
    "' onfocus='alert(1)' autofocus='",
    "javascript:alert(1)",
    "{{ settings.SECRET_KEY }}",
    "'; DROP TABLE articles_explainer; --",
    "\u202egnp.exe",
    "\x00<script>alert(1)</script>",
    "pasted\x0bcontrol\x1b[31m",
    "A" * 10_000,
    "%3Cscript%3Ealert(1)%3C/script%3E",
]


@pytest.fixture
def published(editor):
    explainer = factories.complete_explainer()
    publishing.freeze(explainer, by=editor)
    return explainer


@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_every_payload_as_search_query_is_inert(client, published, payload):
    """The search page echoes any query as text and never fails."""
    _assert_response_inert(client.get("/search/", {"q": payload}), "search")
    _assert_response_inert(client.get("/search/", {"q": payload, "page": payload}), "search page")


@pytest.mark.parametrize("payload", QUERY_SAMPLE, ids=payload_id)
def test_payload_in_any_query_parameter_is_inert(client, published, payload):
    """Every public page, given hostile q, page, topic and sort parameters, stays inert."""
    query = {"q": payload, "page": payload, "topic": payload, "sort": payload}
    for name, url in _urls(published).items():
        _assert_response_inert(client.get(url, query), f"{name} {url}")


@pytest.mark.parametrize(
    "raw",
    ["q=%00", "q=a%00b", "page=%00", "q=%C0%AF", "q=%FF%FE", "q=%E2%80%AE", "page=-1", "page=1e9"],
)
def test_raw_query_bytes_never_fail(client, published, raw):
    """NUL, invalid UTF-8 and odd page numbers in the raw query string do not 500."""
    for name, url in _urls(published).items():
        _assert_response_inert(client.get(f"{url}?{raw}"), f"{name} {url}?{raw}")


@pytest.mark.parametrize(
    "path",
    [
        "/explainers/%00/",
        "/explainers/%3Cscript%3E/",
        "/topics/..%2F..%2Fetc%2Fpasswd/",
        "/authors/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/authors/%00/",
        "/preview/%3Cscript%3E/",
        "/preview/" + "A" * 5000 + "/",
    ],
)
def test_hostile_paths_are_refused_cleanly(client, db, path):
    """Hostile URL paths get a 4xx page that does not echo markup."""
    response = client.get(path)
    assert 400 <= response.status_code < 500
    _assert_response_inert(response, path)


def test_admin_change_form_shows_every_payload_inert(client, editor, superuser):
    """The admin change form, with all payloads in its inlines, has no injected handler."""
    explainer = factories.complete_explainer()
    # Each payload goes into one kind of inline row, in turn, to keep the form a sane size.
    for n, payload in enumerate(PAYLOADS):
        text = _storable(payload)
        row = n % 4
        if row == 0:
            factories.KeyFactFactory(explainer=explainer, text=text, position=10 + n)
        elif row == 1:
            factories.TimelineEventFactory(explainer=explainer, text=text, position=10 + n)
        elif row == 2:
            factories.CorrectionFactory(explainer=explainer, text=text)
        else:
            url = f"https://example.org/{text}"[:2000]
            factories.SourceFactory(explainer=explainer, citation=text[:1000], url=url)
    _fill(explainer, " ".join(HTML_PAYLOADS))
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(f"/admin/articles/explainer/{explainer.pk}/change/")
    assert response.status_code == 200
    _assert_response_inert(response, "change form", staff=True)


def test_admin_refuses_nul_with_a_clear_message(client, superuser):
    """A NUL byte typed into an admin form is refused, not passed to the database."""
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/admin/articles/topic/add/", {"name": "a\x00b", "slug": "a-b"})
    assert response.status_code == 200
    assert b"Null characters are not allowed." in response.content
    assert not factories.models.Topic.objects.filter(slug="a-b").exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("a\x0bb\x1bc\x00", "abc"), ("tab\tnew\nline\r", "tab\tnew\nline\r"), ("\ufffeé", "é")],
)
def test_xml_safe_drops_only_what_xml_cannot_carry(raw, clean):
    """Feeds and sitemaps drop XML-invalid control characters and keep tabs and newlines."""
    assert xml_safe(raw) == clean


def _import_document(payload: str) -> str:
    line = " ".join(_storable(payload).splitlines()) or "x"
    return "\n".join(
        [
            line[:200],
            "",
            "What happened",
            line,
            "Key facts",
            f"- {line}",
            "Background & context",
            line,
            "Why it matters",
            line,
            "Stakeholders & viewpoints",
            f"- {line[:150]}: {line}",
            "Timeline & what to watch next",
            f"- {line}",
            "Sources",
            f"- {line} https://example.org/report",
            "Up Next",
            f"- Related: {line[:150]}",
        ]
    )


@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_payload_through_the_importer_is_refused_or_inert(client, writer, editor, payload):
    """An imported document carrying the payload is refused clearly, or published inert."""
    try:
        result = import_text(_import_document(payload), by=writer, authors=[writer])
    except FormatErrors as refused:
        assert refused.errors, "a refusal names what is wrong"
        return
    result.explainer.topics.set([factories.TopicFactory()])  # the format carries no topics
    publishing.freeze(result.explainer, by=editor)
    for name, url in _own_pages(result.explainer).items():
        if name != "articles:preview":
            _assert_response_inert(client.get(url), f"{name} {url}")
