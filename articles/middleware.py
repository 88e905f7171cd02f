"""Security headers that Django does not set itself."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# CKEditor 4 injects inline styles and inline event handlers, and the Django admin uses a few
# inline styles; the admin (staff only, behind login) therefore gets a wider policy than the
# public pages. Scripts still come from this origin only; nothing can be framed or posted away.
ADMIN_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Strict CSP everywhere, the admin's narrow exemption, and Permissions-Policy."""

    def get_policy_parts(self, request, response, report_only=False):
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith("/admin/"):
            parts.config, parts.update, parts.replace = ADMIN_POLICY, None, None
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
