"""On PostgreSQL, GIN indexes for the desk's search (articles/desk/search.py) over working copies.

The search matches each word against an explainer's own text, its key facts and its viewpoints
by full-text search; without these indexes every search would parse the whole text of every
explainer. They index the very expressions ``desk/search.py`` queries (``own_vector()`` and
``text_vector()``): PostgreSQL uses an expression index only for an identical expression, and
a test checks that the search's plan uses them.

Not in the models' ``Meta.indexes``: SQLite has no GIN indexes and no ``to_tsvector``.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"
OWN_FIELDS = ("title", "slug", "dek", "what_happened", "background", "why_it_matters")

INDEXES = [
    ("explainer", GinIndex(SearchVector(*OWN_FIELDS, config=CONFIG), name="explainer_desk_search")),
    ("keyfact", GinIndex(SearchVector("text", config=CONFIG), name="keyfact_desk_search")),
    ("viewpoint", GinIndex(SearchVector("text", config=CONFIG), name="viewpoint_desk_search")),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.add_index(apps.get_model("articles", model_name), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.remove_index(apps.get_model("articles", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_version_feed_labels")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
