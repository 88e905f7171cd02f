"""A few people at once on the embedded SQLite database, in a process of its own.

Run by ``test_sqlite.py`` as ``python -m tests.articles.sqlite_workload`` with ``DATABASE_URL``
naming a fresh SQLite file, so that the connections are opened with the project's settings (the
test suite's own database is in memory). It migrates the file, then ``WRITERS`` threads edit
explainers the way the workflow and the admin do (read the row, then write it, in one
transaction) while ``READERS`` threads list them. It prints one JSON line: the edits that went
through and the errors raised.
"""

from __future__ import annotations

import json
import os
import threading

import django

WRITERS = 3
READERS = 3
ROUNDS = 25


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from articles.models import Explainer
    from tests.factories import ExplainerFactory

    call_command("migrate", verbosity=0)
    pks = [ExplainerFactory().pk for _ in range(WRITERS)]
    connection.close()
    start = threading.Barrier(WRITERS + READERS)
    errors: list[str] = []
    edits: list[int] = []

    def edit(pk: int) -> None:
        for n in range(ROUNDS):
            try:
                with transaction.atomic():
                    explainer = Explainer.objects.select_for_update().get(pk=pk)
                    explainer.dek = f"Edited {n + 1} times."
                    explainer.save()
                edits.append(pk)
            except Exception as error:  # noqa: BLE001 - every failure is the test's answer
                errors.append(f"{type(error).__name__}: {error}")

    def read() -> None:
        for _ in range(ROUNDS):
            try:
                list(Explainer.objects.order_by("-updated_at")[:20])
                Explainer.objects.count()
            except Exception as error:  # noqa: BLE001
                errors.append(f"{type(error).__name__}: {error}")

    def person(work, *args) -> None:
        start.wait()
        try:
            work(*args)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=person, args=(edit, pk)) for pk in pks]
    threads += [threading.Thread(target=person, args=(read,)) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"edits": len(edits), "errors": errors}))


if __name__ == "__main__":
    main()
