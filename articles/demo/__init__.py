"""Demo content and demo accounts, for trying the newsroom locally (``manage.py seed_demo``).

The demo explainers are text files in the import format (``explainers/*.txt``, docs/text-format.md);
``cast`` holds the accounts, topics and stakeholders; ``manifest`` what the format cannot carry
per explainer (its slug, dek, sources' details, citations, state and correction), with
``movingdates`` keeping its upcoming dates ahead of the day it is seeded; ``seed`` imports each
file through the importer and takes it to its state through the workflow. A second run
changes nothing. Seeding refuses to run unless ``settings.DEBUG`` is on: demo accounts must never
exist in production.
"""

from articles.demo.cast import ACCOUNTS, CHECKER, EDITOR, WRITER, WRITER2
from articles.demo.logins import DemoLogin, default_logins_file, read_logins
from articles.demo.manifest import EXPLAINERS, DemoExplainer
from articles.demo.movingdates import (
    days_ahead,
    months_ahead,
    next_annual,
    next_month_among,
    next_year,
    resolve_when,
)
from articles.demo.seed import (
    EXPLAINERS_DIR,
    DemoSeedRefused,
    SeedResult,
    published_slugs,
    read_file,
    seed,
)

__all__ = [
    "ACCOUNTS",
    "CHECKER",
    "EDITOR",
    "EXPLAINERS",
    "EXPLAINERS_DIR",
    "WRITER",
    "WRITER2",
    "DemoExplainer",
    "DemoLogin",
    "DemoSeedRefused",
    "SeedResult",
    "days_ahead",
    "default_logins_file",
    "months_ahead",
    "next_annual",
    "next_month_among",
    "next_year",
    "published_slugs",
    "read_file",
    "read_logins",
    "resolve_when",
    "seed",
]
