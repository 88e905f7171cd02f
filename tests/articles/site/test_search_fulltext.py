"""Search ranking and snippets on both databases; SQLite's FTS5 index and its query syntax."""

from __future__ import annotations

import datetime
import importlib
import re
import sqlite3
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from articles import demo
from articles.models import Explainer, PublishedVersion
from articles.publishing.fulltext import FTS_TABLE
from articles.site import search
from tests import factories
from tests.articles.publicsite import publish
from tests.articles.workflow_helpers import explainer_in

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")

HOSTILE = [
    '"',
    '""',
    '"heat',
    'heat"',
    "*",
    "heat*",
    "AND(",
    "AND",
    "NOT heat",
    "heat NOT",
    "OR",
    "heat OR",
    "OR heat",
    "NEAR(heat dome)",
    "title:heat",
    "body : heat",
    "^heat",
    "heat + dome",
    "(heat",
    "heat)",
    "-heat",
    '-"heat dome"',
    "- -- ---",
    "'; DROP TABLE articles_search_fts; --",
    '"a""b"',
    "{title dek}: heat",
    "héat dôme",
    "中文 🙂",
]


def results(client, q: str) -> str:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def snippets(html: str) -> list[str]:
    return re.findall(r'<p class="card-snippet">(.*?)</p>', html, re.S)


def result_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-heading"><a href="[^"]*">([^<]*)</a>', html)


@pytest.fixture
def seeded_demo(settings, tmp_path):
    settings.DEBUG = True
    return demo.seed(logins_file=tmp_path / "var" / "demo-logins.txt")


def test_heat_finds_the_heat_dome_explainer_first(client, seeded_demo):
    """On the demo explainers "heat" ranks the heat-dome explainer above those that mention
    heating in passing."""
    html = results(client, "heat")
    titles = result_titles(html)
    assert len(titles) >= 2  # others match too: the order is what is tested
    assert titles[0] == "What is a heat dome, and why is it so dangerous?"


def test_snippet_shows_the_matching_passage_not_the_title_or_dek(client):
    """A match in title, dek and body shows the body's passage, marked, not the title again."""
    explainer = factories.ExplainerFactory(
        title="Heat waves explained",
        dek="Why the hot spell lingers.",
        background="<p>Filler words come first. The heat built up over ten days.</p>",
    )
    publish(explainer)
    (snippet,) = snippets(results(client, "heat"))
    assert "<mark>heat</mark> built up over ten days" in snippet
    assert "Heat waves explained" not in snippet and "hot spell lingers" not in snippet


def test_a_title_only_match_shows_the_body_not_the_title(client):
    """When only the title matches, the snippet is the start of the body, not the title."""
    explainer = factories.ExplainerFactory(
        title="Marmots of the Alps",
        dek="A short dek.",
        what_happened="<p>Nothing about the animals by name here.</p>",
    )
    publish(explainer)
    (snippet,) = snippets(results(client, "marmots"))
    assert "Nothing about the animals" in snippet
    assert "Marmots" not in snippet and "short dek" not in snippet


def test_snippet_shows_entities_as_text(client):
    """An ampersand in a rich-text section reads as "&" in the snippet, escaped once."""
    explainer = factories.ExplainerFactory(
        title="Rates", background="<p>Banks &amp; lenders raised rates.</p>"
    )
    publish(explainer)
    (snippet,) = snippets(results(client, "lenders"))
    assert "Banks &amp; <mark>lenders</mark>" in snippet


def test_search_text_is_the_body_without_title_and_dek():
    """A version's search text starts with its sections, not its title or dek."""
    explainer = factories.ExplainerFactory(
        title="Tides", dek="Why water rises.", what_happened="<p>The sea came in.</p>"
    )
    version = publish(explainer)
    assert version.search_text.startswith("The sea came in.")
    assert "Tides" not in version.search_text and "Why water rises." not in version.search_text


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_answer_with_results_or_a_clear_message(client, q):
    """Operators, quotes and stars answer 200 with results, "0 results" or the notice."""
    publish(factories.ExplainerFactory(title="Heat dome", what_happened="<p>A heat dome.</p>"))
    status = re.search(r'<p class="result-count" role="status">(.*?)</p>', results(client, q))
    assert status, "no result count nor notice"
    assert re.match(r"(\d+ results?) for", status.group(1)) or status.group(1) == (
        search.NO_WORDS_NOTICE
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("heat dome", '("heat" "dome")'),
        ('"heat dome" -eclipse', '(("heat dome")) NOT "eclipse"'),
        ("a or b -c -d", '(("a") OR ("b")) NOT "c" NOT "d"'),
        ("tides or moon", '("tides") OR ("moon")'),
        ('AND( "a""b"', '("AND(" "a" "b")'),
        ("heat*", '("heat*")'),
        ("-heat", ""),
        ("* & -", ""),
        ("", ""),
    ],
)
def test_fts_query_quotes_every_term(query, expected):
    """Each word or phrase becomes a quoted FTS5 string; operators come only from our syntax."""
    assert search.fts_query(query) == expected


@pytest.mark.parametrize("q", HOSTILE)
def test_fts_query_is_always_valid_fts5(q):
    """No reader's input makes an FTS5 syntax error (checked on a scratch FTS5 table)."""
    query = search.fts_query(q)
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute("CREATE VIRTUAL TABLE t USING fts5(title, dek, body)")
        scratch.execute("INSERT INTO t VALUES ('Heat dome', 'dek', 'the heat')")
        if query:
            scratch.execute("SELECT rowid FROM t WHERE t MATCH ?", [query]).fetchall()
    finally:
        scratch.close()


def test_withdrawn_explainer_is_no_longer_found(client):
    """Unpublishing takes an explainer out of the results at once."""
    live = explainer_in(Explainer.State.PUBLISHED, title="Pangolin trade")
    assert "Pangolin trade" in results(client, "pangolin")
    withdrawn = explainer_in(Explainer.State.ARCHIVED, title="Pangolin smuggling")
    html = results(client, "pangolin")
    assert "Pangolin trade" in html and "Pangolin smuggling" not in html
    assert live.pk != withdrawn.pk


def test_expired_version_is_no_longer_found(client):
    """A version past its expiry is not found, though its row stays in the index."""
    expires = timezone.now() + datetime.timedelta(hours=1)
    publish(factories.complete_explainer(title="Wombat census"), expires_at=expires)
    assert "Wombat census" in results(client, "wombat")
    with time_machine.travel(expires + datetime.timedelta(minutes=1)):
        assert "0 results" in results(client, "wombat")


def test_scheduled_version_is_found_only_once_live(client):
    """A version scheduled for later is not found before its go-live time, and is after."""
    go_live = timezone.now() + datetime.timedelta(hours=2)
    publish(factories.complete_explainer(title="Narwhal tusks"), go_live_at=go_live)
    assert "0 results" in results(client, "narwhal")
    with time_machine.travel(go_live + datetime.timedelta(minutes=1)):
        assert "Narwhal tusks" in results(client, "narwhal")


def test_a_replaced_version_text_is_not_found(client):
    """After republishing with a new title, the old title's word finds nothing."""
    explainer = factories.complete_explainer(title="Quagga return")
    publish(explainer)
    Explainer.objects.filter(pk=explainer.pk).update(title="Zebra return")
    explainer.refresh_from_db()
    publish(explainer)
    assert "0 results" in results(client, "quagga")
    assert "Zebra return" in results(client, "zebra")


@sqlite_only
def test_every_version_has_its_index_row():
    """Each stored version has one FTS5 row with its title, dek and body."""
    version = publish(factories.complete_explainer(title="Ibis", dek="Wading birds."))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title, dek, body FROM {FTS_TABLE} WHERE rowid = %s", [version.pk])  # noqa: S608
        assert cursor.fetchall() == [("Ibis", "Wading birds.", version.search_text)]


@sqlite_only
def test_deleted_versions_leave_the_index_at_the_next_publish():
    """A deleted explainer's rows are gone from the index once another version is stored."""
    gone = publish(factories.complete_explainer(title="Dodo"))
    Explainer.objects.filter(pk=gone.explainer_id).delete()
    publish(factories.complete_explainer(title="Kiwi"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS_TABLE}")  # noqa: S608
        indexed = {row[0] for row in cursor.fetchall()}
    assert indexed == set(PublishedVersion.objects.values_list("pk", flat=True))


@sqlite_only
def test_migration_strips_title_and_dek_and_fills_the_index():
    """Migration 0024 cuts the old "title, dek, body" search text and indexes every version."""
    migration = importlib.import_module("articles.migrations.0024_sqlite_fts")
    version = publish(factories.complete_explainer(title="Old row", dek="Its dek."))
    body = version.search_text
    PublishedVersion.objects.filter(pk=version.pk).update(search_text=f"Old row\nIts dek.\n{body}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {FTS_TABLE}")
        editor = SimpleNamespace(
            connection=connection, execute=lambda sql, params=(): cursor.execute(sql, params)
        )
        migration.forwards(None, editor)
        cursor.execute(f"SELECT title, body FROM {FTS_TABLE}")  # noqa: S608
        assert cursor.fetchall() == [("Old row", body)]
    version.refresh_from_db()
    assert version.search_text == body
