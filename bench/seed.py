"""``python bench/seed.py --explainers N``: benchmark data, N published explainers in bulk.

Each has 8 facts, 5 stakeholders from a shared pool, 8 timeline events and 6 sources, about 900
words (the ``bench/bulk/`` package). It adds to what the database named by ``DATABASE_URL``
holds: never point it at a production database.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0].replace("``", ""))
    parser.add_argument("--explainers", type=positive, default=10_000)
    parser.add_argument("--batch-size", type=positive, default=250)
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the text")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes that render batches (default: one per CPU; 0 renders in-process)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> None:
    """Seed as ``args`` says, with Django already set up."""
    from tqdm import tqdm

    from bench.bulk import seed

    with tqdm(total=args.explainers, unit="explainer", disable=args.quiet) as bar:
        result = seed(
            args.explainers,
            batch_size=args.batch_size,
            random_seed=args.seed,
            workers=args.workers,
            progress=bar.update,
        )
    print(
        f"Created {result.explainers} published explainers in {result.seconds:.1f} s "
        f"({result.explainers / result.seconds:.0f}/s)."
    )


def main() -> int:
    args = parse_args()  # before Django, so that --help needs no settings or database
    # This checkout's code, not whichever copy of the project is installed.
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
