"""``manage.py seed_bulk --explainers N``: benchmark data, N published explainers in bulk."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles import bulk


class Command(BaseCommand):
    help = (
        "Create N realistic published explainers (8 facts, 5 stakeholders from a shared pool, "
        "8 timeline events, 6 sources, about 900 words each) with bulk inserts, for benchmarks "
        "and load tests. Adds to what exists; never run it on a production database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--explainers", type=int, default=10_000)
        parser.add_argument("--batch-size", type=int, default=250)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the text.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes that render batches (default: one per CPU; 0 renders in-process).",
        )

    def handle(
        self,
        *args: Any,
        explainers: int,
        batch_size: int,
        seed: int,
        workers: int | None,
        **options: Any,
    ) -> None:
        if explainers < 1 or batch_size < 1:
            raise CommandError("--explainers and --batch-size must be positive.")
        quiet = options["verbosity"] == 0
        with tqdm(total=explainers, unit="explainer", disable=quiet) as bar:
            result = bulk.seed(
                explainers,
                batch_size=batch_size,
                random_seed=seed,
                workers=workers,
                progress=bar.update,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.explainers} published explainers in {result.seconds:.1f} s "
                f"({result.explainers / result.seconds:.0f}/s)."
            )
        )
