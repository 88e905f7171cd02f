"""An import's entry in the explainer's history: one django-reversion revision, in two inserts.

The admin's history lists an explainer's django-reversion versions and reverts a whole revision
(the explainer and every inline it follows, see ``articles.history``). An import records the
same revision the admin would, but writes it directly: the rows it serialises are the ones the
import has just written and still holds, so nothing is read back, and the revision and its
versions are two statements instead of the dozen that ``reversion.create_revision`` spends
re-reading every followed row and checking that each one exists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import reversion
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.encoding import force_str, is_protected_type
from reversion.models import Revision, Version
from reversion.revisions import (
    _get_content_type,
    _get_options,
    post_revision_commit,
    pre_revision_commit,
)

from ..history import FOLLOWED
from ..models import Explainer, KeyFact, Source, Viewpoint

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def prefetched(instance: models.Model, name: str, rows: Iterable[models.Model]) -> None:
    """Give ``instance.<name>`` these rows as if ``prefetch_related`` had read them.

    For rows the caller has just written itself: the related manager then answers ``all()``
    (and django-reversion's serialiser) from memory.
    """
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache_name = getattr(manager, "prefetch_cache_name", None) or (
        manager.field.remote_field.cache_name
    )
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = queryset


def without_sources(facts: Iterable[KeyFact]) -> None:
    """Tell key facts just written that they have no supporting sources, as ``prefetched`` would.

    One empty queryset serves them all (it never reads the database), where ``prefetched``
    would build a queryset for each fact.
    """
    empty = Source.objects.none()
    for fact in facts:
        if not hasattr(fact, "_prefetched_objects_cache"):
            fact._prefetched_objects_cache = {}
        fact._prefetched_objects_cache[KeyFact.sources.field.name] = empty


def prefetch_followed(explainer: Explainer) -> None:
    """Read every inline the revision follows, in a fixed number of queries (for updates)."""
    prefetch_related_objects(
        [explainer],
        "topics",
        "byline_set__author",
        Prefetch("key_facts", KeyFact.objects.prefetch_related("sources")),
        "sources",
        Prefetch("viewpoints", Viewpoint.objects.select_related("stakeholder")),
        "timeline",
        "corrections",
        Prefetch("related_links", explainer.related_links.select_related("target")),
    )


def followed_rows(explainer: Explainer) -> list[models.Model]:
    """Return the explainer and every row its revision follows (as held by the managers)."""
    rows: list[models.Model] = [explainer]
    for name in FOLLOWED:
        rows.extend(getattr(explainer, name).all())
    return rows


def _serialize(model: type[models.Model], rows: Sequence[models.Model]) -> list[str]:
    """Return each row serialised as django-reversion would, in one serialiser call."""
    options = _get_options(model)
    if options.format != "json" or options.use_natural_foreign_keys:
        return [
            serializers.serialize(
                options.format,
                (row,),
                fields=options.fields,
                use_natural_foreign_keys=options.use_natural_foreign_keys,
            )
            for row in rows
        ]
    # Many-to-many values are read from the related managers here: the serialiser would build
    # a queryset for each row and field even when the manager holds the rows already.
    m2m = [
        f
        for f in model._meta.local_many_to_many
        if f.name in options.fields and f.remote_field.through._meta.auto_created
    ]
    plain = [name for name in options.fields if name not in {f.name for f in m2m}]
    data = serializers.serialize("python", rows, fields=plain)
    for row, item in zip(rows, data, strict=True):
        for f in m2m:
            item["fields"][f.name] = [_pk_value(related) for related in getattr(row, f.name).all()]
    # The json serialiser is the python one plus this encoder.
    return [json.dumps([item], cls=DjangoJSONEncoder) for item in data]


def _pk_value(row: models.Model):
    value = row.pk
    return value if is_protected_type(value) else row._meta.pk.value_to_string(row)


class VersionRow(NamedTuple):
    """The columns of one django-reversion ``Version``, but its revision."""

    content_type_id: int
    object_id: str
    db: str
    format: str
    serialized_data: str
    object_repr: str


def versions_of(explainers: Sequence[Explainer]) -> list[list[VersionRow]]:
    """Return the versions of each explainer and of every row its revision follows.

    The related managers must hold the rows (``prefetched`` or ``prefetch_followed``). Rows of
    one model are serialised together, whichever explainer they belong to.
    """
    using = router.db_for_write(Revision)
    rows = [followed_rows(explainer) for explainer in explainers]
    by_model: dict[type, list[models.Model]] = {}
    for mine in rows:
        for row in mine:
            by_model.setdefault(type(row), []).append(row)
    texts: dict[int, str] = {}
    for model, group in by_model.items():
        texts.update(zip(map(id, group), _serialize(model, group), strict=True))
    versions: list[list[VersionRow]] = []
    for mine in rows:
        versions.append([])
        for row in mine:
            model = type(row)
            options = _get_options(model)
            versions[-1].append(
                VersionRow(
                    content_type_id=_get_content_type(model, using).pk,
                    object_id=force_str(getattr(row, options.object_id_field)),
                    db=router.db_for_write(model),
                    format=options.format,
                    serialized_data=texts[id(row)],
                    object_repr=force_str(row),
                )
            )
    return versions


def save_revisions(entries: Sequence[tuple[Revision, list[VersionRow]]]) -> None:
    """Write each revision with its versions: two statements for any number of revisions."""
    if not entries:
        return
    using = router.db_for_write(Revision)
    connection = connections[using]
    signals = pre_revision_commit.has_listeners() or post_revision_commit.has_listeners()
    if connection.vendor == "postgresql" and not signals:
        Revision.objects.using(using).bulk_create([revision for revision, _ in entries])
        _copy_versions(
            connection,
            ((revision.pk, *row) for revision, rows in entries for row in rows),
        )
        return
    # django-reversion's own order: receivers see the versions before and after saving.
    versions = [
        (revision, [Version(**row._asdict()) for row in rows]) for revision, rows in entries
    ]
    for revision, mine in versions:
        pre_revision_commit.send(sender=reversion.create_revision, revision=revision, versions=mine)
    Revision.objects.using(using).bulk_create([revision for revision, _ in versions])
    for revision, mine in versions:
        for version in mine:
            version.revision = revision
    Version.objects.using(using).bulk_create([v for _, mine in versions for v in mine])
    for revision, mine in versions:
        post_revision_commit.send(
            sender=reversion.create_revision, revision=revision, versions=mine
        )


def _copy_versions(connection, rows: Iterable[tuple]) -> None:
    """Write version rows (revision id first) with PostgreSQL's COPY.

    Thousands of serialised rows go in as one stream that psycopg encodes in C, where a
    ``bulk_create`` would build a model instance and escape an array element for each value.
    """
    quote = connection.ops.quote_name
    columns = ["revision", *VersionRow._fields]
    names = ", ".join(quote(Version._meta.get_field(name).column) for name in columns)
    sql = f"COPY {quote(Version._meta.db_table)} ({names}) FROM STDIN"
    # The raw cursor's errors are psycopg's: wrapped, they are Django's DatabaseError like any
    # other statement's, which callers catch.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def new_revision(*, user: AbstractBaseUser | None, comment: str) -> Revision:
    return Revision(date_created=timezone.now(), user=user, comment=comment)


def record(
    explainer: Explainer,
    *,
    user: AbstractBaseUser | None,
    comment: str,
) -> None:
    """Record the explainer and the rows it follows as one revision, inside the caller's atomic.

    The related managers must hold the rows (``prefetched`` or ``prefetch_followed``). Inside an
    open ``reversion.create_revision`` block the rows join that revision instead, as
    ``reversion.add_to_revision`` would have them.
    """
    if reversion.is_active():
        reversion.add_to_revision(explainer)
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
        return
    save_revisions([(new_revision(user=user, comment=comment), versions_of([explainer])[0])])
