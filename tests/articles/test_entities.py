"""Topics and stakeholders (articles/entities.py): an editor's slug change keeps old addresses."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from articles import entities, roles
from articles.interchange.planning import StakeholderIndex
from articles.models import SlugRedirect, Stakeholder, Topic, unique_slug
from tests import factories
from tests.articles.publicsite import live_explainer

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _edit(user, entity, **changes):
    """Post the admin change form of ``entity`` with ``changes`` over its current values."""
    model = type(entity)._meta.model_name
    fields = {"name": entity.name, "slug": entity.slug, "description": entity.description}
    if isinstance(entity, Stakeholder):
        fields |= {"kind": entity.kind, "aliases": entity.aliases}
    return _as(user).post(f"/admin/articles/{model}/{entity.pk}/change/", fields | changes)


@pytest.fixture
def topic():
    """A topic with a live explainer, at /topics/energy/."""
    found = factories.TopicFactory(name="Energy", slug="energy")
    live_explainer(topics=[found])
    return found


@pytest.fixture
def stakeholder():
    """A stakeholder with a live viewpoint, at /stakeholders/grid-operator/."""
    explainer = live_explainer()
    found = explainer.viewpoints.get().stakeholder
    Stakeholder.objects.filter(pk=found.pk).update(name="Grid Operator", slug="grid-operator")
    found.refresh_from_db()
    return found


@pytest.mark.parametrize("which", ["topic", "stakeholder"])
def test_editors_slug_change_redirects_the_old_address(request, editor, which):
    """After an editor changes the slug, the old address answers 301 with the new one."""
    entity = request.getfixturevalue(which)
    old = entity.get_absolute_url()
    assert _edit(editor, entity, slug="power").status_code == 302
    response = Client().get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/{which}s/power/"
    assert Client().get(response["Location"]).status_code == 200


def test_old_address_keeps_its_page_number(editor, topic):
    """A link to a later page of the old address lands on that page of the new one."""
    _edit(editor, topic, slug="power")
    response = Client().get("/topics/energy/?page=2")
    assert response["Location"] == "/topics/power/?page=2"


@pytest.mark.parametrize("feed", ["feed.rss", "feed.atom"])
def test_old_topic_feed_address_redirects(editor, topic, feed):
    """Feed readers subscribed to the old topic's feed are sent to the new feed."""
    _edit(editor, topic, slug="power")
    response = Client().get(f"/topics/energy/{feed}")
    assert response.status_code == 301
    assert response["Location"] == f"/topics/power/{feed}"


def test_redirect_goes_straight_to_the_latest_slug(editor, topic):
    """After two changes the first address leads to the current one in one hop."""
    _edit(editor, topic, slug="power")
    _edit(editor, Topic.objects.get(pk=topic.pk), slug="electricity")
    assert Client().get("/topics/energy/")["Location"] == "/topics/electricity/"


def test_slug_changed_back_serves_the_page_again(editor, topic):
    """Going back to an earlier slug serves it (no redirect loop); the other one redirects."""
    _edit(editor, topic, slug="power")
    _edit(editor, Topic.objects.get(pk=topic.pk), slug="energy")
    assert Client().get("/topics/energy/").status_code == 200
    assert Client().get("/topics/power/")["Location"] == "/topics/energy/"
    assert list(SlugRedirect.objects.values_list("slug", flat=True)) == ["power"]


def test_name_change_alone_keeps_no_old_address(editor, stakeholder):
    """Renaming without touching the slug records nothing."""
    assert _edit(editor, stakeholder, name="Grid Operator plc").status_code == 302
    assert not SlugRedirect.objects.exists()


def test_deleting_the_stakeholder_ends_its_redirects(editor):
    """A deleted stakeholder's old addresses go with it: 404, not a redirect to nothing."""
    gone = factories.StakeholderFactory(slug="gone-now")
    entities.keep_old_slug(gone, "gone-before")
    response = _as(editor).post(f"/admin/articles/stakeholder/{gone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SlugRedirect.objects.exists()
    assert Client().get("/stakeholders/gone-before/").status_code == 404


def test_new_stakeholder_cannot_take_an_old_address(editor, writer, stakeholder):
    """A writer's new stakeholder is refused a slug that still leads to another page."""
    _edit(editor, stakeholder, slug="grid-company")
    response = _as(writer).post(
        "/admin/articles/stakeholder/add/",
        {"name": "Grid Operator (new)", "slug": "grid-operator", "kind": "organisation"},
    )
    assert response.status_code == 200
    assert "still leads there" in response.text
    assert not Stakeholder.objects.filter(slug="grid-operator").exists()
    assert Client().get("/stakeholders/grid-operator/")["Location"] == "/stakeholders/grid-company/"


def test_topic_cannot_take_another_topics_old_address(editor, topic):
    """An editor is refused too: the old address belongs to the renamed topic's links."""
    _edit(editor, topic, slug="power")
    other = factories.TopicFactory(name="Transport", slug="transport")
    response = _edit(editor, other, slug="energy")
    assert response.status_code == 200
    assert "still leads there" in response.text
    assert Topic.objects.get(pk=other.pk).slug == "transport"


def test_generated_slug_skips_old_addresses():
    """A stakeholder saved without a slug does not get one that still redirects."""
    renamed = factories.StakeholderFactory(name="Acme Group", slug="acme-group")
    entities.keep_old_slug(renamed, "acme")
    assert unique_slug(Stakeholder, "Acme") == "acme-2"


def test_importer_skips_old_addresses():
    """A stakeholder an import creates does not get a slug that still redirects."""
    renamed = factories.StakeholderFactory(name="Acme Group", slug="acme-group")
    entities.keep_old_slug(renamed, "acme")
    assert StakeholderIndex.load().free_slug("Acme", set()) == "acme-2"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_takes_stakeholder_edits_from_existing_writers():
    """A database made before the rule loses the writers' change_stakeholder on migrate."""
    executor = MigrationExecutor(connection)
    this = next(
        key
        for key in executor.loader.graph.nodes
        if key[0] == "articles" and key[1].endswith("_entity_slug_redirects")
    )
    executor.migrate(executor.loader.get_migration(*this).dependencies[:1])
    writers = Group.objects.get(name=roles.WRITER)
    writers.permissions.add(Permission.objects.get(codename="change_stakeholder"))
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("articles"))
    assert not writers.permissions.filter(codename="change_stakeholder").exists()
    assert writers.permissions.filter(codename="add_stakeholder").exists()
