"""Django's PostgreSQL backend with a health check that needs no round trip.

With ``CONN_HEALTH_CHECKS`` Django runs ``SELECT 1`` before the first query of every request,
so that a persistent connection broken by a database restart is replaced instead of failing a
request. On the explainer page (one query) that doubled the round trips: about a fifth of the
page's cost (docs/performance.md).

A server that restarts, fails over or terminates the backend closes the socket (after a FATAL
message). An idle connection whose socket has something to read is therefore going away:
this backend asks the operating system whether the socket is readable, with no wait and no
query. Readable, or closed, or marked bad by libpq: the connection is closed and Django opens
a new one for the query. (A connection that LISTENs would read as going away after each
notification and be replaced: nothing here listens.)

Everything else, including the ``SELECT 1`` check Django runs after a query error, is
Django's. Used when ``DATABASE_URL`` is a PostgreSQL URL (settings.py).

It also offers ``prepared_cursor()``: a cursor whose statements are sent with server-side
binding as prepared statements, so that PostgreSQL parses and plans each one once per
connection instead of on every request. ``articles/prepared.py`` runs the public pages' fixed
statements through it (the rest of Django keeps client-side binding, as by default). Behind a
pooler in transaction mode that does not track prepared statements (PgBouncer before 1.21, or
without ``max_prepared_statements``), set ``DATABASE_PREPARED_STATEMENTS=0``.
"""

from __future__ import annotations

import select

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import pq


class PreparingCursor(base.ServerBindingCursor):
    """A server-side binding cursor that prepares every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("prepare_threshold") is None:
            # While this is None psycopg prepares nothing, even when asked to. Django's own
            # cursors bind on the client and never prepare, so a threshold only opens the way
            # for prepared_cursor(), which asks each time: set so high it is never reached.
            params["prepare_threshold"] = 2**31 - 1
        return params

    def close_if_health_check_failed(self):
        if self.pool is not None:  # the pool hands out checked connections
            return super().close_if_health_check_failed()
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return None
        if not self.server_still_there():
            self.close()
        self.health_check_done = True
        return None

    def prepared_cursor(self):
        """Return a cursor (wrapped like ``cursor()``'s) that runs prepared statements.

        Falls back to ``cursor()`` when ``DATABASE_PREPARED_STATEMENTS`` is off."""
        if not getattr(settings, "DATABASE_PREPARED_STATEMENTS", True):
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(self.connection))

    def server_still_there(self) -> bool:
        """Return whether the idle connection still looks open, without a round trip."""
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        try:
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # closed or invalid descriptor
            return False
        return not readable
