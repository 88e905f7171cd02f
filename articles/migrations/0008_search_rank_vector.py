"""On PostgreSQL, a small stored vector of each version's title (A) and dek (B) to rank by.

Search filters on the full ``search_vector`` through its GIN index, which needs no row data
for plain queries. Ranking on that vector read and decompressed each match's whole vector
(about 3 kB, stored out of line): 1,000 matches cost ~50 ms. This vector stays in the row and
holds only the words that should lift a result above body matches.

A generated column, so every writer (``publishing.freeze``, ``seed_bulk``, a later UPDATE of
the title) keeps it right without code. Not a model field: SQLite has no ``to_tsvector``, and
only ``articles/search.py`` reads it.
"""

from django.db import migrations

COLUMN = "search_rank_vector"


def add_rank_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE articles_publishedversion ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        "GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english'::regconfig, title), 'A') || "
        "setweight(to_tsvector('english'::regconfig, dek), 'B')"
        ") STORED"
    )


def drop_rank_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE articles_publishedversion DROP COLUMN IF EXISTS {COLUMN}"
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_backfill_watch_items")]

    operations = [migrations.RunPython(add_rank_vector, drop_rank_vector)]
