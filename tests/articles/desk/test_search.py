"""The explainer list's search: drafts found by what is in them, within what the user may see,
each once (run on SQLite and on PostgreSQL, where it is full-text search)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from articles.desk import search
from articles.models import Byline, Explainer
from tests.factories import (
    ExplainerFactory,
    KeyFactFactory,
    StakeholderFactory,
    UserFactory,
    ViewpointFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_explainer_changelist"


def found(client, term: str) -> list[int]:
    """Return the pks the change list shows for ``term``, in order, repeats kept."""
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    return [e.pk for e in response.context["cl"].result_list]


@pytest.fixture
def draft(writer) -> Explainer:
    """A draft of the writer's whose parts carry words found nowhere else."""
    explainer = ExplainerFactory(
        authors=[writer],
        title="Council budget",
        what_happened="<p>The <strong>harbour</strong> wall gave way in the storm.</p>",
    )
    KeyFactFactory(explainer=explainer, text="Exports of marmalade rose by a third.")
    ViewpointFactory(
        explainer=explainer,
        stakeholder=StakeholderFactory(name="Quillfeather Trust"),
        text="The trustees call the levy unworkable.",
    )
    return explainer


@pytest.fixture
def decoy(writer) -> Explainer:
    """Another draft of the writer's, matching none of the words searched for."""
    return ExplainerFactory(authors=[writer], title="Rail timetable")


@pytest.mark.parametrize(
    "term",
    [
        "marmalade",  # a key fact
        "Quillfeather",  # a stakeholder's name
        "unworkable",  # a viewpoint
        "harbour",  # a story section
        "council budget",  # the title
    ],
)
def test_finds_a_draft_by_what_is_in_it(client, writer, draft, decoy, term) -> None:
    """Key facts, stakeholders, viewpoints and the story are searched, not only the title."""
    client.force_login(writer)
    assert found(client, term) == [draft.pk]


def test_finds_by_a_bylines_full_name(client, editor, writer, draft, decoy) -> None:
    """An author's full name finds their explainers."""
    author = UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    Byline.objects.create(explainer=draft, author=author, position=1)
    client.force_login(editor)
    assert found(client, "Ada Lovelace") == [draft.pk]
    assert found(client, '"Ada Lovelace"') == [draft.pk]


def test_every_word_must_appear_but_in_any_part(client, writer, draft, decoy) -> None:
    """Words from different parts (a fact, a stakeholder) together still find the explainer;
    a word it does not contain leaves it out."""
    client.force_login(writer)
    assert found(client, "marmalade Quillfeather") == [draft.pk]
    assert found(client, "marmalade timetable") == []


def test_a_draft_the_user_may_not_open_is_not_found(client, other_writer, draft) -> None:
    """Another writer's draft stays out of sight, whatever matches in it."""
    mine = ExplainerFactory(authors=[other_writer], title="My marmalade story")
    client.force_login(other_writer)
    assert found(client, "marmalade") == [mine.pk]


def test_each_explainer_is_listed_once(client, editor, writer, draft) -> None:
    """Several matching facts, viewpoints and bylines still give one row."""
    KeyFactFactory(explainer=draft, text="Marmalade makers employ 900 people.")
    KeyFactFactory(explainer=draft, text="Marmalade is taxed twice.")
    ViewpointFactory(explainer=draft, text="Marmalade matters to us.")
    second = UserFactory(username="second", first_name="Marmalade", last_name="Jones")
    Byline.objects.create(explainer=draft, author=second, position=1)
    client.force_login(editor)
    assert found(client, "marmalade") == [draft.pk]


def test_a_blank_search_lists_everything_visible(client, writer, draft, decoy) -> None:
    """No words: the list is the user's whole list."""
    client.force_login(writer)
    assert sorted(found(client, "   ")) == sorted([draft.pk, decoy.pk])


def test_the_search_box_says_what_it_searches(client, writer) -> None:
    """The help under the search box names what is searched."""
    client.force_login(writer)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert 'class="help search-help"' in html
    assert "key facts, stakeholders and their viewpoints, and bylines by full name" in html


def test_a_minus_leaves_out_what_contains_the_word(client, writer, draft) -> None:
    """-word leaves out the explainers that contain it, in any part."""
    other = ExplainerFactory(authors=[writer], title="Marmalade prices")
    client.force_login(writer)
    assert found(client, "marmalade -Quillfeather") == [other.pk]


def test_a_phrase_must_appear_as_written(client, writer, draft) -> None:
    """A "quoted phrase" matches only its words together, in order."""
    client.force_login(writer)
    assert found(client, '"exports of marmalade"') == [draft.pk]
    assert found(client, '"marmalade exports"') == []


def test_quoted_words_stay_together() -> None:
    """A "quoted phrase" is one word of the search, as in Django's own admin search."""
    assert search.words('levy "Ada Lovelace" -"bus fares" budget') == [
        "levy",
        "Ada Lovelace",
        "-bus fares",
        "budget",
    ]


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


@postgresql_only
def test_words_without_meaning_are_passed_over(client, writer, draft, decoy) -> None:
    """ "the" carries no meaning for full-text search: it does not empty the results."""
    client.force_login(writer)
    assert found(client, "the marmalade") == [draft.pk]


@postgresql_only
def test_english_stemming_matches_other_forms(client, writer, draft, decoy) -> None:
    """On PostgreSQL a word finds its other forms ("export" finds "Exports")."""
    client.force_login(writer)
    assert found(client, "export") == [draft.pk]


@postgresql_only
@pytest.mark.parametrize(
    "index", ["explainer_desk_search", "keyfact_desk_search", "viewpoint_desk_search"]
)
def test_search_uses_the_indexes_of_migration_0019(db, index) -> None:
    """The search's expressions are the indexed ones, so PostgreSQL can use each index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search.search(Explainer.objects.all(), "marmalade").explain()
    assert index in plan
