"""Tests for importing many files a group at a time, and for the import's history revision."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import reversion
from django.core import serializers
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision, Version

from articles.importers import batch, grouped
from articles.importers.importer import import_text
from articles.models import Explainer, KeyFact, Stakeholder
from tests.adminform import form_data
from tests.factories import ExplainerFactory, StakeholderFactory, TopicFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 1)
SH = "Stakeholders & viewpoints"
TL = "Timeline & what to watch next"


def doc(title: str, *body: str) -> bytes:
    return ("\n".join([title, "", *body]) + "\n").encode()


def full(title: str, n: int, *, up_next: tuple[str, ...] = (), people=("Voters",)) -> bytes:
    """Return a file with every section, its text varied by ``n``."""
    return doc(
        title,
        "What happened",
        f"Story {n} <b>bold</b> & more.",
        "",
        "Second paragraph.",
        "Key facts",
        *[f"- Fact {n}.{i}." for i in range(3)],
        "Background & context",
        "Some background.",
        "Why it matters",
        "It matters.",
        SH,
        *[f"- {person}: View {n} of {person}." for person in people],
        TL,
        f"- May {n % 27 + 1}, 2025: Something happened.",
        "- March 2026: The vote.",
        "- Whether it lasts",
        "Sources",
        f"- Report {n} https://example.org/{n}",
        "- A book without a link",
        *(["Up Next", *[f"- {t}" for t in up_next]] if up_next else []),
    )


def run(files: dict[str, bytes], **options) -> list[batch.Outcome]:
    """Import ``files`` (name -> content) in order through the command's batch function."""
    return list(batch.import_all(list(files), files.__getitem__, today=TODAY, **options))


def snapshot() -> dict:
    """Return everything the imports wrote, without ids, for comparing two ways of importing."""
    explainers = {}
    for e in Explainer.objects.order_by("title"):
        history = [
            (
                version.revision.comment,
                version.revision.user_id,
                sorted(
                    (v.content_type.model, v.object_repr, _without_ids(v.serialized_data))
                    for v in version.revision.version_set.all()
                ),
            )
            for version in Version.objects.get_for_object(e).order_by("pk")
        ]
        explainers[e.title] = {
            "row": (e.slug, e.what_happened, e.background, e.why_it_matters, e.state),
            "updated_by": e.updated_by_id,
            "facts": list(e.key_facts.values_list("position", "text", "check_status")),
            "sources": list(e.sources.values_list("position", "citation", "url")),
            "viewpoints": list(e.viewpoints.values_list("position", "stakeholder__name", "text")),
            "timeline": list(e.timeline.values_list("position", "date", "precision", "kind")),
            "related": list(e.related_links.values_list("position", "target__title", "title")),
            "bylines": list(e.byline_set.values_list("position", "author__username")),
            "topics": sorted(e.topics.values_list("slug", flat=True)),
            "history": history,
        }
    stakeholders = sorted(Stakeholder.objects.values_list("name", "slug"))
    return {"explainers": explainers, "stakeholders": stakeholders}


def _without_ids(serialized: str) -> list[dict]:
    item = dict(json.loads(serialized)[0])
    item.pop("pk")
    fields = {
        k: v
        for k, v in item["fields"].items()
        if k not in ("explainer", "stakeholder", "target", "created_at", "updated_at")
    }
    return [{**item, "fields": fields}]


def sample_files() -> dict[str, bytes]:
    return {
        "a.txt": full("Budget cuts", 1, people=("Voters", "Treasury")),
        "b.txt": doc("Broken", SH, "- No separator here"),
        "c.txt": full("Rail fares", 2, up_next=("Budget cuts", "Ferry fares", "Old story")),
        "d.txt": full("Ferry fares", 3, people=("Unions", "voters")),
        "e.txt": full("budget CUTS", 4),  # a re-import of a.txt
        "f.txt": full("Tram lines", 5, up_next=("ferry-fares",)),
        "g.txt": full("Bus lanes", 6, up_next=("BUDGET CUTS", "Tram lines")),
        "h.txt": full("Tram Lines", 7, people=("Commuters",)),  # a re-import of f.txt
        "i.txt": full("¿?", 8),  # a title without a slug
        "j.txt": full("Night buses", 9, people=("Commuters",), up_next=("Bus lanes",)),
    }


# --- the same as one by one ---------------------------------------------------------------------


def test_grouped_import_writes_what_one_by_one_writes(writer, monkeypatch) -> None:
    """Grouped or one file at a time, a folder leaves the same rows, outcomes and history."""
    StakeholderFactory(name="Treasury", slug="treasury")
    ExplainerFactory(title="Old story", slug="old-story")
    topic = TopicFactory()
    options = {"authors": [writer], "topics": [topic]}

    alone: list[str] = []
    import_alone = grouped._import_alone

    def spy(entry, **kwargs):
        alone.append(entry.filename)
        import_alone(entry, **kwargs)

    monkeypatch.setattr(grouped, "_import_alone", spy)
    grouped_outcomes = run(sample_files(), **options)
    # Only the re-imports and the title without a slug went alone.
    assert alone == ["e.txt", "h.txt", "i.txt"]
    grouped_rows = snapshot()
    Explainer.objects.exclude(slug="old-story").delete()
    Stakeholder.objects.exclude(slug="treasury").delete()
    Revision.objects.all().delete()

    monkeypatch.setattr(grouped, "can_group", lambda options: False)
    alone_outcomes = run(sample_files(), **options)

    def shown(outcomes):
        return [(o.name, o.status, o.errors, o.warnings) for o in outcomes]

    assert shown(grouped_outcomes) == shown(alone_outcomes)
    assert [o.status for o in grouped_outcomes] == [
        "imported", "failed", "imported", "imported", "updated", "imported",
        "imported", "updated", "imported", "imported",
    ]  # fmt: skip
    old = Explainer.objects.get(slug="old-story")
    del grouped_rows["explainers"]["Old story"]
    alone_rows = snapshot()
    del alone_rows["explainers"]["Old story"]
    assert old.title == "Old story"
    assert grouped_rows == alone_rows


def test_grouped_versions_are_what_reversion_serialises(writer) -> None:
    """Each version of a grouped import holds what django-reversion reads from the database."""
    files = sample_files()
    # (Without re-imports: the first revision of a re-imported file no longer matches its rows.)
    del files["e.txt"], files["h.txt"]
    run(files, authors=[writer], topics=[TopicFactory()])
    assert Revision.objects.count() == 7
    for revision in Revision.objects.all():
        for version in revision.version_set.all():
            model = version.content_type.model_class()
            row = model._default_manager.get(pk=version.object_id)
            options = reversion.revisions._get_options(model)
            expected = serializers.serialize(options.format, [row], fields=options.fields)
            assert json.loads(version.serialized_data) == json.loads(expected)
            assert version.object_repr == str(row)


@pytest.mark.parametrize("reimport", [False, True])
def test_single_import_versions_are_what_reversion_serialises(reimport: bool) -> None:
    """One file's revision (new or re-imported) matches django-reversion's own serialisation."""
    if reimport:
        import_text(full("Budget cuts", 1), filename="a.txt", today=TODAY)
    result = import_text(full("Budget cuts", 2), filename="b.txt", today=TODAY)
    version = Version.objects.get_for_object(result.explainer).order_by("pk").last()
    for v in version.revision.version_set.all():
        model = v.content_type.model_class()
        options = reversion.revisions._get_options(model)
        row = model._default_manager.get(pk=v.object_id)
        expected = serializers.serialize(options.format, [row], fields=options.fields)
        assert json.loads(v.serialized_data) == json.loads(expected)
    assert version.revision.version_set.count() == 1 + 3 + 2 + 1 + 3


# --- history in the admin -----------------------------------------------------------------------


def test_grouped_import_shows_in_history_and_reverts(client, editor) -> None:
    """The revision of a grouped import is listed in the admin history and reverts the text."""
    run({"a.txt": full("Budget cuts", 1), "b.txt": full("Rail fares", 2)})
    explainer = Explainer.objects.get(title="Budget cuts")
    client.force_login(editor)
    history = client.get(reverse("admin:articles_explainer_history", args=[explainer.pk]))
    assert "Created by importing a.txt." in history.content.decode()

    explainer.title = "Renamed"
    explainer.save()
    KeyFact.objects.filter(explainer=explainer).delete()
    version = Version.objects.get_for_object(explainer).get()
    url = reverse("admin:articles_explainer_revision", args=[explainer.pk, version.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, form_data(page.content.decode(), "revert_form"))
    assert response.status_code == 302

    explainer.refresh_from_db()
    assert explainer.title == "Budget cuts"
    assert list(explainer.key_facts.values_list("text", flat=True)) == [
        "Fact 1.0.",
        "Fact 1.1.",
        "Fact 1.2.",
    ]
    assert Explainer.objects.get(title="Rail fares").key_facts.count() == 3


def test_revision_revert_restores_every_inline() -> None:
    """Reverting an import's revision brings back its inlines and drops rows added since."""
    run({"a.txt": full("Budget cuts", 1), "b.txt": full("Rail fares", 2)})
    explainer = Explainer.objects.get(title="Budget cuts")
    before = snapshot()["explainers"]["Budget cuts"]
    KeyFact.objects.create(explainer=explainer, position=9, text="Added later.")
    explainer.viewpoints.all().delete()
    Version.objects.get_for_object(explainer).get().revision.revert(delete=True)
    assert snapshot()["explainers"]["Budget cuts"] == before


# --- one file at a time where it matters --------------------------------------------------------


def test_bad_file_in_a_group_writes_nothing_and_says_where() -> None:
    """A bad file between good ones is reported with its line; the others are imported."""
    outcomes = run(
        {
            "a.txt": full("One", 1),
            "b.txt": doc("Two", "Key facts", "- Fine.", SH, "- No separator"),
            "c.txt": full("Three", 3),
        }
    )
    assert [(o.name, o.status) for o in outcomes] == [
        ("a.txt", "imported"),
        ("b.txt", "failed"),
        ("c.txt", "imported"),
    ]
    assert outcomes[1].errors == ['b.txt:6: stakeholder bullet has no "name: viewpoint" separator']
    assert sorted(Explainer.objects.values_list("title", flat=True)) == ["One", "Three"]
    assert Revision.objects.count() == 2


def test_same_title_later_in_the_folder_updates_the_draft() -> None:
    """A file whose title matches an earlier file of the run updates that draft, as alone."""
    outcomes = run({"a.txt": full("Budget", 1), "b.txt": full("BUDGET", 2)})
    assert [o.status for o in outcomes] == ["imported", "updated"]
    explainer = Explainer.objects.get()
    assert explainer.title == "BUDGET"
    assert explainer.key_facts.first().text == "Fact 2.0."
    comments = Revision.objects.order_by("pk").values_list("comment", flat=True)
    assert list(comments) == ["Created by importing a.txt.", "Updated by importing b.txt."]


def test_up_next_links_an_earlier_file_and_keeps_a_later_one_as_title() -> None:
    """Up next links a file imported before it; one not imported yet is kept with a warning."""
    outcomes = run(
        {
            "a.txt": full("First", 1),
            "b.txt": full("Second", 2, up_next=("First", "Third")),
            "c.txt": full("Third", 3),
        }
    )
    second = Explainer.objects.get(title="Second")
    links = list(second.related_links.values_list("target__title", "title"))
    assert links == [("First", ""), (None, "Third")]
    assert outcomes[1].warnings == [
        'b.txt:26: "Up next" names "Third": no live explainer with that title; its title is '
        "kept for linking later"
    ]


def test_new_stakeholder_of_several_files_is_created_once() -> None:
    """A new name used by two files of a group becomes one stakeholder both link to."""
    outcomes = run(
        {"a.txt": full("One", 1, people=("Farmers",)), "b.txt": full("Two", 2, people=("FARMERS",))}
    )
    farmers = Stakeholder.objects.get()
    assert farmers.name == "Farmers"
    assert farmers.viewpoints.count() == 2
    assert [o.result.new_stakeholders for o in outcomes] == [["Farmers"], []]


def test_failed_group_is_imported_one_by_one(monkeypatch) -> None:
    """If the group's transaction fails, each file is imported alone and nothing doubles."""
    alone: list[str] = []
    import_alone = grouped._import_alone

    def spy(entry, **kwargs):
        alone.append(entry.filename)
        import_alone(entry, **kwargs)

    monkeypatch.setattr(grouped, "_import_alone", spy)

    def read(name: str) -> bytes:
        if name == "b.txt":
            # Someone adds the stakeholder after the run read the index: the group's insert of
            # the same slug fails, and one by one the files link to the existing row instead.
            StakeholderFactory(name="Voters", slug="voters")
        return files[name]

    files = {
        "a.txt": full("One", 1),
        "b.txt": full("Two", 2),
        "c.txt": full("Three", 3),
        "d.txt": full("one", 4),  # a re-import: the group before it is written first
        "e.txt": full("Four", 5, up_next=("Two",)),
    }
    outcomes = list(batch.import_all(list(files), read, today=TODAY))
    assert [o.status for o in outcomes] == ["imported"] * 3 + ["updated", "imported"]
    assert alone == ["a.txt", "b.txt", "c.txt", "d.txt"]  # e.txt: a group of its own
    voters = Stakeholder.objects.get()
    assert voters.viewpoints.count() == 4
    assert Explainer.objects.count() == 4
    assert Revision.objects.count() == 5
    four = Explainer.objects.get(title="Four")
    assert four.related_links.get().target == Explainer.objects.get(title="Two")


def test_submit_imports_one_by_one(writer) -> None:
    """Options a group cannot honour (submitting) import each file alone, as before."""
    outcomes = run(
        {"a.txt": full("One", 1), "b.txt": full("Two", 2)}, authors=[writer], submit=True
    )
    assert [o.status for o in outcomes] == ["imported", "imported"]
    assert set(Explainer.objects.values_list("state", flat=True)) == {Explainer.State.IN_REVIEW}


# --- speed --------------------------------------------------------------------------------------


def test_queries_of_a_group_do_not_grow_with_its_files() -> None:
    """A group of 30 files costs about the statements of a group of 5 (one per table)."""
    StakeholderFactory(name="Voters", slug="voters")
    counts = []
    for n, prefix in [(5, "Small"), (30, "Large")]:
        files = {f"{prefix}{i}.txt": full(f"{prefix} {i}", i) for i in range(n)}
        with CaptureQueriesContext(connection) as queries:
            run(files)
        counts.append(len(queries))
    # (SQLite splits an insert into batches of at most 999 values: a few more there.)
    assert counts[1] == counts[0] or (connection.vendor == "sqlite" and counts[1] <= counts[0] + 3)
    assert counts[1] <= 20


def test_history_can_be_left_out(tmp_path: Path) -> None:
    """Without history a grouped import writes no revision."""
    run({"a.txt": full("One", 1), "b.txt": full("Two", 2)}, history=False)
    assert Explainer.objects.count() == 2
    assert not Revision.objects.exists()


def test_revision_signals_are_sent_with_the_versions() -> None:
    """Receivers of django-reversion's signals see each import's revision and its versions."""
    seen = []

    def receiver(sender, revision, versions, **kwargs):
        seen.append((revision.comment, len(versions), {v.revision_id for v in versions}))

    reversion.signals.post_revision_commit.connect(receiver)
    try:
        run({"a.txt": full("One", 1), "b.txt": full("Two", 2)})
    finally:
        reversion.signals.post_revision_commit.disconnect(receiver)
    revisions = {r.comment: r.pk for r in Revision.objects.all()}
    assert seen == [
        ("Created by importing a.txt.", 10, {revisions["Created by importing a.txt."]}),
        ("Created by importing b.txt.", 10, {revisions["Created by importing b.txt."]}),
    ]
    assert Version.objects.count() == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_failed_copy_is_a_database_error() -> None:
    """A version row PostgreSQL refuses raises Django's DatabaseError, which the batch catches."""
    from articles.importers import revisions

    bad = ("not a revision id", 1, "1", "default", "json", "[]", "x")
    with pytest.raises(DatabaseError), transaction.atomic():
        revisions._copy_versions(connection, [bad])
    assert not Version.objects.exists()


def test_up_next_in_a_group_links_only_what_the_author_may_name(writer, other_writer) -> None:
    """With --author, a group links the author's and the run's own explainers, not another
    writer's draft, and warns about that one as about a title that does not exist."""
    ExplainerFactory(title="Their draft", authors=[other_writer])
    outcomes = run(
        {"a.txt": full("First", 1), "b.txt": full("Second", 2, up_next=("First", "Their draft"))},
        authors=[writer],
    )
    second = Explainer.objects.get(title="Second")
    links = list(second.related_links.values_list("target__title", "title"))
    assert links == [("First", ""), (None, "Their draft")]
    assert outcomes[1].warnings == [
        'b.txt:26: "Up next" names "Their draft": no live explainer with that title; its '
        "title is kept for linking later"
    ]
