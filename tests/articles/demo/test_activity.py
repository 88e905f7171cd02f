"""The demo's desk activity (articles/demo/activity.py): threads on the explainer in review, a
live share link, a scheduled revision on the calendar; and a second seed changes none of it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from articles import demo
from articles.demo import activity
from articles.desk import calendar
from articles.models import Comment, Explainer, PublishedVersion, ShareLink, Thread, Transition
from articles.publishing import preview
from articles.workflow import readiness

User = get_user_model()


@pytest.fixture
def logins_file(settings, tmp_path):
    settings.DEBUG = True
    return tmp_path / "var" / "demo-logins.txt"


@pytest.fixture
def seeded(db, logins_file):
    return demo.seed(logins_file=logins_file)


def test_explainer_in_review_has_an_open_and_a_resolved_thread(seeded):
    review = Explainer.objects.get(state=Explainer.State.IN_REVIEW)
    assert review.slug == activity.THREADS_ON
    threads = {t.resolved_at is None: t for t in Thread.objects.filter(explainer=review)}
    assert set(threads) == {True, False}
    resolved, open_ = threads[False], threads[True]
    assert resolved.anchor == Thread.Anchor.FACT
    assert resolved.created_by.username == demo.CHECKER
    assert resolved.resolved_by.username == demo.CHECKER
    assert resolved.comments.count() == 3  # the question, the writer's answer, the close
    assert (open_.anchor, open_.section) == (Thread.Anchor.SECTION, "why_it_matters")
    assert open_.created_by.username == demo.EDITOR


def test_threads_leave_the_review_waiting_only_on_fact_checks(seeded):
    """The open thread is on a section, not a fact: it holds nothing up but the checks."""
    review = Explainer.objects.get(state=Explainer.State.IN_REVIEW)
    assert [check.key for check in readiness.failures(review)] == ["facts_verified"]


def test_share_link_is_live_and_opens_the_working_copy(seeded, client):
    link = ShareLink.objects.get()
    assert link.explainer.slug == activity.SHARED
    assert link.created_by.username == demo.EDITOR
    assert link.status() == "open"
    [(for_whom, path)] = seeded.share_links
    assert for_whom == link.for_whom and preview.share_link_for(path.split("/")[-2]) == link
    response = client.get(path)
    assert response.status_code == 200
    assert link.explainer.title in response.content.decode()


def test_scheduled_revision_goes_live_tomorrow_morning(seeded):
    """A published explainer has a second version scheduled; readers still get the first."""
    explainer = Explainer.objects.get(slug=activity.SCHEDULED)
    v1, v2 = PublishedVersion.objects.filter(explainer=explainer).order_by("number")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert timezone.localtime(v2.go_live_at).date() == tomorrow
    assert timezone.localtime(v2.go_live_at).hour == activity.SCHEDULED_HOUR
    assert v1.is_live() and not v2.is_live()
    assert v2.dek == activity.SCHEDULED_DEK != v1.dek
    assert Transition.objects.filter(explainer=explainer, name="schedule").exists()


def test_scheduled_go_live_is_on_the_desk_calendar(seeded):
    editor = User.objects.get(username=demo.EDITOR)
    today = timezone.localdate()
    entries = calendar.collect(editor, today, today + datetime.timedelta(days=2))
    # Today's are the seed's own publications; only one is still to come.
    now = timezone.now()
    go_lives = [e for e in entries if e.kind == calendar.GOES_LIVE and e.at and e.at > now]
    scheduled = Explainer.objects.get(slug=activity.SCHEDULED)
    assert [e.explainer_id for e in go_lives] == [scheduled.pk]
    assert go_lives[0].day == today + datetime.timedelta(days=1)


def test_seeding_again_stages_nothing_more(seeded, logins_file):
    counts = (
        Thread.objects.count(),
        Comment.objects.count(),
        ShareLink.objects.count(),
        PublishedVersion.objects.count(),
        Transition.objects.count(),
    )
    again = demo.seed(logins_file=logins_file)
    assert not again.changed and again.share_links == []
    assert (
        Thread.objects.count(),
        Comment.objects.count(),
        ShareLink.objects.count(),
        PublishedVersion.objects.count(),
        Transition.objects.count(),
    ) == counts


def test_command_prints_the_share_link_once(db, logins_file):
    out = io.StringIO()
    call_command("seed_demo", "--base-url", "http://demo.test", stdout=out)
    assert "Share link for Our lawyer" in out.getvalue()
    assert "http://demo.test/share/" in out.getvalue()
    again = io.StringIO()
    call_command("seed_demo", "--base-url", "http://demo.test", stdout=again)
    assert "Share link" not in again.getvalue()
