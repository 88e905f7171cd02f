"""Threads on the change form: the thread column of the inlines, the threads section below the
form, and the views its forms post to.

The section lists every thread grouped by what it is about, with its comments, a reply form
and resolve/reopen buttons. Those forms post to their own URLs (outside the change form's
<form>, as the workflow panel's do), each CSRF-checked by ``admin_view``; the actions and who
may take them are in ``articles/workflow/comments.py``. Each row of the key facts, sources,
viewpoints and timeline shows its open threads and a link that starts one on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.desk.people import name_of
from articles.desk.saving import acting_user
from articles.models import Comment, Explainer, Thread
from articles.workflow import comments as talk
from articles.workflow.moves import is_author

if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
    InlineBase = admin.options.InlineModelAdmin[Any, Explainer]
else:
    ExplainerAdminBase = object
    InlineBase = object


class PeopleField(forms.ModelMultipleChoiceField):
    """A choice of several people, each shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return name_of(obj)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=talk.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain text.",
    )
    notify = PeopleField(
        label="Notify",
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="Each person chosen gets an email and finds the comment on their desk.",
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["notify"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        # ``people`` is a list read once for every form on the page, or a queryset (a post).
        if isinstance(people, QuerySet):
            field.queryset = people
        else:
            field.queryset = get_user_model().objects.filter(pk__in=[p.pk for p in people])
        field.choices = [(person.pk, name_of(person)) for person in people]


class StartThreadForm(CommentForm):
    anchor = forms.ChoiceField(label="About")
    field_order = ["anchor", "body", "notify"]

    def __init__(self, *args: Any, points: list[talk.AnchorPoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anchor = self.fields["anchor"]
        assert isinstance(anchor, forms.ChoiceField)
        anchor.choices = [
            (p.key, f"{p.label}: {p.text[:60]}" if p.text else p.label) for p in points
        ]


def people_for(explainer: Explainer) -> list[Any]:
    return list(talk.mentionable(explainer))


class CommentsAdminMixin(ExplainerAdminBase):
    """The threads section of ExplainerAdmin (a ModelAdmin) and its views."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        urls = [
            path(
                "<path:object_id>/threads/start/",
                wrap(require_POST(self.thread_start_view)),
                name=f"{prefix}_thread_start",
            ),
            path(
                "<path:object_id>/threads/<int:thread_id>/<str:action>/",
                wrap(require_POST(self.thread_action_view)),
                name=f"{prefix}_thread_action",
            ),
        ]
        return urls + super().get_urls()

    def _open_explainer(self, request: HttpRequest, object_id: str) -> Explainer:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such explainer.")
        return obj

    def _threads_url(self, obj: Explainer, anchor: str = "threads") -> str:
        url = reverse(f"{self.admin_site.name}:articles_explainer_change", args=[quote(obj.pk)])
        return f"{url}#{anchor}"

    @staticmethod
    def _refused(request: HttpRequest, form: forms.Form) -> None:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))

    def thread_start_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._open_explainer(request, object_id)
        form = StartThreadForm(request.POST, points=talk.anchors(obj), people=talk.mentionable(obj))
        if not form.is_valid():
            self._refused(request, form)
            return HttpResponseRedirect(self._threads_url(obj, "start-thread"))
        try:
            thread = talk.start_thread(
                obj,
                by=acting_user(request),
                anchor=form.cleaned_data["anchor"],
                body=form.cleaned_data["body"],
                notify=form.cleaned_data["notify"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(self._threads_url(obj, "start-thread"))
        messages.success(request, "Thread started.")
        return HttpResponseRedirect(self._threads_url(obj, f"thread-{thread.pk}"))

    def thread_action_view(
        self, request: HttpRequest, object_id: str, thread_id: int, action: str
    ) -> HttpResponse:
        obj = self._open_explainer(request, object_id)
        thread = Thread.objects.filter(explainer=obj, pk=thread_id).first()
        if thread is None or action not in ("reply", "resolve", "reopen"):
            raise Http404("No such thread.")
        user = acting_user(request)
        back = HttpResponseRedirect(self._threads_url(obj, f"thread-{thread.pk}"))
        try:
            if action == "reply":
                form = CommentForm(
                    request.POST, prefix=f"t{thread.pk}", people=talk.mentionable(obj)
                )
                if not form.is_valid():
                    self._refused(request, form)
                    return back
                talk.reply(
                    thread,
                    by=user,
                    body=form.cleaned_data["body"],
                    notify=form.cleaned_data["notify"],
                )
                messages.success(request, "Reply added.")
            elif action == "resolve":
                talk.resolve(thread, by=user)
                messages.success(request, "Thread resolved.")
            else:
                talk.reopen(thread, by=user)
                messages.success(request, "Thread reopened.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return back

    def threads_panel(self, request: HttpRequest, obj: Explainer) -> dict[str, Any]:
        """Return what the threads section shows: threads grouped by what they are about."""
        user = acting_user(request)
        points = talk.anchors(obj)
        people = people_for(obj)
        may_resolve_any = user.has_perm("articles.edit_any_explainer") or is_author(user, obj)
        threads = (
            Thread.objects.filter(explainer=obj)
            .select_related("created_by", "resolved_by")
            .prefetch_related(
                Prefetch(
                    "comments",
                    queryset=Comment.objects.select_related("author").prefetch_related("mentions"),
                )
            )
        )
        groups: dict[str, dict[str, Any]] = {}
        for thread in threads:
            point = talk.find_anchor(points, thread)
            key = point.key if point else f"gone-{thread.anchor}-{thread.anchor_id}"
            group = groups.setdefault(
                key,
                {
                    "id": f"anchor-{key.replace(':', '-')}",
                    "label": point.label if point else f"{thread.get_anchor_display()} (deleted)",
                    "order": points.index(point) if point else len(points),
                    "threads": [],
                },
            )
            group["threads"].append(
                {
                    "thread": thread,
                    "deleted": point is None,
                    "edited": point is not None and point.text != thread.anchor_text,
                    "comments": list(thread.comments.all()),
                    "may_resolve": may_resolve_any or thread.created_by_id == user.pk,
                    "reply_form": CommentForm(prefix=f"t{thread.pk}", people=people),
                    "urls": {
                        action: reverse(
                            f"{self.admin_site.name}:articles_explainer_thread_action",
                            args=[quote(obj.pk), thread.pk, action],
                        )
                        for action in ("reply", "resolve", "reopen")
                    },
                }
            )
        chosen = request.GET.get("comment_on", "")
        start = StartThreadForm(
            points=points,
            people=people,
            initial={"anchor": chosen} if any(p.key == chosen for p in points) else None,
        )
        ordered = sorted(groups.values(), key=lambda group: group["order"])
        return {
            "groups": ordered,
            "n_open": sum(1 for g in ordered for t in g["threads"] if t["thread"].is_open),
            "start_form": start,
            "start_url": reverse(
                f"{self.admin_site.name}:articles_explainer_thread_start", args=[quote(obj.pk)]
            ),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["threads"] = self.threads_panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


class ThreadColumnMixin(InlineBase):
    """A read-only "threads" column: how many open threads a row has, and a link to start one."""

    thread_anchor: str = ""

    def get_queryset(self, request):
        open_threads = (
            Thread.objects.filter(
                anchor=self.thread_anchor, anchor_id=OuterRef("pk"), resolved_at__isnull=True
            )
            .order_by()
            .values("anchor_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super().get_queryset(request).annotate(open_threads=Coalesce(Subquery(open_threads), 0))
        )

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return [*fields, "threads"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "threads"]

    @admin.display(description="threads")
    def threads(self, row: Any) -> str:
        if row.pk is None:
            return "—"
        key = f"{self.thread_anchor}-{row.pk}"
        start = format_html(
            '<a href="?comment_on={}:{}#start-thread" class="thread-start">Start a thread</a>',
            self.thread_anchor,
            row.pk,
        )
        n_open = getattr(row, "open_threads", 0)
        if not n_open:
            return start
        return format_html(
            '<a href="#anchor-{}" class="thread-count">{} open</a> · {}', key, n_open, start
        )


def with_threads(inline: type, anchor: str) -> type:
    """Return ``inline`` with the threads column of ``anchor`` rows (a fact, a source…)."""
    return type(inline.__name__, (ThreadColumnMixin, inline), {"thread_anchor": anchor})
