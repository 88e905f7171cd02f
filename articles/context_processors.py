"""Template context shared by every page."""

from django.conf import settings


def site(request) -> dict:
    return {"NEWSROOM_NAME": settings.NEWSROOM_NAME}
