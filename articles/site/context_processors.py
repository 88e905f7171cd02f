"""Template context shared by every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

# The settings every public template reads, by the names templates use: the publication's
# name and the address readers write to about an error (may be empty).
SITE_SETTINGS = ("NEWSROOM_NAME", "NEWSROOM_CORRECTIONS_EMAIL")


def site(request: HttpRequest) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in SITE_SETTINGS}
