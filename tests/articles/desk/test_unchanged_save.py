"""An admin save that changes nothing changes nothing: no send-back, history, revision or
timestamp, however the editor re-spelt the rich text; real edits still count."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from reversion.models import Version

from articles import demo
from articles.interchange.importer import paragraphs_to_html
from articles.models import Explainer, KeyFact, Transition
from tests.adminform import form_data

PUBLISHED = [e.slug for e in demo.EXPLAINERS if e.state == Explainer.State.PUBLISHED]
IN_REVIEW = next(e.slug for e in demo.EXPLAINERS if e.state == Explainer.State.IN_REVIEW)
RICH_TEXT = ("what_happened", "background", "why_it_matters")


def as_the_editor_sends_it(html: str) -> str:
    """Return ``html`` re-spelt as CKEditor 4 hands it back: a blank line between blocks,
    list items indented, apostrophes and no-break spaces as references."""
    for end in ("</p>", "</h3>", "</h4>", "</ul>", "</ol>", "</blockquote>"):
        html = html.replace(f"{end}\n", f"{end}\n\n")
    html = html.replace("<li>", "\n\t<li>").replace("</ul>", "\n</ul>")
    return html.replace("'", "&#39;").replace("\xa0", "&nbsp;")


@pytest.fixture
def desk(db, client, settings, tmp_path):
    """The seeded demo, and a client signed in as its editor."""
    settings.DEBUG = True
    demo.seed(logins_file=tmp_path / "demo-logins.txt")
    client.force_login(get_user_model().objects.get(username=demo.cast.EDITOR))
    return client


def change_form(client, explainer: Explainer) -> tuple[str, dict]:
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    for field in RICH_TEXT:
        data[field] = as_the_editor_sends_it(data[field])
    return url, data


def traces(explainer: Explainer) -> tuple:
    """Return everything a save could leave behind on ``explainer``."""
    row = Explainer.objects.get(pk=explainer.pk)
    return (
        row.state,
        row.approved_digest,
        row.updated_at,
        row.lock_version,
        Transition.objects.filter(explainer=explainer).count(),
        Version.objects.get_for_object(explainer).count(),
    )


@pytest.mark.parametrize("slug", PUBLISHED)
def test_untouched_form_of_a_published_demo_explainer_changes_nothing(desk, slug):
    """Posting back a published demo explainer's form, re-spelt by the editor, leaves no trace."""
    explainer = Explainer.objects.get(slug=slug)
    before = traces(explainer)
    url, data = change_form(desk, explainer)
    assert desk.post(url, data).status_code == 302
    assert traces(explainer) == before
    assert LogEntry.objects.latest("pk").get_change_message() == "No fields changed."


def test_untouched_form_of_text_stored_as_the_importer_wrote_it_changes_nothing(desk):
    """Rich text stored in the importer's own spelling (a row saved before normalising) and
    re-spelt by the editor is not a change."""
    explainer = Explainer.objects.get(slug=IN_REVIEW)
    paragraphs = ["The world's clocks.", "Tom & Jerry's <b>bold</b> claim."]
    Explainer.objects.filter(pk=explainer.pk).update(what_happened=paragraphs_to_html(paragraphs))
    before = traces(explainer)
    url, data = change_form(desk, explainer)
    assert desk.post(url, data).status_code == 302
    assert traces(explainer) == before
    assert LogEntry.objects.latest("pk").get_change_message() == "No fields changed."


def test_a_real_edit_still_sends_a_published_explainer_back(desk):
    """A changed sentence is a change: logged, written and sent back to draft."""
    explainer = Explainer.objects.get(slug=PUBLISHED[0])
    url, data = change_form(desk, explainer)
    data["why_it_matters"] += "<p>A new paragraph.</p>"
    assert desk.post(url, data).status_code == 302
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.DRAFT
    assert explainer.why_it_matters.endswith("<p>A new paragraph.</p>")
    assert "Why it matters" in LogEntry.objects.latest("pk").get_change_message()


def test_an_edit_of_a_key_fact_alone_still_writes_and_sends_back(desk):
    """Rewording only a key fact loses its check, moves the lock on and sends it back."""
    explainer = Explainer.objects.get(slug=PUBLISHED[0])
    lock = explainer.lock_version
    url, data = change_form(desk, explainer)
    data["key_facts-0-text"] += " Reworded."
    assert desk.post(url, data).status_code == 302
    explainer.refresh_from_db()
    assert explainer.state == Explainer.State.DRAFT
    assert explainer.lock_version == lock + 1
    fact = explainer.key_facts.get(text=data["key_facts-0-text"].strip())
    assert fact.check_status == KeyFact.Check.UNCHECKED
