"""Search ranks and shows snippets from the body on SQLite too.

- ``search_text`` becomes the body's text alone (sections, key facts, viewpoints), without the
  title and dek it began with: snippets are drawn from it, and a result's card already shows
  the title and dek. Existing rows lose that leading "title\\ndek\\n", on both databases.
- On SQLite only, an FTS5 table of every version (rowid = the version's id; title, dek and
  body columns, Porter-stemmed like PostgreSQL's English configuration), filled from the
  versions stored so far. ``articles.publishing.fulltext`` writes a row for each new version.
"""

from django.db import migrations

FTS_TABLE = "articles_search_fts"
VERSIONS = "articles_publishedversion"

# search_text was "\n".join of the title, the dek (when there is one) and the body's parts.
STRIP_TITLE_AND_DEK = (
    f"UPDATE {VERSIONS} SET search_text = substr(search_text, length(title)"  # noqa: S608
    " + CASE WHEN dek = '' THEN 2 ELSE length(dek) + 3 END)"
    " WHERE substr(search_text, 1, length(title)) = title"
)
PUT_BACK_TITLE_AND_DEK = (
    f"UPDATE {VERSIONS} SET search_text = title"  # noqa: S608
    " || CASE WHEN dek = '' THEN '' ELSE %s || dek END"
    " || CASE WHEN search_text = '' THEN '' ELSE %s || search_text END"
)


def forwards(apps, schema_editor):
    schema_editor.execute(STRIP_TITLE_AND_DEK)
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "title, dek, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    schema_editor.execute(
        f"INSERT INTO {FTS_TABLE} (rowid, title, dek, body)"  # noqa: S608
        f" SELECT id, title, dek, search_text FROM {VERSIONS}"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    schema_editor.execute(PUT_BACK_TITLE_AND_DEK, ["\n", "\n"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0023_version_up_next_live")]

    operations = [migrations.RunPython(forwards, backwards)]
