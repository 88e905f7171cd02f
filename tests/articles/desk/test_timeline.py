"""One history per explainer: the timeline on the History page, and its comparison."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import reversion
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from articles.desk import textdiff
from articles.models import Explainer, RelatedLink, Transition
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.adminform import form_data
from tests.articles.workflow_helpers import desk_checker
from tests.factories import CorrectionFactory, ExplainerFactory, complete_explainer

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours: int):
    return time_machine.travel(START + timedelta(hours=hours), tick=False)


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def history_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_history", args=[explainer.pk])


def compare_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_compare", args=[explainer.pk])


def save_in_admin(client, explainer: Explainer, **changes) -> None:
    data = form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")
    data.update(changes)
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def record_as_made(explainer: Explainer, *, by) -> None:
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.add_to_revision(explainer)


def saves(explainer: Explainer) -> list[Version]:
    return list(Version.objects.get_for_object(explainer).order_by("pk"))


@pytest.fixture
def lived(client, writer, editor):
    """An explainer made, sent back once with a comment, saved again, approved, published."""
    checker = desk_checker()
    checker.first_name, checker.last_name = "Grace", "Hopper"
    checker.save()
    with at(0):
        explainer = complete_explainer(authors=[writer], title="First title")
        record_as_made(explainer, by=writer)
    with at(1):
        workflow.submit(explainer, by=writer)
    with at(2):
        workflow.request_changes(explainer, by=checker, comment="Check the year.")
    with at(3):
        client.force_login(writer)
        save_in_admin(client, explainer, title="Second title")
    with at(4):
        workflow.submit(explainer, by=writer)
    with at(5):
        workflow.approve(explainer, by=checker)
    with at(6):
        publication.publish(explainer, by=editor, comment="Going out with the morning list.")
    explainer.refresh_from_db()
    return explainer


def test_timeline_interleaves_saves_moves_and_versions(client, lived, writer, editor):
    """Newest first, each entry in words with the person's full name; the publish move and the
    version it froze are one entry."""
    client.force_login(editor)
    rows = client.get(history_url(lived)).context["timeline"]
    said = [(row["entry"].what, row["entry"].who) for row in rows]
    by_writer, by_checker = writer.get_full_name(), "Grace Hopper"
    assert said == [
        ("Published as version 1", editor.get_full_name()),
        ("Approved (In review → Approved)", by_checker),
        ("Sent for fact-check (Draft → In review)", by_writer),
        ("Saved: changed Title", by_writer),
        ("Asked for changes (In review → Draft)", by_checker),
        ("Sent for fact-check (Draft → In review)", by_writer),
        ("Saved (the first version kept)", by_writer),
    ]
    assert rows[0]["entry"].comment == "Going out with the morning list."
    assert rows[4]["entry"].comment == "Check the year."


def test_timeline_page_says_no_codes(client, lived, editor):
    """The page shows words and the comment, never the trail's codes or raw field dumps."""
    client.force_login(editor)
    html = client.get(history_url(lived)).content.decode()
    assert "Asked for changes" in html and "Check the year." in html
    for code in ("request_changes", "in_review", "add: None", "approved →"):
        assert code not in html
    assert "(Europe/London)" in html


def test_each_save_offers_revert_to_this(client, lived, editor):
    """Every save links to its revert page, which opens."""
    client.force_login(editor)
    html = client.get(history_url(lived)).content.decode()
    for version in saves(lived):
        url = reverse("admin:articles_explainer_revision", args=[lived.pk, version.pk])
        assert f'<a href="{url}">Revert to this</a>' in html
        assert client.get(url).status_code == 200


def test_compare_shows_only_changed_items_with_inlines(client, editor, writer):
    """A reworded key fact is one changed item with its words marked, an added source one
    added item; the unchanged fact, title and timeline are not shown."""
    explainer = complete_explainer(authors=[writer], title="Same title")
    record_as_made(explainer, by=editor)
    client.force_login(editor)
    reworded, kept = [fact.text for fact in explainer.key_facts.all()]
    save_in_admin(
        client,
        explainer,
        **{
            "key_facts-0-text": "Eleven dams were built.",
            "sources-TOTAL_FORMS": "2",
            "sources-1-citation": "Harbour board minutes",
            "sources-1-url": "https://example.org/minutes",
            "sources-1-kind": "report",
            "sources-1-position": "1",
        },
    )
    first, second = saves(explainer)
    response = client.get(compare_url(explainer), {"start": f"s{first.pk}", "end": f"s{second.pk}"})
    changes = {section.label: section.changes for section in response.context["changes"]}
    assert set(changes) == {"Key facts", "Sources"}
    (fact,) = changes["Key facts"]
    assert fact.kind == "changed"
    assert fact.parts[:3] == [
        ("del", reworded.rstrip(".")),
        ("ins", "Eleven dams were built"),
        ("same", ". [1] — "),
    ]
    # The reworded fact lost its check (articles.desk.saving.stamp_fact_checks).
    assert fact.parts[3:] == [("del", "verified"), ("ins", "unchecked")]
    (source,) = changes["Sources"]
    assert source.kind == "added"
    assert "Harbour board minutes" in source.parts[0][1]
    html = response.content.decode()
    shown = html[html.index('id="content-main"') :]
    assert "<ins>" in shown and "<del>" in shown
    assert kept not in shown and "Same title" not in shown


def test_save_and_the_version_published_from_it_compare_as_the_same(client, editor, writer):
    """A save and the published version frozen from the same text show no difference: a
    revision and a frozen version are read alike, inlines included."""
    explainer = complete_explainer(authors=[writer])
    CorrectionFactory(explainer=explainer)
    RelatedLink.objects.create(explainer=explainer, position=0, title="Later reading")
    record_as_made(explainer, by=editor)
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=editor)
    (saved,) = saves(explainer)
    client.force_login(editor)
    response = client.get(compare_url(explainer), {"start": f"s{saved.pk}", "end": "v1"})
    assert response.status_code == 200
    assert response.context["changes"] == []
    assert "No differences" in response.content.decode()


def test_item_changes_leave_equal_items_out():
    """Among equal items, only the one that differs is reported."""
    changes = textdiff.item_changes(
        ["one", "two words", "three"], ["one", "two new words", "three"]
    )
    assert [(c.kind, c.parts) for c in changes] == [
        ("changed", [("same", "two "), ("ins", "new "), ("same", "words")])
    ]


def test_story_html_is_compared_as_readable_paragraphs():
    """Markup is not text: a paragraph re-spelt in HTML is unchanged; an edited one changes."""
    old = {"what_happened": "<p>The gates <strong>closed</strong>.</p><p>Then it rained.</p>"}
    new = {"what_happened": "<p>The gates <b>closed</b>.</p>\n<p>Then it snowed.</p>"}
    (section,) = textdiff.compare(old, new)
    assert section.label == "What happened"
    assert [c.parts for c in section.changes] == [
        [("same", "Then it "), ("del", "rained"), ("ins", "snowed"), ("same", ".")]
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"start": "s1", "end": "<script>"},
        {"start": "v1", "end": "v99"},
        {"start": "x", "end": "v1"},
    ],
)
def test_bad_points_are_refused_with_a_message(client, editor, writer, query):
    """Missing, malformed or unknown points send the user back to the history, saying why."""
    explainer = complete_explainer(authors=[writer])
    client.force_login(editor)
    response = client.get(compare_url(explainer), query)
    assert response["Location"] == history_url(explainer)
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Choose two saves or published versions of this explainer."


def test_another_explainers_save_is_not_a_point(client, editor, writer):
    """A save of another explainer under this explainer's URL is refused and shows nothing."""
    explainer = complete_explainer(authors=[writer])
    record_as_made(explainer, by=editor)
    with reversion.create_revision():
        other = ExplainerFactory(authors=[writer], title="Someone else's secret title")
        other.save()
    (mine,) = saves(explainer)
    (theirs,) = saves(other)
    client.force_login(editor)
    response = client.get(compare_url(explainer), {"start": f"s{mine.pk}", "end": f"s{theirs.pk}"})
    assert response["Location"] == history_url(explainer)


@pytest.mark.parametrize("view", ["history", "compare"])
def test_someone_who_cannot_open_the_explainer_gets_404(client, lived, other_writer, view):
    """Another writer gets 404 on the timeline and on a comparison, naming nothing."""
    first = saves(lived)[0]
    client.force_login(other_writer)
    url = reverse(f"admin:articles_explainer_{view}", args=[lived.pk])
    response = client.get(url, {"start": f"s{first.pk}", "end": "v1"})
    assert response.status_code == 404
    assert b"Second title" not in response.content


def test_audit_list_says_moves_in_words(client, lived, editor):
    """The audit trail's list and each record's title say the move and states in words."""
    client.force_login(editor)
    html = client.get(reverse("admin:articles_transition_changelist")).content.decode()
    assert "Asked for changes" in html and "In review" in html
    assert "request_changes" not in html.replace("?name=request_changes", "")
    sent_back = Transition.objects.get(explainer=lived, name="request_changes")
    assert str(sent_back) == "Asked for changes: In review → Draft"


def test_an_admin_save_shows_no_field_list_but_a_revert_says_what_it_did(client, editor, writer):
    """The timeline says what a save changed in its own words, with no "Changed Text for key
    fact" list from the admin; a revert's own note is shown."""
    explainer = complete_explainer(authors=[writer], title="Before")
    record_as_made(explainer, by=editor)
    client.force_login(editor)
    save_in_admin(client, explainer, title="After", **{"key_facts-0-text": "Reworded."})
    first = saves(explainer)[0]
    revert = reverse("admin:articles_explainer_revision", args=[explainer.pk, first.pk])
    client.post(revert, form_data(client.get(revert).content.decode(), "revert_form"))
    rows = client.get(history_url(explainer)).context["timeline"]
    said = [(row["entry"].what, row["entry"].comment) for row in rows]
    assert said[1] == ("Saved: changed Title, Key facts", "")
    assert said[0][0] == "Saved: changed Title, Key facts"
    assert said[0][1].startswith("Reverted to the version of ")


def test_each_point_compares_with_the_one_before(client, lived, editor):
    """The published version links to its comparison with the save before it."""
    client.force_login(editor)
    rows = client.get(history_url(lived)).context["timeline"]
    newest_save = saves(lived)[-1]
    assert rows[0]["previous_url"] == f"{compare_url(lived)}?start=s{newest_save.pk}&end=v1"
    response = client.get(rows[0]["previous_url"])
    assert response.status_code == 200 and response.context["changes"] == []


def test_change_form_compares_published_versions_through_the_history(client, editor, writer):
    """The change form's published-versions form asks the history's comparison for points."""
    explainer = complete_explainer(authors=[writer])
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=editor)
    client.force_login(editor)
    html = client.get(change_url(explainer)).content.decode()
    assert f'action="{compare_url(explainer)}"' in html
    assert 'name="start" value="v1"' in html and 'name="end" value="v1"' in html
    assert f'href="{history_url(explainer)}"' in html


def test_a_scheduled_version_says_when_it_goes_live(client, editor, writer):
    """A version published with a go-live time is said as scheduled, in newsroom time."""
    with at(0):
        explainer = complete_explainer(authors=[writer])
        workflow.submit(explainer, by=writer)
        workflow.approve(explainer, by=desk_checker())
    with at(1):
        publication.publish(explainer, by=editor, go_live_at=START + timedelta(days=1))
    client.force_login(editor)
    rows = client.get(history_url(explainer)).context["timeline"]
    # 3 March 2026, 09:00 UTC is 09:00 in London (GMT).
    assert rows[0]["entry"].what == "Scheduled version 1 to go live on 3 Mar 2026, 09:00"
