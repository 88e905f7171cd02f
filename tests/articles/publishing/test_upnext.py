"""The "Up next" section is stored as target ids and rendered per request (publishing.upnext)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Explainer, PublishedVersion, RelatedLink
from articles.publishing import freeze as publishing
from articles.publishing.upnext import related_ids
from tests import factories
from tests.articles.publicsite import live_explainer, publish


def test_related_ids_keep_order_once_each_and_skip_title_only_links_and_self():
    data = {
        "related": [
            {"id": 7, "slug": "b", "title": "B"},
            {"id": None, "slug": None, "title": "Not written yet"},
            {"id": 3, "slug": "a", "title": "A"},
            {"id": 7, "slug": "b", "title": "B"},
            {"id": 5, "slug": "self", "title": "Itself"},
        ]
    }
    assert related_ids(data, 5) == [7, 3]


@pytest.mark.django_db
def test_the_stored_body_names_no_other_explainer():
    """Publishing stores the targets' ids, and nothing of them in the body: the section is
    rendered per request between the two stored parts."""
    target = live_explainer(title="Target headline", dek="Target dek")
    explainer = factories.ExplainerFactory()
    RelatedLink.objects.create(explainer=explainer, target=target, position=0)
    version = publish(explainer)
    version.refresh_from_db()
    assert version.related_ids == [target.pk]
    stored = version.body_html + version.body_end_html + version.head_html
    assert "Target headline" not in stored and "Target dek" not in stored
    assert version.body_html.rstrip().endswith('<footer class="explainer-footer">')
    assert 'class="standards"' in version.body_end_html


def _migrate_back_and_forth(name_suffix: str) -> None:
    executor = MigrationExecutor(connection)
    this = next(
        key
        for key in executor.loader.graph.nodes
        if key[0] == "articles" and key[1].endswith(name_suffix)
    )
    executor.migrate(executor.loader.get_migration(*this).dependencies[:1])
    # A body stored before the migration, with its "Up next" frozen in.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_publishedversion SET body_html = %s",
            ['<section class="up-next">Target headline</section>'],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("articles"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_renders_earlier_versions_again_with_their_targets(client):
    """A version stored with its "Up next" frozen in gets its ids and a body without it."""
    target = live_explainer(title="Target headline")
    explainer = factories.ExplainerFactory(title="The linker")
    RelatedLink.objects.create(explainer=explainer, target=target, position=0)
    publish(explainer)
    _migrate_back_and_forth("_version_up_next_live")
    version = PublishedVersion.objects.get(explainer=explainer)
    assert version.related_ids == [target.pk]
    assert "Target headline" not in version.body_html
    assert "The linker" in version.body_html and 'class="standards"' in version.body_end_html
    assert "Target headline" in client.get(explainer.get_absolute_url()).content.decode()
    publishing.withdraw(Explainer.objects.get(pk=target.pk))
    assert "Target headline" not in client.get(explainer.get_absolute_url()).content.decode()
