"""Template context shared by every page."""

from . import chrome


def site(request) -> dict:
    return chrome.site_context()
