"""Search: matches live versions only, answers odd input normally, paginates, escapes snippets."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Explainer, PublishedVersion
from articles.site import search
from tests import factories
from tests.articles.publicsite import (
    live_explainer,
    publish,
)

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def results(client, q: str) -> str:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_a_live_explainer_by_title(client):
    """A word of the title finds the explainer."""
    live_explainer(title="Groundwater depletion in the valley")
    assert "Groundwater depletion in the valley" in results(client, "groundwater")


def test_search_finds_words_in_key_facts(client):
    """Key facts are searchable."""
    explainer = factories.ExplainerFactory(title="Aquifers")
    factories.KeyFactFactory(explainer=explainer, text="Wells dropped by twelve metres.")
    publish(explainer)
    assert "Aquifers" in results(client, "twelve metres")


def test_search_ignores_drafts(client):
    """Unpublished explainers are not found."""
    factories.complete_explainer(title="Unpublished zebra crossing")
    assert "1 result" not in results(client, "zebra")
    assert "0 results" in results(client, "zebra")


def test_search_ignores_unpublished_edits(client):
    """A live explainer's unpublished edit is not searchable."""
    explainer = live_explainer()
    Explainer.objects.filter(pk=explainer.pk).update(title="Quokka revision")
    assert "0 results" in results(client, "quokka")


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        '"',
        '"unbalanced',
        "a & b",
        "&",
        "foo:*",
        ":*",
        "!(x | y)",
        "-",
        "or",
        "\\",
        "%_%",
        "'; DROP TABLE articles_explainer; --",
        "naïve café Ελληνικά 中文 🙂",
        "\x00nul",
        "x" * 5000,
        "<script>alert(1)</script>",
    ],
)
def test_odd_queries_answer_normally(client, q):
    """Empty, overlong and odd queries (quotes, &, :*, unicode, NUL) answer 200."""
    live_explainer()
    html = results(client, q)
    assert "<script>alert(1)</script>" not in html


def test_overlong_query_is_capped(client):
    """A query longer than 200 characters is cut to 200 before searching."""
    html = results(client, "y" * 500)
    assert "y" * 200 in html and "y" * 201 not in html


def test_clean_query_drops_control_characters():
    """Control characters become spaces and runs of spaces collapse."""
    assert search.clean_query("a\x00b\tc\u200bd  e") == "a b c d e"


def test_search_results_paginate(client):
    """Results come 20 a page; ?page=2 shows the rest, keeping the query."""
    topic = factories.TopicFactory(slug="p", name="P")
    for n in range(22):
        publish(factories.ExplainerFactory(title=f"Pelican report {n}", topics=[topic]))
    first = results(client, "pelican")
    assert first.count('class="card"') == 20
    assert "q=pelican&amp;page=2" in first
    # Results go by relevance, not date: "Next", not the date lists' "Older".
    assert '">Next</a>' in first and "Older" not in first
    assert (
        client.get("/search/", {"q": "pelican", "page": "2"}).content.decode().count('class="card"')
        == 2
    )


@pytest.mark.parametrize("page", ["abc", "99", "2", "-3", "0"])
def test_bad_search_pages_are_404(client, page):
    """A malformed or out-of-range ?page= on search is 404; page 1 is the first page."""
    live_explainer()
    assert client.get("/search/", {"q": "explainer", "page": "1"}).status_code == 200
    assert client.get("/search/", {"q": "explainer", "page": page}).status_code == 404
    assert client.get("/search/", {"page": page}).status_code == 404


def test_headline_markers_become_marks_after_escaping():
    """ts_headline markers become <mark>; markup in the text is escaped; marks balance."""
    headline = f"a <i>{search.START_SEL}tide{search.STOP_SEL}</i> {search.START_SEL}open"
    assert search.highlight_headline(headline) == (
        "a &lt;i&gt;<mark>tide</mark>&lt;/i&gt; <mark>open</mark>"
    )


def test_snippet_shown_in_results_is_escaped(client):
    """Editor text with markup shows as text in result snippets."""
    explainer = factories.ExplainerFactory(title="Markup story")
    factories.KeyFactFactory(explainer=explainer, text="A <b>bold</b> claim about otters.")
    publish(explainer)
    html = results(client, "otters")
    assert "<mark>otters</mark>" in html
    # SQLite's snippet escapes the tag; PostgreSQL's ts_headline drops it. Never live markup.
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html or "A  bold  claim" in html


def test_ranks_title_matches_first(client):
    """A title match (weight A) ranks above a match in the body (weight C)."""
    body = factories.ExplainerFactory(title="Something else")
    factories.KeyFactFactory(explainer=body, text="The word lighthouse appears here.")
    publish(body)
    live_explainer(title="The lighthouse keepers")
    html = results(client, "lighthouse")
    assert html.index("The lighthouse keepers") < html.index("Something else")


@pytest.mark.postgres
@postgres_only
def test_postgres_highlights_with_search_headline(client):
    """PostgreSQL snippets come from ts_headline with the stemmed match marked."""
    explainer = factories.ExplainerFactory(title="Rivers")
    factories.KeyFactFactory(explainer=explainer, text="The rivers were flooding every spring.")
    publish(explainer)
    assert "<mark>flooding</mark>" in results(client, "flood")


def test_websearch_syntax(client):
    """Web search syntax works: a quoted phrase and an excluded word."""
    live_explainer(title="Solar farms and wind farms")
    live_explainer(title="Solar eclipse")
    html = results(client, '"solar farms" -eclipse')
    assert "Solar farms and wind farms" in html and "Solar eclipse" not in html


@pytest.mark.postgres
@postgres_only
def test_postgres_search_vector_has_a_gin_index():
    """The GIN index on search_vector exists."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'version_search_vector_gin'"
        )
        row = cursor.fetchone()
    assert row and "gin" in row[0].lower()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("wind solar grid", ["wind", "solar", "grid"]),
        ('"solar farms" -eclipse', ["solar", "farms"]),
        ('tides -"low water" or moon', ["tides", "moon"]),
        ('"unbalanced phrase', ["unbalanced", "phrase"]),
        ("- & :*", ["&", ":*"]),
        ("", []),
    ],
)
def test_wanted_words_leave_out_excluded_words_and_or(query, words):
    """The words to rank and highlight by: phrases' words count, -excluded words and "or" not."""
    assert search.wanted_words(query) == words


@pytest.mark.parametrize("q", ["&", '""', "- :*", "%_%"])
def test_query_without_letters_or_digits_gets_a_notice(client, q):
    """A query of punctuation only says what to type instead of "0 results"."""
    live_explainer()
    html = results(client, q)
    assert search.NO_WORDS_NOTICE in html
    assert "0 results" not in html


def test_count_stops_at_the_cap(client, monkeypatch):
    """Past COUNT_CAP matches the page says "N+ results" and paginates the first N."""
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(5):
        live_explainer(title=f"Capybara census {n}")
    html = results(client, "capybara")
    assert "3+ results" in html
    assert html.count('class="card"') == 3


def test_count_below_the_cap_is_exact(client, monkeypatch):
    """Up to COUNT_CAP matches the count is exact, without a plus."""
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(3):
        live_explainer(title=f"Capybara census {n}")
    html = results(client, "capybara")
    assert "3 results" in html and "3+ results" not in html


def test_pages_hold_every_result_once(client):
    """Page 1 and page 2 together list each of the 22 matches exactly once."""
    for n in range(22):
        publish(factories.ExplainerFactory(title=f"Pelican report {n}"))
    titles = []
    for page in ("1", "2"):
        html = client.get("/search/", {"q": "pelican", "page": page}).content.decode()
        titles += re.findall(r"Pelican report \d+", html)
    assert sorted(set(titles)) == sorted(f"Pelican report {n}" for n in range(22))
    assert len(titles) == 22


def test_search_query_count_does_not_grow_with_results(client):
    """One page of 20 results costs as many queries as a page of one."""
    publish(factories.ExplainerFactory(title="Walrus"))
    with CaptureQueriesContext(connection) as one:
        results(client, "walrus")
    for n in range(21):
        publish(factories.ExplainerFactory(title=f"Walrus {n}"))
    with CaptureQueriesContext(connection) as many:
        results(client, "walrus")
    assert len(many) == len(one)


def test_title_beats_newer_dek_and_body_matches(client):
    """Title match (oldest) first, then the dek match, then the newest body match."""
    live_explainer(title="Kestrel numbers fall")
    live_explainer(title="Birds of prey", dek="Why kestrel counts matter.")
    body = factories.ExplainerFactory(title="Farmland birds")
    factories.KeyFactFactory(explainer=body, text="A kestrel pair nested in the barn.")
    publish(body)
    html = results(client, "kestrel")
    assert html.index("Kestrel numbers fall") < html.index("Birds of prey") < html.index("Farmland")


def test_title_with_one_of_two_words_beats_body_matches(client):
    """A title holding one query word ranks above a newer version holding both only in its body."""
    title = factories.ExplainerFactory(title="Ferry timetables")
    factories.KeyFactFactory(explainer=title, text="Strikes cancelled sailings.")
    publish(title)
    body = factories.ExplainerFactory(title="Transport news")
    factories.KeyFactFactory(explainer=body, text="A ferry strike is planned.")
    publish(body)
    html = results(client, "ferry strike")
    assert html.index("Ferry timetables") < html.index("Transport news")


def test_headline_marks_a_match_far_into_the_text(client):
    """A word found only after thousands of characters is shown and marked in the snippet."""
    long_text = "<p>" + " ".join(f"filler{n}" for n in range(800)) + "</p>"
    explainer = factories.ExplainerFactory(title="Long read", background=long_text)
    factories.KeyFactFactory(explainer=explainer, text="The policies changed in spring.")
    publish(explainer)
    html = results(client, "policy")
    assert "<mark>policies</mark> changed" in html


@pytest.mark.postgres
@postgres_only
def test_postgres_rank_vector_follows_the_title(client):
    """The generated title-and-dek vector follows a changed title (no code keeps it in step)."""
    explainer = live_explainer(title="Old heading")
    version = explainer.versions.get()
    PublishedVersion.objects.filter(pk=version.pk).update(title="Heron heading")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_rank_vector::text FROM articles_publishedversion WHERE id = %s",
            [version.pk],
        )
        assert "'heron':1A" in cursor.fetchone()[0]


@pytest.mark.postgres
@postgres_only
def test_postgres_search_leaves_sequential_scans_enabled(client):
    """Search turns sequential scans off only for its own queries, even inside a transaction."""
    live_explainer(title="Osprey")
    assert "Osprey" in results(client, "osprey")
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


def test_snippet_goes_into_the_stored_card_above_its_date():
    """The snippet paragraph sits inside the stored card, between the dek and the date line."""
    card = (
        '<article class="card">\n  <p class="card-dek">D</p>\n'
        '  <p class="card-meta">M</p>\n</article>\n'
    )
    snippet = search.highlight_headline(f"a <b> {search.START_SEL}tide{search.STOP_SEL}")
    html = str(search.card_with_snippet(card, snippet))
    assert html.index('class="card-dek"') < html.index('class="card-snippet"')
    assert html.index('class="card-snippet"') < html.index('class="card-meta"')
    assert "a &lt;b&gt; <mark>tide</mark>" in html


def test_results_are_the_stored_cards_with_snippets(client):
    """Each result is the version's list card, its snippet inside, under a results heading."""
    explainer = factories.ExplainerFactory(title="Beaver dams")
    factories.KeyFactFactory(explainer=explainer, text="Beavers built three dams.")
    version = publish(explainer)
    html = results(client, "dams")
    card_start = version.card_html.split('<p class="card-meta">')[0]
    assert card_start in html
    article = html[html.index('<article class="card">') : html.index("</article>")]
    assert '<p class="card-snippet">' in article and "<mark>" in article
    assert html.index('<h2 class="visually-hidden">Results</h2>') < html.index("<h3")
