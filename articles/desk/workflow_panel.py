"""The workflow side of the explainer admin.

On the change form: the state, the readiness checklist, one button per move this user may make
now (each a small POST-only, CSRF-protected form with a comment box), assignment of a named
fact-checker with a due date, the history of moves, and the published versions (open one as
readers saw it, compare two with the History page's comparison). On the change list: a state
badge, review assignee and due date (overdue ones stand out), and "mine" / "awaiting my review"
filters (when facts were last verified is one of the list's time columns, in ``columns.py``).
``dashboard_queues()`` feeds the admin index.

The panel's forms are in ``workflow_forms.py``, the queues and their filter in ``queues.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.desk import wording
from articles.desk.queues import is_overdue
from articles.desk.saving import acting_user
from articles.desk.workflow_forms import AssignForm, form_for
from articles.models import Explainer, PublishedVersion
from articles.publishing import moves as publication
from articles.publishing import upnext
from articles.publishing.preview import make_token
from articles.workflow import locks, readiness
from articles.workflow import moves as workflow

State = Explainer.State

# The mixin runs inside ExplainerAdmin; the type checker reads it as the ModelAdmin it extends.
if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object


class WorkflowAdminMixin(ExplainerAdminBase):
    """Workflow parts of ExplainerAdmin (a ModelAdmin)."""

    @property
    def media(self):
        return super().media + forms.Media(
            css={"all": ["css/admin-workflow.css"]}, js=["js/admin-unsaved.js"]
        )

    @admin.display(description="state", ordering="state")
    def state_badge(self, obj: Explainer) -> str:
        return format_html(
            '<span class="state-badge state-{}">{}</span>', obj.state, obj.get_state_display()
        )

    @admin.display(description="review", ordering="review_due")
    def review_status(self, obj: Explainer) -> str:
        if obj.state != State.IN_REVIEW:
            return "—"
        who = obj.assignee.get_full_name() or obj.assignee.username if obj.assignee else "anyone"
        if not obj.review_due:
            return who
        due = date_format(obj.review_due, "j M Y")
        if is_overdue(obj):
            return format_html('{} <strong class="overdue">overdue since {}</strong>', who, due)
        return format_html("{} by {}", who, due)

    # URLs: one POST-only view per move, assignment, and the published versions.

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        urls = [
            path(
                "<path:object_id>/workflow/assign/",
                wrap(require_POST(self.assign_view)),
                name=f"{prefix}_assign",
            ),
            path(
                "<path:object_id>/workflow/<str:verb>/",
                wrap(require_POST(self.transition_view)),
                name=f"{prefix}_transition",
            ),
            path(
                "<path:object_id>/versions/<int:number>/",
                wrap(self.version_view),
                name=f"{prefix}_version",
            ),
        ]
        return urls + super().get_urls()

    def _change_url(self, obj: Explainer) -> str:
        return reverse(f"{self.admin_site.name}:articles_explainer_change", args=[quote(obj.pk)])

    def _object_or_404(self, request: HttpRequest, object_id: str) -> Explainer:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such explainer.")
        return obj

    def transition_view(self, request: HttpRequest, object_id: str, verb: str) -> HttpResponse:
        """Make one workflow move; always POST (GET answers 405), CSRF-checked by admin_view."""
        obj = self._object_or_404(request, object_id)
        move = workflow.MOVES.get(verb)
        if move is None:
            raise Http404("No such workflow move.")
        form = form_for(move, request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else str(error))
            return HttpResponseRedirect(self._change_url(obj))
        return self.make_move(request, obj, move, form.workflow_kwargs())

    def make_move(
        self,
        request: HttpRequest,
        obj: Explainer,
        move: workflow.Move,
        kwargs: dict[str, Any],
        *,
        refused: str = "",
    ) -> HttpResponse:
        """Make ``move`` through its workflow function, say how it went, and redirect.

        The panel's buttons and the change form's "Save and …" buttons both come here.
        ``refused`` goes before the reason when the move is refused (the change form says
        there that its save stands).
        """
        func = publication.function_for(move.verb)
        try:
            result = func(obj, by=request.user, **kwargs)
        except (workflow.FourEyesRefusal, workflow.Locked) as exc:
            # A reviewer approving their own work, or a colleague's edit lock, is a rule of the
            # desk, not a forged request: say so on the form rather than with a bare 403.
            # Other refusals stay 403.
            messages.error(request, refused + str(exc))
        except (workflow.InvalidTransition, ValidationError) as exc:
            # Includes NotReady, whose message lists the checks that fail.
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, refused + text)
        else:
            messages.success(request, self._done_message(move.label, obj, result))
            if not self.get_queryset(request).filter(pk=obj.pk).exists():
                # Out of this user's sight now (a fact-checker who sent a draft back): the
                # desk, not a change page that would say the explainer does not exist.
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:index"))
        return HttpResponseRedirect(self._change_url(obj))

    @staticmethod
    def _done_message(label: str, obj: Explainer, result: Any) -> str:
        if isinstance(result, PublishedVersion) and result.go_live_at > timezone.now():
            when = date_format(timezone.localtime(result.go_live_at), "j M Y, H:i")
            return f"{label}: done. The new version is scheduled to go live on {when}."
        return f"{label}: done. It is now {obj.get_state_display().lower()}."

    def assign_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._object_or_404(request, object_id)
        form = AssignForm(request.POST, explainer=obj)
        if form.is_valid():
            try:
                workflow.assign(
                    obj,
                    by=acting_user(request),
                    assignee=form.cleaned_data["assignee"],
                    due=form.cleaned_data["review_due"],
                )
            except (workflow.InvalidTransition, workflow.Locked, ValidationError) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, text)
            else:
                messages.success(request, "Review assigned; the fact-checker has been told.")
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return HttpResponseRedirect(self._change_url(obj))

    def version_view(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        """Show a published version exactly as readers were shown it."""
        obj = self._object_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = PublishedVersion.objects.filter(explainer=obj, number=number).first()
        if version is None:
            raise Http404("No such version.")
        # The public page's own template and context: staff see what readers saw, with the
        # "Up next" links readers would be shown now (those are never stored).
        context, _ = upnext.page_context(version, timezone.now())
        response = render(request, "articles/explainer_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    # The change form's panel.

    def workflow_panel(self, request: HttpRequest, obj: Explainer) -> dict[str, Any]:
        """Return everything the panel shows; the template decides nothing itself."""
        user = request.user
        checks = readiness.checklist(obj)
        ready = all(c.passed for c in checks)
        now = timezone.now()
        buttons, waiting = [], []
        for move in workflow.available_moves(user, obj):
            if move.verb in ("approve", "publish") and not ready:
                waiting.append(move)
                continue
            initial = None
            if move.verb == "reschedule":
                # The new time starts from the one it replaces.
                scheduled = PublishedVersion.objects.filter(explainer=obj).scheduled(now).first()
                initial = {"go_live_at": scheduled.go_live_at} if scheduled else None
            buttons.append(
                {
                    "move": move,
                    "form": form_for(move, initial=initial),
                    "url": reverse(
                        f"{self.admin_site.name}:articles_explainer_transition",
                        args=[quote(obj.pk), move.verb],
                    ),
                }
            )
        can_assign = workflow.can_assign(user, obj) and obj.state == State.IN_REVIEW
        versions = list(
            PublishedVersion.objects.filter(explainer=obj)
            .select_related("published_by")
            .defer("data", "body_html", "head_html", "search_text", "search_vector")
            .order_by("-number")
        )
        history = list(obj.transitions.select_related("actor")[:100])
        moves_only = [t for t in history if t.name not in locks.NOT_MOVES]
        try:
            preview = reverse("articles:preview", kwargs={"token": _preview_token(obj)})
        except NoReverseMatch:  # the public preview view is not installed yet
            preview = ""
        return {
            "state": obj.state,
            "state_label": obj.get_state_display(),
            "checks": checks,
            "ready": ready,
            "buttons": buttons,
            "waiting": waiting,
            "assign_form": AssignForm(explainer=obj) if can_assign else None,
            "assign_url": reverse(
                f"{self.admin_site.name}:articles_explainer_assign", args=[quote(obj.pk)]
            ),
            "assignee": obj.assignee,
            "review_due": obj.review_due,
            "overdue": is_overdue(obj),
            "approved_by": obj.approved_by,
            "approved_at": obj.approved_at,
            "last_verified": last_verified(obj),
            "history": history,
            "history_rows": [
                {
                    "transition": t,
                    "move": wording.move_done(t.name),
                    "from": wording.state_word(t.from_state),
                    "to": wording.state_word(t.to_state),
                }
                for t in history
            ],
            # What a fact-checker asked for when they sent the draft back, at the top where
            # the writer looks first, until the draft moves on.
            "sent_back": (
                moves_only[0]
                if moves_only
                and obj.state == State.DRAFT
                and moves_only[0].name == "request_changes"
                else None
            ),
            "versions": [
                {
                    "version": v,
                    "live": v.is_live(now),
                    "scheduled": v.go_live_at > now
                    and (v.ends_at is None or v.ends_at > v.go_live_at),
                    # Ended at its go-live time: withdrawn or replaced before readers saw it.
                    "never_live": v.ends_at == v.go_live_at,
                    "url": reverse(
                        f"{self.admin_site.name}:articles_explainer_version",
                        args=[quote(obj.pk), v.number],
                    ),
                }
                for v in versions
            ],
            # One way to compare: the history's (articles.desk.timeline_admin).
            "diff_url": reverse(
                f"{self.admin_site.name}:articles_explainer_compare", args=[quote(obj.pk)]
            ),
            "history_url": reverse(
                f"{self.admin_site.name}:articles_explainer_history", args=[quote(obj.pk)]
            ),
            "preview_url": preview,
            "time_zone": settings.TIME_ZONE,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["workflow"] = self.workflow_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def _preview_token(obj: Explainer) -> str:
    return make_token(obj)


def last_verified(explainer: Explainer) -> datetime | None:
    """Return when a key fact of ``explainer`` was last marked verified."""
    return (
        explainer.key_facts.filter(check_status="verified")
        .order_by("-checked_at")
        .values_list("checked_at", flat=True)
        .first()
    )
