"""Admin authoring: every page renders, and an explainer with inlines saves through the admin."""

import datetime
import logging

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Explainer, KeyFact, Source, Stakeholder, TimelineEvent
from tests.adminform import form_data
from tests.factories import (
    CorrectionFactory,
    ExplainerFactory,
    KeyFactFactory,
    SourceFactory,
    StakeholderFactory,
    TimelineEventFactory,
    TopicFactory,
    ViewpointFactory,
)

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["explainer", "topic", "stakeholder"]


@pytest.fixture
def full_explainer(superuser):
    explainer = ExplainerFactory(authors=[superuser], topics=[TopicFactory()])
    source = SourceFactory(explainer=explainer)
    KeyFactFactory(explainer=explainer, sources=[source])
    ViewpointFactory(explainer=explainer)
    TimelineEventFactory(explainer=explainer)
    CorrectionFactory(explainer=explainer)
    return explainer


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_add_page_renders(client, superuser, model):
    """Each model's add page opens for a superuser."""
    client.force_login(superuser)
    response = client.get(reverse(f"admin:articles_{model}_add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS + ["publishedversion", "transition"])
def test_changelist_renders(client, superuser, full_explainer, model):
    """Each model's list opens."""
    client.force_login(superuser)
    assert client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200


def test_explainer_change_page_renders_every_inline(client, superuser, full_explainer):
    """The change form shows all inlines with their rows and the rich-text editor."""
    client.force_login(superuser)
    response = client.get(reverse("admin:articles_explainer_change", args=[full_explainer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for prefix in ("key_facts", "sources", "viewpoints", "timeline", "corrections"):
        assert f'name="{prefix}-TOTAL_FORMS"' in html
    assert 'data-type="ckeditortype"' in html
    assert full_explainer.key_facts.get().text in html


@pytest.mark.parametrize(
    ("url_name", "factory"),
    [
        ("admin:articles_topic_change", TopicFactory),
        ("admin:articles_stakeholder_change", StakeholderFactory),
    ],
)
def test_change_pages_render(client, superuser, url_name, factory):
    """Topic and stakeholder change pages open."""
    client.force_login(superuser)
    assert client.get(reverse(url_name, args=[factory().pk])).status_code == 200


def test_stakeholder_autocomplete_answers(client, superuser):
    """The viewpoint inline's stakeholder autocomplete finds by name."""
    StakeholderFactory(name="Harbour Commission")
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "harbour",
            "app_label": "articles",
            "model_name": "viewpoint",
            "field_name": "stakeholder",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Harbour Commission"]


def test_create_explainer_with_inlines_through_admin(client, superuser):
    """Posting the add form with inline rows creates the explainer and every row, sanitised."""
    topic = TopicFactory()
    stakeholder = StakeholderFactory(name="Regional Water Board")
    client.force_login(superuser)
    add_url = reverse("admin:articles_explainer_add")
    data = form_data(client.get(add_url).content.decode(), "explainer_form")
    data.update(
        {
            "title": "How the reservoir refill works",
            "slug": "reservoir-refill",
            "dek": "Why the water level is rising again.",
            "topics": [str(topic.pk)],
            "what_happened": '<p>The gates closed.</p><script>alert("x")</script>',
            "background": "<p onclick='x()'>Built in 1962.</p>",
            "why_it_matters": "<p>Drinking water for 40,000 homes.</p>",
            "byline_set-TOTAL_FORMS": "1",
            "byline_set-0-author": str(superuser.pk),
            "byline_set-0-position": "0",
            "key_facts-TOTAL_FORMS": "1",
            "key_facts-0-text": "The reservoir holds 12 million cubic metres.",
            "key_facts-0-position": "0",
            "key_facts-0-check_status": "unchecked",
            "sources-TOTAL_FORMS": "1",
            "sources-0-citation": "Water board annual report",
            "sources-0-url": "https://example.org/report",
            "sources-0-kind": "report",
            "sources-0-position": "0",
            "viewpoints-TOTAL_FORMS": "1",
            "viewpoints-0-stakeholder": str(stakeholder.pk),
            "viewpoints-0-text": "The board says the refill is on schedule.",
            "viewpoints-0-position": "0",
            "timeline-TOTAL_FORMS": "2",
            "timeline-0-date": "2026-03-01",
            "timeline-0-precision": "month",
            "timeline-0-kind": "past",
            "timeline-0-text": "Gates closed",
            "timeline-0-position": "0",
            "timeline-1-precision": "",
            "timeline-1-kind": "watch",
            "timeline-1-text": "Whether summer rain arrives",
            "timeline-1-position": "1",
        }
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    explainer = Explainer.objects.get(slug="reservoir-refill")
    assert "<script" not in explainer.what_happened
    assert "onclick" not in explainer.background
    assert explainer.key_facts.get().text.startswith("The reservoir holds")
    assert explainer.sources.get().url == "https://example.org/report"
    assert explainer.viewpoints.get().stakeholder == stakeholder
    assert list(explainer.timeline.values_list("precision", flat=True)) == ["month", ""]
    assert explainer.authors.get() == superuser
    assert explainer.state == Explainer.State.DRAFT


def test_admin_refuses_javascript_source_url(client, superuser):
    """A javascript: link in a source inline is refused with a clear message; nothing saved."""
    explainer = ExplainerFactory(authors=[superuser])
    client.force_login(superuser)
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data.update(
        {
            "sources-TOTAL_FORMS": "1",
            "sources-0-citation": "Bad link",
            "sources-0-url": "javascript:alert(1)",
            "sources-0-kind": "other",
            "sources-0-position": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "http:// or https://" in response.content.decode()
    assert not Source.objects.filter(explainer=explainer).exists()


def _three_sources(superuser):
    explainer = ExplainerFactory(authors=[superuser])
    for n, citation in enumerate(["First report", "Second report", "Third report"]):
        SourceFactory(explainer=explainer, position=n, citation=citation)
    KeyFactFactory(explainer=explainer, text="The fact.")
    TimelineEventFactory(explainer=explainer)
    return explainer


def _edit(client, explainer) -> tuple[str, dict]:
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    return url, form_data(client.get(url).content.decode(), "explainer_form")


def _cited(explainer) -> list[str]:
    return [s.citation for s in explainer.key_facts.get().sources.order_by("position")]


def test_key_fact_cites_sources_by_their_numbers(client, superuser):
    """A key fact's "1, 3" cites the first and third of this explainer's sources."""
    explainer = _three_sources(superuser)
    client.force_login(superuser)
    url, data = _edit(client, explainer)
    assert data["key_facts-0-sources"] == ""
    data["key_facts-0-sources"] = "1, 3"
    assert client.post(url, data).status_code == 302
    assert _cited(explainer) == ["First report", "Third report"]
    assert _edit(client, explainer)[1]["key_facts-0-sources"] == "1, 3"


def test_timeline_item_cites_its_source_by_number(client, superuser):
    """A timeline item's source is the one its number names."""
    explainer = _three_sources(superuser)
    client.force_login(superuser)
    url, data = _edit(client, explainer)
    data["timeline-0-source"] = "2"
    assert client.post(url, data).status_code == 302
    assert explainer.timeline.get().source.citation == "Second report"


def test_key_fact_cites_a_source_added_in_the_same_save(client, superuser):
    """A number may name a source added in the same save."""
    explainer = _three_sources(superuser)
    client.force_login(superuser)
    url, data = _edit(client, explainer)
    data.update(
        {
            "sources-TOTAL_FORMS": "4",
            "sources-3-citation": "A new report",
            "sources-3-kind": "report",
            "sources-3-position": "3",
            "key_facts-0-sources": "4",
        }
    )
    assert client.post(url, data).status_code == 302
    assert _cited(explainer) == ["A new report"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4", "There is no source 4"),
        ("0", "There is no source 0"),
        ("1, two", "is not a source number"),
        ("1", "Source 1 is being deleted"),
    ],
)
def test_key_fact_citing_no_source_of_this_explainer_is_refused(client, superuser, typed, message):
    """A number that names none of the sources this save keeps is an error on the fact."""
    explainer = _three_sources(superuser)
    SourceFactory(citation="Another explainer's source")
    client.force_login(superuser)
    url, data = _edit(client, explainer)
    data["sources-0-DELETE"] = "on"
    data["key_facts-0-sources"] = typed
    data["key_facts-0-text"] = "A changed fact."
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert explainer.key_facts.get().text == "The fact."
    assert explainer.sources.count() == 3


def test_timeline_month_precision_via_admin_keeps_month(client, superuser):
    """An editor typing 2026-03-17 with month precision gets March 2026."""
    explainer = ExplainerFactory(authors=[superuser])
    client.force_login(superuser)
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data.update(
        {
            "timeline-TOTAL_FORMS": "1",
            "timeline-0-date": "2026-03-17",
            "timeline-0-precision": "month",
            "timeline-0-kind": "past",
            "timeline-0-text": "Announced",
            "timeline-0-position": "0",
        }
    )
    assert client.post(url, data).status_code == 302
    assert TimelineEvent.objects.get(explainer=explainer).date == datetime.date(2026, 3, 1)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the error came from PostgreSQL")
def test_undated_timeline_items_save_without_database_errors_logged(client, superuser, caplog):
    """Django validates the date checks of undated items instead of logging a database error."""
    explainer = ExplainerFactory(authors=[superuser])
    client.force_login(superuser)
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data.update(
        {
            "timeline-TOTAL_FORMS": "2",
            "timeline-0-precision": "",
            "timeline-0-kind": "watch",
            "timeline-0-text": "Whether the council votes again",
            "timeline-0-position": "0",
            "timeline-1-precision": "",
            "timeline-1-kind": "upcoming",
            "timeline-1-text": "The appeal hearing",
            "timeline-1-position": "1",
        }
    )
    with caplog.at_level(logging.WARNING, logger="django.db.models"):
        assert client.post(url, data).status_code == 302
    assert explainer.timeline.filter(date=None).count() == 2
    assert "Got a database error" not in caplog.text


def test_models_exist_for_every_inline():
    """Guard: the inline prefixes used above match the models' related names."""
    assert KeyFact._meta.get_field("explainer").remote_field.related_name == "key_facts"
    assert Stakeholder._meta.ordering == ["name"]
