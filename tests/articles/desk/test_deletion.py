"""The delete confirmation lists what is deleted in words, never "Explainer_topics object (8)"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ExplainerFactory, KeyFactFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(superuser):
    """A draft with a topic and a key fact citing its source: two kinds of link rows."""
    explainer = ExplainerFactory(authors=[superuser], topics=[TopicFactory(name="Housing")])
    source = SourceFactory(explainer=explainer, citation="Census 2021")
    KeyFactFactory(explainer=explainer, text="Rents rose.", sources=[source])
    return explainer


def test_explainer_delete_page_lists_no_link_rows(client, superuser, draft):
    """Key facts and sources are listed by name; the rows linking topics and sources are not."""
    client.force_login(superuser)
    response = client.get(reverse("admin:articles_explainer_delete", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Key fact: Rents rose." in html and "Source: Census 2021" in html
    assert "object (" not in html and "relationship" not in html
    counts = dict(response.context["model_count"])
    assert counts["key facts"] == 1 and counts["sources"] == 1
    assert not [name for name in counts if "relationship" in name]


def test_topic_delete_page_lists_no_link_rows(client, superuser, draft):
    """Deleting a topic does not list the explainers' links to it as objects."""
    topic = draft.topics.get()
    client.force_login(superuser)
    response = client.get(reverse("admin:articles_topic_delete", args=[topic.pk]))
    html = response.content.decode()
    assert "Housing" in html
    assert "object (" not in html and "relationship" not in html


def test_delete_selected_action_lists_no_link_rows(client, superuser, draft):
    """The list's "Delete selected" confirmation is cleaned the same way."""
    client.force_login(superuser)
    response = client.post(
        reverse("admin:articles_explainer_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk]},
    )
    html = response.content.decode()
    assert "Rents rose." in html
    assert "object (" not in html and "relationship" not in html


def test_deleting_still_removes_the_links(client, superuser, draft):
    """Confirming deletes the explainer and its links; the topic stays."""
    topic = draft.topics.get()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:articles_explainer_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not topic.explainers.exists()
    topic.refresh_from_db()
