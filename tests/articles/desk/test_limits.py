"""Whatever the import format lets in, the desk can save and verify; a larger post is told so."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from articles.interchange.importer import import_text
from articles.interchange.textformat import MAX_BULLETS
from articles.models import Explainer, KeyFact
from articles.workflow import moves as workflow
from tests.adminform import form_data
from tests.factories import ExplainerFactory

pytestmark = pytest.mark.django_db


def change_url(explainer: Explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def edit_form(client, explainer: Explainer) -> dict:
    response = client.get(change_url(explainer))
    assert response.status_code == 200
    return form_data(response.content.decode(), "explainer_form")


def largest_text() -> str:
    """An explainer in the import format with the most bullets it allows in every section."""
    n = range(MAX_BULLETS)
    sections = {
        "Key facts": [f"Fact number {i}." for i in n],
        "Stakeholders & viewpoints": [f"Group {i}: view {i}." for i in n],
        "Timeline & what to watch next": [f"Event {i} on 2020-01-01." for i in n],
        "Sources": [f"Report {i} https://example.org/{i}" for i in n],
        "Up Next": [f"Target {i}" for i in n],
    }
    lines = ["The largest explainer", "", "What happened", "Much happened.", ""]
    for heading, bullets in sections.items():
        lines += [heading, *[f"- {bullet}" for bullet in bullets], ""]
    return "\n".join(lines)


def test_explainer_at_the_formats_maximum_saves_and_a_fact_is_verified(
    client, writer, fact_checker
):
    """An explainer with every section at the import limit saves through the change form with
    all its rows, and a fact-checker then verifies a fact citing its last source."""
    Explainer.objects.bulk_create(
        [Explainer(title=f"Target {i}", slug=f"target-{i}") for i in range(MAX_BULLETS)]
    )
    explainer = import_text(largest_text(), authors=[writer]).explainer
    assert explainer.key_facts.count() == explainer.related_links.count() == MAX_BULLETS

    client.force_login(writer)
    data = edit_form(client, explainer)
    assert len(data) > 1_000  # Django's default limit, which answered a bare 400
    data["key_facts-0-text"] = "Fact number zero."
    assert client.post(change_url(explainer), data).status_code == 302
    assert explainer.key_facts.filter(text="Fact number zero.").exists()

    workflow.submit(explainer, by=writer)
    client.force_login(fact_checker)
    data = edit_form(client, explainer)
    data["key_facts-0-check_status"] = "verified"
    data["key_facts-0-sources"] = str(MAX_BULLETS)
    assert client.post(change_url(explainer), data).status_code == 302
    fact = explainer.key_facts.get(text="Fact number zero.")
    assert fact.check_status == KeyFact.Check.VERIFIED
    assert [s.citation for s in fact.sources.all()] == [f"Report {MAX_BULLETS - 1}"]


def test_more_rows_than_the_format_allows_are_refused_with_a_message(client, editor):
    """A key fact beyond the import format's limit is refused on the form; nothing is saved."""
    explainer = ExplainerFactory()
    client.force_login(editor)
    data = edit_form(client, explainer)
    data["key_facts-TOTAL_FORMS"] = str(MAX_BULLETS + 1)
    for i in range(MAX_BULLETS + 1):
        data[f"key_facts-{i}-text"] = f"Fact {i}."
        data[f"key_facts-{i}-position"] = str(i)
        data[f"key_facts-{i}-check_status"] = "unchecked"

    response = client.post(change_url(explainer), data)

    assert response.status_code == 200
    assert f"at most {MAX_BULLETS} rows of this kind" in response.content.decode()
    assert not explainer.key_facts.exists()


def test_a_post_too_large_to_read_gets_a_page_that_says_so(client, editor):
    """More fields than the desk reads gives a page saying nothing was saved, not a bare 400."""
    explainer = ExplainerFactory(title="Before")
    client.force_login(editor)
    data = {f"field-{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    data["title"] = "After"

    response = client.post(change_url(explainer), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page and f"at most {MAX_BULLETS} rows" in page
    explainer.refresh_from_db()
    assert explainer.title == "Before"
