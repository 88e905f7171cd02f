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
statements through it (the rest of Django keeps client-side binding, as by default), unless
``DATABASE_PREPARED_STATEMENTS`` is off: behind a pooler in transaction mode that does not track
prepared statements (PgBouncer before 1.21, or without ``max_prepared_statements``).

While they are on, each connection plans its prepared statements generically
(``plan_cache_mode = force_generic_plan``, set once when it opens). PostgreSQL's default
compares the generic plan's estimated cost with that of plans made for the values at hand, and
for most of these statements (a comparison with an unknown "now" looks dear) goes on planning
them afresh at every run: about 0.1 ms of server time each, for plans no faster than the
generic one (measured statement by statement on the bench data: docs/performance.md).
The setting touches prepared statements only, which no other code here makes.
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


class DatabaseOperations(base.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # Django reads the text psycopg sent; for a statement prepared earlier only its name
        # went. Write it out from the SQL and parameters, as Django does for server-side
        # binding (only when queries are logged: DEBUG, tests, the bench's counts).
        found = super().last_executed_query(cursor, sql, params)
        if found is None and isinstance(cursor, PreparingCursor):
            return self.compose_sql(sql, params)
        return found


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("prepare_threshold") is None:
            # While this is None psycopg prepares nothing, even when asked to. Django's own
            # cursors bind on the client and never prepare, so a threshold only opens the way
            # for prepared_cursor(), which asks each time: set so high it is never reached.
            params["prepare_threshold"] = 2**31 - 1
        return params

    def _configure_connection(self, connection):
        commit = super()._configure_connection(connection)
        if settings.DATABASE_PREPARED_STATEMENTS:
            with connection.cursor() as cursor:
                cursor.execute("SET plan_cache_mode = force_generic_plan")
            commit = True
        return commit

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
        """Return a cursor (wrapped like ``cursor()``'s) that runs prepared statements."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(self.connection))

    def prepared_rows(self, statements: list[tuple[str, list]]) -> list[list[tuple]]:
        """Run ``(sql, params)`` statements as prepared statements, all in one round trip
        (psycopg's pipeline mode), and return each one's rows."""
        cursors = [self.prepared_cursor() for _ in statements]
        try:
            with self.wrap_database_errors:
                if len(statements) == 1:
                    cursors[0].execute(*statements[0])
                else:
                    with self.connection.pipeline():
                        for cursor, (sql, params) in zip(cursors, statements, strict=True):
                            cursor.execute(sql, params)
                return [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()

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
