"""Querysets turned into SQL once per process and run with each request's values.

Building and compiling a queryset (filters, lookups, joins, ordering) costs a list page more
than PostgreSQL takes to run the statement: about 0.5–1 ms each, three times on the home page.
The statements of the public pages never change shape, only their values ("now", a topic), so
``Prepared`` compiles its queryset once per database with stand-in values, remembers where
those values went in the parameters, and from then on runs the same SQL with the real ones.
Results come back through the same converters Django would apply.

The querysets stay the definition (``PublishedVersion.objects.live()`` and friends), so there
is no hand-written SQL to keep in step with them; ``tests/articles/test_prepared.py`` holds the
rows equal to the queryset's own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models import Model, QuerySet

# Stand-ins for the values a statement is run with. Unlikely values, so that no constant in a
# query equals one by chance; ``Prepared`` refuses a statement where one is missing or doubled
# by a constant it cannot tell apart.
STAND_IN_MOMENT = datetime.datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
STAND_IN_DAY = datetime.date(1901, 2, 3)
STAND_IN_ID = -7_654_321
STAND_IN_TEXT = "\ue000stand-in\ue000"

_all: list[Prepared] = []


class Prepared:
    """A queryset compiled once per database and shape, run with new values.

    ``build(**stand_ins)`` returns the queryset for given values (rows of ``model`` or
    reading them: the router picks the database by ``model``); it is called once per
    database (and per ``shape``, e.g. the page of a paginated list, since slices are written
    into the SQL) with the stand-ins. ``rows(**values)`` runs it with real ones. The values
    are named: ``at`` (a datetime), ``today`` (a date), ``id`` (an integer), ``text``.
    """

    STAND_INS = {
        "at": STAND_IN_MOMENT,
        "today": STAND_IN_DAY,
        "id": STAND_IN_ID,
        "text": STAND_IN_TEXT,
    }

    def __init__(
        self, model: type[Model], build: Callable[..., QuerySet], *, uses: tuple[str, ...]
    ) -> None:
        unknown = set(uses) - set(self.STAND_INS)
        if unknown:
            raise ValueError(f"Unknown values {sorted(unknown)}; use {sorted(self.STAND_INS)}.")
        self.model = model  # whose database the router picks
        self.build = build
        self.uses = uses
        self._compiled: dict[Hashable, _Compiled] = {}
        _all.append(self)

    def rows(self, shape: Hashable = None, **values: Any) -> list[tuple]:
        """Return the rows (tuples, in the queryset's ``values_list`` order)."""
        return together(self.run(shape, **values))[0]

    def run(self, shape: Hashable = None, **values: Any) -> Run:
        """Return the statement with these values, to run with others (``together``)."""
        if set(values) != set(self.uses):
            raise TypeError(f"Expected values for {sorted(self.uses)}, got {sorted(values)}.")
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        compiled = self._compiled.get((alias, shape))
        if compiled is None:
            compiled = self._compile(alias, shape)
            if len(self._compiled) > 256:  # shapes are page numbers: keep the set bounded
                self._compiled.clear()
            self._compiled[(alias, shape)] = compiled
        params = list(compiled.params)
        for position, name, wrap in compiled.slots:
            value = _adapt(connection, values[name])
            params[position] = wrap(value) if wrap else value
        return Run(alias, compiled, params)

    def _stand_ins(self, shape: Hashable) -> dict[str, Any]:
        stand_ins = {name: self.STAND_INS[name] for name in self.uses}
        if shape is not None:
            stand_ins["shape"] = shape
        return stand_ins

    def _compile(self, alias: str, shape: Hashable) -> _Compiled:
        queryset = self.build(**self._stand_ins(shape))
        connection = connections[alias]
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        adapted = {name: _adapt(connection, self.STAND_INS[name]) for name in self.uses}
        slots = []
        for position, param in enumerate(params):
            for name, stand_in in adapted.items():
                if _same(param, stand_in):
                    wrap = type(param) if type(param) is not type(stand_in) else None
                    slots.append((position, name, wrap))
        found = {name for _, name, _ in slots}
        if found != set(self.uses):
            raise ValueError(
                f"The compiled query does not take {sorted(set(self.uses) - found)} as a "
                "parameter; it cannot be run with other values."
            )
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(fields)
        return _Compiled(sql=sql, params=tuple(params), slots=tuple(slots), converters=converters)


class Run(NamedTuple):
    alias: str
    compiled: _Compiled
    params: list[Any]


def together(*runs: Run) -> list[list[tuple]]:
    """Run statements and return each one's rows, in order.

    On PostgreSQL they go as prepared statements, planned once per connection, and those
    for one database in a single round trip (``prepared_rows`` in
    newsroom/postgresql/base.py). Elsewhere, or with ``DATABASE_PREPARED_STATEMENTS`` off,
    they run one after the other.
    """
    results: list[list[tuple] | None] = [None] * len(runs)
    for alias in dict.fromkeys(run.alias for run in runs):
        connection = connections[alias]
        mine = [i for i, run in enumerate(runs) if run.alias == alias]
        statements = [(runs[i].compiled.sql, runs[i].params) for i in mine]
        runner = getattr(connection, "prepared_rows", None)
        if not settings.DATABASE_PREPARED_STATEMENTS:
            runner = None
        found = runner(statements) if runner else _one_by_one(connection, statements)
        for i, rows in zip(mine, found, strict=True):
            compiled = runs[i].compiled
            if compiled.converters:
                rows = [compiled.convert(row, connection) for row in rows]
            results[i] = rows
    return results


def _one_by_one(connection, statements: list[tuple[str, list]]) -> list[list[tuple]]:
    found = []
    for sql, params in statements:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found.append(cursor.fetchall())
    return found


class _Compiled:
    __slots__ = ("sql", "params", "slots", "converters")

    def __init__(self, *, sql, params, slots, converters) -> None:
        self.sql = sql
        self.params = params
        self.slots = slots
        self.converters = converters

    def convert(self, row: tuple, connection) -> tuple:
        row = list(row)
        for position, (functions, expression) in self.converters.items():
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return tuple(row)


def _adapt(connection, value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _same(param: Any, stand_in: Any) -> bool:
    # The backend may wrap a value in a subclass (psycopg's Int4 for an integer).
    return isinstance(param, type(stand_in)) and param == stand_in


def forget() -> None:
    """Drop every compiled statement (settings that shape SQL changed)."""
    for prepared in _all:
        prepared._compiled.clear()


setting_changed.connect(lambda **kwargs: forget(), weak=False)
