"""The moves that change what readers see: publish (or schedule), unpublish, cancel or move a
schedule, and restore.

They are workflow moves like the others (the table, ``can_*`` and the audit row come from
``articles.workflow``), kept here because they freeze and withdraw published versions. Each
sends ``public_pages_changed`` after commit, which the public site's page cache listens to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from articles.models import Explainer, PublishedVersion
from articles.publishing.freeze import freeze, move_go_live, unschedule, withdraw
from articles.publishing.signals import public_pages_changed
from articles.snapshot import content_digest, snapshot
from articles.workflow import moves as workflow
from articles.workflow import notifications, readiness
from articles.workflow.moves import (
    InvalidTransition,
    NotReady,
    State,
    after_commit,
    check_move,
    clear_approval,
    locked,
    record,
    sync,
)

# The moves defined here; the others are in articles.workflow.moves.
VERBS = ("publish", "unpublish", "cancel_schedule", "reschedule", "restore")


def function_for(verb: str) -> Callable[..., Explainer | PublishedVersion]:
    """Return the function that makes the workflow move ``verb`` (a key of ``workflow.MOVES``)."""
    return globals()[verb] if verb in VERBS else getattr(workflow, verb)


def _announce(explainer_id: int) -> None:
    public_pages_changed.send(sender=PublishedVersion, explainer_id=explainer_id)


@transaction.atomic
def publish(
    explainer: Explainer,
    *,
    by: User,
    comment: str = "",
    go_live_at: datetime | None = None,
    expires_at: datetime | None = None,
    substantive: bool = False,
) -> PublishedVersion:
    """Freeze the approved text into a published version, live now or at ``go_live_at``.

    The frozen snapshot is what readers get, so later saves of the working copy (even between
    scheduling and go-live) never leak into it. ``substantive`` is the editor's tick that this
    revision needs a public correction note.
    """
    e = locked(explainer)
    check_move(by, e, "publish", comment)
    now = timezone.now()
    if go_live_at is not None and go_live_at <= now:
        go_live_at = None
    if expires_at is not None and expires_at <= (go_live_at or now):
        raise ValidationError({"expires_at": "The expiry must come after the go-live time."})
    failed = readiness.failures(e, substantive=substantive)
    if failed:
        raise NotReady(failed)
    data = snapshot(e)
    if content_digest(data) != e.approved_digest:
        raise InvalidTransition(
            "The explainer changed after it was approved; it must be approved again."
        )
    version = freeze(
        e, by=by, change_note=e.change_note, go_live_at=go_live_at, expires_at=expires_at, data=data
    )
    from_state = e.state
    e.fsm_publish()
    # The note belongs to the version now; the next revision needs its own.
    e.change_note = ""
    e.save()
    name = "schedule" if go_live_at is not None else "publish"
    record(e, name, from_state, by=by, comment=comment)
    after_commit(notifications.explainer_published, e, by=by, version=version)
    after_commit(_announce, e.pk)
    sync(explainer, e)
    return version


@transaction.atomic
def unpublish(explainer: Explainer, *, by: User, comment: str = "") -> Explainer:
    """Take the explainer off the public site (published → archived), with a reason.

    A working copy under revision (draft, in review, approved) whose last version is still
    live or scheduled can be taken down too: its versions end and its state stays.
    """
    e = locked(explainer)
    check_move(by, e, "unpublish", comment)
    from_state = e.state
    withdraw(e)
    if e.state == State.PUBLISHED:
        e.fsm_unpublish()
        e.save()
    record(e, "unpublish", from_state, by=by, comment=comment)
    after_commit(_announce, e.pk)
    return sync(explainer, e)


def _when(at: datetime) -> str:
    """Return ``at`` as the desk shows times: in the newsroom's time zone, zone named."""
    return date_format(timezone.localtime(at), "j M Y, H:i T")


def _scheduled(explainer: Explainer) -> PublishedVersion:
    """Return the version waiting to go live (``freeze`` leaves at most one)."""
    version = PublishedVersion.objects.filter(explainer=explainer).scheduled().first()
    if version is None:
        # check_move found one a moment ago: its go-live time has come since.
        raise InvalidTransition("The scheduled version has just gone live.")
    return version


@transaction.atomic
def cancel_schedule(explainer: Explainer, *, by: User, comment: str = "") -> Explainer:
    """Call off the scheduled version: it never goes live, and what is live stays live.

    A published working copy (the text that was scheduled) goes back to approved, keeping
    its approval and the version's change note, so that it can be scheduled again as it is.
    A working copy revised since keeps its state.
    """
    e = locked(explainer)
    check_move(by, e, "cancel_schedule", comment)
    version = _scheduled(e)
    what = (
        f"Cancelled version {version.number}, which was to go live on {_when(version.go_live_at)}."
    )
    reopened = unschedule(version)
    if reopened:
        what += " " + ", ".join(f"Version {v.number}" for v in reopened) + " stays live."
    from_state = e.state
    if e.state == State.PUBLISHED:
        e.fsm_cancel_schedule()
        if not e.change_note.strip():
            e.change_note = version.change_note
        e.save()
    record(e, "cancel_schedule", from_state, by=by, comment=f"{what} {comment}".strip())
    after_commit(_announce, e.pk)
    return sync(explainer, e)


@transaction.atomic
def reschedule(
    explainer: Explainer, *, by: User, go_live_at: datetime | None, comment: str = ""
) -> PublishedVersion:
    """Move the scheduled version's go-live time (a time passed, or none: it goes live now).

    The version keeps its text and expiry; the expiry must still come after the go-live time.
    """
    e = locked(explainer)
    check_move(by, e, "reschedule", comment)
    version = _scheduled(e)
    now = timezone.now()
    at = go_live_at if go_live_at is not None and go_live_at > now else now
    if version.ends_at is not None and version.ends_at <= at:
        raise ValidationError(
            {
                "go_live_at": f"Version {version.number} expires on {_when(version.ends_at)}: "
                "the go-live time must come before that."
            }
        )
    was = version.go_live_at
    move_go_live(version, at)
    if at > now:
        what = f"Version {version.number} now goes live on {_when(at)}"
    else:
        what = f"Version {version.number} went live now"
    what += f" (it was to go live on {_when(was)})."
    from_state = e.state
    if e.state == State.PUBLISHED:
        e.fsm_reschedule()
        e.save()
    record(e, "reschedule", from_state, by=by, comment=f"{what} {comment}".strip())
    after_commit(_announce, e.pk)
    sync(explainer, e)
    return version


@transaction.atomic
def restore(explainer: Explainer, *, by: User, comment: str = "") -> Explainer:
    """Bring an archived explainer back as a draft (archived → draft)."""
    e = locked(explainer)
    check_move(by, e, "restore", comment)
    from_state = e.state
    e.fsm_restore()
    clear_approval(e)
    e.save()
    record(e, "restore", from_state, by=by, comment=comment)
    after_commit(_announce, e.pk)
    return sync(explainer, e)
