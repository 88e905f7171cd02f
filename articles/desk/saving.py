"""What an admin save does besides writing the row: the lock, check stamps, back to draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone

from articles.models import Explainer, KeyFact
from articles.snapshot import content_digest, snapshot
from articles.workflow import moves as workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Fields an admin save may write: everything but the workflow's own fields, which only the
# moves change (an admin save must never write back a state it read before a move).
_WORKFLOW_ONLY = set(Explainer.WORKFLOW_FIELDS)
ADMIN_SAVE_FIELDS = [
    f.name
    for f in Explainer._meta.concrete_fields
    if not f.primary_key and f.name not in _WORKFLOW_ONLY
]


def acting_user(request: HttpRequest) -> User:
    """Return the signed-in staff member behind a desk request (the admin lets no one else in)."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise PermissionDenied
    return user


def who(user: User | None) -> str:
    """Return how a message names ``user``: full name, else username; "Someone" if unknown."""
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def refuse_stale(explainer_id, base: int | None) -> None:
    """Refuse a write if someone saved since the page that asks for it was built.

    ``base`` is the lock_version the page was built on (optimistic lock). Called inside the
    transaction that writes, and the row is locked here (PostgreSQL), so nothing can slip in
    between this check and the write.
    """
    current = (
        Explainer.objects.select_for_update()
        .filter(pk=explainer_id)
        .values("lock_version", "updated_by", "updated_at")
        .first()
    )
    if current is None or current["lock_version"] == base:
        return
    saver = get_user_model().objects.filter(pk=current["updated_by"]).first()
    when = timezone.localtime(current["updated_at"])
    raise ValidationError(
        f"{who(saver)} saved this explainer at {when:%H:%M on %d %b %Y}, after you "
        "opened it. Nothing of yours was saved and nothing of theirs was overwritten: "
        "open the explainer again to see their version, then make your changes again.",
        code="stale",
    )


def stamp_fact_checks(formset, *, user) -> None:
    """Record who checked each key fact and when, or undo a check its fact no longer matches.

    Run before the formset saves. A fact-checker (or editor) who sets a check is stamped as the
    checker; a check set back to "unchecked" loses its stamp; a fact whose text or supporting
    sources change without its check being set again goes back to "unchecked".
    """
    now = timezone.now()
    may_check = user.has_perm("articles.check_facts")
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    for form in formset.forms:
        if form in deleted or not form.has_changed():
            continue
        fact, changed = form.instance, set(form.changed_data)
        # The fact or its sources moved under the check: the check no longer applies.
        reworded = "check_status" not in changed and (
            "text" in changed or ("sources" in changed and not may_check)
        )
        if reworded:
            fact.check_status = KeyFact.Check.UNCHECKED
        elif not (may_check and changed & {"check_status", "check_note", "sources"}):
            continue
        if fact.check_status == KeyFact.Check.UNCHECKED:
            fact.checked_by, fact.checked_at = None, None
        else:
            fact.checked_by, fact.checked_at = user, now


def send_back_if_changed(
    request: HttpRequest, obj: Explainer, *, text_before: str | None = None
) -> None:
    """Move a reviewed or published working copy back to draft if its content changed.

    ``text_before`` is the text digest of an in-review copy before the change.
    """
    fresh = Explainer.objects.select_for_update().get(pk=obj.pk)
    State = Explainer.State
    if fresh.state in (State.APPROVED, State.PUBLISHED):
        changed = content_digest(snapshot(fresh)) != fresh.approved_digest
    elif fresh.state == State.IN_REVIEW:
        changed = text_before is not None and workflow.text_digest(snapshot(fresh)) != text_before
    else:
        changed = False
    if not changed:
        return
    was = fresh.get_state_display().lower()
    workflow.revise(fresh, by=acting_user(request), comment=f"Edited while {was}: back to draft.")
    obj.__dict__["state"] = Explainer.State.DRAFT
    tail = (
        " Readers keep the published version until the revision is published."
        if (workflow.has_public_version(fresh))
        else ""
    )
    messages.warning(
        request,
        f"The explainer was {was}; this change sends it back to draft for review.{tail}",
    )


def text_digest_if_in_review(explainer_id: int) -> str | None:
    """Return the stored text digest of an in-review explainer, or None in any other state."""
    current = Explainer.objects.filter(pk=explainer_id).first()
    if current is None or current.state != Explainer.State.IN_REVIEW:
        return None
    return workflow.text_digest(snapshot(current))
