"""Security headers that Django does not set itself."""

from __future__ import annotations

import re

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# The Django admin runs with no inline script, but uses inline style attributes; staff pages
# therefore get 'unsafe-inline' for styles only. Scripts come from this origin; nothing can
# frame the admin or post a form elsewhere.
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

# CKEditor 4 builds its toolbar with inline event handlers (onclick="CKEDITOR.tools...") and
# cannot run without 'unsafe-inline' for scripts. Only the explainer admin pages, where the
# editor appears (add, change, history/revert, recover), get it; every other admin page and
# the whole public site keep scripts from this origin only. What the editor produces is
# sanitised by nh3 on save and on render, whatever a script in the editor did.
EDITOR_PAGES = re.compile(r"^/admin/articles/explainer/")
EDITOR_POLICY: dict[str, list[str]] = {
    **ADMIN_POLICY,
    "script-src": ["'self'", "'unsafe-inline'"],
}


def admin_policy_for(path: str) -> dict[str, list[str]] | None:
    """Return the policy for a staff page, or None for the public (strict) policy."""
    if not path.startswith("/admin/"):
        return None
    return EDITOR_POLICY if EDITOR_PAGES.match(path) else ADMIN_POLICY


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Strict CSP everywhere, the admin's narrow exemptions, and Permissions-Policy."""

    def get_policy_parts(self, request, response, report_only=False):
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        policy = None if report_only else admin_policy_for(request.path)
        if policy is not None:
            parts.config, parts.update, parts.replace = policy, None, None
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
