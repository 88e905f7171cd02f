"""Bulk benchmark data: thousands of realistic published explainers, fast (``bench/seed.py``).

``seed()`` writes what the workflow would have left behind for each explainer, in batches with
``bulk_create``: the working copy with its facts (verified, each citing sources), sources,
viewpoints of stakeholders from a shared pool, timeline, bylines, topics and a publish
transition, and the published version, rendered through ``publishing.render_version`` exactly
as publishing renders it, with its full-text vector computed by PostgreSQL in the same INSERT.

It skips what ``publishing.freeze()`` does one explainer at a time (about ten queries to snapshot
the working copy, two more to store it): the version's ``data`` is built here from the planned
rows, in the same shape as ``articles.snapshot.snapshot()`` (a test holds the two equal).

One module per part of the work:

- ``prose``: the words, from a fixed vocabulary per topic and a seeded random generator;
- ``pools``: the shared writers, topics and stakeholders, created once;
- ``plan``: one explainer's rows, its snapshot and its HTML, as plain data (no database);
- ``insert``: a built batch written with one bulk insert per table;
- ``pipeline``: ``seed()``, building batches in worker processes while inserting earlier ones.
"""

from bench.bulk.pipeline import SeedResult, seed

__all__ = ["SeedResult", "seed"]
