"""Purge the frontend cache (CDN or Varnish): everything, or the tags given."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.site import purge


class Command(BaseCommand):
    help = (
        "Purge the frontend cache named by FRONTEND_CACHE_BACKEND: everything, or only the "
        "tags given (for example explainer-12 home topic:climate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tags", nargs="*", help="tags to purge (default: everything)")

    def handle(self, *args: Any, tags: list[str], **options: Any) -> None:
        if not settings.FRONTEND_CACHE_BACKEND:
            raise CommandError("No frontend cache is configured (FRONTEND_CACHE_BACKEND).")
        done = purge.purge(tags) if tags else purge.purge_everything()
        if not done:
            raise CommandError("The purge failed; see the error above.")
        what = " ".join(tags) if tags else "everything"
        self.stdout.write(f"Purged {what} ({settings.FRONTEND_CACHE_BACKEND}).")
