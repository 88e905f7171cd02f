"""Staff threads on the explainer's History timeline: when each started and when it was resolved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from articles.models import Explainer
from articles.workflow import comments as talk
from tests.factories import complete_explainer

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours: int):
    return time_machine.travel(START + timedelta(hours=hours), tick=False)


def history(client, explainer: Explainer) -> list:
    url = reverse("admin:articles_explainer_history", args=[explainer.pk])
    return client.get(url).context["timeline"]


@pytest.fixture
def discussed(writer, editor):
    """A fact questioned and answered, then resolved; a section questioned and left open."""
    explainer = complete_explainer(authors=[writer])
    fact = explainer.key_facts.order_by("position").first()
    with at(0):
        on_fact = talk.start_thread(
            explainer, by=editor, anchor=f"fact:{fact.pk}", body="Which table gives this figure?"
        )
    with at(1):
        talk.reply(on_fact, by=writer, body="Table 3.")
    with at(2):
        talk.resolve(on_fact, by=editor)
    with at(3):
        talk.start_thread(explainer, by=writer, anchor="section:why_it_matters", body="Too long?")
    return explainer


def test_threads_start_and_resolve_on_the_timeline(client, discussed, writer, editor):
    """Newest first, each said in words with who and, for a start, its first comment."""
    client.force_login(editor)
    rows = [row["entry"] for row in history(client, discussed) if row["entry"].kind == "thread"]
    said = [(e.what, e.who, e.comment) for e in rows]
    fact = discussed.key_facts.order_by("position").first().text
    assert said == [
        ("Started a thread on “Why it matters”", writer.get_full_name(), "Too long?"),
        (f"Resolved the thread on the key fact “{fact}”", editor.get_full_name(), ""),
        (
            f"Started a thread on the key fact “{fact}” (1 reply since)",
            editor.get_full_name(),
            "Which table gives this figure?",
        ),
    ]
    assert [e.at for e in rows] == [START + timedelta(hours=h) for h in (3, 2, 0)]


def test_a_reopened_thread_shows_no_resolution(client, discussed, editor):
    """A thread keeps only its latest resolution: reopened, it shows only as started."""
    thread = discussed.threads.get(resolved_at__isnull=False)
    talk.reopen(thread, by=editor)
    client.force_login(editor)
    whats = [row["entry"].what for row in history(client, discussed)]
    assert not any(what.startswith("Resolved the thread") for what in whats)
    assert sum(what.startswith("Started a thread") for what in whats) == 2


def test_history_page_shows_the_thread_rows(client, discussed, editor):
    client.force_login(editor)
    url = reverse("admin:articles_explainer_history", args=[discussed.pk])
    html = client.get(url).content.decode()
    assert html.count('class="timeline-thread"') == 3
    assert "Which table gives this figure?" in html


def test_a_long_first_comment_is_cut_short(client, writer, editor):
    explainer = complete_explainer(authors=[writer])
    talk.start_thread(explainer, by=editor, anchor="section:dek", body="Word " * 100)
    client.force_login(editor)
    [entry] = [r["entry"] for r in history(client, explainer) if r["entry"].kind == "thread"]
    assert len(entry.comment) <= 200 and entry.comment.endswith("…")
