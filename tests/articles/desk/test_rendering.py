"""The explainer change form's inline rows: Django's own rendering, with sources numbered."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import reverse

from articles import models
from articles.desk.forms import RowAutocompleteSelect
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def explainer_with_rows(editor, writer):
    explainer = factories.ExplainerFactory(authors=[writer])
    sources = [factories.SourceFactory(explainer=explainer, position=n) for n in range(3)]
    for n in range(2):
        factories.KeyFactFactory(explainer=explainer, position=n, sources=sources[: n + 1])
        factories.ViewpointFactory(explainer=explainer, position=n)
        factories.TimelineEventFactory(explainer=explainer, position=n, source=sources[n])
        factories.CorrectionFactory(explainer=explainer)
        models.RelatedLink.objects.create(
            explainer=explainer, target=factories.ExplainerFactory(), position=n
        )
    # In review, so that a fact-checker opens it too (its text read-only to them).
    models.Explainer.objects.filter(pk=explainer.pk).update(state=models.Explainer.State.IN_REVIEW)
    return explainer


@pytest.mark.parametrize("role", ["editor", "writer", "fact_checker"])
def test_sources_show_the_numbers_facts_cite_them_by(request, client, explainer_with_rows, role):
    """Each source row shows its number, for every role (a fact-checker cites sources too)."""
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:articles_explainer_change", args=[explainer_with_rows.pk])
    response = client.get(url)
    sources = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "sources"
    )
    shown = [
        field.contents()
        for admin_form in sources
        if admin_form.original is not None
        for fieldset in admin_form
        for line in fieldset
        for field in line
        if field.is_readonly and field.field["name"] == "number"
    ]
    assert shown == ["1", "2", "3"]


def test_row_inputs_are_named_after_their_column(client, editor, explainer_with_rows):
    """Every input of a table row has an accessible name (its column has no <label>)."""
    client.force_login(editor)
    url = reverse("admin:articles_explainer_change", args=[explainer_with_rows.pk])
    html = client.get(url).content.decode()
    rows = re.findall(r'<tr class="form-row[^"]*".*?</tr>', html, re.S)
    assert rows
    for row in rows:
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", row):
            if 'type="hidden"' in tag:
                continue
            assert "aria-label=" in tag, tag


def _widgets(db_field):
    site = django_admin.site
    return RowAutocompleteSelect(db_field, site), AutocompleteSelect(db_field, site)


def test_row_autocomplete_draws_the_saved_choice_as_django_does(django_assert_num_queries):
    """Given its row's object, the autocomplete draws Django's markup without a query."""
    byline = models.Byline.objects.create(
        explainer=factories.ExplainerFactory(),
        author=factories.UserFactory(username="ada <b>"),
        position=0,
    )
    db_field = models.Byline._meta.get_field("author")
    ours, djangos = _widgets(db_field)
    ours.choices = djangos.choices = db_field.formfield().choices
    ours.current = byline.author
    expected = djangos.render("author", byline.author_id)
    with django_assert_num_queries(0):
        drawn = ours.render("author", byline.author_id)
    assert drawn == expected
    assert "ada &lt;b&gt;" in drawn


def test_row_autocomplete_looks_up_another_value_as_django_does():
    """A value other than the row's saved one (a re-shown form) is looked up, not guessed."""
    saved, other = factories.UserFactory(username="saved"), factories.UserFactory(username="other")
    db_field = models.Byline._meta.get_field("author")
    ours, djangos = _widgets(db_field)
    ours.choices = djangos.choices = db_field.formfield().choices
    ours.current = saved
    drawn = ours.render("author", other.pk)
    assert drawn == djangos.render("author", other.pk)
    assert "other" in drawn and "saved" not in drawn
