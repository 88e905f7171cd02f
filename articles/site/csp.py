"""Security headers that Django does not set itself."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# The Django admin runs with no inline script, but uses inline style attributes; staff pages
# therefore get 'unsafe-inline' for styles only. Scripts come from this origin; nothing can
# frame the admin or post a form elsewhere. The one page that loads the rich-text editor adds
# 'unsafe-inline' to script-src itself (articles/richtext.py, EDITOR_CSP).
ADMIN_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
}
ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy, and Permissions-Policy.

    ``get_policy_parts`` is django-csp's documented place to vary the policy by request: staff
    pages start from ``ADMIN_POLICY`` instead of the strict public settings, and a view's
    ``csp_update``/``csp_replace`` decorators still apply on top of it.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path.startswith(ADMIN_PREFIX):
            parts.config = ADMIN_POLICY
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
