"""Tests for importing a folder of files (``batch``) and for the import's history revision."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import reversion
from django.urls import reverse
from reversion.models import Revision, Version

from articles.interchange import batch
from articles.interchange.importer import import_text
from articles.models import Explainer, KeyFact, Stakeholder
from tests.adminform import form_data
from tests.factories import ExplainerFactory

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


@pytest.mark.parametrize("reimport", [False, True])
def test_revision_holds_the_explainer_and_every_inline(reimport: bool) -> None:
    """One file's revision (new or re-imported) holds the explainer and each row it follows."""
    if reimport:
        import_text(full("Budget cuts", 1), filename="a.txt", today=TODAY)
    result = import_text(full("Budget cuts", 2), filename="b.txt", today=TODAY)
    version = Version.objects.get_for_object(result.explainer).order_by("pk").last()
    held = sorted(v.content_type.model for v in version.revision.version_set.all())
    assert held == sorted(
        ["explainer", *["keyfact"] * 3, *["source"] * 2, "viewpoint", *["timelineevent"] * 3]
    )
    fact = version.revision.version_set.get(object_repr="Fact 2.0.")
    assert fact.field_dict["text"] == "Fact 2.0."


def test_import_inside_an_open_revision_joins_it() -> None:
    """An import inside the caller's revision block adds its rows to that one revision."""
    other = ExplainerFactory()
    with reversion.create_revision():
        reversion.add_to_revision(other)
        result = import_text(full("Budget cuts", 1), filename="a.txt", today=TODAY)
    revision = Revision.objects.get()
    assert Version.objects.get_for_object(result.explainer).get().revision == revision
    assert Version.objects.get_for_object(other).get().revision == revision


# --- history in the admin -----------------------------------------------------------------------


def test_import_shows_in_history_and_reverts(client, editor) -> None:
    """The revision of an import is listed in the admin history and reverts the text."""
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


# --- a folder --------------------------------------------------------------------


def test_bad_file_writes_nothing_and_says_where() -> None:
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
    """A new name used by two files of a run becomes one stakeholder both link to."""
    outcomes = run(
        {"a.txt": full("One", 1, people=("Farmers",)), "b.txt": full("Two", 2, people=("FARMERS",))}
    )
    farmers = Stakeholder.objects.get()
    assert farmers.name == "Farmers"
    assert farmers.viewpoints.count() == 2
    assert [o.result.new_stakeholders for o in outcomes] == [["Farmers"], []]


def test_submit_sends_each_file_for_review(writer) -> None:
    """With submit, every file of a run ends in review."""
    outcomes = run(
        {"a.txt": full("One", 1), "b.txt": full("Two", 2)}, authors=[writer], submit=True
    )
    assert [o.status for o in outcomes] == ["imported", "imported"]
    assert set(Explainer.objects.values_list("state", flat=True)) == {Explainer.State.IN_REVIEW}


def test_history_can_be_left_out(tmp_path: Path) -> None:
    """Without history an import of several files writes no revision."""
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
