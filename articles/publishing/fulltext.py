"""SQLite's full-text index of published versions (FTS5), written when a version is stored.

PostgreSQL keeps its own index in the version row (``search_vector``, filled by
``freeze.update_search_vector``). SQLite has no such column type, so each version also has a
row in the FTS5 table ``articles_search_fts`` (created by migration 0024 on SQLite only), with
the same ``rowid`` as the version and three columns: title, dek and body (the version's
``search_text``), so that ranking can weigh them apart and snippets come from the body.

The table holds every version, live or not: whether a version is live depends on the time of
the request (scheduled go-live, expiry), so search takes the matches through
``PublishedVersion.objects.live()`` like every other public read.

Rows are written from code rather than by triggers: SQLite drops a table's triggers whenever a
later migration rebuilds the table, which it does for most field changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections

from articles.models import PublishedVersion

FTS_TABLE = "articles_search_fts"


def index_versions(versions: Iterable[PublishedVersion], *, using: str = "default") -> None:
    """On SQLite, write (or rewrite) the full-text rows of saved ``versions``."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    rows = [(v.pk, v.title, v.dek, v.search_text) for v in versions]
    if not rows:
        return
    with connection.cursor() as cursor:
        # Rows of deleted versions go (an explainer deleted, a version unscheduled): nothing
        # of them should stay searchable on disk, and SQLite may give a deleted version's id
        # to the next one.
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN"  # noqa: S608
            f" (SELECT id FROM {PublishedVersion._meta.db_table})"
        )
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(r[0],) for r in rows])  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, dek, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
            rows,
        )
