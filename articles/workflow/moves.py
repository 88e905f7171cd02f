"""The editorial workflow: one table of moves, who may make them, and one function per move.

Every move is a typed function (``submit(explainer, *, by: User, comment="")`` …) that runs in one
transaction: it re-reads the explainer with ``select_for_update`` (so two people pressing
"approve" at once cannot both win), checks who may act (``PermissionDenied``), then whether the
state and content allow it (``InvalidTransition``, or its subclass ``NotReady`` for a failing
checklist), calls the django-fsm transition declared on the model, saves, writes the
append-only ``Transition`` row, and leaves mail to ``transaction.on_commit``. The moves that
change what readers see (publish, unpublish, cancel_schedule, reschedule, restore) are in
``articles.publishing.moves``.

The admin asks ``can_<verb>(user, explainer)`` and ``available_moves()`` to decide which
buttons to show; the functions check again anyway.

Decisions beyond the plain table (see docs/workflow.md):

* **Taking down a revised explainer.** Editing a published explainer puts its working copy back
  to draft while readers keep the live version, so "unpublish" (published → archived) could
  never reach it. Unpublish therefore also applies to a draft, in-review or approved working
  copy that still has a live or scheduled version: the versions are withdrawn and the working
  copy keeps its state (the revision in progress is not thrown away).
* **Cancelling or moving a schedule.** Cancel schedule and change go-live time act on the
  version waiting to go live, so they are offered only while there is one, also to a working
  copy revised since it was scheduled (which keeps its state). Unpublish is offered only while
  a version is live or scheduled: otherwise there is nothing to take down.
* **Revise.** A change to the text of an in-review, approved or published working copy moves it
  back to draft (``revise``) and drops any approval; the admin calls it on save.
* **Edit locks.** While an editor holds an explainer's edit lock (``articles.workflow.locks``),
  every move, assignment and revision by anyone else is refused with ``Locked``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Byline, ClaimRating, Explainer, PublishedVersion, Transition
from articles.snapshot import content_digest, snapshot
from articles.workflow import notifications, readiness

# Whoever asks what they may do (perhaps not signed in); moves are made by a signed-in User.
Viewer = User | AnonymousUser

State = Explainer.State


class InvalidTransition(Exception):
    """The explainer's state (or content) does not allow this move now."""


class FourEyesRefusal(PermissionDenied):
    """A reviewer may approve, but not this explainer: they wrote or submitted it."""


class Locked(PermissionDenied):
    """Someone else holds the explainer's edit lock: nobody else changes it or moves it."""


class NotReady(InvalidTransition):
    """Readiness checks fail: approval and publication wait until they pass."""

    def __init__(self, failed: list[readiness.Check]):
        self.failed = failed
        super().__init__("Not ready yet: " + " ".join(check.fix for check in failed))


@dataclass(frozen=True)
class Move:
    """One row of the workflow table."""

    verb: str
    label: str
    comment_required: bool = False
    help: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        return Explainer.MOVES[self.verb][0]

    @property
    def target(self) -> str:
        return Explainer.MOVES[self.verb][1]


MOVES: dict[str, Move] = {
    move.verb: move
    for move in [
        Move(
            "submit",
            "Submit for fact-check",
            help="Send it to the fact-checkers.",
        ),
        Move(
            "request_changes",
            "Request changes",
            comment_required=True,
            help="Send it back to its authors: say what to change.",
        ),
        Move(
            "approve",
            "Approve",
            help="You checked every key fact; it may be published as it is now.",
        ),
        Move(
            "publish",
            "Publish",
            help="Readers see exactly the approved text, now or at the go-live time.",
        ),
        Move(
            "unpublish",
            "Unpublish",
            comment_required=True,
            help="Take it off the public site: say why.",
        ),
        Move(
            "cancel_schedule",
            "Cancel schedule",
            help="The scheduled version will not go live: readers keep what they have now, "
            "and the approved text waits to be scheduled again.",
        ),
        Move(
            "reschedule",
            "Change go-live time",
            help="The scheduled version goes live at the new time instead; readers keep what "
            "they have until then.",
        ),
        Move(
            "restore",
            "Restore to draft",
            help="Bring an archived explainer back as a draft.",
        ),
    ]
}

# States whose working copy may still have a live version (a revision in progress).
_REVISABLE = Explainer.MOVES["revise"][0]
_TAKE_DOWN_FROM = (State.DRAFT, State.IN_REVIEW, State.APPROVED)
# The moves on the version waiting for its go-live time.
_ON_SCHEDULED = ("cancel_schedule", "reschedule")


# Who may: permission questions only. State is asked separately (``allowed_now``).


def _perm(user: Viewer, codename: str) -> bool:
    return bool(user.is_active and user.has_perm(f"articles.{codename}"))


def is_author(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` has a byline on ``explainer``."""
    if not user.is_authenticated or explainer.pk is None:
        return False
    return Byline.objects.filter(explainer=explainer, author=user).exists()


def can_edit(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` may change the text of ``explainer`` (not just its fact checks)."""
    if _perm(user, "edit_any_explainer"):
        return True
    return _perm(user, "change_explainer") and is_author(user, explainer)


def can_check_facts(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` may set the check (status, note, sources) of key facts."""
    return _perm(user, "check_facts")


def can_rate_claims(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` may add, change or delete the claim ratings of ``explainer``."""
    return _perm(user, "check_facts") and _perm(user, "change_claimrating")


def can_check_rating(user: Viewer, rating: ClaimRating) -> bool:
    """Return True if ``user`` may check ``rating``: a fact-checker who did not rate it."""
    return can_rate_claims(user, rating.explainer) and rating.rated_by_id != user.pk


def can_submit(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` may submit ``explainer``: an author of it, or an editor."""
    return _perm(user, "submit_explainer") and (
        is_author(user, explainer) or _perm(user, "edit_any_explainer")
    )


def can_request_changes(user: Viewer, explainer: Explainer) -> bool:
    return _perm(user, "request_changes_explainer")


def can_approve(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` may approve: a reviewer who neither wrote nor submitted it."""
    return (
        _perm(user, "approve_explainer")
        and not is_author(user, explainer)
        and explainer.submitted_by_id != user.pk
    )


def can_publish(user: Viewer, explainer: Explainer) -> bool:
    return _perm(user, "publish_explainer")


def can_unpublish(user: Viewer, explainer: Explainer) -> bool:
    return _perm(user, "publish_explainer")


def can_cancel_schedule(user: Viewer, explainer: Explainer) -> bool:
    return _perm(user, "publish_explainer")


def can_reschedule(user: Viewer, explainer: Explainer) -> bool:
    return _perm(user, "publish_explainer")


def can_restore(user: Viewer, explainer: Explainer) -> bool:
    return _perm(user, "publish_explainer")


def can_assign(user: Viewer, explainer: Explainer) -> bool:
    return _perm(user, "assign_explainer")


CAN = {
    "submit": can_submit,
    "request_changes": can_request_changes,
    "approve": can_approve,
    "publish": can_publish,
    "unpublish": can_unpublish,
    "cancel_schedule": can_cancel_schedule,
    "reschedule": can_reschedule,
    "restore": can_restore,
}


def has_public_version(explainer: Explainer, at: datetime | None = None) -> bool:
    """Return True if a version of ``explainer`` is live or scheduled."""
    at = at or timezone.now()
    versions = PublishedVersion.objects.filter(explainer=explainer)
    return versions.live(at).exists() or versions.scheduled(at).exists()


def has_scheduled_version(explainer: Explainer, at: datetime | None = None) -> bool:
    """Return True if a version of ``explainer`` is waiting for its go-live time."""
    return PublishedVersion.objects.filter(explainer=explainer).scheduled(at).exists()


def allowed_now(move: Move, explainer: Explainer) -> bool:
    """Return True if the explainer's state allows ``move`` (whoever asks).

    The moves on published versions need one: unpublish a live or scheduled version, cancel
    or move a scheduled one. They also reach a working copy under revision (see above), whose
    state they leave as it is.
    """
    if move.verb == "unpublish":
        return explainer.state in _reach(move) and has_public_version(explainer)
    if move.verb in _ON_SCHEDULED:
        return explainer.state in _reach(move) and has_scheduled_version(explainer)
    return explainer.state in move.sources


def _reach(move: Move) -> tuple[str, ...]:
    return (*move.sources, *_TAKE_DOWN_FROM)


def available_moves(user: Viewer, explainer: Explainer) -> list[Move]:
    """Return the moves ``user`` may make on ``explainer`` in its current state."""
    if explainer.locked_for(user):
        return []
    return [
        move
        for verb, move in MOVES.items()
        if allowed_now(move, explainer) and CAN[verb](user, explainer)
    ]


_CHECK_KEYS = frozenset({"check", "checked_by", "checked_at", "sources"})


def text_digest(data: dict[str, Any]) -> str:
    """Return a fingerprint of a snapshot's text, leaving out the fact checks and claim ratings.

    Fact-checkers set the checks (status, note, supporting sources) and rate claims while an
    explainer is in review; that is the review itself and must not send it back to draft. Any
    other change does.
    """
    facts = [
        {k: v for k, v in fact.items() if k not in _CHECK_KEYS}
        for fact in data.get("key_facts", [])
    ]
    # Claim ratings are the fact-checkers' own work during review, as the checks are.
    viewpoints = [
        {k: v for k, v in viewpoint.items() if k != "ratings"}
        for viewpoint in data.get("viewpoints", [])
    ]
    return content_digest({**data, "key_facts": facts, "viewpoints": viewpoints})


# The moves.


def locked(explainer: Explainer) -> Explainer:
    return Explainer.objects.select_for_update().get(pk=explainer.pk)


def sync(caller: Explainer, fresh: Explainer) -> Explainer:
    """Copy the saved row into the caller's instance (bypassing the protected state field)."""
    for field in Explainer._meta.concrete_fields:
        caller.__dict__[field.attname] = fresh.__dict__[field.attname]
    return fresh


def name_of(user: Viewer | None) -> str:
    """Return how the workflow names ``user`` in a message: full name, else username."""
    if user is None or not user.is_authenticated:
        return "Someone"
    return user.get_full_name() or user.get_username()


def refuse_if_locked(user: Viewer, explainer: Explainer) -> None:
    """Raise ``Locked`` if someone other than ``user`` holds the edit lock of ``explainer``."""
    if not explainer.locked_for(user):
        return
    since = timezone.localtime(explainer.locked_at) if explainer.locked_at else None
    until = timezone.localtime(explainer.lock_expires_at)
    raise Locked(
        f"{name_of(explainer.locked_by)} locked this explainer"
        + (f" at {since:%H:%M on %d %b %Y}" if since else "")
        + f": nobody else can change it until they unlock it or the lock runs out at "
        f"{until:%H:%M}."
    )


def check_move(user: Viewer, explainer: Explainer, verb: str, comment: str) -> Move:
    move = MOVES[verb]
    if not CAN[verb](user, explainer):
        if verb == "approve" and _perm(user, "approve_explainer"):
            raise FourEyesRefusal(
                "You may not approve this explainer: you wrote or submitted it, and four eyes "
                "means another fact-checker or editor must approve it."
            )
        raise PermissionDenied(f"You may not {move.label.lower()} this explainer.")
    refuse_if_locked(user, explainer)
    if not allowed_now(move, explainer):
        if move.verb == "unpublish" and explainer.state in _reach(move):
            raise InvalidTransition("Nothing to take down: no version is live or scheduled.")
        if move.verb in _ON_SCHEDULED and explainer.state in _reach(move):
            raise InvalidTransition(
                f"“{move.label}” needs a version waiting to go live, and there is none."
            )
        raise InvalidTransition(
            f"“{move.label}” is not possible while the explainer is "
            f"{explainer.get_state_display().lower()}."
        )
    if move.comment_required and not comment.strip():
        raise ValidationError({"comment": f"Say why: “{move.label}” needs a comment."})
    return move


def record(
    explainer: Explainer, name: str, from_state: str, *, by: User, comment: str
) -> Transition:
    return Transition.objects.create(
        explainer=explainer,
        name=name,
        from_state=from_state,
        to_state=explainer.state,
        actor=by if getattr(by, "pk", None) else None,
        comment=comment.strip(),
    )


def clear_approval(explainer: Explainer) -> None:
    explainer.approved_by = None
    explainer.approved_at = None
    explainer.approved_digest = ""


def after_commit(func: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    def run() -> None:
        func(*args, **kwargs)

    # Django names the callback when logging a failure.
    run.__qualname__ = run.__name__ = func.__qualname__
    # robust: a failing mail server is logged and never turns a committed move into an error.
    transaction.on_commit(run, robust=True)


@transaction.atomic
def submit(explainer: Explainer, *, by: User, comment: str = "") -> Explainer:
    """Send a draft to the fact-checkers (draft → in review)."""
    e = locked(explainer)
    check_move(by, e, "submit", comment)
    from_state = e.state
    e.fsm_submit()
    e.submitted_by = by
    clear_approval(e)
    e.save()
    record(e, "submit", from_state, by=by, comment=comment)
    after_commit(notifications.explainer_submitted, e, by=by)
    return sync(explainer, e)


@transaction.atomic
def request_changes(explainer: Explainer, *, by: User, comment: str = "") -> Explainer:
    """Send an explainer under review, or approved, back to its authors (→ draft)."""
    e = locked(explainer)
    check_move(by, e, "request_changes", comment)
    from_state = e.state
    e.fsm_request_changes()
    clear_approval(e)
    e.review_due = None
    e.save()
    record(e, "request_changes", from_state, by=by, comment=comment)
    after_commit(notifications.changes_requested, e, by=by, comment=comment.strip())
    return sync(explainer, e)


@transaction.atomic
def approve(explainer: Explainer, *, by: User, comment: str = "") -> Explainer:
    """Approve the text as it is now (in review → approved); four eyes, checklist passes."""
    e = locked(explainer)
    check_move(by, e, "approve", comment)
    failed = readiness.failures(e)
    if failed:
        raise NotReady(failed)
    from_state = e.state
    e.fsm_approve()
    e.approved_by = by
    e.approved_at = timezone.now()
    # Approval is of this exact content: publish() refuses if the digest has changed since.
    e.approved_digest = content_digest(snapshot(e))
    e.save()
    record(e, "approve", from_state, by=by, comment=comment)
    after_commit(notifications.explainer_approved, e, by=by)
    return sync(explainer, e)


@transaction.atomic
def revise(explainer: Explainer, *, by: User, comment: str = "") -> Explainer:
    """Record that the text of a reviewed or published working copy changed (→ draft).

    Called by the admin after a save that changed the content. Any approval is dropped: it was
    given to other text. Readers keep the live version until the revision is published.
    """
    e = locked(explainer)
    if not (can_edit(by, e) or can_check_facts(by, e)):
        raise PermissionDenied("You may not edit this explainer.")
    refuse_if_locked(by, e)
    if e.state not in _REVISABLE:
        raise InvalidTransition(f"A {e.get_state_display().lower()} explainer is not revised.")
    from_state = e.state
    e.fsm_revise()
    clear_approval(e)
    e.save()
    record(e, "revise", from_state, by=by, comment=comment or "Edited: back to draft.")
    return sync(explainer, e)


@transaction.atomic
def assign(
    explainer: Explainer,
    *,
    by: User,
    assignee: User | None,
    due: date | None = None,
    comment: str = "",
) -> Explainer:
    """Name the fact-checker who reviews an explainer in review, with an optional due date."""
    e = locked(explainer)
    if not can_assign(by, e):
        raise PermissionDenied("You may not assign reviews.")
    refuse_if_locked(by, e)
    if e.state != State.IN_REVIEW:
        raise InvalidTransition("Only an explainer in review can be assigned to a fact-checker.")
    if assignee is None or not can_check_facts(assignee, e):
        raise ValidationError({"assignee": "Choose a fact-checker."})
    if is_author(assignee, e) or e.submitted_by_id == assignee.pk:
        raise ValidationError(
            {"assignee": "Four eyes: choose someone who neither wrote nor submitted it."}
        )
    e.assignee = assignee
    e.review_due = due
    e.save()
    who = assignee.get_full_name() or assignee.get_username()
    note = f"Assigned to {who}" + (f", due {due:%d %b %Y}" if due else "") + "."
    record(e, "assign", e.state, by=by, comment=f"{note} {comment}".strip())
    after_commit(notifications.review_assigned, e, by=by)
    return sync(explainer, e)
