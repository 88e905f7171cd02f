"""The desk's editorial calendar: which date lands where, the filters, who sees what, bad input."""

from __future__ import annotations

import datetime
from datetime import UTC, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.desk import calendar
from articles.desk.calendar_views import read_query
from articles.models import Explainer, TimelineEvent
from articles.publishing import moves as publication
from tests import factories
from tests.articles.workflow_helpers import desk_editor, explainer_in, scheduled_revision

pytestmark = pytest.mark.django_db

State = Explainer.State
Kind = TimelineEvent.Kind
# A Wednesday; its week runs from Monday 2 to Sunday 8 June 2031 (British Summer Time).
NOW = datetime.datetime(2031, 6, 4, 8, 0, tzinfo=UTC)
MONDAY = datetime.date(2031, 6, 2)
PAGE = "admin:articles_explainer_calendar"


@pytest.fixture(autouse=True)
def at_now(settings):
    settings.TIME_ZONE = "Europe/London"
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def dated(explainer, day, kind=Kind.UPCOMING, precision="day", text="An event to come"):
    return factories.TimelineEventFactory(
        explainer=explainer, date=day, precision=precision, kind=kind, text=text
    )


def week(user, day=MONDAY, **filters) -> calendar.Calendar:
    period = calendar.Period.around(calendar.WEEK, day)
    return calendar.build(user, period, calendar.Filters(**filters))


def shown(cal: calendar.Calendar) -> list[tuple[str, str, datetime.date]]:
    return [(e.label, e.title, e.day) for e in cal.entries]


def page(client, **params):
    return client.get(reverse(PAGE), params)


# What lands where.


def test_periods_start_on_monday_and_on_the_first_of_the_month():
    assert calendar.Period.around("week", datetime.date(2031, 6, 8)).start == MONDAY
    assert calendar.Period.around("week", MONDAY).end == datetime.date(2031, 6, 9)
    month = calendar.Period.around("month", datetime.date(2031, 12, 17))
    assert (month.start, month.end) == (datetime.date(2031, 12, 1), datetime.date(2032, 1, 1))
    assert month.previous_start == datetime.date(2031, 11, 30)


def test_each_kind_lands_on_its_day_in_the_newsroom_time_zone(writer, editor):
    explainer = explainer_in(State.APPROVED, authors=[writer], title="Dam vote")
    # 23:30 UTC on Thursday is 00:30 on Friday in London (summer time).
    go_live = datetime.datetime(2031, 6, 5, 23, 30, tzinfo=UTC)
    expires = datetime.datetime(2031, 6, 7, 9, 0, tzinfo=UTC)
    publication.publish(explainer, by=editor, go_live_at=go_live, expires_at=expires)
    draft = factories.complete_explainer(authors=[writer], title="Budget draft")
    dated(draft, datetime.date(2031, 6, 3), Kind.UPCOMING)
    dated(draft, datetime.date(2031, 6, 8), Kind.WATCH, text="Watch the reply")
    dated(draft, datetime.date(2031, 6, 9), Kind.UPCOMING, text="Next week")
    dated(draft, datetime.date(2031, 6, 3), Kind.PAST, text="Not to come")
    Explainer.objects.filter(pk=draft.pk).update(review_due=datetime.date(2031, 6, 6))

    cal = week(writer)

    assert shown(cal) == [
        ("Upcoming", "Budget draft", datetime.date(2031, 6, 3)),
        # All-day dates come before the day's times.
        ("Review due", "Budget draft", datetime.date(2031, 6, 6)),
        ("Goes live", "Dam vote", datetime.date(2031, 6, 6)),
        ("Expires", "Dam vote", datetime.date(2031, 6, 7)),
        ("Watch", "Budget draft", datetime.date(2031, 6, 8)),
    ]
    go_live_entry = cal.by_day[datetime.date(2031, 6, 6)][1]
    assert f"{go_live_entry.at:%H:%M}" == "00:30"
    assert go_live_entry.url == reverse("admin:articles_explainer_change", args=[explainer.pk])


def test_month_precision_is_listed_under_its_month_not_on_a_day(writer):
    draft = factories.complete_explainer(authors=[writer], title="Census")
    dated(draft, datetime.date(2031, 6, 1), precision="month", text="Results in June")
    dated(draft, datetime.date(2031, 1, 1), precision="year", text="Some time this year")

    cal = week(writer)
    assert [e.detail for e in cal.by_month[datetime.date(2031, 6, 1)]] == ["Results in June"]
    assert all(not entries for entries in cal.by_day.values())
    # A week that straddles May and June lists June's month-precision dates too.
    straddling = week(writer, datetime.date(2031, 5, 28))
    assert list(straddling.by_month) == [datetime.date(2031, 6, 1)]
    assert not week(writer, datetime.date(2031, 5, 20)).entries

    response = page(writer_client(writer), view="month", start="2031-06-01")
    html = response.content.decode()
    assert '<time datetime="2031-06">June 2031</time>' in html
    assert "Results in June" in html
    assert (
        'datetime="2031-06-01"' not in html.split("Results in June")[0].split("calendar-days")[-1]
    )


def test_a_hand_over_to_the_next_version_is_not_an_expiry(writer):
    go_live = NOW + timedelta(days=1)
    explainer = scheduled_revision(authors=[writer], go_live_at=go_live)
    labels = [(e.label, e.detail) for e in week(writer).entries if e.explainer_id == explainer.pk]
    # Version 1 went live this morning and hands over to version 2 tomorrow: not an expiry.
    assert labels == [("Goes live", "version 1"), ("Goes live", "version 2")]


def test_a_cancelled_schedule_never_goes_live(writer, editor):
    explainer = explainer_in(State.APPROVED, authors=[writer])
    publication.publish(explainer, by=editor, go_live_at=NOW + timedelta(days=1))
    assert [e.label for e in week(writer).entries] == ["Goes live"]
    publication.cancel_schedule(explainer, by=editor)
    assert week(writer).entries == []


# Filters.


def test_filters_mine_topic_and_state(writer, editor):
    water = factories.TopicFactory(slug="water", name="Water")
    mine = factories.complete_explainer(authors=[writer], title="Mine")
    mine.topics.set([water])
    theirs = explainer_in(State.IN_REVIEW, authors=[desk_editor()], title="Theirs")
    day = datetime.date(2031, 6, 5)
    dated(mine, day)
    dated(theirs, day)

    titles = lambda cal: sorted(e.title for e in cal.entries)  # noqa: E731
    assert titles(week(editor)) == ["Mine", "Theirs"]
    assert titles(week(writer, mine=True)) == ["Mine"]
    assert titles(week(editor, mine=True)) == []
    assert titles(week(editor, topic="water")) == ["Mine"]
    assert titles(week(editor, state="in_review")) == ["Theirs"]
    # An assigned fact-checker counts the review as theirs.
    Explainer.objects.filter(pk=theirs.pk).update(assignee=editor)
    assert titles(week(editor, mine=True)) == ["Theirs"]


def test_the_page_keeps_filters_in_its_navigation(writer):
    factories.TopicFactory(slug="water", name="Water")
    response = page(writer_client(writer), view="week", start="2031-06-04", mine="1", topic="water")
    links = response.context["links"]
    assert links["next"].endswith("start=2031-06-09&mine=1&topic=water")
    assert links["previous"].endswith("start=2031-05-26&mine=1&topic=water")
    assert "view=month" in links["month"] and "mine=1" in links["month"]


# Who sees what.


@pytest.fixture
def drafts(writer, other_writer):
    day = datetime.date(2031, 6, 5)
    own = factories.complete_explainer(authors=[writer], title="Own draft")
    colleague = factories.complete_explainer(authors=[other_writer], title="Colleague's draft")
    in_review = explainer_in(State.IN_REVIEW, authors=[other_writer], title="Under review")
    for explainer in (own, colleague, in_review):
        dated(explainer, day)
    return own, colleague, in_review


@pytest.mark.parametrize(
    ("role", "titles"),
    [
        ("writer", ["Own draft"]),
        ("other_writer", ["Colleague's draft", "Under review"]),
        ("fact_checker", ["Under review"]),
        ("editor", ["Colleague's draft", "Own draft", "Under review"]),
    ],
)
def test_each_role_sees_only_explainers_it_may_open(drafts, role, titles, request, client):
    user = request.getfixturevalue(role)
    assert sorted(e.title for e in week(user).entries) == titles
    client.force_login(user)
    html = page(client).content.decode()
    for title in ["Own draft", "Colleague&#x27;s draft", "Under review"]:
        assert (title in html) == (title.replace("&#x27;", "'") in titles)


def test_anonymous_is_sent_to_log_in_and_staff_without_access_refused(client, drafts):
    response = page(client)
    assert response.status_code == 302 and "/login/" in response["Location"]
    nobody = factories.UserFactory(username="nobody", is_staff=True)
    client.force_login(nobody)
    assert page(client).status_code == 403


# Bad query strings.


@pytest.mark.parametrize(
    ("params", "message", "view", "start"),
    [
        ({"view": "year"}, "There is no “year” view: showing the week.", "week", MONDAY),
        ({"start": "2031-13-01"}, "“2031-13-01” is not a date (use YYYY-MM-DD)", "week", MONDAY),
        ({"start": "<script>"}, "is not a date", "week", MONDAY),
        ({"view": "month", "start": "9999-12-31"}, "Dates run from 1900 to 9998", "month", None),
        ({"start": "0001-01-01"}, "Dates run from 1900 to 9998", "week", MONDAY),
        ({"topic": "no-such"}, "There is no topic “no-such”: showing every topic.", "week", MONDAY),
        ({"state": "gone"}, "There is no state “gone”: showing every state.", "week", MONDAY),
    ],
)
def test_bad_query_strings_are_named_and_fall_back(writer, params, message, view, start):
    client = writer_client(writer)
    response = page(client, **params)
    assert response.status_code == 200
    assert any(message in str(m) for m in get_messages(response.wsgi_request))
    assert response.context["period"].view == view
    assert response.context["period"].start == (start or datetime.date(2031, 6, 1))
    assert "<script>" not in response.content.decode()


def test_read_query_accepts_good_values():
    query = read_query({"view": "month", "start": "2031-02-14", "mine": "1"}, NOW.date())
    assert query.problems == ()
    assert query.period.start == datetime.date(2031, 2, 1)
    assert query.filters.mine


def test_page_marks_today_and_is_linked_from_the_desk(writer):
    client = writer_client(writer)
    html = page(client).content.decode()
    assert 'aria-current="date"' in html
    assert (
        '<time datetime="2031-06-04">Wednesday 4 June 2031</time> <strong class="today-flag">'
        in html
    )
    calendar_url = reverse(PAGE)
    assert (
        calendar_url in client.get(reverse("admin:articles_explainer_changelist")).content.decode()
    )
    assert calendar_url in client.get(reverse("admin:index")).content.decode()


def writer_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
