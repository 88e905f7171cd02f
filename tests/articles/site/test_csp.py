"""Our CSP middleware: django-csp's, with the admin's policy and Permissions-Policy added."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.decorators import csp_update
from django.http import HttpResponse
from django.test import RequestFactory

from articles.site.csp import ADMIN_POLICY, ContentSecurityPolicyMiddleware


def respond(path: str, view=lambda request: HttpResponse("ok")) -> HttpResponse:
    request = RequestFactory().get(path)
    middleware = ContentSecurityPolicyMiddleware(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def directives(header: str) -> dict[str, list[str]]:
    """The policy as a mapping (django-csp's directive order follows set iteration)."""
    return {name: sources for name, *sources in (part.split() for part in header.split("; "))}


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/articles/explainer/"])
def test_staff_pages_get_the_admin_policy(path):
    """Under /admin/ the header is ADMIN_POLICY, not the public settings."""
    assert directives(respond(path)[HEADER]) == ADMIN_POLICY


def test_public_pages_get_the_settings_policy(settings):
    """Elsewhere the header is CONTENT_SECURITY_POLICY from the settings."""
    expected = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives(respond("/")[HEADER]) == expected


def test_a_view_decorator_widens_the_admin_policy():
    """django-csp's csp_update on an admin view adds to the admin policy, not the public one."""
    view = csp_update({"script-src": ["'unsafe-inline'"]})(lambda request: HttpResponse("ok"))
    header = directives(respond("/admin/articles/explainer/add/", view)[HEADER])
    assert header == {**ADMIN_POLICY, "script-src": ["'self'", "'unsafe-inline'"]}


def test_a_report_only_policy_stays_django_csps(settings):
    """A report-only policy in the settings is sent as is, on staff pages too."""
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    response = respond("/admin/")
    assert response[HEADER_REPORT_ONLY] == "default-src 'self'"
    assert directives(response[HEADER]) == ADMIN_POLICY


def test_every_response_gets_permissions_policy(settings):
    """Permissions-Policy is set beside the CSP, on public and staff pages."""
    for path in ("/", "/admin/"):
        assert respond(path)["Permissions-Policy"] == settings.PERMISSIONS_POLICY


def test_asking_for_a_nonce_after_the_header_is_refused():
    request = RequestFactory().get("/")
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse("ok"))
    with pytest.raises(Exception, match="csp_nonce"):
        str(request.csp_nonce)
