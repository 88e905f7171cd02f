"""Staff threads on the parts of an explainer: who may do what, and one function per action.

Anyone who may open an explainer on the desk (``Explainer.objects.visible_to``) may start a
thread on it and reply. Resolving and reopening are for the thread's starter, the explainer's
authors and editors. A thread that someone who checks facts starts on a key fact blocks
approval until it is resolved (``readiness.checklist``). People named in "Notify" get an email,
sent once the comment is saved, and see the comment under "Mentions for you" on the desk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines

from articles.models import (
    Byline,
    Comment,
    Explainer,
    KeyFact,
    Source,
    Thread,
    TimelineEvent,
    Viewpoint,
)
from articles.workflow import notifications
from articles.workflow.moves import Viewer, is_author

Anchor = Thread.Anchor
Section = Thread.Section
MAX_BODY = 5000


@dataclass(frozen=True)
class AnchorPoint:
    """One part of an explainer a thread can be about, as the desk names it now."""

    kind: str
    anchor_id: int | None
    section: str
    label: str
    text: str

    @property
    def key(self) -> str:
        """The value a form posts for this anchor: ``fact:12``, ``section:dek``."""
        return f"{self.kind}:{self.section or self.anchor_id}"


def _plain(html: str) -> str:
    return " ".join(strip_tags(html or "").replace("&nbsp;", " ").split())


def anchors(explainer: Explainer) -> list[AnchorPoint]:
    """Return every part of ``explainer`` a thread may be about, numbered as the form numbers
    them (key facts and sources by position, then age)."""
    points = [
        AnchorPoint(
            Anchor.SECTION,
            None,
            section.value,
            section.label,
            _plain(getattr(explainer, section.value)),
        )
        for section in Section
    ]
    facts = KeyFact.objects.filter(explainer=explainer).order_by("position", "pk")
    points += [
        AnchorPoint(Anchor.FACT, f.pk, "", f"Key fact #{n}", f.text) for n, f in enumerate(facts, 1)
    ]
    sources = Source.objects.filter(explainer=explainer).order_by("position", "pk")
    points += [
        AnchorPoint(Anchor.SOURCE, s.pk, "", f"Source #{n}", s.citation)
        for n, s in enumerate(sources, 1)
    ]
    viewpoints = Viewpoint.objects.filter(explainer=explainer).select_related("stakeholder")
    points += [
        AnchorPoint(Anchor.VIEWPOINT, v.pk, "", f"Viewpoint of {v.stakeholder.name}", v.text)
        for v in viewpoints
    ]
    events = TimelineEvent.objects.filter(explainer=explainer)
    points += [
        AnchorPoint(Anchor.TIMELINE, e.pk, "", f"Timeline item #{n}", e.text)
        for n, e in enumerate(events, 1)
    ]
    return points


def find_anchor(points: Iterable[AnchorPoint], thread: Thread) -> AnchorPoint | None:
    """Return the part ``thread`` is about as it is now, or None if it has been deleted."""
    for point in points:
        if point.kind == thread.anchor and (
            point.section == thread.section
            if thread.anchor == Anchor.SECTION
            else point.anchor_id == thread.anchor_id
        ):
            return point
    return None


# Who may do what.


def may_open(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` may open ``explainer`` on the desk (the one visibility rule)."""
    return Explainer.objects.visible_to(user).filter(pk=explainer.pk).exists()


def can_comment(user: Viewer, explainer: Explainer) -> bool:
    return may_open(user, explainer)


def can_resolve(user: Viewer, thread: Thread) -> bool:
    """The thread's starter, the explainer's authors and editors resolve and reopen it."""
    explainer = thread.explainer
    return may_open(user, explainer) and (
        (user.pk is not None and thread.created_by_id == user.pk)
        or is_author(user, explainer)
        or user.has_perm("articles.edit_any_explainer")
    )


def _with_perm(codename: str) -> Q:
    """Whether a user holds an articles permission, directly or through a group.

    Correlated EXISTS rather than joins: OR-ing joins over permissions, groups and bylines
    multiplies the rows PostgreSQL must read (about 100 ms with 10,000 explainers)."""
    perm = Permission.objects.filter(content_type__app_label="articles", codename=codename)
    direct = User.user_permissions.through.objects.filter(user=OuterRef("pk"), permission__in=perm)
    via_group = User.groups.through.objects.filter(user=OuterRef("pk"), group__permissions__in=perm)
    return Q(Exists(direct)) | Q(Exists(via_group))


def mentionable(explainer: Explainer) -> QuerySet[User]:
    """Return the staff the "Notify" list offers: those who may open ``explainer``.

    A set-based reading of ``visible_to`` (one query for the whole list); every pick is still
    checked against ``visible_to`` itself before a comment is saved or mail is sent.
    """
    reviewer = _with_perm("check_facts") | _with_perm("approve_explainer")
    in_pipeline = explainer.state in ("in_review", "approved", "published")
    sees = (
        Q(is_superuser=True)
        | _with_perm("edit_any_explainer")
        | Q(Exists(Byline.objects.filter(author=OuterRef("pk"), explainer=explainer)))
        | (reviewer & (Q(pk__isnull=False) if in_pipeline else Q(pk=explainer.assignee_id)))
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(sees)
        .order_by("first_name", "last_name", "username")
    )


# The actions.


def _clean_body(body: str) -> str:
    body = normalize_newlines(body or "").strip()
    if not body:
        raise ValidationError("Write a comment first.", code="empty")
    if len(body) > MAX_BODY:
        raise ValidationError(
            f"A comment is at most {MAX_BODY} characters (this one has {len(body)}).",
            code="too_long",
        )
    return body


def _add_comment(thread: Thread, *, by: User, body: str, notify: Iterable[User]) -> Comment:
    people = [person for person in notify if person.pk != by.pk]
    closed = [person for person in people if not may_open(person, thread.explainer)]
    if closed:
        names = ", ".join(p.get_full_name() or p.get_username() for p in closed)
        raise ValidationError(f"{names} may not open this explainer, so cannot be notified.")
    comment = Comment.objects.create(thread=thread, author=by, body=body)
    comment.mentions.set(people)
    if people:
        transaction.on_commit(lambda: notifications.mentioned(comment, people))
    return comment


@transaction.atomic
def start_thread(
    explainer: Explainer, *, by: User, anchor: str, body: str, notify: Iterable[User] = ()
) -> Thread:
    """Start a thread on the part of ``explainer`` that ``anchor`` names (``fact:12``)."""
    if not can_comment(by, explainer):
        raise PermissionDenied("You may not comment on this explainer.")
    body = _clean_body(body)
    point = next((p for p in anchors(explainer) if p.key == anchor), None)
    if point is None:
        raise ValidationError("Choose what the thread is about: that part no longer exists.")
    thread = Thread.objects.create(
        explainer=explainer,
        anchor=point.kind,
        anchor_id=point.anchor_id,
        section=point.section,
        anchor_text=point.text,
        blocks_approval=point.kind == Anchor.FACT and by.has_perm("articles.check_facts"),
        created_by=by,
    )
    _add_comment(thread, by=by, body=body, notify=notify)
    return thread


@transaction.atomic
def reply(thread: Thread, *, by: User, body: str, notify: Iterable[User] = ()) -> Comment:
    """Add a comment to ``thread`` (open or resolved: a reply does not reopen it)."""
    if not can_comment(by, thread.explainer):
        raise PermissionDenied("You may not comment on this explainer.")
    return _add_comment(thread, by=by, body=_clean_body(body), notify=notify)


def _locked(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().select_related("explainer").get(pk=thread.pk)


@transaction.atomic
def resolve(thread: Thread, *, by: User) -> Thread:
    locked = _locked(thread)
    if not can_resolve(by, locked):
        raise PermissionDenied("Only the thread's starter, the authors or an editor resolve it.")
    if locked.resolved_at is not None:
        raise ValidationError("This thread is already resolved.")
    locked.resolved_by = by
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["resolved_by", "resolved_at"])
    return locked


@transaction.atomic
def reopen(thread: Thread, *, by: User) -> Thread:
    locked = _locked(thread)
    if not can_resolve(by, locked):
        raise PermissionDenied("Only the thread's starter, the authors or an editor reopen it.")
    if locked.resolved_at is None:
        raise ValidationError("This thread is open already.")
    locked.resolved_by = None
    locked.resolved_at = None
    locked.save(update_fields=["resolved_by", "resolved_at"])
    return locked
