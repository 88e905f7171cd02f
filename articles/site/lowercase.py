"""Public addresses are lower-case: ``/Explainers/What-Is-A-Heat-Dome/`` is sent (301) to
``/explainers/what-is-a-heat-dome/``, with its query string.

Slugs are made lower-case, but people retype links from print, and some mail and chat apps
capitalise them. Only a request that would otherwise be a 404 pays for the check: the
lower-case address must belong to a public page, and that page must exist (its view answers
anything but 404), so a mistyped address still gets a plain 404 and not a redirect to one.
An address that exists as typed (an author's mixed-case username) is served as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.encoding import escape_uri_path

# Routes whose arguments are case-sensitive secrets: a lower-cased token is just a bad link,
# and running the share view would record a view that nobody made.
CASE_SENSITIVE_ROUTES = frozenset({"preview", "share"})


class LowercaseRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        lower = request.path_info.lower()
        if lower == request.path_info or not self.exists(request, lower):
            return response
        prefix = request.path.removesuffix(request.path_info)
        location = escape_uri_path(prefix + lower)
        if request.META.get("QUERY_STRING"):
            location += "?" + request.META["QUERY_STRING"]
        return HttpResponsePermanentRedirect(location)

    @staticmethod
    def exists(request: HttpRequest, path: str) -> bool:
        """Return True if ``path`` is a public page that answers ``request`` with no 404."""
        try:
            match = resolve(path)
        except Resolver404:
            return False
        if match.namespace != "articles" or match.url_name in CASE_SENSITIVE_ROUTES:
            return False
        # Public views are read-only (views.read_only): asking one costs a page render on
        # this rare path, and changes nothing.
        try:
            answer = match.func(request, *match.args, **match.kwargs)
        except Http404:
            return False
        return answer.status_code != 404
