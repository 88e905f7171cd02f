"""Edit locks: an editor takes an explainer for themself for a while; everyone else reads it.

While an editor holds the lock, the explainer is read-only to everyone else, other editors
included: the desk shows them its read-only form, and every save, revert, re-import and workflow
move by anyone else is refused (``moves.refuse_if_locked``, which the moves call first). The lock
lasts ``settings.NEWSROOM_LOCK_MINUTES`` from when it was taken or last renewed; the holder's open
change form renews it (``renew``, from the desk's presence heartbeat), and pressing Lock again
renews it too. A lock past its end is no lock, everywhere, without anything clearing it.

Who may (decided here, and said in docs/workflow.md):

* **Lock**: editors (``edit_any_explainer``), on an explainer nobody else holds. Writers and
  fact-checkers may not.
* **Unlock**: the holder, and any editor. An editor may break a colleague's lock (someone who
  went home with it): the lock is a courtesy between people who may all edit everything, not a
  protection from each other, and the audit trail says who broke it.

Taking and giving up a lock are written to the audit trail (``Transition`` rows named "lock"
and "unlock", which keep the state); a renewal is not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.models import Explainer
from articles.workflow.moves import (
    InvalidTransition,
    Viewer,
    locked,
    name_of,
    record,
    refuse_if_locked,
    sync,
)

# The trail's names for taking and giving up a lock: not workflow moves (the state stays).
LOCK, UNLOCK = "lock", "unlock"
NOT_MOVES = (LOCK, UNLOCK)


def duration() -> timedelta:
    return timedelta(minutes=settings.NEWSROOM_LOCK_MINUTES)


def can_lock(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``user`` may take (or renew) the edit lock of ``explainer`` now."""
    return bool(
        user.is_active and user.has_perm("articles.edit_any_explainer")
    ) and not explainer.locked_for(user)


def can_unlock(user: Viewer, explainer: Explainer) -> bool:
    """Return True if ``explainer`` is locked and ``user`` may unlock it (holder or editor)."""
    if not (user.is_active and explainer.lock_active()):
        return False
    return explainer.locked_by_id == user.pk or user.has_perm("articles.edit_any_explainer")


def _when(at: datetime) -> str:
    return f"{timezone.localtime(at):%H:%M on %d %b %Y}"


@transaction.atomic
def lock(explainer: Explainer, *, by: User) -> Explainer:
    """Take the edit lock of ``explainer`` for ``by``, or renew it if they hold it already."""
    e = locked(explainer)
    if not (by.is_active and by.has_perm("articles.edit_any_explainer")):
        raise PermissionDenied("Only editors may lock an explainer.")
    refuse_if_locked(by, e)
    now = timezone.now()
    renewing = e.lock_active(now)
    if not renewing:
        e.locked_by, e.locked_at = by, now
    e.lock_expires_at = now + duration()
    # update(): the lock is not an edit, so no new updated_at, revision or lock_version.
    Explainer.objects.filter(pk=e.pk).update(
        locked_by=e.locked_by, locked_at=e.locked_at, lock_expires_at=e.lock_expires_at
    )
    if not renewing:
        record(e, LOCK, e.state, by=by, comment=f"Locked until {_when(e.lock_expires_at)}.")
    return sync(explainer, e)


@transaction.atomic
def unlock(explainer: Explainer, *, by: User) -> Explainer:
    """Give up (the holder) or break (another editor) the edit lock of ``explainer``."""
    e = locked(explainer)
    if not e.lock_active():
        raise InvalidTransition("This explainer is not locked (a lock runs out by itself).")
    if not can_unlock(by, e):
        raise PermissionDenied("Only the editor who locked it, or another editor, may unlock it.")
    holder = e.locked_by
    comment = "" if e.locked_by_id == by.pk else f"Lock taken by {name_of(holder)}"
    if comment and e.locked_at:
        comment += f" at {_when(e.locked_at)}"
    e.locked_by, e.locked_at, e.lock_expires_at = None, None, None
    Explainer.objects.filter(pk=e.pk).update(locked_by=None, locked_at=None, lock_expires_at=None)
    record(e, UNLOCK, e.state, by=by, comment=f"{comment}." if comment else "")
    return sync(explainer, e)


def renew(explainer_id: int, *, by: Viewer) -> bool:
    """Extend the lock ``by`` holds on the explainer, if they hold one; True if it was extended.

    Called on each heartbeat of the holder's open change form, so it writes only once half the
    lock's time has gone: one conditional UPDATE, and none at all while the lock is fresh.
    """
    now = timezone.now()
    return bool(
        Explainer.objects.filter(
            pk=explainer_id,
            locked_by=getattr(by, "pk", None),
            lock_expires_at__gt=now,
            lock_expires_at__lt=now + duration() / 2,
        ).update(lock_expires_at=now + duration())
    )
