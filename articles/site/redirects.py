"""Safe redirects: the one place that decides whether a ``next=`` address may be followed.

Login, preview and workflow views take a return address from the request. Followed blindly,
that is an open redirect: a link on our domain that sends an editor to a look-alike login page.
Every such view asks ``safe_next_url()``, which accepts only addresses on this site.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

REDIRECT_FIELD_NAME = "next"


def is_safe_next_url(request: HttpRequest, url: str | None) -> bool:
    """Return True if ``url`` points at this site and may be redirected to."""
    if not url:
        return False
    # Django rejects scheme-relative (//evil), backslash (/\evil), "https:evil", control
    # characters and foreign hosts. In production an absolute address must also be https, so
    # a return address cannot downgrade the editor to plain http.
    return url_has_allowed_host_and_scheme(
        url.strip(),
        allowed_hosts={request.get_host()},
        require_https=request.is_secure() or not settings.DEBUG,
    )


def safe_next_url(request: HttpRequest, url: str | None = None, *, fallback: str) -> str:
    """Return ``url`` (by default ``?next=`` or POSTed ``next``) if safe, else ``fallback``.

    ``fallback`` is trusted (a ``reverse()`` result), never user input.
    """
    if url is None:
        url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url is not None and is_safe_next_url(request, url):
        return url.strip()
    return fallback
