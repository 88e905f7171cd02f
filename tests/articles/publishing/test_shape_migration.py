"""The migration that gives authors their profiles and renders stored versions again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import AuthorProfile, PublishedVersion
from tests import factories
from tests.articles.publicsite import publish


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_makes_profiles_and_renders_versions_again(client):
    """An author with a byline and no profile gets one with a slug from their name; a version
    stored before links them by slug and its card says "Corrected"."""
    author = factories.UserFactory(username="ghopper", first_name="Grace", last_name="Hopper")
    explainer = factories.complete_explainer(authors=[author])
    factories.CorrectionFactory(explainer=explainer, text="We gave the wrong year.")
    version = publish(explainer)
    executor = MigrationExecutor(connection)
    this = next(
        key
        for key in executor.loader.graph.nodes
        if key[0] == "articles" and key[1].endswith("_author_profiles")
    )
    executor.migrate(executor.loader.get_migration(*this).dependencies[:1])
    # As stored before: no profile, no slug in the data, the old card and body.
    AuthorProfile.objects.all().delete()
    data = version.data
    data["authors"] = [{k: v for k, v in a.items() if k != "slug"} for a in data["authors"]]
    PublishedVersion.objects.filter(pk=version.pk).update(
        data=data, card_html="<article>old card</article>", body_html="<article>old</article>"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("articles"))
    assert AuthorProfile.objects.get(user=author).slug == "grace-hopper"
    version.refresh_from_db()
    assert version.data["authors"][0]["slug"] == "grace-hopper"
    assert 'href="/authors/grace-hopper/"' in version.body_html
    assert "Corrected" in version.card_html
    assert client.get("/authors/grace-hopper/").status_code == 200
