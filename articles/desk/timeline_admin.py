"""The explainer admin's History page (the timeline) and its comparison of two points.

The History link of the change form leads where editors expect it: Django's own history view,
given the timeline through its ``object_history_template`` and ``extra_context`` hooks. The
comparison takes the URL django-reversion-compare used (``…/history/compare/``); the old
published-versions diff URL redirects to it, so there is one way to compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode

from articles.desk import history, points, textdiff, timeline
from articles.desk.saving import who
from articles.models import Explainer, PublishedVersion
from articles.workflow import moves as workflow

# The mixin runs inside ExplainerAdmin; the type checker reads it as the ModelAdmin it extends.
if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object

_POINT = RegexValidator(r"^[sv][0-9]{1,12}$", "Choose a save or a published version.")


class CompareForm(forms.Form):
    """The two points to compare: "s<id>" for a save, "v<number>" for a published version."""

    start = forms.CharField(validators=[_POINT])
    end = forms.CharField(validators=[_POINT])


@dataclass
class Point:
    """A point of the history with its content."""

    key: str
    at: datetime
    label: str
    data: dict[str, Any]
    revert_url: str = ""
    open_url: str = ""


class TimelineAdminMixin(ExplainerAdminBase):
    """History and comparison pages of ExplainerAdmin (a ModelAdmin)."""

    object_history_template = "admin/articles/explainer/object_history.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/history/compare/",
                wrap(self.compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/versions/compare/",
                wrap(self.version_diff_view),
                name=f"{prefix}_version_diff",
            ),
            *super().get_urls(),
        ]

    def _open_or_404(self, request: HttpRequest, object_id: str) -> Explainer:
        """Return the explainer if this user may open it; 404 for one they may not see.

        Looked up through get_queryset(), so a writer cannot read someone else's history.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such explainer.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _may_revert(self, request: HttpRequest, obj: Explainer) -> bool:
        return self.has_change_permission(request, obj) and workflow.can_edit(request.user, obj)

    def _explainer_url(self, name: str, *args: Any) -> str:
        return reverse(f"{self.admin_site.name}:articles_explainer_{name}", args=args)

    # A save's revision keeps only a comment someone wrote (a revert's, an import's): the
    # admin's own change list ("Changed Text for key fact …") names form fields, and the
    # timeline says what changed in words of its own. Django's log entry keeps it.

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        _drop_listed_changes(message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        _drop_listed_changes(message)
        return entry

    def history_view(self, request, object_id, extra_context=None):
        """The timeline, on Django's own History page (its breadcrumbs and title).

        Django's view, not django-reversion's list of revisions: the timeline holds those.
        """
        obj = self._open_or_404(request, object_id)
        may_revert = self._may_revert(request, obj)
        rows = []
        for entry in timeline.entries(obj):
            rows.append(
                {
                    "entry": entry,
                    "when": timezone.localtime(entry.at),
                    "revert_url": self._explainer_url("revision", quote(obj.pk), entry.version_id)
                    if entry.version_id
                    else "",
                    "open_url": self._explainer_url("version", quote(obj.pk), entry.number)
                    if entry.number
                    else "",
                }
            )
        compared = [row for row in rows if row["entry"].point]
        # Each point can be compared with the one before it in one click.
        compare_url = self._explainer_url("compare", quote(obj.pk))
        for row, before in zip(compared, compared[1:], strict=False):
            query = urlencode({"start": before["entry"].point, "end": row["entry"].point})
            row["previous_url"] = f"{compare_url}?{query}"
        context = {
            "title": f"History: {obj}",
            "timeline": rows,
            "may_revert": may_revert,
            "compare_url": compare_url,
            # The newest two points are chosen to start with.
            "start_point": compared[1]["entry"].point if len(compared) > 1 else "",
            "end_point": compared[0]["entry"].point if compared else "",
            "time_zone": settings.TIME_ZONE,
            **(extra_context or {}),
        }
        return admin.ModelAdmin.history_view(self, request, object_id, context)

    def version_diff_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The old comparison of two published versions (``?a=1&b=2``), now the timeline's."""
        obj = self._open_or_404(request, object_id)
        query = urlencode(
            {"start": f"v{request.GET.get('a', '')}", "end": f"v{request.GET.get('b', '')}"}
        )
        return HttpResponseRedirect(f"{self._explainer_url('compare', quote(obj.pk))}?{query}")

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show what changed between two points (``?start=s12&end=v3``), as readers read it."""
        obj = self._open_or_404(request, object_id)
        history_url = self._explainer_url("history", quote(obj.pk))
        form = CompareForm(request.GET)
        found = (
            [self._point(request, obj, form.cleaned_data[k]) for k in ("start", "end")]
            if form.is_valid()
            else []
        )
        chosen = [point for point in found if point is not None]
        if len(chosen) != 2:
            messages.error(request, "Choose two saves or published versions of this explainer.")
            return HttpResponseRedirect(history_url)
        old, new = sorted(chosen, key=lambda point: point.at)
        changes = textdiff.compare(old.data, new.data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Compare: {obj}",
            "old": old,
            "new": new,
            "changes": changes,
            "history_url": history_url,
            "change_url": self._explainer_url("change", quote(obj.pk)),
            "time_zone": settings.TIME_ZONE,
        }
        return TemplateResponse(request, "admin/articles/explainer/compare.html", context)

    def _point(self, request: HttpRequest, obj: Explainer, key: str) -> Point | None:
        """Return the point ``key`` of ``obj``'s history, or None if it has no such point."""
        number = int(key[1:])
        if key.startswith("v"):
            version = PublishedVersion.objects.filter(explainer=obj, number=number).first()
            if version is None:
                return None
            when = date_format(timezone.localtime(version.published_at), "j M Y, H:i")
            return Point(
                key=key,
                at=version.published_at,
                label=f"Version {number}, published {when} by {who(version.published_by)}",
                data=points.published_data(version),
                open_url=self._explainer_url("version", quote(obj.pk), number),
            )
        saved = history.explainer_version(obj.pk, number)
        if saved is None:
            return None
        when = date_format(timezone.localtime(saved.revision.date_created), "j M Y, H:i")
        return Point(
            key=key,
            at=saved.revision.date_created,
            label=f"Saved {when} by {who(saved.revision.user)}",
            data=points.revision_data([saved])[saved.pk],
            revert_url=self._explainer_url("revision", quote(obj.pk), saved.pk)
            if self._may_revert(request, obj)
            else "",
        )


def _drop_listed_changes(message: Any) -> None:
    """Leave the revision being saved without the admin's change list (a list, not text)."""
    if not isinstance(message, str) and reversion.is_active():
        reversion.set_comment("")
