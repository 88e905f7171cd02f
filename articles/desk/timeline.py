"""One history per explainer: saves, workflow moves, published versions and staff threads on
one timeline.

``entries()`` interleaves them, newest first, each said in words with the person's full
name; saves and published versions are points that can be compared (``textdiff.compare``) and
saves can be reverted to (``revert.RevertAdminMixin``). ``TimelineAdminMixin`` puts the
timeline on the admin's own History page and serves the comparison. A staff thread is said
when it started and, if it is resolved now, when it was; a thread keeps only its latest
resolution, so a resolve undone by a reopen is not on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import Truncator
from reversion.models import Version

from articles.desk import history, points, textdiff, wording
from articles.desk.saving import who
from articles.models import Comment, Explainer, PublishedVersion, Thread, Transition

# A publish (or schedule) move and the version it froze are written in one transaction: a
# move this soon after a version, by the same person, is said together with it.
_SAME_ACT = timedelta(seconds=60)


@dataclass
class Entry:
    """One thing that happened to an explainer, said for people."""

    at: datetime
    who: str
    what: str
    comment: str = ""
    # "s<version id>" for a save, "v<number>" for a published version: a point to compare.
    point: str = ""
    # Set for saves and published versions: the stored version behind the entry.
    version_id: int | None = None
    number: int | None = None
    kind: str = "move"


def _saved_words(changed: list[str] | None) -> str:
    if changed is None:
        return "Saved (the first version kept)"
    if not changed:
        return "Saved, with no change to the text"
    return "Saved: changed " + ", ".join(changed)


def _own_comment(version: Version) -> str:
    """Return a save's comment: a revert's or an import's note (admin saves keep none, see
    ``TimelineAdminMixin.log_change``); a change list stored as JSON is left out."""
    comment = version.revision.get_comment() or ""
    return "" if version.revision.comment.lstrip().startswith("[") else comment


def save_entries(explainer: Explainer) -> tuple[list[Entry], dict[int, dict[str, Any]]]:
    """Return an entry per stored revision, and each revision's content by version id."""
    versions = list(history.explainer_versions(explainer.pk).select_related("revision__user"))
    contents = points.revision_data(versions)
    entries: list[Entry] = []
    before: dict[str, Any] | None = None
    for version in versions:
        now = contents[version.pk]
        changed: list[str] | None = None if before is None else textdiff.changed_labels(before, now)
        entries.append(
            Entry(
                at=version.revision.date_created,
                who=who(version.revision.user),
                what=_saved_words(changed),
                comment=_own_comment(version),
                point=f"s{version.pk}",
                version_id=version.pk,
                kind="save",
            )
        )
        before = now
    return entries, contents


def _version_words(version: PublishedVersion) -> str:
    if version.go_live_at > version.published_at + _SAME_ACT:
        when = date_format(timezone.localtime(version.go_live_at), "j M Y, H:i")
        return f"Scheduled version {version.number} to go live on {when}"
    return f"Published as version {version.number}"


def entries(explainer: Explainer) -> list[Entry]:
    """Return the explainer's whole history, newest first."""
    saves, _ = save_entries(explainer)
    versions = list(
        PublishedVersion.objects.filter(explainer=explainer)
        .select_related("published_by")
        .only("number", "published_at", "published_by", "change_note", "go_live_at")
    )
    moves = list(explainer.transitions.select_related("actor"))
    published = []
    for version in versions:
        entry = Entry(
            at=version.published_at,
            who=who(version.published_by),
            what=_version_words(version),
            comment=f"Change note: {version.change_note}" if version.change_note else "",
            point=f"v{version.number}",
            number=version.number,
            kind="version",
        )
        move = _move_of(version, moves)
        if move is not None:
            moves.remove(move)
            entry.comment = "\n".join(filter(None, [move.comment, entry.comment]))
        published.append(entry)
    said = [Entry(at=t.at, who=who(t.actor), what=_move_words(t), comment=t.comment) for t in moves]
    everything = saves + published + said + thread_entries(explainer)
    return sorted(everything, key=lambda e: e.at, reverse=True)


def _thread_subject(thread: Thread) -> str:
    """Return what a thread is about, as it was when it started: the key fact “The weir…”."""
    if thread.anchor == Thread.Anchor.SECTION:
        return f"“{thread.get_section_display()}”"
    text = Truncator(thread.anchor_text).chars(60)
    return f"the {thread.get_anchor_display().lower()} “{text}”" if text else "a deleted row"


def thread_entries(explainer: Explainer) -> list[Entry]:
    """Return an entry for each staff thread's start and, for a resolved one, its resolution."""
    comments = Comment.objects.order_by("created_at", "pk")
    threads = explainer.threads.select_related("created_by", "resolved_by").prefetch_related(
        Prefetch("comments", queryset=comments)
    )
    found: list[Entry] = []
    for thread in threads:
        subject = _thread_subject(thread)
        said = list(thread.comments.all())
        first = Truncator(said[0].body).chars(200) if said else ""
        replies = len(said) - 1
        count = f" ({replies} repl{'y' if replies == 1 else 'ies'} since)" if replies > 0 else ""
        found.append(
            Entry(
                at=thread.created_at,
                who=who(thread.created_by),
                what=f"Started a thread on {subject}{count}",
                comment=first,
                kind="thread",
            )
        )
        if thread.resolved_at is not None:
            found.append(
                Entry(
                    at=thread.resolved_at,
                    who=who(thread.resolved_by),
                    what=f"Resolved the thread on {subject}",
                    kind="thread",
                )
            )
    return found


def _move_words(transition: Transition) -> str:
    words = wording.move_done(transition.name)
    change = wording.state_change(transition)
    return f"{words} ({change})" if change else words


def _move_of(version: PublishedVersion, moves: list[Transition]) -> Transition | None:
    """Return the publish or schedule move that froze ``version``, if the trail has it."""
    for move in moves:
        if (
            move.name in ("publish", "schedule")
            and move.actor_id == version.published_by_id
            and version.published_at <= move.at <= version.published_at + _SAME_ACT
        ):
            return move
    return None
