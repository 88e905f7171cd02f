"""Presence and edit locks on the explainer's change form.

Presence: the form's script posts a heartbeat (``presence_view``) every few seconds and shows,
at the top of the form, who else has the explainer open (``presence.py`` keeps them in the
cache); a heartbeat of the lock's holder renews the lock. Locks: an editor locks and unlocks with
two POST buttons (``lock_view``, ``unlock_view``) that call ``workflow.locks``; while someone else
holds the lock the form is Django's read-only change form (``has_change_permission`` says no),
with a message naming the holder and since when, and a save posted anyway is refused. Who may
lock and unlock is decided in ``articles/workflow/locks.py``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from articles.desk import presence
from articles.desk.saving import acting_user, who
from articles.models import Explainer
from articles.workflow import locks
from articles.workflow import moves as workflow

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object


def _time(at: Any) -> str:
    return date_format(timezone.localtime(at), "H:i")


def lock_panel(request: HttpRequest, obj: Explainer, admin_name: str) -> dict[str, Any]:
    """Return what the change form's lock section and presence notice need."""
    user = request.user
    active = obj.lock_active()
    args = [quote(obj.pk)]
    return {
        "active": active,
        "mine": active and obj.locked_by_id == user.pk,
        "holder": who(obj.locked_by) if active else "",
        "since": obj.locked_at if active else None,
        "until": obj.lock_expires_at if active else None,
        "can_lock": locks.can_lock(user, obj),
        "can_unlock": locks.can_unlock(user, obj),
        "lock_url": reverse(f"{admin_name}:articles_explainer_lock", args=args),
        "unlock_url": reverse(f"{admin_name}:articles_explainer_unlock", args=args),
        "minutes": settings.NEWSROOM_LOCK_MINUTES,
        "heartbeat_url": reverse(f"{admin_name}:articles_explainer_presence", args=args),
        "leave_url": reverse(f"{admin_name}:articles_explainer_presence_leave", args=args),
        "heartbeat_seconds": presence.HEARTBEAT_SECONDS,
        "presence": settings.NEWSROOM_PRESENCE,
        # The page was drawn read-only because of the lock: the script says when that changes.
        "read_only": obj.locked_for(user),
    }


class LocksAdminMixin(ExplainerAdminBase):
    """Presence heartbeat and edit locks of ExplainerAdmin (a ModelAdmin)."""

    if TYPE_CHECKING:

        def _change_url(self, obj: Explainer) -> str: ...

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-presence.js"])

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        urls = [
            path(
                "<path:object_id>/lock/", wrap(require_POST(self.lock_view)), name=f"{prefix}_lock"
            ),
            path(
                "<path:object_id>/unlock/",
                wrap(require_POST(self.unlock_view)),
                name=f"{prefix}_unlock",
            ),
            path(
                "<path:object_id>/presence/leave/",
                wrap(require_POST(self.presence_leave_view)),
                name=f"{prefix}_presence_leave",
            ),
            path(
                "<path:object_id>/presence/",
                wrap(require_POST(self.presence_view)),
                name=f"{prefix}_presence",
            ),
        ]
        return urls + super().get_urls()

    # Who may change the explainer now: nobody but the holder while it is locked.

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.locked_for(request.user):
            return False
        return super().has_change_permission(request, obj)

    def _open(self, request: HttpRequest, object_id: str) -> Explainer:
        """The explainer, if this user may open it (view or change)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such explainer.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    # Locks.

    def lock_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._open(request, object_id)
        renewing = obj.lock_active() and obj.locked_by_id == request.user.pk
        try:
            locks.lock(obj, by=acting_user(request))
        except workflow.Locked as exc:
            messages.error(request, f"Not locked: {exc}")
        else:
            until = _time(obj.lock_expires_at)
            messages.success(
                request,
                f"Lock renewed until {until}."
                if renewing
                else f"Locked: only you can change this explainer until you unlock it, or "
                f"until {until} (renewed while you have it open).",
            )
        return HttpResponseRedirect(self._change_url(obj))

    def unlock_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._open(request, object_id)
        try:
            locks.unlock(obj, by=acting_user(request))
        except workflow.InvalidTransition as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(request, "Unlocked: everyone who may edit it can again.")
        return HttpResponseRedirect(self._change_url(obj))

    # Presence.

    def presence_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """Record this person's heartbeat; answer with the others present and the lock."""
        obj = self._open(request, object_id)
        user = acting_user(request)
        if locks.renew(obj.pk, by=user):
            obj.refresh_from_db(fields=["lock_expires_at"])
        try:
            presence.arrive(
                obj.pk,
                user_id=user.pk,
                name=who(user),
                editing=self.has_change_permission(request, obj),
            )
            here = presence.others(obj.pk, user_id=user.pk)
        except Exception:
            # Any cache backend error: the form works without presence; the script retries.
            logger.exception("Presence: the cache failed")
            return JsonResponse({"others": [], "available": False}, status=503)
        lock = self._lock_state(obj, user)
        return JsonResponse({"others": here, "available": True, "lock": lock})

    def _lock_state(self, obj: Explainer, user: Any) -> dict[str, Any] | None:
        if not obj.lock_active():
            return None
        return {
            "holder": who(obj.locked_by),
            "mine": obj.locked_by_id == user.pk,
            "since": _time(obj.locked_at),
            "until": _time(obj.lock_expires_at),
        }

    def presence_leave_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._open(request, object_id)
        try:
            presence.leave(obj.pk, user_id=acting_user(request).pk)
        except Exception:
            logger.exception("Presence: the cache failed")
        return HttpResponse(status=204)

    # The change form.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            try:
                if obj is not None:
                    workflow.refuse_if_locked(request.user, obj)
            except workflow.Locked as exc:
                # Said, not a bare 403: the form was opened before the lock was taken.
                messages.error(request, f"Nothing was saved. {exc}")
                return HttpResponseRedirect(request.path)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            panel = lock_panel(request, obj, self.admin_site.name)
            context["edit_lock"] = panel
            if panel["read_only"] and request.method == "GET":
                since = date_format(timezone.localtime(obj.locked_at), "j M Y, H:i")
                messages.warning(
                    request,
                    f"{panel['holder']} locked this explainer on {since}: it is read-only for "
                    f"you until they unlock it, or until the lock runs out at "
                    f"{_time(obj.lock_expires_at)}.",
                )
        return super().render_change_form(request, context, add, change, form_url, obj)
