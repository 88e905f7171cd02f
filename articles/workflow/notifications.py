"""Workflow email, through Django's mail framework.

The backend comes from settings (console by default, SMTP from the environment). Every function
here is called by the moves (``articles.workflow.moves``, ``articles.publishing.moves``) through
``transaction.on_commit``, so nobody is told about a move that was rolled back. The actor never
gets mail about their own move.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mass_mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from articles import roles
from articles.models import Comment, Explainer, PublishedVersion


def _admin_link(explainer: Explainer) -> str:
    path = reverse("admin:articles_explainer_change", args=[explainer.pk])
    return f"{settings.NEWSROOM_BASE_URL}{path}"


def _addresses(users: Iterable[User], *, exclude: User | None = None) -> list[str]:
    excluded = getattr(exclude, "pk", None)
    seen: dict[str, None] = {}
    for user in users:
        if user.is_active and user.email and user.pk != excluded:
            seen.setdefault(user.email, None)
    return list(seen)


def _in_role(role: str) -> QuerySet[User]:
    return User.objects.filter(groups__name=role, is_active=True).distinct()


def _authors(explainer: Explainer) -> QuerySet[User]:
    return User.objects.filter(byline_set__explainer=explainer).distinct()


def _send(subject: str, body: str, recipients: list[str]) -> int:
    if not recipients:
        return 0
    # One message per person: addresses of colleagues are not shared around.
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)


def _name(user: User | None) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def explainer_submitted(explainer: Explainer, *, by: User) -> int:
    """Tell fact-checkers an explainer awaits review (only the assignee, if one is named)."""
    users: list[User]
    if explainer.assignee is not None:
        users = [explainer.assignee]
    else:
        authors = set(_authors(explainer).values_list("pk", flat=True))
        users = [u for u in _in_role(roles.FACT_CHECKER) if u.pk not in authors]
    body = (
        f"{_name(by)} submitted “{explainer.title}” for fact-checking.\n\n"
        f"Review it: {_admin_link(explainer)}\n"
    )
    return _send(f"For review: {explainer.title}", body, _addresses(users, exclude=by))


def review_assigned(explainer: Explainer, *, by: User) -> int:
    """Tell the named fact-checker that the review is theirs, and by when."""
    due = f" by {explainer.review_due:%A %-d %B %Y}" if explainer.review_due else ""
    body = (
        f"{_name(by)} asked you to fact-check “{explainer.title}”{due}.\n\n"
        f"Open it: {_admin_link(explainer)}\n"
    )
    return _send(
        f"Assigned to you: {explainer.title}",
        body,
        _addresses([explainer.assignee] if explainer.assignee else [], exclude=by),
    )


def explainer_approved(explainer: Explainer, *, by: User) -> int:
    """Tell editors an explainer is approved and ready to publish."""
    body = (
        f"{_name(by)} approved “{explainer.title}”. It is ready to publish.\n\n"
        f"Publish or schedule it: {_admin_link(explainer)}\n"
    )
    return _send(
        f"Approved: {explainer.title}", body, _addresses(_in_role(roles.EDITOR), exclude=by)
    )


def changes_requested(explainer: Explainer, *, by: User, comment: str) -> int:
    """Tell the authors what to change."""
    body = (
        f"{_name(by)} sent “{explainer.title}” back to draft and asks for changes:\n\n"
        f"{comment}\n\n"
        f"Open it: {_admin_link(explainer)}\n"
    )
    return _send(
        f"Changes requested: {explainer.title}",
        body,
        _addresses(_authors(explainer), exclude=by),
    )


def explainer_published(explainer: Explainer, *, by: User, version: PublishedVersion) -> int:
    """Tell the authors their explainer is live, or when it will be."""
    if version.go_live_at > timezone.now():
        when = (
            f"is scheduled to go live at {timezone.localtime(version.go_live_at):%H:%M on %d %b %Y}"
        )
        subject = f"Scheduled: {explainer.title}"
    else:
        when = "is now live"
        subject = f"Published: {explainer.title}"
    public = f"{settings.NEWSROOM_BASE_URL}{version.get_absolute_url()}"
    body = (
        f"“{explainer.title}” (version {version.number}) {when}, "
        f"published by {_name(by)}.\n\n{public}\n"
    )
    return _send(subject, body, _addresses(_authors(explainer), exclude=by))


def mentioned(comment: Comment, people: Iterable[User]) -> int:
    """Tell the people named in a comment's "Notify" list what was said, and where."""
    thread = comment.thread
    explainer = thread.explainer
    about = thread.get_section_display() if thread.section else thread.get_anchor_display()
    body = (
        f"{_name(comment.author)} mentioned you in a thread on “{explainer.title}” "
        f"({about}: {thread.anchor_text[:200]}):\n\n"
        f"{comment.body}\n\n"
        f"Open it: {_admin_link(explainer)}#thread-{thread.pk}\n"
    )
    return _send(
        f"You were mentioned: {explainer.title}",
        body,
        _addresses(people, exclude=comment.author),
    )
