"""The private pages of the public site: the staff preview of a working copy and share links.

Neither is public: each answers ``Cache-Control: private, no-store`` and ``noindex``, and the
page cache skips them.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from articles.models import Explainer
from articles.publishing import preview as preview_tokens
from articles.publishing import upnext
from articles.publishing.render import stored_html
from articles.site.views import read_only

# --- Staff preview ----------------------------------------------------------------------------


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    response = render(request, "articles/preview_refused.html", {"message": message}, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@read_only
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """Show a staff member the working copy a signed preview link was made for."""
    try:
        explainer_id = preview_tokens.explainer_id_from_token(token)
    except signing.SignatureExpired:
        return _refused(request, "This preview link has expired. Ask the desk for a new one.")
    except signing.BadSignature:
        return _refused(request, "This preview link is not valid.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    explainer = Explainer.objects.visible_to(request.user).filter(pk=explainer_id).first()
    if explainer is None:
        return _refused(request, "You do not have access to this explainer.")
    version = preview_tokens.preview_version(explainer)
    context, _ = upnext.page_context(version, timezone.now())
    context.update(explainer=explainer, state=explainer.get_state_display())
    response = render(request, "articles/preview.html", context)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Share links ------------------------------------------------------------------------------

SHARE_REFUSALS = {
    "withdrawn": "This preview link has been withdrawn.",
    "expired": "This preview link has expired.",
}


def _private_noindex(response: HttpResponse) -> HttpResponse:
    # Not for shared caches, CDNs nor the page cache (which also skips /share/), not for search.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@read_only
def share(request: HttpRequest, token: str) -> HttpResponse:
    """Show the saved working copy to whoever holds a share link, and record that they did.

    Withdrawn and expired links answer 410 with a plain sentence; unknown ones 404.
    """
    link = preview_tokens.share_link_for(token)
    if link is None:
        raise Http404("No such preview link.")
    status = link.status()
    if request.method == "GET":  # a HEAD shows nobody anything
        outcome = "shown" if status == "open" else status
        preview_tokens.record_share_view(link, outcome, request.headers.get("User-Agent", ""))
    if status != "open":
        response = render(
            request,
            "articles/preview_refused.html",
            {"message": SHARE_REFUSALS[status]},
            status=410,
        )
        return _private_noindex(response)
    version = preview_tokens.preview_version(link.explainer)
    response = render(
        request,
        "articles/share_preview.html",
        {
            "title": version.title,
            "head_html": stored_html(version.head_html),
            "body_html": stored_html(version.body_html),
            "expires_at": link.expires_at,
        },
    )
    return _private_noindex(response)
