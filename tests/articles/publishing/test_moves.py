"""Publishing's moves: live and scheduled versions, expiry, unpublish and restore."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Explainer, PublishedVersion, Transition
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import desk_checker, explainer_in
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State


def _public_html(client, explainer: Explainer) -> str:
    response = client.get(reverse("articles:explainer", kwargs={"slug": explainer.slug}))
    return response.content.decode() if response.status_code == 200 else ""


def test_publish_refuses_text_changed_after_approval(editor, writer):
    """Approval is of one text: if it changed behind the admin's back, publish refuses."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    Explainer.objects.filter(pk=explainer.pk).update(title="A different headline")
    with pytest.raises(workflow.InvalidTransition):
        publication.publish(explainer, by=editor)
    assert not PublishedVersion.objects.filter(explainer=explainer).exists()


def test_draft_is_not_public(client, writer):
    """A draft has no live version and its page is a 404."""
    explainer = complete_explainer(authors=[writer])
    assert not PublishedVersion.objects.live().filter(explainer=explainer).exists()
    assert client.get(f"/explainers/{explainer.slug}/").status_code == 404


def test_draft_edits_of_published_explainer_stay_private(client, editor, writer):
    """Editing a published explainer changes nothing public until the revision is published."""
    explainer = explainer_in(State.PUBLISHED, authors=[writer], title="Original headline")
    explainer.title = "Unreviewed headline"
    explainer.what_happened = "<p>Unchecked claim about the dam.</p>"
    explainer.save()
    workflow.revise(explainer, by=writer)

    assert explainer.state == State.DRAFT
    live = PublishedVersion.objects.live().get(explainer=explainer)
    assert live.title == "Original headline"
    assert "Unchecked claim" not in live.body_html
    html = _public_html(client, explainer)
    assert "Original headline" in html
    assert "Unreviewed headline" not in html and "Unchecked claim" not in html


def test_republishing_replaces_the_live_version(editor, writer):
    """Publishing the revision makes it the one live version, numbered after the first."""
    explainer = explainer_in(State.PUBLISHED, authors=[writer])
    explainer.title = "Revised headline"
    explainer.change_note = "Updated the headline."
    explainer.save()
    workflow.revise(explainer, by=writer)
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=desk_checker())
    version = publication.publish(explainer, by=editor)

    live = PublishedVersion.objects.live().filter(explainer=explainer)
    assert list(live) == [version]
    assert (version.number, version.title, version.change_note) == (
        2,
        "Revised headline",
        "Updated the headline.",
    )
    explainer.refresh_from_db()
    assert explainer.change_note == ""


def test_scheduled_version_goes_live_by_itself(editor, writer):
    """A go-live time in the future: invisible until then, live after, with no worker."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    with time_machine.travel("2031-06-01 08:00Z", tick=False):
        version = publication.publish(
            explainer, by=editor, go_live_at=timezone.now() + timedelta(hours=2)
        )
        assert not PublishedVersion.objects.live().filter(pk=version.pk).exists()
        assert PublishedVersion.objects.scheduled().filter(pk=version.pk).exists()
        assert Transition.objects.filter(explainer=explainer).first().name == "schedule"
    with time_machine.travel("2031-06-01 10:00:01Z", tick=False):
        assert PublishedVersion.objects.live().filter(pk=version.pk).exists()


def test_expiry_takes_the_version_down(editor, writer):
    """An expiry time ends the version by itself."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    with time_machine.travel("2031-06-01 08:00Z", tick=False):
        version = publication.publish(
            explainer, by=editor, expires_at=timezone.now() + timedelta(days=1)
        )
        assert PublishedVersion.objects.live().filter(pk=version.pk).exists()
    with time_machine.travel("2031-06-02 08:00:01Z", tick=False):
        assert not PublishedVersion.objects.live().filter(pk=version.pk).exists()


def test_scheduled_publication_keeps_the_approved_text(client, editor, writer):
    """A save after scheduling never leaks: the approved revision is what goes live."""
    explainer = explainer_in(State.APPROVED, authors=[writer], title="Approved headline")
    with time_machine.travel("2031-06-01 08:00Z", tick=False):
        publication.publish(explainer, by=editor, go_live_at=timezone.now() + timedelta(hours=1))
        explainer.title = "Edited after scheduling"
        explainer.save()
        workflow.revise(explainer, by=writer)
    with time_machine.travel("2031-06-01 09:30Z", tick=False):
        live = PublishedVersion.objects.live().get(explainer=explainer)
        assert live.title == "Approved headline"
        html = _public_html(client, explainer)
        assert "Approved headline" in html and "Edited after scheduling" not in html


def test_expiry_must_follow_go_live(editor, writer):
    """An expiry before the go-live time is refused and nothing is published."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    with pytest.raises(ValidationError):
        publication.publish(
            explainer,
            by=editor,
            go_live_at=timezone.now() + timedelta(hours=2),
            expires_at=timezone.now() + timedelta(hours=1),
        )
    assert not PublishedVersion.objects.filter(explainer=explainer).exists()


def test_unpublish_takes_explainer_off_the_site(client, editor, writer):
    """Unpublish: archived, no live version, public page gone (404, or 410 Gone)."""
    explainer = explainer_in(State.PUBLISHED, authors=[writer])
    publication.unpublish(explainer, by=editor, comment="Legal hold.")
    assert explainer.state == State.ARCHIVED
    assert not PublishedVersion.objects.live().filter(explainer=explainer).exists()
    response = client.get(f"/explainers/{explainer.slug}/")
    assert response.status_code in (404, 410)
    assert explainer.title not in response.content.decode()


def test_unpublish_reaches_a_revised_working_copy(editor, writer):
    """A live explainer whose working copy is back in draft can still be taken down."""
    explainer = explainer_in(State.PUBLISHED, authors=[writer])
    explainer.title = "Work in progress"
    explainer.save()
    workflow.revise(explainer, by=writer)
    assert workflow.MOVES["unpublish"] in workflow.available_moves(editor, explainer)
    publication.unpublish(explainer, by=editor, comment="Withdrawn while we re-check it.")
    assert explainer.state == State.DRAFT
    assert not PublishedVersion.objects.live().filter(explainer=explainer).exists()
    row = Transition.objects.filter(explainer=explainer).first()
    assert (row.name, row.from_state, row.to_state) == ("unpublish", "draft", "draft")


def test_restore_brings_back_a_draft(editor, writer):
    """Restore: archived → draft, still not public."""
    explainer = explainer_in(State.ARCHIVED, authors=[writer])
    publication.restore(explainer, by=editor)
    assert explainer.state == State.DRAFT
    assert not PublishedVersion.objects.live().filter(explainer=explainer).exists()


def test_publish_purges_the_page_cache_after_commit(
    editor, writer, django_capture_on_commit_callbacks, monkeypatch
):
    """Publishing asks the page cache to forget public pages, once the move is committed."""
    calls = []
    monkeypatch.setattr("articles.site.cache.invalidate_public_pages", lambda: calls.append(1))
    explainer = explainer_in(State.APPROVED, authors=[writer])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publication.publish(explainer, by=editor)
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [1]
