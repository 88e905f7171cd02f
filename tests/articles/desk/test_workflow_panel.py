"""The workflow in the admin: panel, POST-only moves, roles on the change form, conflicts, desk."""

from __future__ import annotations

import datetime
import re
from datetime import UTC, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk.workflow_forms import PublishForm
from articles.models import Explainer, KeyFact, PublishedVersion, TimelineEvent, Transition
from articles.publishing import moves as publication
from articles.workflow import moves as workflow
from tests.adminform import form_data
from tests.articles.workflow_helpers import (
    desk_checker,
    desk_editor,
    explainer_in,
)
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db

State = Explainer.State


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def move_url(explainer: Explainer, verb: str) -> str:
    return reverse("admin:articles_explainer_transition", args=[explainer.pk, verb])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def row_prefix(data: dict, inline: str, pk: int) -> str:
    """Return the form prefix ("timeline-3") of the inline row holding object ``pk``."""
    return next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.startswith(f"{inline}-") and key.endswith("-id") and value == str(pk)
    )


def edit_form(client, explainer: Explainer) -> dict:
    """Return the change form's data exactly as the browser would post it back."""
    response = client.get(change_url(explainer))
    assert response.status_code == 200
    return form_data(response.content.decode(), "explainer_form")


# POST-only, CSRF-protected moves.


def test_get_on_a_transition_url_is_405(client, editor, writer):
    """Moves are POST-only: a GET (a link, a prefetch) changes nothing and answers 405."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    response = client.get(move_url(explainer, "publish"))
    assert response.status_code == 405
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED


def test_transition_without_csrf_token_is_refused(editor, writer):
    """A cross-site POST without the CSRF token is refused and changes nothing."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(move_url(explainer, "publish"), {})
    assert response.status_code == 403
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED


def test_transition_post_moves_and_returns_to_the_form(client, fact_checker, writer):
    """A fact-checker's approve button approves and brings them back to the change form."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(fact_checker)
    response = client.post(move_url(explainer, "approve"), {"approve-comment": "All good."})
    assert response.status_code == 302 and response.url == change_url(explainer)
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED
    assert Transition.objects.filter(explainer=explainer).first().comment == "All good."


def test_checker_who_sends_a_draft_back_lands_on_the_desk(client, fact_checker, writer):
    """Sent back, the draft is out of the fact-checker's sight: they go to the desk with the
    confirmation, not to a change page saying the explainer does not exist."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(fact_checker)
    response = client.post(
        move_url(explainer, "request_changes"),
        {"request_changes-comment": "Fact 2 needs a source."},
    )

    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert messages_of(response) == ["Request changes: done. It is now draft."]
    explainer.refresh_from_db()
    assert explainer.state == State.DRAFT
    desk = client.get(response.url)
    assert desk.status_code == 200
    assert not any("exist" in m for m in messages_of(desk))


def test_transition_by_the_wrong_role_is_403(client, writer):
    """A writer posting "approve" on their own explainer is forbidden outright."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(writer)
    assert client.post(move_url(explainer, "approve"), {}).status_code == 403
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW


def test_missing_required_comment_is_a_clear_message(client, fact_checker, writer):
    """Request changes without a comment: nothing moves and the editor is told why."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(fact_checker)
    response = client.post(move_url(explainer, "request_changes"), {"request_changes-comment": ""})
    assert response.status_code == 302
    assert any("required" in m.lower() for m in messages_of(response))
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW


# The panel: state, checklist, exactly the allowed buttons.

PANEL_CASES = [
    ("writer", State.DRAFT, True, ["submit"]),
    ("writer", State.IN_REVIEW, True, []),
    ("fact_checker", State.IN_REVIEW, False, ["request_changes", "approve"]),
    ("fact_checker", State.APPROVED, False, ["request_changes"]),
    ("editor", State.APPROVED, False, ["request_changes", "publish"]),
    ("editor", State.PUBLISHED, False, ["unpublish"]),
    ("editor", State.ARCHIVED, False, ["restore"]),
]


@pytest.mark.parametrize(("role", "state", "own", "verbs"), PANEL_CASES)
def test_panel_shows_exactly_the_moves_this_user_may_make(
    request, client, other_writer, role, state, own, verbs
):
    """The change form offers one button per move this user may make now, and no other."""
    user = request.getfixturevalue(role)
    explainer = explainer_in(state, authors=[user if own else other_writer])
    client.force_login(user)
    response = client.get(change_url(explainer))
    assert response.status_code == 200
    panel = response.context["workflow"]
    assert [b["move"].verb for b in panel["buttons"]] == verbs
    html = response.content.decode()
    for verb in workflow.MOVES:
        assert (f'data-move="{verb}"' in html) is (verb in verbs)
    assert f'state-badge state-{state}"' in html


def test_panel_shows_failed_checks_with_their_fix(client, fact_checker, writer):
    """A failing check is shown with what to fix; approve waits instead of offering a button."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    explainer.topics.clear()
    client.force_login(fact_checker)
    response = client.get(change_url(explainer))
    html = response.content.decode()
    assert 'data-check="topics"' in html and "Choose at least one topic." in html
    panel = response.context["workflow"]
    assert [b["move"].verb for b in panel["buttons"]] == ["request_changes"]
    assert [m.verb for m in panel["waiting"]] == ["approve"]


def test_comment_box_is_required_where_the_table_says(client, editor, writer):
    """Unpublish's comment box is marked required; publish's is optional."""
    explainer = explainer_in(State.PUBLISHED, authors=[writer])
    client.force_login(editor)
    html = client.get(change_url(explainer)).content.decode()
    assert 'name="unpublish-comment"' in html
    start = html.index('name="unpublish-comment"')
    assert "required" in html[start - 200 : start + 200]


def test_panel_shows_history_and_last_verified(client, editor, writer):
    """The change form lists the moves made so far and when facts were last verified."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    response = client.get(change_url(explainer))
    names = [t.name for t in response.context["workflow"]["history"]]
    assert names == ["approve", "submit"]
    assert response.context["workflow"]["last_verified"] is not None
    assert "Facts last verified" in response.content.decode()


# Time zones on the publish form.


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2031-03-30T01:30", "nonexistent"),  # clocks go forward at 01:00 in London
        ("2031-10-26T01:30", "ambiguous"),  # clocks go back at 02:00: 01:30 happens twice
    ],
)
def test_publish_form_refuses_dst_gaps_and_overlaps(settings, typed, code):
    """A wall-clock time that does not exist, or exists twice, is a form error, not a guess."""
    settings.TIME_ZONE = "Europe/London"
    with time_machine.travel("2031-01-01 00:00Z"):
        form = PublishForm({"publish-go_live_at": typed}, move=workflow.MOVES["publish"])
        assert not form.is_valid()
    error = form.errors.as_data()["go_live_at"][0]
    assert error.code == code
    assert "Europe/London" in error.message


def test_publish_form_stores_utc(settings):
    """Noon in London in summer is 11:00 UTC; in winter 12:00 UTC."""
    settings.TIME_ZONE = "Europe/London"
    with time_machine.travel("2031-01-01 00:00Z"):
        summer = PublishForm(
            {"publish-go_live_at": "2031-07-01T12:00"}, move=workflow.MOVES["publish"]
        )
        winter = PublishForm(
            {"publish-go_live_at": "2031-12-01T12:00"}, move=workflow.MOVES["publish"]
        )
        assert summer.is_valid() and winter.is_valid()
    assert summer.cleaned_data["go_live_at"] == datetime.datetime(2031, 7, 1, 11, 0, tzinfo=UTC)
    assert winter.cleaned_data["go_live_at"] == datetime.datetime(2031, 12, 1, 12, 0, tzinfo=UTC)


def test_admin_schedules_in_newsroom_time(client, editor, writer, settings):
    """Scheduling through the admin stores the UTC instant of the local time typed."""
    settings.TIME_ZONE = "Europe/London"
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    client.post(move_url(explainer, "publish"), {"publish-go_live_at": "2031-07-01T09:00"})
    version = PublishedVersion.objects.get(explainer=explainer)
    assert version.go_live_at == datetime.datetime(2031, 7, 1, 8, 0, tzinfo=UTC)
    assert not PublishedVersion.objects.live().filter(pk=version.pk).exists()


def test_scheduling_says_when_the_version_goes_live(client, editor, writer, settings):
    """A scheduled version is not live yet: the confirmation says when it will be."""
    settings.TIME_ZONE = "Europe/London"
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    response = client.post(
        move_url(explainer, "publish"), {"publish-go_live_at": "2031-07-01T09:00"}
    )

    assert messages_of(response) == [
        "Publish: done. The new version is scheduled to go live on 1 Jul 2031, 09:00."
    ]
    client.get(response.url)  # shows, and so clears, the message
    explainer = explainer_in(State.APPROVED, authors=[writer])
    response = client.post(move_url(explainer, "publish"), {"publish-go_live_at": ""})
    assert messages_of(response) == ["Publish: done. It is now published."]


def test_admin_refuses_an_ambiguous_go_live_time(client, editor, writer, settings):
    """An ambiguous go-live time posted to the admin publishes nothing and says why."""
    settings.TIME_ZONE = "Europe/London"
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    response = client.post(
        move_url(explainer, "publish"), {"publish-go_live_at": "2031-10-26T01:30"}
    )
    assert any("happens twice" in m for m in messages_of(response))
    assert not PublishedVersion.objects.filter(explainer=explainer).exists()
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED


# Roles on the change form.


def test_writer_cannot_open_someone_elses_explainer(client, writer, other_writer):
    """Writers edit only explainers they are an author of."""
    explainer = complete_explainer(authors=[other_writer], title="Not yours to edit")
    client.force_login(writer)
    response = client.get(change_url(explainer), follow=True)
    assert "Not yours to edit" not in response.content.decode()
    assert "adminform" not in (response.context or {})


def test_writers_new_explainer_carries_their_byline(client, writer):
    """A writer's new explainer is theirs at once (so they can open it again)."""
    client.force_login(writer)
    url = reverse("admin:articles_explainer_add")
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data.update({"title": "A writer's first draft", "slug": "writers-first-draft"})
    assert client.post(url, data).status_code == 302
    explainer = Explainer.objects.get(slug="writers-first-draft")
    assert list(explainer.authors.all()) == [writer]


def test_fact_checker_cannot_change_the_text(client, fact_checker, writer):
    """The text fields are read-only for a fact-checker; a forged value is ignored."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer], title="The checked title")
    client.force_login(fact_checker)
    data = edit_form(client, explainer)
    assert "title" not in data and "key_facts-0-text" not in data
    data["title"] = "A fact-checker's headline"
    data["key_facts-0-text"] = "A rewritten fact."
    assert client.post(change_url(explainer), data).status_code == 302
    explainer.refresh_from_db()
    assert explainer.title == "The checked title"
    assert "rewritten" not in " ".join(explainer.key_facts.values_list("text", flat=True))


def test_writer_who_rewords_a_fact_in_review_sends_it_back_to_draft(client, writer):
    """A change to the text of an in-review explainer sends it back to draft."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    data["key_facts-0-text"] = "A reworded fact."
    assert client.post(change_url(explainer), data).status_code == 302
    explainer.refresh_from_db()
    assert explainer.state == State.DRAFT


def test_in_review_save_without_a_text_change_stays_in_review(client, writer):
    """Saving an in-review explainer without changing its text leaves it in review."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(writer)
    assert client.post(change_url(explainer), edit_form(client, explainer)).status_code == 302
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW


def test_fact_checker_sets_a_check_and_is_recorded(client, fact_checker, writer):
    """Setting a fact's check records who checked it and when; the review stays in review."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    fact = explainer.key_facts.order_by("position").first()
    KeyFact.objects.filter(pk=fact.pk).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    client.force_login(fact_checker)
    data = edit_form(client, explainer)
    data["key_facts-0-check_status"] = "verified"
    data["key_facts-0-check_note"] = "Matches page 4 of the report."
    before = timezone.now()
    assert client.post(change_url(explainer), data).status_code == 302
    fact.refresh_from_db()
    assert (fact.check_status, fact.checked_by) == ("verified", fact_checker)
    assert before <= fact.checked_at <= timezone.now()
    assert fact.check_note == "Matches page 4 of the report."
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW


def test_writer_cannot_verify_their_own_facts(client, writer):
    """The check fields are read-only for writers: a forged "verified" is ignored."""
    explainer = complete_explainer(authors=[writer])
    fact = explainer.key_facts.order_by("position").first()
    KeyFact.objects.filter(pk=fact.pk).update(
        check_status="unchecked", checked_by=None, checked_at=None
    )
    client.force_login(writer)
    data = edit_form(client, explainer)
    assert "key_facts-0-check_status" not in data
    data["key_facts-0-check_status"] = "verified"
    assert client.post(change_url(explainer), data).status_code == 302
    fact.refresh_from_db()
    assert fact.check_status == "unchecked"


def test_rewording_a_verified_fact_resets_its_check(client, writer):
    """A verified fact whose text changes is unchecked again: the check was of other words."""
    explainer = complete_explainer(authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    data["key_facts-0-text"] = "A reworded fact."
    assert client.post(change_url(explainer), data).status_code == 302
    fact = explainer.key_facts.get(text="A reworded fact.")
    assert (fact.check_status, fact.checked_by, fact.checked_at) == ("unchecked", None, None)


@pytest.mark.parametrize(("typed", "kept"), [("1,", True), (" 1 ", True), ("", False)])
def test_a_writer_citing_other_sources_unchecks_the_fact(client, writer, typed, kept):
    """The same source numbers typed another way keep the fact's check; other sources undo it."""
    explainer = complete_explainer(authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    assert data["key_facts-0-sources"] == "1"
    data["key_facts-0-sources"] = typed
    assert client.post(change_url(explainer), data).status_code == 302
    fact = explainer.key_facts.order_by("position").first()
    assert (fact.check_status == KeyFact.Check.VERIFIED) is kept
    assert fact.sources.exists() is kept


def test_an_unreadable_date_gets_one_message_and_nothing_is_saved(client, writer):
    """A date the form cannot read is said once ("Enter a valid date."), not followed by the
    model's complaint about the empty value it then sees ("A past event needs a date.")."""
    explainer = complete_explainer(authors=[writer])
    event = explainer.timeline.get(date__isnull=True)  # an item to watch, with no date yet
    client.force_login(writer)
    data = edit_form(client, explainer)
    prefix = row_prefix(data, "timeline", event.pk)
    data[f"{prefix}-kind"] = "past"
    data[f"{prefix}-date"] = "Oct 2010"

    response = client.post(change_url(explainer), data)

    assert response.status_code == 200
    [formset] = [
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "timeline"
    ]
    form = next(f for f in formset.formset.forms if f.instance.pk == event.pk)
    assert form.errors["date"] == ["Enter a valid date."]
    event_before = (event.date, event.kind)
    event.refresh_from_db()
    assert (event.date, event.kind) == event_before


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("2010-04-03", datetime.date(2010, 4, 3)),
        ("3 April 2010", datetime.date(2010, 4, 3)),
        ("April 3, 2010", datetime.date(2010, 4, 3)),
        ("3 Apr 2010", datetime.date(2010, 4, 3)),
        ("03/04/2010", None),  # 3 April or 4 March? Refused, not guessed.
        ("04/03/2010", None),
        ("3.4.2010", None),
    ],
)
def test_typed_dates_are_read_only_where_no_newsroom_could_misread_them(
    client, writer, typed, saved
):
    explainer = complete_explainer(authors=[writer])
    event = explainer.timeline.get(date__isnull=False)
    before = event.date
    client.force_login(writer)
    data = edit_form(client, explainer)
    prefix = row_prefix(data, "timeline", event.pk)
    data[f"{prefix}-date"] = typed
    data[f"{prefix}-precision"] = "day"

    response = client.post(change_url(explainer), data)

    event.refresh_from_db()
    if saved is None:
        assert response.status_code == 200
        assert "Enter a valid date." in response.content.decode()
        assert event.date == before
    else:
        assert response.status_code == 302
        assert event.date == saved


# Working copy edits after review.


def test_editing_an_approved_copy_sends_it_back_to_draft(client, editor, writer):
    """Approval is of one text: a change drops it and the explainer is a draft again."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    data = edit_form(client, explainer)
    data["dek"] = "A sharper one-sentence summary."
    response = client.post(change_url(explainer), data)
    assert response.status_code == 302
    explainer.refresh_from_db()
    assert explainer.state == State.DRAFT
    assert (explainer.approved_by, explainer.approved_digest) == (None, "")
    assert Transition.objects.filter(explainer=explainer).first().name == "revise"


def test_saving_an_approved_copy_unchanged_keeps_the_approval(client, editor, writer):
    """A save that changes nothing readers see leaves the approval in place."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    assert client.post(change_url(explainer), edit_form(client, explainer)).status_code == 302
    explainer.refresh_from_db()
    assert explainer.state == State.APPROVED


def test_editing_a_published_copy_keeps_readers_on_the_live_version(client, editor, writer):
    """The published explainer's edit is a draft; readers still get the published text."""
    explainer = explainer_in(State.PUBLISHED, authors=[writer], title="Live headline")
    client.force_login(editor)
    data = edit_form(client, explainer)
    data["title"] = "Draft headline"
    client.post(change_url(explainer), data)
    explainer.refresh_from_db()
    assert (explainer.state, explainer.title) == (State.DRAFT, "Draft headline")
    assert PublishedVersion.objects.live().get(explainer=explainer).title == "Live headline"
    public = Client().get(f"/explainers/{explainer.slug}/").content.decode()
    assert "Live headline" in public and "Draft headline" not in public


# Conflicts.


def test_second_of_two_concurrent_edits_is_refused(client, editor, writer):
    """Two forms opened on the same version: the second save is refused, naming who saved first."""
    writer.first_name, writer.last_name = "Wendy", "Writer"
    writer.save()
    explainer = complete_explainer(authors=[writer], title="Original")
    writers_client, editors_client = Client(), Client()
    writers_client.force_login(writer)
    editors_client.force_login(editor)
    writers_form = edit_form(writers_client, explainer)
    editors_form = edit_form(editors_client, explainer)

    writers_form["title"] = "Writer's title"
    assert writers_client.post(change_url(explainer), writers_form).status_code == 302
    editors_form["title"] = "Editor's title"
    response = editors_client.post(change_url(explainer), editors_form)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Wendy Writer saved this explainer at" in html
    explainer.refresh_from_db()
    assert explainer.title == "Writer's title"
    assert explainer.updated_by == writer


def test_each_save_moves_the_lock_version_on(client, editor, writer):
    """A successful edit bumps lock_version, so the next form is built on the new value."""
    explainer = complete_explainer(authors=[writer])
    client.force_login(editor)
    before = explainer.lock_version
    data = edit_form(client, explainer)
    data["title"] = "An edited title"
    client.post(change_url(explainer), data)
    explainer.refresh_from_db()
    assert explainer.lock_version == before + 1


# The audit trail.


def test_transition_records_cannot_be_changed_in_the_admin(client, superuser, writer):
    """Nobody, superusers included, edits a transition record through the admin."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    row = Transition.objects.filter(explainer=explainer).first()
    client.force_login(superuser)
    url = reverse("admin:articles_transition_change", args=[row.pk])
    response = client.post(url, {"name": "approve", "comment": "forged"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.name, row.comment) == ("submit", "")


def test_transition_records_cannot_be_deleted_in_the_admin(client, superuser, writer):
    """The delete page and the bulk delete action are refused to superusers too."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    row = Transition.objects.filter(explainer=explainer).first()
    client.force_login(superuser)
    delete = reverse("admin:articles_transition_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:articles_transition_changelist")
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert Transition.objects.filter(pk=row.pk).exists()


# Change list and desk.


def test_change_list_shows_state_badges(client, editor, writer):
    """Each row carries its state as a badge."""
    explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(editor)
    html = client.get(reverse("admin:articles_explainer_changelist")).content.decode()
    assert 'class="state-badge state-in_review"' in html


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        ("mine", {"mine-draft", "mine-in-review"}),
        ("awaiting_my_review", {"theirs-in-review", "assigned-to-me"}),
    ],
)
def test_change_list_queue_filters(client, fact_checker, other_writer, queue, expected):
    """ "Mine" lists what I wrote; "awaiting my review" what is in review for me (not my own)."""
    complete_explainer(authors=[fact_checker], slug="mine-draft")
    explainer_in(State.IN_REVIEW, authors=[other_writer], slug="theirs-in-review")
    explainer_in(State.IN_REVIEW, authors=[fact_checker], slug="mine-in-review")
    assigned = explainer_in(State.IN_REVIEW, authors=[other_writer], slug="assigned-to-me")
    workflow.assign(assigned, by=desk_editor(), assignee=fact_checker)
    someone_else = explainer_in(State.IN_REVIEW, authors=[other_writer], slug="assigned-away")
    workflow.assign(someone_else, by=desk_editor(), assignee=desk_checker())
    client.force_login(fact_checker)
    response = client.get(reverse("admin:articles_explainer_changelist"), {"queue": queue})
    slugs = {e.slug for e in response.context["cl"].result_list}
    assert slugs == expected


def test_overdue_review_stands_out(client, editor, fact_checker, writer):
    """A review past its due date is flagged in the list and on the desk."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer], title="Late review")
    workflow.assign(
        explainer, by=editor, assignee=fact_checker, due=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(editor)
    changelist = client.get(reverse("admin:articles_explainer_changelist")).content.decode()
    assert 'class="overdue"' in changelist
    desk = client.get(reverse("admin:index"))
    (queue,) = [q for q in desk.context["queues"] if q["key"] == "awaiting_fact_check"]
    assert queue["items"][0]["overdue"] is True
    assert "overdue" in desk.content.decode()


def test_desk_queues(client, editor, writer):
    """The admin index lists drafts, reviews, approvals, scheduled and recent publications."""
    complete_explainer(authors=[editor], title="Editor's own draft")
    explainer_in(State.IN_REVIEW, authors=[writer], title="Waiting review")
    explainer_in(State.APPROVED, authors=[writer], title="Ready one")
    explainer_in(State.PUBLISHED, authors=[writer], title="Fresh one")
    later = explainer_in(State.APPROVED, authors=[writer], title="Later one")
    publication.publish(later, by=editor, go_live_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    queues = {q["key"]: [i["title"] for i in q["items"]] for q in response.context["queues"]}
    assert queues["my_drafts"] == ["Editor's own draft"]
    assert queues["awaiting_fact_check"] == ["Waiting review"]
    assert queues["ready_to_publish"] == ["Ready one"]
    assert queues["scheduled"] == ["Later one"]
    assert queues["recently_published"] == ["Fresh one"]
    assert "Waiting review" in response.content.decode()


def test_stale_queue(client, editor, writer):
    """Published, with a date to watch that passed over a week ago and no newer version."""
    with time_machine.travel("2031-01-01 09:00Z", tick=False):
        explainer = complete_explainer(authors=[writer], title="Budget vote explainer")
        TimelineEvent.objects.create(
            explainer=explainer,
            kind=TimelineEvent.Kind.UPCOMING,
            date=datetime.date(2031, 1, 10),
            precision="day",
            text="The budget vote",
            position=5,
        )
        workflow.submit(explainer, by=writer)
        workflow.approve(explainer, by=desk_checker())
        publication.publish(explainer, by=editor)

    def stale_titles():
        client.force_login(editor)
        response = client.get(reverse("admin:index"))
        (queue,) = [q for q in response.context["queues"] if q["key"] == "stale"]
        return [item["title"] for item in queue["items"]]

    with time_machine.travel("2031-01-15 09:00Z", tick=False):
        assert stale_titles() == []  # passed 5 days ago: not stale yet
    with time_machine.travel("2031-01-20 09:00Z", tick=False):
        assert stale_titles() == ["Budget vote explainer"]


# Assignment.


def test_editor_assigns_a_review_in_the_admin(client, editor, fact_checker, writer):
    """The assign form names a fact-checker and a due date; GET on it is 405."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(editor)
    url = reverse("admin:articles_explainer_assign", args=[explainer.pk])
    assert client.get(url).status_code == 405
    response = client.post(
        url, {"assign-assignee": fact_checker.pk, "assign-review_due": "2031-05-01"}
    )
    assert response.status_code == 302
    explainer.refresh_from_db()
    assert (explainer.assignee, explainer.review_due) == (fact_checker, datetime.date(2031, 5, 1))


def test_assign_choices_leave_out_authors(client, editor, writer):
    """The fact-checker list offers no author of the explainer (four eyes)."""
    checker_author = desk_checker()
    explainer = explainer_in(State.IN_REVIEW, authors=[writer, checker_author])
    client.force_login(editor)
    form = client.get(change_url(explainer)).context["workflow"]["assign_form"]
    assert checker_author not in form.fields["assignee"].queryset


# Published versions.


def _two_versions(editor, writer) -> Explainer:
    explainer = explainer_in(State.PUBLISHED, authors=[writer], title="First headline")
    explainer.title = "Second headline"
    explainer.change_note = "New headline."
    explainer.save()
    workflow.revise(explainer, by=writer)
    workflow.submit(explainer, by=writer)
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=editor)
    return explainer


def test_open_an_old_version_as_readers_saw_it(client, editor, writer):
    """Version 1 opens with its own text, after version 2 replaced it."""
    explainer = _two_versions(editor, writer)
    client.force_login(editor)
    url = reverse("admin:articles_explainer_version", args=[explainer.pk, 1])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "First headline" in html and "Second headline" not in html
    assert response["X-Robots-Tag"].startswith("noindex")


def test_versions_are_listed_on_the_change_form(client, editor, writer):
    """The change form lists every published version, newest first, with the live one marked."""
    explainer = _two_versions(editor, writer)
    client.force_login(editor)
    rows = client.get(change_url(explainer)).context["workflow"]["versions"]
    assert [(r["version"].number, r["live"]) for r in rows] == [(2, True), (1, False)]


def test_diff_between_two_versions(client, editor, writer):
    """The old comparison address of two published versions leads to the history's
    comparison, which shows the headline as it was and as it became."""
    explainer = _two_versions(editor, writer)
    client.force_login(editor)
    url = reverse("admin:articles_explainer_version_diff", args=[explainer.pk])
    response = client.get(url, {"a": 1, "b": 2}, follow=True)
    compare = reverse("admin:articles_explainer_compare", args=[explainer.pk])
    assert response.redirect_chain == [(f"{compare}?start=v1&end=v2", 302)]
    (title,) = [s for s in response.context["changes"] if s.label == "Title"]
    assert [c.parts for c in title.changes] == [
        [("del", "First "), ("ins", "Second "), ("same", "headline")]
    ]


def test_explainer_with_an_audit_trail_cannot_be_deleted(client, editor, writer):
    """Deleting an explainer would take its transition records with it: refused to editors."""
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(editor)
    url = reverse("admin:articles_explainer_delete", args=[explainer.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Transition.objects.filter(explainer=explainer).exists()


@pytest.mark.parametrize(("role", "offered"), [("writer", False), ("editor", True)])
def test_recover_deleted_is_offered_only_to_those_it_lets_in(client, request, role, offered):
    """The list's "Recover deleted explainers" link follows the page's own permission: a
    writer is not sent to a 403."""
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("admin:articles_explainer_changelist")).content.decode()
    recover = reverse("admin:articles_explainer_recoverlist")

    assert (f'href="{recover}"' in page) == offered
    assert 'class="importlink"' in page and 'class="addlink"' in page
    assert client.get(recover).status_code == (200 if offered else 403)


def test_view_on_site_opens_the_live_page_and_only_once_there_is_one(client, editor, writer):
    """No "View on site" for a draft nobody can read yet; once published, it opens the page
    readers see, on the host serving the desk, under the live slug."""
    explainer = explainer_in(State.APPROVED, authors=[writer])
    client.force_login(editor)
    assert "viewsitelink" not in client.get(change_url(explainer)).content.decode()

    client.post(move_url(explainer, "publish"), {"publish-go_live_at": ""})
    explainer.refresh_from_db()
    Explainer.objects.filter(pk=explainer.pk).update(slug="renamed-not-yet-republished")
    page = client.get(change_url(explainer)).content.decode()

    live_path = reverse("articles:explainer", args=[explainer.slug])
    assert f'href="{live_path}" class="viewsitelink"' in page
    assert client.get(live_path).status_code == 200


def test_slug_help_text_reads_as_written(client, writer):
    """The admin prints help text as HTML: no part of it may look like a tag (the old text,
    "/explainers/<slug>/", reached the browser as "/explainers//")."""
    client.force_login(writer)
    page = client.get(reverse("admin:articles_explainer_add")).content.decode()
    help_text = re.search(r'id="id_slug_helptext">\s*<div>(.*?)</div>', page, re.S)
    assert help_text is not None
    shown = help_text.group(1).strip()
    assert "<" not in shown and ">" not in shown
    assert "/explainers/this-slug/" in shown


def byline_rows(data: dict) -> dict[str, str]:
    """Map each byline row's prefix to its author's id, from posted form data."""
    return {
        key[: -len("-author")]: value
        for key, value in data.items()
        if key.startswith("byline_set-") and key.endswith("-author") and "__prefix__" not in key
    }


def test_writer_cannot_take_off_their_own_byline(client, writer):
    """Without their byline a writer could no longer open their draft: refused, with why."""
    explainer = explainer_in(State.DRAFT, authors=[writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    [mine] = [p for p, author in byline_rows(data).items() if author == str(writer.pk)]
    data[f"{mine}-DELETE"] = "on"

    response = client.post(change_url(explainer), data)

    assert response.status_code == 200
    assert "Keep your own byline" in response.content.decode()
    assert explainer.byline_set.filter(author=writer).exists()


def test_writer_may_take_off_a_coauthor_and_an_editor_anyone(client, editor, writer, other_writer):
    explainer = explainer_in(State.DRAFT, authors=[writer, other_writer])
    client.force_login(writer)
    data = edit_form(client, explainer)
    [theirs] = [p for p, author in byline_rows(data).items() if author == str(other_writer.pk)]
    data[f"{theirs}-DELETE"] = "on"
    assert client.post(change_url(explainer), data).status_code == 302
    assert list(explainer.byline_set.values_list("author", flat=True)) == [writer.pk]

    client.force_login(editor)
    data = edit_form(client, explainer)
    [only] = byline_rows(data)
    data[f"{only}-DELETE"] = "on"
    assert client.post(change_url(explainer), data).status_code == 302
    assert not explainer.byline_set.exists()


def test_writer_sees_what_was_asked_at_the_top_until_the_draft_moves_on(
    client, fact_checker, writer
):
    explainer = explainer_in(State.IN_REVIEW, authors=[writer])
    client.force_login(fact_checker)
    client.post(
        move_url(explainer, "request_changes"),
        {"request_changes-comment": "Fact 2 gives the wrong year <b>2025</b>."},
    )

    client.force_login(writer)
    panel = client.get(change_url(explainer)).context["workflow"]
    assert panel["sent_back"].comment == "Fact 2 gives the wrong year <b>2025</b>."
    html = client.get(change_url(explainer)).content.decode()
    top = html[html.index('class="workflow-sent-back"') : html.index("Ready to publish?")]
    assert "Changes requested" in top and "wrong year &lt;b&gt;2025&lt;/b&gt;." in top

    client.post(move_url(explainer, "submit"), {"submit-comment": ""})
    explainer.refresh_from_db()
    assert explainer.state == State.IN_REVIEW
    assert client.get(change_url(explainer)).context["workflow"]["sent_back"] is None
