"""A version keeps its topic and author names in two small columns for the feeds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import PublishedVersion
from tests import factories
from tests.articles.publicsite import live_explainer


def _names(version: PublishedVersion) -> tuple[list[str], list[str]]:
    version.refresh_from_db()
    return version.topic_names, version.author_names


@pytest.mark.django_db
def test_publishing_stores_the_names_a_feed_item_lists():
    author = factories.UserFactory(first_name="Wendy", last_name="Writer")
    topics = [factories.TopicFactory(name="Water"), factories.TopicFactory(name="Energy")]
    explainer = live_explainer(topics=topics, authors=[author])
    version = explainer.versions.get()
    assert _names(version) == (["Energy", "Water"], ["Wendy Writer"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_fills_the_names_of_versions_published_before_it():
    author = factories.UserFactory(first_name="Ada", last_name="Author")
    explainer = live_explainer(topics=[factories.TopicFactory(name="Health")], authors=[author])
    version = explainer.versions.get()
    executor = MigrationExecutor(connection)
    this = next(
        key
        for key in executor.loader.graph.nodes
        if key[0] == "articles" and key[1].endswith("_version_feed_labels")
    )
    executor.migrate(executor.loader.get_migration(*this).dependencies[:1])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("articles"))
    assert _names(version) == (["Health"], ["Ada Author"])
