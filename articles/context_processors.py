"""Template context shared by every page."""

from django.conf import settings

from . import chrome


def site(request) -> dict:
    return {"NEWSROOM_NAME": settings.NEWSROOM_NAME, "urls": chrome.urls()}
