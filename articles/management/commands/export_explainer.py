"""``manage.py export_explainer SLUG``: an explainer as canonical text or JSON.

The text format is described in docs/text-format.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.interchange import exporter
from articles.models import Explainer


class Command(BaseCommand):
    help = (
        "Write the working copy of the explainer SLUG to standard output (or -o FILE): the "
        "canonical plain text (docs/text-format.md), or with --format json the whole explainer "
        "as JSON (keys documented in docs/import-export.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write to FILE instead.")

    def handle(
        self, *args: Any, slug: str, format: str, output: str | None, **options: Any
    ) -> None:
        explainer = Explainer.objects.filter(slug=slug).first()
        if explainer is None:
            raise CommandError(f"No explainer with slug “{slug}”.")
        if format == "json":
            document = exporter.to_json(explainer)
        else:
            parsed = exporter.to_parsed(explainer)
            for problem in exporter.export_problems(parsed):
                self.stderr.write(self.style.WARNING(f"warning: {problem}; it will not read back"))
            document = exporter.write(parsed)
        if output:
            Path(output).write_text(document, encoding="utf-8")
        else:
            self.stdout.write(document, ending="")
