"""Database routing: public reads to a read replica when one is configured.

With ``REPLICA_DATABASE_URL`` set, settings define a ``replica`` database. Reads of the models
the public site reads (published versions and their list entries, topics, stakeholders) go
there; every write, every other model, and every read inside a transaction on the primary stay
on ``default``: a
transaction that reads what it is about to change (``publishing.freeze`` numbering versions)
must not read a replica that lags behind.

Replication lag means a reader may see a publish up to the lag later than the primary has it;
the page cache re-reads the generation's scheduling boundary from the primary for that reason.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model

logger = logging.getLogger(__name__)

REPLICA = "replica"
PUBLIC_MODELS = frozenset(
    {"articles.publishedversion", "articles.listentry", "articles.topic", "articles.stakeholder"}
)


class PublicReadReplicaRouter:
    """Send public reads to the replica, everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if REPLICA not in settings.DATABASES:
            return None
        if model._meta.label_lower not in PUBLIC_MODELS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        # Explicit, because Django would otherwise save an instance back where it was read
        # from: a topic read from the replica and edited must be written to the primary.
        if REPLICA in settings.DATABASES and model._meta.label_lower in PUBLIC_MODELS:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: relating an explainer (primary) to a
        # topic read from the replica is the same relation.
        both = {obj1._state.db, obj2._state.db}
        if both <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        # The replica receives the schema by replication, never by migrate.
        if db == REPLICA:
            return False
        return None


def wait_for_replica(timeout: float | None = None, poll: float = 0.02) -> bool:
    """Wait until the replica has replayed everything the primary has written so far.

    Called after a publishing move commits and before the caches are told: the first reader
    to ask again is served from the replica, and a replica still behind would put the old page
    (a withdrawn explainer, say) back into the page cache and the proxy. True once caught up,
    or when there is no PostgreSQL replica; False (logged) after ``timeout`` seconds
    (``REPLICA_WAIT_SECONDS``), when the caches are told anyway: pages then cached from the
    replica may show the previous state until the next change or ``s-maxage``.
    """
    if timeout is None:
        timeout = settings.REPLICA_WAIT_SECONDS
    if REPLICA not in settings.DATABASES or connections[REPLICA].vendor != "postgresql":
        return True
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (written,) = cursor.fetchone()
        return replayed(written, time.monotonic() + timeout, poll)
    except DatabaseError:
        logger.exception("Could not tell whether the read replica has caught up")
        return False


def replayed(written: str, deadline: float, poll: float) -> bool:
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            (caught_up,) = cursor.fetchone()
            if caught_up:
                return True
            if time.monotonic() >= deadline:
                logger.error(
                    "The read replica is still behind the primary: caches are refreshed "
                    "anyway and may show the previous state until the next change."
                )
                return False
            time.sleep(poll)
