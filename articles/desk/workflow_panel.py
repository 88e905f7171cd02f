"""The workflow side of the explainer admin.

On the change form: the state, the readiness checklist, one button per move this user may make
now (each a small POST-only, CSRF-protected form with a comment box), assignment of a named
fact-checker with a due date, the history of moves, and the published versions (open one as
readers saw it, compare two). On the change list: a state badge, review assignee and due date
(overdue ones stand out), when facts were last verified, and "mine" / "awaiting my review"
filters. ``dashboard_queues()`` feeds the admin index.

Times are entered and shown in the newsroom's time zone (``settings.TIME_ZONE``) and stored in
UTC; a wall-clock time that does not exist or happens twice on a daylight-saving change is a
form error, never a guess.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles import roles
from articles.desk import history
from articles.models import Explainer, PublishedVersion, TimelineEvent
from articles.publishing import moves as publication
from articles.publishing.preview import make_token
from articles.publishing.render import stored_html
from articles.workflow import moves as workflow
from articles.workflow import readiness

State = Explainer.State
STALE_AFTER = timedelta(days=7)


# Time-zone-aware form input.


def newsroom_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_to_utc(naive: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Return the UTC instant of a wall-clock time in ``tz``.

    Raise ``ValidationError`` when the time is skipped (clocks go forward) or happens twice
    (clocks go back): PEP 495's ``fold`` gives the two readings, and they differ only then.
    """
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    shown = f"{naive:%H:%M on %d %b %Y}"
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationError(
            f"{shown} does not exist in {tz.key}: the clocks go forward then. "
            "Choose a time outside the skipped hour.",
            code="nonexistent",
        )
    raise ValidationError(
        f"{shown} happens twice in {tz.key}: the clocks go back then. "
        "Choose a time outside the repeated hour.",
        code="ambiguous",
    )


class NewsroomDateTimeField(forms.DateTimeField):
    """A date and time typed in the newsroom's time zone; cleaned to an aware UTC datetime."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)
        self.help_text = self.help_text or f"In {settings.TIME_ZONE} time."

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(newsroom_tz()).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            naive = value
        else:
            try:
                naive = parse_datetime(str(value).strip())
            except ValueError:
                naive = None
            if naive is None:
                # Tries each of input_formats and raises the "invalid" error if none fits.
                naive = forms.fields.BaseTemporalField.to_python(self, value)
        if timezone.is_aware(naive):
            return naive.astimezone(UTC)
        return local_to_utc(naive, newsroom_tz())


# Forms of the workflow panel.


class TransitionForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40}), max_length=2000
    )

    def __init__(self, *args: Any, move: workflow.Move, **kwargs: Any) -> None:
        super().__init__(*args, prefix=move.verb, **kwargs)
        self.move = move
        field = self.fields["comment"]
        field.required = move.comment_required
        field.label = "Comment (required)" if move.comment_required else "Comment (optional)"
        if move.comment_required:
            field.widget.attrs["required"] = True

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"comment": self.cleaned_data["comment"]}


class PublishForm(TransitionForm):
    go_live_at = NewsroomDateTimeField(
        required=False, label="Go live at", help_text="Empty: now. In the newsroom's time zone."
    )
    expires_at = NewsroomDateTimeField(
        required=False, label="Expires at", help_text="Optional: taken down at this time."
    )
    substantive = forms.BooleanField(
        required=False,
        label="Substantive change",
        help_text="Readers must be told: requires a new correction, clarification or update.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        go_live, expires = data.get("go_live_at"), data.get("expires_at")
        now = timezone.now()
        if go_live and go_live < now - timedelta(minutes=1):
            self.add_error("go_live_at", "That time has passed: leave it empty to publish now.")
        if expires and expires <= (go_live or now):
            self.add_error("expires_at", "The expiry must come after the go-live time.")
        return data

    def workflow_kwargs(self) -> dict[str, Any]:
        return {
            "comment": self.cleaned_data["comment"],
            "go_live_at": self.cleaned_data["go_live_at"],
            "expires_at": self.cleaned_data["expires_at"],
            "substantive": self.cleaned_data["substantive"],
        }


def form_for(move: workflow.Move, data=None) -> TransitionForm:
    form_class = PublishForm if move.verb == "publish" else TransitionForm
    return form_class(data, move=move)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Fact-checker"
    )
    review_due = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, explainer: Explainer, **kwargs: Any) -> None:
        super().__init__(*args, prefix="assign", **kwargs)
        # Fact-checkers who may approve it: the four-eyes rule leaves out its authors and
        # submitter.
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.FACT_CHECKER)
            .exclude(byline_set__explainer=explainer)
            .exclude(pk=explainer.submitted_by_id or 0)
            .distinct()
            .order_by("username")
        )
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.initial.setdefault("assignee", explainer.assignee_id)
        self.initial.setdefault("review_due", explainer.review_due)


# Change list.


class QueueFilter(admin.SimpleListFilter):
    """The two questions people ask the list most: what is mine, what waits for me."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "Mine"),
            ("awaiting_my_review", "Awaiting my review"),
            ("overdue", "Overdue reviews"),
        ]

    def queryset(self, request, queryset):
        user = request.user
        if self.value() == "mine":
            return queryset.filter(byline_set__author=user)
        if self.value() == "awaiting_my_review":
            return awaiting_review_by(queryset, user)
        if self.value() == "overdue":
            return overdue(queryset)
        return queryset


def awaiting_review_by(queryset: QuerySet[Explainer], user) -> QuerySet[Explainer]:
    """In review and assigned to ``user``, or unassigned and reviewable by them (four eyes)."""
    if not user.has_perm("articles.check_facts"):
        return queryset.none()
    mine = Q(assignee=user)
    open_to_me = (
        Q(assignee__isnull=True)
        & ~Q(submitted_by=user)
        & ~Exists(Explainer.authors.through.objects.filter(explainer=OuterRef("pk"), author=user))
    )
    return queryset.filter(Q(state=State.IN_REVIEW) & (mine | open_to_me))


def overdue(queryset: QuerySet[Explainer]) -> QuerySet[Explainer]:
    return queryset.filter(state=State.IN_REVIEW, review_due__lt=timezone.localdate())


def is_overdue(explainer: Explainer) -> bool:
    return bool(
        explainer.state == State.IN_REVIEW
        and explainer.review_due
        and explainer.review_due < timezone.localdate()
    )


def stale_versions(at: datetime | None = None) -> QuerySet[PublishedVersion]:
    """Live versions with an upcoming or watch date that passed > 7 days ago, with no newer version.

    "No newer version": the live version went live before that date, so readers still read
    about it as something to come.
    """
    at = at or timezone.now()
    cutoff = timezone.localdate(at) - STALE_AFTER
    passed = TimelineEvent.objects.filter(
        explainer=OuterRef("explainer"),
        kind__in=[TimelineEvent.Kind.UPCOMING, TimelineEvent.Kind.WATCH],
        date__lt=cutoff,
        date__gte=OuterRef("live_since"),
    )
    return (
        PublishedVersion.objects.live(at)
        .annotate(live_since=TruncDate("go_live_at"))
        .filter(Exists(passed))
        .select_related("explainer")
        .order_by("go_live_at")
    )


def dashboard_queues(user, *, limit: int = 10) -> list[dict[str, Any]]:
    """Return the admin index's queues for ``user``: what each person should look at next."""
    visible = Explainer.objects.visible_to(user)
    visible_ids = visible.values("pk")
    changelist = reverse("admin:articles_explainer_changelist")
    now = timezone.now()

    def explainers(qs: QuerySet[Explainer]) -> list[dict[str, Any]]:
        return [
            {
                "title": e.title,
                "url": reverse("admin:articles_explainer_change", args=[e.pk]),
                "assignee": e.assignee,
                "due": e.review_due,
                "overdue": is_overdue(e),
                "updated_at": e.updated_at,
            }
            for e in qs.select_related("assignee")[:limit]
        ]

    def versions(qs: QuerySet[PublishedVersion]) -> list[dict[str, Any]]:
        return [
            {
                "title": v.title,
                "url": reverse("admin:articles_explainer_change", args=[v.explainer_id]),
                "when": v.go_live_at,
                "number": v.number,
            }
            for v in qs.filter(explainer__in=visible_ids)[:limit]
        ]

    in_review = visible.filter(state=State.IN_REVIEW).order_by(
        "review_due", "updated_at"
    )  # NULL due dates sort last on PostgreSQL and first on SQLite; both fine for a queue
    return [
        {
            "key": "my_drafts",
            "title": "My drafts",
            "items": explainers(visible.authored_by(user).filter(state=State.DRAFT).distinct()),
            "more": f"{changelist}?queue=mine&state__exact=draft",
        },
        {
            "key": "awaiting_fact_check",
            "title": "Awaiting fact-check",
            "items": explainers(in_review),
            "more": f"{changelist}?state__exact=in_review",
        },
        {
            "key": "ready_to_publish",
            "title": "Approved and ready to publish",
            "items": explainers(visible.filter(state=State.APPROVED)),
            "more": f"{changelist}?state__exact=approved",
        },
        {
            "key": "scheduled",
            "title": "Scheduled",
            "items": versions(PublishedVersion.objects.scheduled(now).order_by("go_live_at")),
            "more": "",
        },
        {
            "key": "recently_published",
            "title": "Recently published",
            "items": versions(PublishedVersion.objects.live(now).order_by("-go_live_at")),
            "more": "",
        },
        {
            "key": "stale",
            "title": "Stale: a date to watch passed over a week ago",
            "items": versions(stale_versions(now)),
            "more": "",
        },
    ]


# The admin mixin.


class WorkflowAdminMixin:
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

    @admin.display(description="facts last verified", ordering="last_verified")
    def last_verified_display(self, obj: Explainer):
        return getattr(obj, "last_verified", None) or "never"

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
                "<path:object_id>/versions/compare/",
                wrap(self.version_diff_view),
                name=f"{prefix}_version_diff",
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
                    messages.error(request, f"{label}: {error}" if label else error)
            return HttpResponseRedirect(self._change_url(obj))
        func = publication.function_for(verb)
        try:
            result = func(obj, by=request.user, **form.workflow_kwargs())
        except workflow.FourEyesRefusal as exc:
            # A reviewer approving their own work is a rule of the desk, not a forged request:
            # say so on the form rather than with a bare 403. Other refusals stay 403.
            messages.error(request, str(exc))
        except workflow.NotReady as exc:
            messages.error(request, str(exc))
        except (workflow.InvalidTransition, ValidationError) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text)
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
                    by=request.user,
                    assignee=form.cleaned_data["assignee"],
                    due=form.cleaned_data["review_due"],
                )
            except (workflow.InvalidTransition, ValidationError) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, text)
            else:
                messages.success(request, "Review assigned; the fact-checker has been told.")
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(self._change_url(obj))

    def version_view(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        """Show a published version exactly as readers were shown it."""
        obj = self._object_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = PublishedVersion.objects.filter(explainer=obj, number=number).first()
        if version is None:
            raise Http404("No such version.")
        # The public page's own template and context: staff see exactly what readers saw.
        context = {
            "title": version.title,
            "head_html": stored_html(version.head_html),
            "body_html": stored_html(version.body_html),
        }
        response = render(request, "articles/explainer_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def version_diff_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show what changed between two published versions (``?a=<number>&b=<number>``)."""
        obj = self._object_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = {v.number: v for v in PublishedVersion.objects.filter(explainer=obj)}
        try:
            a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        except ValueError:
            a = b = None
        if a not in versions or b not in versions:
            messages.error(request, "Choose two published versions to compare.")
            return HttpResponseRedirect(self._change_url(obj))
        old, new = sorted([versions[a], versions[b]], key=lambda v: v.number)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Compare versions {old.number} and {new.number}: {obj.title}",
            "old": old,
            "new": new,
            "lines": history.diff_lines(old.data, new.data),
            "change_url": self._change_url(obj),
        }
        return TemplateResponse(request, "admin/articles/explainer/version_diff.html", context)

    # The change form's panel.

    def workflow_panel(self, request: HttpRequest, obj: Explainer) -> dict[str, Any]:
        """Return everything the panel shows; the template decides nothing itself."""
        user = request.user
        checks = readiness.checklist(obj)
        ready = all(c.passed for c in checks)
        buttons, waiting = [], []
        for move in workflow.available_moves(user, obj):
            if move.verb in ("approve", "publish") and not ready:
                waiting.append(move)
                continue
            buttons.append(
                {
                    "move": move,
                    "form": form_for(move),
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
        now = timezone.now()
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
            # What a fact-checker asked for when they sent the draft back, at the top where
            # the writer looks first, until the draft moves on.
            "sent_back": (
                history[0]
                if history and obj.state == State.DRAFT and history[0].name == "request_changes"
                else None
            ),
            "versions": [
                {
                    "version": v,
                    "live": v.is_live(now),
                    "scheduled": v.go_live_at > now and (v.ends_at is None or v.ends_at > now),
                    "url": reverse(
                        f"{self.admin_site.name}:articles_explainer_version",
                        args=[quote(obj.pk), v.number],
                    ),
                }
                for v in versions
            ],
            "diff_url": reverse(
                f"{self.admin_site.name}:articles_explainer_version_diff", args=[quote(obj.pk)]
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
