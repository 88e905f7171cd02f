"""``manage.py make_icons``: draw the site's icons into static/icons/ (articles/site/icons.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.site import icons


class Command(BaseCommand):
    help = "Draw the site's icon as SVG, PNG and ICO into static/icons/."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in icons.write_icons(Path(settings.BASE_DIR) / "static" / "icons"):
            self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")
