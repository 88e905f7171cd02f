"""Who else has an explainer open: the heartbeat, its answer, leaving, and running out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk import presence
from articles.models import Explainer
from articles.workflow import locks
from tests.articles.workflow_helpers import desk_editor, explainer_in
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def heartbeat_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_presence", args=[explainer.pk])


def leave_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_presence_leave", args=[explainer.pk])


def logged_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def others(client: Client, explainer: Explainer) -> list[dict]:
    response = client.post(heartbeat_url(explainer))
    assert response.status_code == 200
    return response.json()["others"]


def test_two_people_see_each_other(editor, writer):
    """Each heartbeat answers with the other person, by name, and never with oneself."""
    named(writer, "Ana", "Writer")
    named(editor, "Eda", "Editor")
    explainer = complete_explainer(authors=[writer])
    writers, editors = logged_in(writer), logged_in(editor)
    assert others(writers, explainer) == []
    assert others(editors, explainer) == [{"name": "Ana Writer", "editing": True}]
    assert others(writers, explainer) == [{"name": "Eda Editor", "editing": True}]


def test_presence_is_per_explainer(editor, writer):
    """Having one explainer open says nothing about another."""
    first, second = complete_explainer(authors=[writer]), complete_explainer(authors=[writer])
    others(logged_in(writer), first)
    assert others(logged_in(editor), second) == []


def test_someone_who_cannot_change_it_is_said_to_be_viewing(editor, fact_checker):
    """Under another's lock the fact-checker has the form open read-only, and is said so."""
    named(fact_checker, "Fay", "Checker")
    explainer = explainer_in(Explainer.State.IN_REVIEW)
    locks.lock(explainer, by=editor)
    others(logged_in(fact_checker), explainer)
    assert others(logged_in(editor), explainer) == [{"name": "Fay Checker", "editing": False}]


def test_leaving_removes_the_person_at_once(editor, writer):
    """The page's goodbye (sendBeacon on pagehide) takes its person off the list."""
    explainer = complete_explainer(authors=[writer])
    writers = logged_in(writer)
    others(writers, explainer)
    assert len(others(logged_in(editor), explainer)) == 1
    assert writers.post(leave_url(explainer)).status_code == 204
    assert others(logged_in(editor), explainer) == []


def test_a_person_whose_heartbeats_stop_drops_out(editor, writer):
    """No goodbye (a crash, a lost connection): gone once the last heartbeat runs out."""
    explainer = complete_explainer(authors=[writer])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        others(logged_in(writer), explainer)
    just_before = start + timedelta(seconds=presence.PRESENCE_SECONDS - 1)
    with time_machine.travel(just_before, tick=False):
        assert len(others(logged_in(editor), explainer)) == 1
    after = start + timedelta(seconds=presence.PRESENCE_SECONDS + 1)
    with time_machine.travel(after, tick=False):
        assert others(logged_in(editor), explainer) == []


def test_the_answer_carries_the_lock(editor, writer):
    """The heartbeat says who holds the lock, so an open form learns of a lock taken since."""
    named(editor, "Eda", "Editor")
    explainer = complete_explainer(authors=[writer])
    locks.lock(explainer, by=editor)
    lock = logged_in(writer).post(heartbeat_url(explainer)).json()["lock"]
    assert lock["holder"] == "Eda Editor" and lock["mine"] is False
    assert logged_in(editor).post(heartbeat_url(explainer)).json()["lock"]["mine"] is True


def test_the_holders_heartbeat_renews_the_lock(editor):
    """With the holder's form open, the lock does not run out."""
    explainer = complete_explainer()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locks.lock(explainer, by=editor)
    later = start + locks.duration() * 0.9
    with time_machine.travel(later, tick=False):
        logged_in(editor).post(heartbeat_url(explainer))
    with time_machine.travel(start + locks.duration() * 1.5, tick=False):
        assert Explainer.objects.get(pk=explainer.pk).lock_active()


def test_someone_elses_heartbeat_does_not_renew_the_lock(editor):
    """Another editor with the form open keeps nobody's lock alive."""
    explainer = complete_explainer()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        locks.lock(explainer, by=desk_editor())
    with time_machine.travel(start + locks.duration() * 0.9, tick=False):
        logged_in(editor).post(heartbeat_url(explainer))
    with time_machine.travel(start + locks.duration() * 1.5, tick=False):
        assert not Explainer.objects.get(pk=explainer.pk).lock_active()


# Who may.


def test_heartbeat_answers_only_post(writer):
    explainer = complete_explainer(authors=[writer])
    assert logged_in(writer).get(heartbeat_url(explainer)).status_code == 405


def test_heartbeat_needs_the_csrf_token(writer):
    """A heartbeat without the page's token is refused and records nobody."""
    explainer = complete_explainer(authors=[writer])
    assert logged_in(writer, csrf=True).post(heartbeat_url(explainer)).status_code == 403
    assert presence.others(explainer.pk, user_id=0) == []


def test_a_reader_gets_the_login_page(client, writer):
    """Anonymous: redirected to the admin's login, and nothing recorded."""
    explainer = complete_explainer(authors=[writer])
    response = client.post(heartbeat_url(explainer))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert presence.others(explainer.pk, user_id=0) == []


def test_a_writer_cannot_see_who_has_someone_elses_explainer_open(editor, writer, other_writer):
    """An explainer closed to a writer is closed to its heartbeat too: no names, no record."""
    named(editor, "Eda", "Editor")
    explainer = complete_explainer(authors=[other_writer])
    others(logged_in(editor), explainer)
    response = logged_in(writer).post(heartbeat_url(explainer))
    assert response.status_code in (403, 404)
    assert "Eda" not in response.content.decode()
    assert [p["name"] for p in presence.others(explainer.pk, user_id=0)] == ["Eda Editor"]


def test_a_broken_cache_leaves_the_form_working(editor, writer, settings):
    """With the cache down, the heartbeat answers 503 and the change form still opens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    explainer = complete_explainer(authors=[writer])
    client = logged_in(writer)
    response = client.post(heartbeat_url(explainer))
    assert response.status_code == 503
    assert response.json() == {"others": [], "available": False}
    change = reverse("admin:articles_explainer_change", args=[explainer.pk])
    assert client.get(change).status_code == 200


def test_the_change_form_carries_the_notice_and_its_script(writer):
    """The form has the polite live region the script fills, with the heartbeat's URLs."""
    explainer = complete_explainer(authors=[writer])
    html = (
        logged_in(writer).get(reverse("admin:articles_explainer_change", args=[explainer.pk])).text
    )
    assert 'id="presence-notice"' in html and 'aria-live="polite"' in html
    assert f'data-heartbeat-url="{heartbeat_url(explainer)}"' in html
    assert "js/admin-presence.js" in html


def test_with_presence_off_the_form_has_no_notice_to_beat_for(writer, settings):
    """NEWSROOM_PRESENCE off: no notice element, so the script finds nothing to send heartbeats
    for; the edit lock's own panel stays."""
    settings.NEWSROOM_PRESENCE = False
    explainer = complete_explainer(authors=[writer])
    html = (
        logged_in(writer).get(reverse("admin:articles_explainer_change", args=[explainer.pk])).text
    )
    assert 'id="presence-notice"' not in html
    assert "data-heartbeat-url" not in html
