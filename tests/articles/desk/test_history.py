"""History: revisions follow the inlines, reverting is an edit, versions can be compared."""

from __future__ import annotations

import json

import pytest
import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles.models import Byline, Explainer, KeyFact, RelatedLink, Transition
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.adminform import form_data
from tests.articles.workflow_helpers import desk_checker, desk_editor
from tests.factories import CorrectionFactory, ExplainerFactory, complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def save_in_admin(client, explainer: Explainer, **changes) -> None:
    data = form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")
    data.update(changes)
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def record_as_made(explainer: Explainer, *, by) -> None:
    """Store the explainer as its factory made it as a first revision, by ``by`` (an admin
    save without an edit records nothing)."""
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.add_to_revision(explainer)


def explainer_versions(explainer: Explainer):
    return Version.objects.get_for_object(explainer).order_by("pk")


def test_registration_follows_every_inline(writer):
    """A revision of an explainer holds a row of each of its seven inlines, and its own row
    leaves the workflow fields out."""
    explainer = complete_explainer(authors=[writer])
    CorrectionFactory(explainer=explainer)
    RelatedLink.objects.create(explainer=explainer, position=0, title="Later")
    record_as_made(explainer, by=writer)
    (version,) = explainer_versions(explainer)
    models = {v.content_type.model for v in version.revision.version_set.all()}
    assert models == {
        "explainer",
        "byline",
        "keyfact",
        "source",
        "viewpoint",
        "timelineevent",
        "correction",
        "relatedlink",
    }
    fields = json.loads(version.serialized_data)[0]["fields"]
    for field in ("state", "approved_digest", "lock_version", "assignee"):
        assert field not in fields
    assert "title" in fields


def test_admin_save_records_a_revision_with_its_inlines(client, editor, writer):
    """One admin save stores the explainer and every inline row in one revision."""
    explainer = complete_explainer(authors=[writer])
    client.force_login(editor)
    save_in_admin(client, explainer, title="Saved once")
    (version,) = explainer_versions(explainer)
    models = {v.content_type.model for v in version.revision.version_set.all()}
    assert {"explainer", "keyfact", "source", "viewpoint", "timelineevent", "byline"} <= models
    assert version.revision.user == editor
    assert "state" not in json.loads(version.serialized_data)[0]["fields"]


def test_revert_restores_text_but_not_workflow(client, editor, fact_checker, writer):
    """Reverting an approved explainer brings old text back as a draft; workflow fields stay."""
    explainer = complete_explainer(authors=[writer], title="Version A")
    client.force_login(editor)
    record_as_made(explainer, by=editor)
    save_in_admin(client, explainer, title="Version B", **{"key_facts-0-text": "Changed fact."})
    # The reworded fact lost its check; the fact-checker verifies it again.
    KeyFact.objects.filter(explainer=explainer).update(
        check_status="verified", checked_by=fact_checker, checked_at=timezone.now()
    )
    workflow.submit(explainer, by=writer)
    workflow.assign(explainer, by=editor, assignee=fact_checker)
    workflow.approve(explainer, by=fact_checker)
    explainer.refresh_from_db()
    lock_before = explainer.lock_version

    first = explainer_versions(explainer).first()
    url = reverse("admin:articles_explainer_revision", args=[explainer.pk, first.pk])
    page = client.get(url)
    assert page.status_code == 200
    explainer.refresh_from_db()
    assert explainer.title == "Version B"  # looking at a revision changes nothing
    response = client.post(url, form_data(page.content.decode(), "revert_form"))
    assert response.status_code == 302

    explainer.refresh_from_db()
    assert explainer.title == "Version A"
    assert "Changed fact." not in KeyFact.objects.filter(explainer=explainer).values_list(
        "text", flat=True
    )
    assert explainer.state == State.DRAFT
    assert (explainer.approved_by, explainer.approved_digest) == (None, "")
    assert explainer.assignee == fact_checker
    assert explainer.lock_version == lock_before + 1
    assert Transition.objects.filter(explainer=explainer).first().name == "revise"


def test_compare_two_revisions(client, editor, writer):
    """The comparison of two admin saves shows the title as it was and as it became."""
    explainer = complete_explainer(authors=[writer], title="Before the edit")
    client.force_login(editor)
    record_as_made(explainer, by=editor)
    save_in_admin(client, explainer, title="After the edit")
    first, second = explainer_versions(explainer)
    url = reverse("admin:articles_explainer_compare", args=[explainer.pk])
    response = client.get(url, {"start": f"s{first.pk}", "end": f"s{second.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Before" in html and "After" in html


@pytest.mark.parametrize("view", ["history", "compare"])
def test_writer_cannot_read_others_revisions(client, writer, other_writer, editor, view):
    """History and compare pages of someone else's explainer are 404 to a writer."""
    explainer = complete_explainer(authors=[other_writer], title="Private draft")
    client.force_login(editor)
    record_as_made(explainer, by=editor)
    save_in_admin(client, explainer, title="Private draft, edited")
    first, second = explainer_versions(explainer)
    client.force_login(writer)
    url = reverse(f"admin:articles_explainer_{view}", args=[explainer.pk])
    response = client.get(url, {"start": f"s{first.pk}", "end": f"s{second.pk}"})
    assert response.status_code == 404


# The revert page: django-reversion's revision URL, served by ExplainerAdmin.revision_view.


def revert_url(explainer: Explainer, version: Version) -> str:
    return reverse("admin:articles_explainer_revision", args=[explainer.pk, version.pk])


@pytest.fixture
def two_saves(client, editor, writer):
    """The writer's draft saved twice by an editor: "Version A", then "Version B"."""
    explainer = complete_explainer(authors=[writer], title="Version A")
    client.force_login(editor)
    record_as_made(explainer, by=editor)
    save_in_admin(client, explainer, title="Version B", **{"key_facts-0-text": "Changed fact."})
    explainer.refresh_from_db()
    return explainer


def writes(queries) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "RELEASE", "ROLLBACK")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_revert_page_get_writes_nothing(client, two_saves):
    """Opening the revert page runs no write, savepoint or rollback at all."""
    first = explainer_versions(two_saves).first()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(revert_url(two_saves, first))
    assert response.status_code == 200
    assert writes(queries.captured_queries) == []


def test_revert_page_shows_the_stored_revision(client, two_saves):
    """The page shows the old title and key fact, read from the stored revision."""
    first = explainer_versions(two_saves).first()
    html = client.get(revert_url(two_saves, first)).content.decode()
    old_fact = json.loads(first.revision.version_set.get_for_model(KeyFact).first().serialized_data)
    assert "Version A" in html
    assert old_fact[0]["fields"]["text"] in html
    assert 'id="revert_form"' in html


def test_revert_is_recorded_as_a_revision_and_a_log_entry(client, editor, writer, two_saves):
    """A revert saves a new revision and a change log entry saying what was reverted to."""
    first = explainer_versions(two_saves).first()
    page = client.get(revert_url(two_saves, first)).content.decode()
    response = client.post(revert_url(two_saves, first), form_data(page, "revert_form"))
    assert response["Location"] == change_url(two_saves)
    assert explainer_versions(two_saves).count() == 3
    latest = explainer_versions(two_saves).last()
    assert latest.revision.user == editor
    assert latest.revision.comment.startswith("Reverted to the version of ")
    assert latest.revision.comment.endswith(f"by {editor.get_full_name() or editor.username}")
    entry = LogEntry.objects.filter(object_id=str(two_saves.pk)).order_by("pk").last()
    assert (entry.action_flag, entry.user, entry.change_message) == (
        CHANGE,
        editor,
        latest.revision.comment,
    )
    two_saves.refresh_from_db()
    assert (two_saves.title, two_saves.updated_by) == ("Version A", editor)


def test_stale_revert_is_refused_naming_who_saved(client, editor, writer, two_saves):
    """If the explainer was saved after the page was opened, the revert says who and stops."""
    first = explainer_versions(two_saves).first()
    page = client.get(revert_url(two_saves, first)).content.decode()
    other = type(client)()
    other.force_login(writer)
    save_in_admin(other, two_saves, title="Version C")
    revisions = Revision.objects.count()
    response = client.post(revert_url(two_saves, first), form_data(page, "revert_form"))
    assert response["Location"] == revert_url(two_saves, first)
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"{writer.get_full_name() or writer.username} saved this explainer" in message
    two_saves.refresh_from_db()
    assert two_saves.title == "Version C"
    assert Revision.objects.count() == revisions


@pytest.mark.parametrize("method", ["get", "post"])
def test_version_of_another_explainer_is_404(client, two_saves, writer, method):
    """Another explainer's version id under this explainer's URL is 404 and names nothing."""
    with reversion.create_revision():
        other = ExplainerFactory(authors=[writer], title="Someone else's secret title")
        other.save()
    version = Version.objects.get_for_object(other).get()
    lock = two_saves.lock_version
    response = getattr(client, method)(revert_url(two_saves, version), {"base_lock_version": lock})
    assert response.status_code == 404
    assert b"secret title" not in response.content
    assert Explainer.objects.get(pk=other.pk).title == "Someone else's secret title"


def test_fact_checker_reads_but_cannot_revert_a_published_explainer(client, fact_checker, writer):
    """A fact-checker may open a published explainer's revision but not revert to it."""
    explainer = complete_explainer(authors=[writer], title="Version A")
    client.force_login(desk_editor())
    record_as_made(explainer, by=desk_editor())
    save_in_admin(client, explainer, title="Version B", **{"key_facts-0-text": "Changed fact."})
    KeyFact.objects.filter(explainer=explainer).update(
        check_status="verified", checked_by=fact_checker, checked_at=timezone.now()
    )
    workflow.submit(explainer, by=desk_editor())
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=desk_editor())
    explainer.refresh_from_db()
    before = (Revision.objects.count(), Transition.objects.count(), explainer.lock_version)
    first = explainer_versions(explainer).first()
    client.force_login(fact_checker)
    page = client.get(revert_url(explainer, first))
    assert page.status_code == 200
    assert b"revert_form" not in page.content
    data = {**form_data(page.content.decode()), "base_lock_version": explainer.lock_version}
    assert client.post(revert_url(explainer, first), data).status_code == 403
    explainer.refresh_from_db()
    assert (explainer.title, explainer.state) == ("Version B", Explainer.State.PUBLISHED)
    assert set(
        KeyFact.objects.filter(explainer=explainer).values_list("check_status", flat=True)
    ) == {"verified"}
    assert (Revision.objects.count(), Transition.objects.count(), explainer.lock_version) == before


def test_revert_of_an_in_review_copy_sends_it_back_to_draft(client, writer, two_saves):
    """Reverting the text of an explainer in review is a change of text: back to draft."""
    workflow.submit(two_saves, by=writer)
    client.force_login(writer)
    first = explainer_versions(two_saves).first()
    page = client.get(revert_url(two_saves, first)).content.decode()
    client.post(revert_url(two_saves, first), form_data(page, "revert_form"))
    two_saves.refresh_from_db()
    assert (two_saves.title, two_saves.state) == ("Version A", Explainer.State.DRAFT)
    assert Transition.objects.filter(explainer=two_saves).first().name == "revise"


def test_writer_cannot_revert_to_a_version_without_their_byline(
    client, editor, writer, other_writer
):
    """A writer's revert that would take their own byline off is refused; nothing changes."""
    explainer = complete_explainer(authors=[other_writer], title="Version A")
    client.force_login(editor)
    record_as_made(explainer, by=editor)
    Byline.objects.create(explainer=explainer, author=writer, position=1)
    save_in_admin(client, explainer, title="Version B")
    first = explainer_versions(explainer).first()
    client.force_login(writer)
    page = client.get(revert_url(explainer, first)).content.decode()
    response = client.post(revert_url(explainer, first), form_data(page, "revert_form"))
    assert response["Location"] == revert_url(explainer, first)
    explainer.refresh_from_db()
    assert explainer.title == "Version B"
    assert Byline.objects.filter(explainer=explainer, author=writer).exists()


def test_revision_holding_two_explainers_is_not_reverted(client, editor, writer):
    """A revision that also holds another explainer is not reverted from one of them."""
    with reversion.create_revision():
        one = ExplainerFactory(authors=[writer], title="One")
        two = ExplainerFactory(authors=[writer], title="Two")
        one.save()
        two.save()
    Explainer.objects.filter(pk__in=[one.pk, two.pk]).update(title="Renamed")
    version = Version.objects.get_for_object(one).get()
    client.force_login(editor)
    page = client.get(revert_url(one, version)).content.decode()
    client.post(revert_url(one, version), form_data(page, "revert_form"))
    assert set(Explainer.objects.values_list("title", flat=True)) == {"Renamed"}


def test_history_page_links_to_the_revert_page(client, two_saves):
    """Each row of the history page links to that revision's revert page, which opens."""
    first = explainer_versions(two_saves).first()
    history_page = client.get(reverse("admin:articles_explainer_history", args=[two_saves.pk]))
    assert f'href="{revert_url(two_saves, first)}"' in history_page.content.decode()
    assert client.get(revert_url(two_saves, first)).status_code == 200
