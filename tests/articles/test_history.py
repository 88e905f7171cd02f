"""History: revisions follow the inlines, reverting is an edit, versions can be compared."""

from __future__ import annotations

import json

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import history, workflow
from articles.models import Explainer, KeyFact, Transition
from tests.adminform import form_data
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def save_in_admin(client, explainer: Explainer, **changes) -> None:
    data = form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")
    data.update(changes)
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def explainer_versions(explainer: Explainer):
    return Version.objects.get_for_object(explainer).order_by("pk")


def test_registration_follows_every_inline():
    """The explainer's revisions follow all seven inlines and leave workflow fields out."""
    options = reversion.revisions._get_options(Explainer)
    assert set(options.follow) == {
        "byline_set",
        "key_facts",
        "sources",
        "viewpoints",
        "timeline",
        "corrections",
        "related_links",
    }
    for field in ("state", "approved_digest", "lock_version", "assignee"):
        assert field not in options.fields
    assert "title" in options.fields


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
    save_in_admin(client, explainer)
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
    """reversion-compare shows what changed between two admin saves."""
    explainer = complete_explainer(authors=[writer], title="Before the edit")
    client.force_login(editor)
    save_in_admin(client, explainer)
    save_in_admin(client, explainer, title="After the edit")
    first, second = explainer_versions(explainer)
    url = reverse("admin:articles_explainer_compare", args=[explainer.pk])
    response = client.get(url, {"version_id1": first.pk, "version_id2": second.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Before the edit" in html and "After the edit" in html


@pytest.mark.parametrize("view", ["history", "compare"])
def test_writer_cannot_read_others_revisions(client, writer, other_writer, editor, view):
    """History and compare pages of someone else's explainer are 404 to a writer."""
    explainer = complete_explainer(authors=[other_writer], title="Private draft")
    client.force_login(editor)
    save_in_admin(client, explainer)
    save_in_admin(client, explainer, title="Private draft, edited")
    first, second = explainer_versions(explainer)
    client.force_login(writer)
    url = reverse(f"admin:articles_explainer_{view}", args=[explainer.pk])
    response = client.get(url, {"version_id1": first.pk, "version_id2": second.pk})
    assert response.status_code == 404


def test_diff_lines_mark_added_and_removed_facts():
    """The published-version diff marks a reworded key fact as one removed and one added line."""
    old = {
        "title": "T",
        "dek": "D",
        "key_facts": [{"text": "Ten dams.", "sources": [1], "check": "verified"}],
    }
    new = {**old, "key_facts": [{"text": "Eleven dams.", "sources": [1], "check": "verified"}]}
    lines = history.diff_lines(old, new)
    assert ("removed", "Key fact 1: Ten dams. [1] (verified)") in lines
    assert ("added", "Key fact 1: Eleven dams. [1] (verified)") in lines
    assert ("same", "Title: T") in lines
