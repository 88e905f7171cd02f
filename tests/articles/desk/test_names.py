"""Clear dates and names on the desk: date fields say what they take, the go-live field names
the time zone, people appear by name."""

from __future__ import annotations

import datetime
import json
from datetime import UTC

import pytest
import time_machine
from django.urls import reverse

from articles.desk.workflow_forms import AssignForm, PublishForm
from articles.models import Transition
from articles.workflow import moves as workflow
from tests import factories
from tests.articles.workflow_helpers import explainer_in

pytestmark = pytest.mark.django_db


def change_url(explainer) -> str:
    return reverse("admin:articles_explainer_change", args=[explainer.pk])


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.mark.parametrize(
    "inline_prefix, field",
    [("timeline", "date"), ("sources", "published_on"), ("corrections", "dated")],
)
def test_inline_date_fields_name_the_formats(client, editor, inline_prefix, field):
    """Each date field of the change form says a date may be typed as ISO or month in words."""
    explainer = factories.ExplainerFactory()
    client.force_login(editor)
    response = client.get(change_url(explainer))
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == inline_prefix
    )
    help_text = str(formset.formset.form.base_fields[field].help_text)
    assert "2025-03-14" in help_text and "14 March 2025" in help_text


def test_review_due_names_the_formats():
    """The assignment's due date says which forms it takes."""
    form = AssignForm(explainer=factories.ExplainerFactory())
    assert "14 March 2025" in str(form.fields["review_due"].help_text)


@time_machine.travel(datetime.datetime(2026, 12, 7, 12, 0, tzinfo=UTC), tick=False)
def test_go_live_help_names_the_zone_in_winter():
    """In December the go-live field names Europe/London and GMT."""
    form = PublishForm(move=workflow.MOVES["publish"])
    help_text = form.fields["go_live_at"].help_text
    assert "Europe/London, GMT" in help_text and "24-hour" in help_text


@time_machine.travel(datetime.datetime(2026, 7, 7, 12, 0, tzinfo=UTC), tick=False)
def test_go_live_help_names_summer_time():
    """In July the same field names British Summer Time."""
    form = PublishForm(move=workflow.MOVES["publish"])
    assert "Europe/London, BST" in form.fields["go_live_at"].help_text


def test_go_live_initial_value_is_24_hour():
    """An afternoon go-live time is shown as 15:30 in the newsroom's zone, not 3:30 PM."""
    initial = {"go_live_at": datetime.datetime(2026, 7, 7, 14, 30, tzinfo=UTC)}
    form = PublishForm(move=workflow.MOVES["publish"], initial=initial)
    assert 'value="2026-07-07T15:30"' in str(form["go_live_at"])


def test_byline_choice_shows_full_name(client, editor, writer):
    """A byline row's author is shown by full name, not login name."""
    named(writer, "Ada", "Lovelace")
    explainer = factories.ExplainerFactory(authors=[writer])
    client.force_login(editor)
    html = client.get(change_url(explainer)).content.decode()
    assert f'<option value="{writer.pk}" selected>Ada Lovelace</option>' in html


def test_byline_autocomplete_shows_full_name(client, superuser, writer):
    """The byline autocomplete offers people by full name."""
    named(writer, "Ada", "Lovelace")
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Lovelace",
            "app_label": "articles",
            "model_name": "byline",
            "field_name": "author",
        },
    )
    texts = [r["text"] for r in json.loads(response.content)["results"]]
    assert texts == ["Ada Lovelace"]


def _search_people(client, term: str, field: str = "author", model: str = "byline"):
    return client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "articles", "model_name": model, "field_name": field},
    )


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writers_and_editors_may_search_people_for_a_byline(client, request, role):
    """Whoever writes or edits explainers picks bylines, without access to user accounts:
    active staff by name, nobody inactive, nobody who is not staff."""
    user = request.getfixturevalue(role)
    named(factories.UserFactory(is_staff=True), "Ada", "Lovelace")
    named(factories.UserFactory(is_staff=True, is_active=False), "Adam", "Lovelace")
    named(factories.UserFactory(is_staff=False), "Adele", "Lovelace")
    client.force_login(user)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    response = _search_people(client, "Lovelace")
    assert response.status_code == 200
    assert [r["text"] for r in json.loads(response.content)["results"]] == ["Ada Lovelace"]


def test_staff_without_explainer_rights_may_not_search_people(client):
    client.force_login(factories.UserFactory(is_staff=True))
    assert _search_people(client, "a").status_code == 403


def test_checked_by_shows_full_name(client, editor, fact_checker):
    """A checked key fact says who checked it by name, not by login link."""
    named(fact_checker, "Grace", "Hopper")
    explainer = factories.ExplainerFactory()
    factories.KeyFactFactory(
        explainer=explainer,
        check_status="verified",
        checked_by=fact_checker,
        checked_at=datetime.datetime(2026, 1, 1, tzinfo=UTC),
    )
    client.force_login(editor)
    html = client.get(change_url(explainer)).content.decode()
    assert "Grace Hopper" in html
    assert ">checker</a>" not in html


def test_author_filter_lists_full_names(client, editor, writer, other_writer):
    """The desk's "By author" filter lists people by name, falling back to the login name."""
    named(writer, "Ada", "Lovelace")
    named(other_writer, "", "")
    factories.ExplainerFactory(authors=[writer])
    factories.ExplainerFactory(authors=[other_writer])
    client.force_login(editor)
    response = client.get(reverse("admin:articles_explainer_changelist"))
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "author")
    assert [label for _, label in spec.lookup_choices] == ["Ada Lovelace", "other_writer"]


def test_history_and_audit_show_the_actor_by_name(client, superuser, writer):
    """The workflow history and the audit list name the actor in full."""
    named(writer, "Ada", "Lovelace")
    explainer = explainer_in("in_review", authors=[writer], submitted_by=writer)
    Transition.objects.filter(explainer=explainer).update(actor=writer)
    client.force_login(superuser)
    assert "Ada Lovelace" in client.get(change_url(explainer)).content.decode()
    audit = client.get(reverse("admin:articles_transition_changelist")).content.decode()
    assert "Ada Lovelace" in audit


def test_published_versions_name_the_publisher(client, superuser, writer, editor):
    """The published versions list and a version's page say who published it by name."""
    named(editor, "Grace", "Hopper")
    explainer = explainer_in("published", authors=[writer])
    version = explainer.versions.get()
    version.published_by = editor
    version.save()
    client.force_login(superuser)
    listing = client.get(reverse("admin:articles_publishedversion_changelist")).content.decode()
    page = client.get(
        reverse("admin:articles_publishedversion_change", args=[version.pk])
    ).content.decode()
    for html in (listing, page):
        assert "Grace Hopper" in html and ">editor<" not in html


def test_audit_entry_names_the_actor(client, superuser, writer):
    """An audit entry's own page names the actor in full, not by login name."""
    named(writer, "Ada", "Lovelace")
    explainer = explainer_in("in_review", authors=[writer], submitted_by=writer)
    move = Transition.objects.get(explainer=explainer, name="submit")
    client.force_login(superuser)
    page = client.get(reverse("admin:articles_transition_change", args=[move.pk])).content.decode()
    assert "Ada Lovelace" in page and ">writer<" not in page


@time_machine.travel(datetime.datetime(2026, 12, 7, 13, 57, tzinfo=UTC), tick=False)
def test_check_time_is_shown_on_the_24_hour_clock(client, editor, fact_checker):
    """A key fact's "checked at" reads 7 Dec 2026, 13:57, as the workflow panel writes times."""
    explainer = factories.complete_explainer(authors=[editor])
    client.force_login(editor)
    html = client.get(change_url(explainer)).content.decode()
    assert "7 Dec 2026, 13:57" in html
    assert "p.m." not in html
