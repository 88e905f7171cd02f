"""Template context shared by every page."""

from django.conf import settings

# The settings every public template reads, by the names templates use: the publication's
# name and the address readers write to about an error (may be empty).
SITE_SETTINGS = ("NEWSROOM_NAME", "NEWSROOM_CORRECTIONS_EMAIL")


def site(request) -> dict:
    return {name: getattr(settings, name) for name in SITE_SETTINGS}
