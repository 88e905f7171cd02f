"""Share links on the explainer's change form: who may make them, and the list that shows them.

An editor makes a link for one named person (a lawyer, an interviewee) to read the saved working
copy without an account, for 1 to 30 days (7 by default), and may withdraw it at any time. The
link's URL is shown once, in the message after it is made: only a digest of its secret is kept.

Who may: holders of ``share_explainer`` (editors). Sending a draft outside the newsroom can carry
legal risk and is an editor's call, so writers, even the explainer's authors, ask an editor.
Everyone who can open the change form sees the list (for whom, by whom, when, until when, how
many times it was opened): a draft that left the building should be known to its authors and
its fact-checker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from articles.desk.people import name_of
from articles.desk.saving import acting_user
from articles.models import Explainer, ShareLink, ShareLinkView
from articles.publishing import preview

PERMISSION = "articles.share_explainer"
LISTED = 50  # the newest links on the form; older ones stay in the database for the audit

if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object


class ShareLinkForm(forms.Form):
    for_whom = forms.CharField(
        label="For whom",
        max_length=200,
        help_text="Who will read it, e.g. “Our lawyer, J. Adeyemi”.",
    )
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=preview.SHARE_MAX_DAYS,
        initial=preview.SHARE_DEFAULT_DAYS,
        help_text=f"1 to {preview.SHARE_MAX_DAYS} days.",
    )

    def clean_for_whom(self) -> str:
        text = self.cleaned_data["for_whom"].strip()
        if not text:
            raise forms.ValidationError("Say who the link is for.")
        return text


def may_share(request: HttpRequest) -> bool:
    return request.user.has_perm(PERMISSION)


def share_panel(request: HttpRequest, obj: Explainer, admin_name: str) -> dict[str, Any]:
    """Return what the change form's share section shows; the template decides nothing."""
    now = timezone.now()
    links = (
        ShareLink.objects.filter(explainer=obj)
        .select_related("created_by", "revoked_by")
        .annotate(shown=Count("views", filter=Q(views__outcome=ShareLinkView.Outcome.SHOWN)))
        .order_by("-created_at", "-pk")[:LISTED]
    )
    can_share = may_share(request)
    return {
        "can_share": can_share,
        "form": ShareLinkForm() if can_share else None,
        "create_url": reverse(f"{admin_name}:articles_explainer_share", args=[quote(obj.pk)]),
        "links": [
            {
                "link": link,
                "status": link.status(now),
                "created_by": name_of(link.created_by) if link.created_by else "a former user",
                "revoked_by": name_of(link.revoked_by) if link.revoked_by else "",
                "shown": link.shown,
                "revoke_url": reverse(
                    f"{admin_name}:articles_explainer_share_revoke",
                    args=[quote(obj.pk), link.pk],
                ),
            }
            for link in links
        ],
    }


class ShareLinksAdminMixin(ExplainerAdminBase):
    """Share-link parts of ExplainerAdmin (a ModelAdmin): two POST-only views and the panel."""

    if TYPE_CHECKING:

        def _object_or_404(self, request: HttpRequest, object_id: str) -> Explainer: ...

        def _change_url(self, obj: Explainer) -> str: ...

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        urls = [
            path(
                "<path:object_id>/share/<int:link_id>/withdraw/",
                wrap(require_POST(self.share_revoke_view)),
                name=f"{prefix}_share_revoke",
            ),
            path(
                "<path:object_id>/share/",
                wrap(require_POST(self.share_create_view)),
                name=f"{prefix}_share",
            ),
        ]
        return urls + super().get_urls()

    def _shareable(self, request: HttpRequest, object_id: str) -> Explainer:
        """The explainer, if this user may see it and make or withdraw its share links."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such explainer.")
        if not may_share(request) or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def share_create_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._shareable(request, object_id)
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"Share link not made. {label}: {error}")
            return HttpResponseRedirect(self._change_url(obj))
        link, token = preview.create_share_link(
            obj,
            by=acting_user(request),
            for_whom=form.cleaned_data["for_whom"],
            days=form.cleaned_data["days"],
        )
        url = request.build_absolute_uri(preview.share_url(token))
        until = date_format(timezone.localtime(link.expires_at), "j M Y, H:i")
        messages.success(
            request,
            f"Share link for {link.for_whom}, valid until {until}: {url} — copy it now, it is "
            "shown only this once.",
        )
        return HttpResponseRedirect(self._change_url(obj))

    def share_revoke_view(self, request: HttpRequest, object_id: str, link_id: int) -> HttpResponse:
        obj = self._shareable(request, object_id)
        link = ShareLink.objects.filter(explainer=obj, pk=link_id).first()
        if link is None:
            raise Http404("No such share link.")
        if preview.revoke_share_link(link, by=acting_user(request)):
            messages.success(request, f"The share link for {link.for_whom} is withdrawn.")
        else:
            messages.warning(request, f"The share link for {link.for_whom} was already withdrawn.")
        return HttpResponseRedirect(self._change_url(obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["sharing"] = share_panel(request, obj, self.admin_site.name)
        return super().render_change_form(request, context, add, change, form_url, obj)
