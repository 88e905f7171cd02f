"""New inline rows go after the last one; the checklist numbers key facts as the form does."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.models import Explainer, KeyFact
from articles.workflow import readiness
from tests.adminform import form_data
from tests.factories import ExplainerFactory, KeyFactFactory, SourceFactory

pytestmark = pytest.mark.django_db


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def edit_form(client, explainer: Explainer) -> dict:
    return form_data(client.get(change_url(explainer)).content.decode(), "explainer_form")


@pytest.fixture
def explainer(superuser) -> Explainer:
    """An explainer with sources 1–3 at positions 0–2 and key facts at positions 0–2."""
    explainer = ExplainerFactory(authors=[superuser])
    for n in range(3):
        SourceFactory(explainer=explainer, position=n, citation=f"Report {n + 1}")
        KeyFactFactory(explainer=explainer, position=n, text=f"Fact {n + 1}.")
    return explainer


def add_rows(data: dict, prefix: str, rows: list[dict]) -> None:
    """Fill new rows of an inline as the browser's "Add another" would, position left empty."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    blank = f"{prefix}-__prefix__-"
    copied = {k.removeprefix(blank): v for k, v in data.items() if k.startswith(blank)}
    for n, row in enumerate(rows, start):
        data.update({f"{prefix}-{n}-{name}": value for name, value in {**copied, **row}.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))


def test_new_rows_show_an_empty_position(client, superuser, explainer):
    """The blank row "Add another" copies, and a new row, offer no position of 0."""
    client.force_login(superuser)
    html = client.get(change_url(explainer)).content.decode()
    assert 'name="key_facts-__prefix__-position"' in html
    data = form_data(html, "explainer_form")
    assert data.get("key_facts-__prefix__-position", "") == ""
    assert data["key_facts-2-position"] == "2"


def test_new_key_facts_follow_the_last_one_in_form_order(client, superuser, explainer):
    """Two facts added with no position become the 4th and 5th, in the order they were added."""
    client.force_login(superuser)
    data = edit_form(client, explainer)
    add_rows(data, "key_facts", [{"text": "Fact 4."}, {"text": "Fact 5."}])
    assert client.post(change_url(explainer), data).status_code == 302
    texts = list(explainer.key_facts.values_list("text", flat=True))
    assert texts == ["Fact 1.", "Fact 2.", "Fact 3.", "Fact 4.", "Fact 5."]
    assert list(explainer.key_facts.values_list("position", flat=True)) == [0, 1, 2, 3, 4]


def test_a_typed_position_is_kept(client, superuser, explainer):
    """A new row given a position goes there; the one left empty still goes after the last."""
    client.force_login(superuser)
    data = edit_form(client, explainer)
    add_rows(data, "key_facts", [{"text": "First now.", "position": "0"}, {"text": "Last."}])
    assert client.post(change_url(explainer), data).status_code == 302
    facts = dict(explainer.key_facts.values_list("text", "position"))
    assert facts["First now."] == 0 and facts["Last."] == 3
    assert explainer.key_facts.first().text in ("Fact 1.", "First now.")


def test_clearing_a_saved_rows_position_moves_it_last(client, superuser, explainer):
    """An existing row whose position is emptied goes after the others."""
    client.force_login(superuser)
    data = edit_form(client, explainer)
    data["key_facts-0-position"] = ""
    assert client.post(change_url(explainer), data).status_code == 302
    assert explainer.key_facts.last().text == "Fact 1."


def test_new_source_and_a_new_fact_citing_it_in_one_save(client, superuser, explainer):
    """Source 4 added with no position, and a new fact citing "4", save together; source 4
    stays number 4 (after the others), so the old facts' citations keep their meaning."""
    KeyFact.objects.get(explainer=explainer, text="Fact 1.").sources.set(
        explainer.sources.filter(citation="Report 1")
    )
    client.force_login(superuser)
    data = edit_form(client, explainer)
    add_rows(data, "sources", [{"citation": "Report 4", "kind": "report"}])
    add_rows(data, "key_facts", [{"text": "Fact 4.", "sources": "4"}])
    assert client.post(change_url(explainer), data).status_code == 302
    new_fact = explainer.key_facts.get(text="Fact 4.")
    assert [s.citation for s in new_fact.sources.all()] == ["Report 4"]
    assert explainer.sources.last().citation == "Report 4"
    again = edit_form(client, explainer)
    assert again["key_facts-0-sources"] == "1"
    assert again["key_facts-3-sources"] == "4"


def test_new_byline_goes_after_the_first(client, superuser, writer, explainer):
    """A byline added with no position is listed after the existing one."""
    client.force_login(superuser)
    data = edit_form(client, explainer)
    add_rows(data, "byline_set", [{"author": str(writer.pk)}])
    assert client.post(change_url(explainer), data).status_code == 302
    assert [b.author for b in explainer.byline_set.all()] == [superuser, writer]


def test_checklist_numbers_facts_as_the_form_shows_them(client, superuser, explainer):
    """The form's number column and the checklist name the same fact by the same number."""
    # Positions 5, 10, 20: numbered 1, 2, 3 in the form and in the checklist alike.
    for fact, position in zip(explainer.key_facts.all(), [5, 10, 20], strict=True):
        KeyFact.objects.filter(pk=fact.pk).update(position=position)
    KeyFact.objects.filter(explainer=explainer).exclude(text="Fact 2.").update(
        check_status="verified", checked_by=superuser, checked_at="2026-01-01T00:00Z"
    )
    client.force_login(superuser)
    html = client.get(change_url(explainer)).content.decode()
    numbers = re.findall(r'<td class="field-number">\s*<p>(\w+)</p>', html)
    data = form_data(html, "explainer_form")
    texts = [data[f"key_facts-{n}-text"].strip() for n in range(3)]
    shown = dict(zip(texts, numbers[:3], strict=True))
    assert numbers[3] == "new"  # the blank row "Add another" copies
    assert shown["Fact 2."] == "2"
    failed = next(c for c in readiness.checklist(explainer) if c.key == "facts_verified")
    assert "#2" in failed.fix and "#1" not in failed.fix and "#3" not in failed.fix
