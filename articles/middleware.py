"""Security headers that Django does not set itself."""

from __future__ import annotations

import functools
import json
import re

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

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


@functools.lru_cache(maxsize=512)
def _policy(frozen_parts: str) -> str:
    config, update, replace = json.loads(frozen_parts)
    return build_policy(config=config, update=update, replace=replace)


@receiver(setting_changed)
def _forget_policies(**kwargs) -> None:
    _policy.cache_clear()  # a policy built with config None read the settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Strict CSP everywhere, the admin's narrow exemptions, and Permissions-Policy.

    Building the header (django-csp copies the whole configuration and joins it) cost about a
    tenth of serving an explainer page, for a handful of distinct headers: the public policy,
    the two admin ones, and the public one plus each page's JSON-LD hash. The usual case (no
    nonce, no report-only policy, no exemption) is built once per distinct set of parts by
    django-csp's own ``build_policy``; anything else goes through django-csp unchanged.
    """

    def process_response(self, request, response):
        if self._usual_case(request, response):
            parts = self.get_policy_parts(request, response)
            frozen = json.dumps([parts.config, parts.update, parts.replace], sort_keys=True)
            policy = _policy(frozen)
            if policy:
                response[HEADER] = policy
            # As django-csp does: asking for a nonce after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        else:
            response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    @staticmethod
    def _usual_case(request, response) -> bool:
        if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return False
        if settings.DEBUG and response.status_code in (404, 500):
            return False
        if getattr(request, "_csp_nonce", None) is not None or HEADER in response:
            return False
        if getattr(response, "_csp_exempt", False):
            return False
        excluded = (settings.CONTENT_SECURITY_POLICY or {}).get("EXCLUDE_URL_PREFIXES") or ()
        return not request.path_info.startswith(tuple(excluded))

    def get_policy_parts(self, request, response, report_only=False):
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        policy = None if report_only else admin_policy_for(request.path)
        if policy is not None:
            parts.config, parts.update, parts.replace = policy, None, None
        return parts
