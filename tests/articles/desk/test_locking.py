"""Edit locks on the desk: the Lock and Unlock buttons, the read-only form for everyone else,
and every way of changing the explainer refused to them while the lock holds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk import history
from articles.models import Explainer
from articles.workflow import locks
from articles.workflow import moves as workflow
from tests.adminform import form_data
from tests.articles.workflow_helpers import desk_editor, explainer_in
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def url(name: str, explainer: Explainer, *args) -> str:
    return reverse(f"admin:articles_explainer_{name}", args=[explainer.pk, *args])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def holder():
    return named(desk_editor(), "Hana", "Holder")


# The buttons.


def test_an_editor_locks_with_the_button(editor):
    """The Lock button (a POST) takes the lock and comes back to the form, which says so."""
    explainer = complete_explainer()
    client = logged_in(editor)
    assert "data-lock" in client.get(change_url(explainer)).text
    response = client.post(url("lock", explainer))
    assert response.status_code == 302
    assert response["Location"] == change_url(explainer)
    assert Explainer.objects.get(pk=explainer.pk).locked_by == editor
    page = client.get(change_url(explainer)).text
    assert "Locked by you since" in page
    assert "data-unlock" in page
    assert 'name="title"' in page, "the holder keeps the editable form"


def test_lock_and_unlock_answer_only_post(editor):
    """GET on the buttons' URLs changes nothing (405)."""
    explainer = complete_explainer()
    client = logged_in(editor)
    assert client.get(url("lock", explainer)).status_code == 405
    locks.lock(explainer, by=editor)
    assert client.get(url("unlock", explainer)).status_code == 405
    assert Explainer.objects.get(pk=explainer.pk).lock_active()


@pytest.mark.parametrize("role", ["writer", "fact_checker"])
def test_writers_and_checkers_may_not_lock(request, role):
    """No Lock button for them, and a forged POST is refused (403) and locks nothing."""
    user = request.getfixturevalue(role)
    explainer = explainer_in(State.IN_REVIEW, authors=[user] if role == "writer" else [])
    client = logged_in(user)
    assert "data-lock" not in client.get(change_url(explainer)).text
    assert client.post(url("lock", explainer)).status_code == 403
    assert not Explainer.objects.get(pk=explainer.pk).lock_active()


@pytest.mark.parametrize(
    ("role", "may_unlock"),
    [("writer", False), ("fact_checker", False), ("editor", True)],
)
def test_unlocking_someone_elses_lock(request, holder, role, may_unlock):
    """Another editor may break the lock with the Unlock button; writers and checkers may not."""
    user = request.getfixturevalue(role)
    explainer = explainer_in(State.IN_REVIEW, authors=[user] if role == "writer" else [])
    locks.lock(explainer, by=holder)
    client = logged_in(user)
    assert ("data-unlock" in client.get(change_url(explainer)).text) is may_unlock
    response = client.post(url("unlock", explainer))
    assert response.status_code == (302 if may_unlock else 403)
    assert Explainer.objects.get(pk=explainer.pk).lock_active() is not may_unlock


def test_a_writer_cannot_lock_an_explainer_they_cannot_open(writer, editor):
    """Someone else's explainer stays closed to a writer: no lock through its URL."""
    explainer = complete_explainer(authors=[editor])
    response = logged_in(writer).post(url("lock", explainer))
    assert response.status_code in (403, 404)
    assert not Explainer.objects.get(pk=explainer.pk).lock_active()


# Read-only for everyone else.


@pytest.mark.parametrize("role", ["writer", "fact_checker", "editor"])
def test_the_form_is_read_only_for_everyone_but_the_holder(request, holder, role):
    """Writer, fact-checker and another editor get Django's read-only form and a message
    naming who locked it and since when."""
    user = request.getfixturevalue(role)
    explainer = explainer_in(State.IN_REVIEW, authors=[user] if role == "writer" else [])
    with time_machine.travel(timezone.now(), tick=False):
        locks.lock(explainer, by=holder)
        since = timezone.localtime(timezone.now())
    response = logged_in(user).get(change_url(explainer))
    assert response.status_code == 200
    html = response.text
    form = form_data(html, "explainer_form")
    assert "title" not in form and "base_lock_version" not in form
    assert "key_facts-0-text" not in form and "key_facts-0-check_status" not in form
    assert 'name="_save"' not in html
    said = " ".join(messages_of(response))
    assert f"Hana Holder locked this explainer on {since:%-d %b %Y, %H:%M}" in said
    assert "read-only for you" in said
    # The story is shown as readers would read it, not as HTML source.
    assert "&lt;p&gt;" not in html


def test_the_form_is_editable_again_once_the_lock_runs_out(holder, writer):
    """Past its end the lock is no lock: the writer gets the editable form, with no message."""
    explainer = complete_explainer(authors=[writer])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locks.lock(explainer, by=holder)
    with time_machine.travel(start + locks.duration() + timedelta(seconds=1), tick=False):
        response = logged_in(writer).get(change_url(explainer))
    assert 'name="title"' in response.text
    assert not any("locked" in m for m in messages_of(response))


def test_a_save_posted_by_someone_else_is_refused(holder, writer):
    """The writer's form, opened before the lock, is refused with the holder's name and
    nothing of it is written."""
    explainer = complete_explainer(authors=[writer], title="Original")
    client = logged_in(writer)
    data = form_data(client.get(change_url(explainer)).text, "explainer_form")
    locks.lock(explainer, by=holder)
    data["title"] = "Writer's title"
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302
    said = " ".join(messages_of(response))
    assert "Nothing was saved. Hana Holder locked this explainer" in said
    explainer.refresh_from_db()
    assert explainer.title == "Original"
    assert explainer.lock_version == 0


def test_the_holder_saves_as_usual(editor, writer):
    """The holder's own save goes through."""
    explainer = complete_explainer(authors=[writer], title="Original")
    client = logged_in(editor)
    client.post(url("lock", explainer))
    data = form_data(client.get(change_url(explainer)).text, "explainer_form")
    data["title"] = "Editor's title"
    assert client.post(change_url(explainer), data).status_code == 302
    assert Explainer.objects.get(pk=explainer.pk).title == "Editor's title"


def test_a_concurrent_save_is_still_refused_naming_who_saved(editor, writer):
    """Without any lock, two forms on the same version: the second save is refused as before."""
    named(writer, "Wendy", "Writer")
    explainer = complete_explainer(authors=[writer], title="Original")
    writers, editors = logged_in(writer), logged_in(editor)
    writers_form = form_data(writers.get(change_url(explainer)).text, "explainer_form")
    editors_form = form_data(editors.get(change_url(explainer)).text, "explainer_form")
    writers_form["title"] = "Writer's title"
    assert writers.post(change_url(explainer), writers_form).status_code == 302
    editors_form["title"] = "Editor's title"
    response = editors.post(change_url(explainer), editors_form)
    assert response.status_code == 200
    assert "Wendy Writer saved this explainer at" in response.text
    assert Explainer.objects.get(pk=explainer.pk).title == "Writer's title"


def test_the_refusal_shows_what_the_other_person_changed(editor, writer):
    """The stale save's refusal lists what the first save changed and links to the History
    comparison of the version the form was opened on with theirs, which shows their words."""
    named(writer, "Wendy", "Writer")
    explainer = complete_explainer(authors=[writer], title="Original")
    writers, editors = logged_in(writer), logged_in(editor)
    # A first save, so that the version both forms are opened on is a stored revision.
    data = form_data(writers.get(change_url(explainer)).text, "explainer_form")
    data["dek"] = "A first saved summary."
    writers.post(change_url(explainer), data)
    writers_form = form_data(writers.get(change_url(explainer)).text, "explainer_form")
    editors_form = form_data(editors.get(change_url(explainer)).text, "explainer_form")
    writers_form["title"] = "Writer's title"
    writers.post(change_url(explainer), writers_form)
    editors_form["dek"] = "The editor's summary."
    response = editors.post(change_url(explainer), editors_form)

    [said] = [m for m in messages_of(response) if "saved this explainer" in m]
    assert "Changed since you opened it: Title." in said
    compare = re.search(r'href="([^"]+)"', said).group(1).replace("&amp;", "&")
    assert compare.startswith(url("compare", explainer))
    diff = editors.get(compare).text
    assert "Writer&#x27;s title" in diff or "Writer's title" in diff
    assert "The editor" not in diff


def test_workflow_moves_by_others_are_refused_with_a_message(holder, writer):
    """The panel offers the writer no move, and a forged Submit is refused and said."""
    explainer = complete_explainer(authors=[writer])
    locks.lock(explainer, by=holder)
    client = logged_in(writer)
    assert 'data-move="submit"' not in client.get(change_url(explainer)).text
    response = client.post(url("transition", explainer, "submit"), {"comment": ""})
    assert response.status_code == 302
    assert any("Hana Holder locked this explainer" in m for m in messages_of(response))
    assert Explainer.objects.get(pk=explainer.pk).state == State.DRAFT


def test_bulk_publish_skips_a_locked_explainer(editor, holder, writer):
    """Publishing the selection publishes the unlocked one and refuses the locked one."""
    locked = explainer_in(State.APPROVED, authors=[writer], title="Locked one")
    free = explainer_in(State.APPROVED, authors=[writer], title="Free one")
    locks.lock(locked, by=holder)
    response = logged_in(editor).post(
        reverse("admin:articles_explainer_changelist"),
        {"action": "publish_selected", "_selected_action": [str(locked.pk), str(free.pk)]},
    )
    assert response.status_code == 302
    said = " ".join(messages_of(response))
    assert "Published 1: Free one." in said
    assert "Locked one — Hana Holder locked this explainer" in said
    assert Explainer.objects.get(pk=locked.pk).state == State.APPROVED
    assert Explainer.objects.get(pk=free.pk).state == State.PUBLISHED


def test_revert_by_someone_else_is_refused(holder, writer):
    """The revision page offers no revert to others while locked, and a posted one is 403."""
    explainer = complete_explainer(authors=[writer], title="Original")
    client = logged_in(writer)
    data = form_data(client.get(change_url(explainer)).text, "explainer_form")
    data["title"] = "Second"
    client.post(change_url(explainer), data)
    version_id = history.explainer_versions(explainer.pk).values_list("pk", flat=True).first()
    locks.lock(explainer, by=holder)
    revision = reverse("admin:articles_explainer_revision", args=[explainer.pk, version_id])
    response = client.post(revision, {"base_lock_version": "1"})
    assert response.status_code == 403
    assert Explainer.objects.get(pk=explainer.pk).title == "Second"


def test_a_lock_does_not_hide_the_changes_requested_note(editor, fact_checker, writer):
    """The note of a send-back stays at the top of the draft when an editor locks it after."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    workflow.request_changes(explainer, by=fact_checker, comment="Source the third fact.")
    locks.lock(explainer, by=editor)
    html = logged_in(editor).get(change_url(explainer)).text
    assert "Changes requested" in html and "Source the third fact." in html


def test_the_history_says_who_locked_and_unlocked(editor):
    """The explainer's History page lists the lock and unlock with the editor's name."""
    named(editor, "Eda", "Editor")
    explainer = complete_explainer()
    locks.lock(explainer, by=editor)
    locks.unlock(explainer, by=editor)
    html = logged_in(editor).get(url("history", explainer)).text
    assert "Locked for editing" in html and "Unlocked" in html
