"""Show a stored revision of an explainer and revert to it, saved like an admin save."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from reversion.errors import RevertError

from articles.desk import history
from articles.desk.saving import (
    ADMIN_SAVE_FIELDS,
    refuse_stale,
    send_back_if_changed,
    who,
)
from articles.models import Explainer
from articles.snapshot import snapshot
from articles.workflow import moves as workflow

# The mixin runs inside ExplainerAdmin; the type checker reads it as the ModelAdmin it extends.
if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object


class RevertForm(forms.Form):
    """The revert page's button: the lock_version the page was built on, nothing else."""

    base_lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RevertAdminMixin(ExplainerAdminBase):
    """The explainer admin's revision page, in place of django-reversion's."""

    if TYPE_CHECKING:
        # Given by the other bases of ExplainerAdmin: django-reversion's VersionAdmin and
        # WorkflowAdminMixin.
        def create_revision(self, request: HttpRequest) -> AbstractContextManager[None]: ...

        def _change_url(self, obj: Explainer) -> str: ...

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Show a stored revision read-only (GET); revert the explainer to it (POST).

        Takes the place of django-reversion's view, which reverts inside a transaction even to
        show the page (then rolls back), and lets anyone with the model permission post.
        Here the page is for those who may open the explainer, and the revert for those who
        may edit its text; it is saved like an admin save (see ``_revert``).
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such explainer.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = history.explainer_version(obj.pk, version_id)
        if version is None:
            raise Http404("No such version of this explainer.")
        may_revert = self.has_change_permission(request, obj) and workflow.can_edit(
            request.user, obj
        )
        if request.method == "POST":
            if not may_revert:
                raise PermissionDenied
            return self._revert(request, obj, version)
        try:
            contents = history.stored_contents(version)
        except RevertError as exc:
            messages.error(request, f"This version can no longer be read: {exc}")
            return HttpResponseRedirect(self._history_url(obj))
        saved_at = timezone.localtime(version.revision.date_created)
        latest = history.explainer_versions(obj.pk).values_list("pk", flat=True).last()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Revert to the version of {date_format(saved_at, 'j M Y, H:i')}",
            "saved_at": saved_at,
            "saved_by": who(version.revision.user),
            "comment": version.revision.get_comment(),
            "contents": contents,
            "form": RevertForm(initial={"base_lock_version": obj.lock_version})
            if may_revert
            else None,
            "change_url": self._change_url(obj),
            "history_url": self._history_url(obj),
            "compare_url": (
                reverse(f"{self.admin_site.name}:articles_explainer_compare", args=[quote(obj.pk)])
                + f"?start=s{version.pk}&end=s{latest}"
                if latest != version.pk
                else ""
            ),
        }
        return TemplateResponse(request, "admin/articles/explainer/revision.html", context)

    def _history_url(self, obj: Explainer) -> str:
        return reverse(f"{self.admin_site.name}:articles_explainer_history", args=[quote(obj.pk)])

    def _revert(self, request, obj: Explainer, version) -> HttpResponse:
        """Revert to ``version`` as one recorded, locked edit; refuse it with a message."""
        form = RevertForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The page was incomplete: open the version again to revert.")
            return HttpResponseRedirect(request.path)
        if history.holds_other_explainers(version):
            messages.error(
                request,
                "This version was saved together with other explainers and cannot be brought "
                "back from here. Nothing was changed.",
            )
            return HttpResponseRedirect(request.path)
        try:
            with transaction.atomic(), self.create_revision(request):
                message = self._apply_revert(
                    request, obj, version, form.cleaned_data["base_lock_version"]
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.path)
        except (RevertError, ProtectedError, IntegrityError):
            messages.error(
                request,
                "This version cannot be brought back as it is (another explainer may now use "
                "its slug, or something it points at is gone). Nothing was changed.",
            )
            return HttpResponseRedirect(request.path)
        messages.success(request, f"{message}.")
        return HttpResponseRedirect(self._change_url(obj))

    def _apply_revert(self, request, obj: Explainer, version, base: int) -> str:
        """Write ``version`` over the explainer inside the caller's transaction and revision.

        The same rules as an admin save: the optimistic lock, the byline rule, the lock
        version bumped, a reviewed copy sent back to draft, a log entry; the workflow fields
        (never in a revision) stay as they were.
        """
        refuse_stale(obj.pk, base)
        current = Explainer.objects.get(pk=obj.pk)
        in_review = current.state == Explainer.State.IN_REVIEW
        text_before = workflow.text_digest(snapshot(current)) if in_review else None
        kept = history.workflow_values(current)
        version.revision.revert(delete=True)
        # The revert wrote the row raw, its workflow fields at their defaults: put them back.
        Explainer.objects.filter(pk=obj.pk).update(**kept)
        if not workflow.can_edit(request.user, current):
            raise ValidationError(
                "That version does not have your byline: reverting to it would lock you out "
                "of this explainer. An editor can revert it for you. Nothing was changed."
            )
        reverted = Explainer.objects.get(pk=obj.pk)
        reverted.updated_by = request.user
        reverted.lock_version = base + 1
        reverted.save(update_fields=ADMIN_SAVE_FIELDS)
        send_back_if_changed(request, reverted, text_before=text_before)
        saved_at = date_format(timezone.localtime(version.revision.date_created), "j M Y, H:i")
        message = f"Reverted to the version of {saved_at} by {who(version.revision.user)}"
        # Django's log entry; django-reversion takes its text as the new revision's comment.
        self.log_change(request, reverted, message)
        return message
