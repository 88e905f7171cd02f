"""The publication checklist (docs/workflow.md), as data.

Each check answers one question about the working copy and, when it fails, says what to fix.
The change form shows the whole list; ``workflow.approve`` and ``workflow.publish`` refuse while
any check fails.

"Substantive change" rule (republishing only): a revision is substantive when a key fact that
readers were shown has had its text changed or has been removed, or when the editor says so
(the "substantive change" tick on the publish form). A substantive revision must carry a new
public correction, clarification or update note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags

from articles.models import (
    ClaimRating,
    Correction,
    Explainer,
    KeyFact,
    PublishedVersion,
    Thread,
    Viewpoint,
)
from articles.models.explainer import TAKEAWAY_MAX_CHARS, TAKEAWAYS_MAX, TAKEAWAYS_MIN


@dataclass(frozen=True)
class Check:
    """One line of the checklist."""

    key: str
    label: str
    passed: bool
    fix: str = ""


def _filled(html: str) -> bool:
    return bool(strip_tags(html or "").replace("&nbsp;", " ").strip())


def _numbers(positions: list[int]) -> str:
    return ", ".join(f"#{n}" for n in positions)


def last_published_data(explainer: Explainer) -> dict[str, Any] | None:
    """Return the content of the newest version readers were given, or None if never published."""
    if explainer.pk is None:
        return None
    version = (
        PublishedVersion.objects.filter(explainer=explainer)
        .order_by("-number")
        .only("data")
        .first()
    )
    return version.data if version else None


def is_substantive(explainer: Explainer, previous: dict[str, Any] | None) -> bool:
    """Return True if a key fact readers saw was reworded or removed in the working copy."""
    if previous is None:
        return False
    current = set(explainer.key_facts.values_list("text", flat=True))
    return any(fact["text"] not in current for fact in previous.get("key_facts", []))


def _has_new_public_note(explainer: Explainer, previous: dict[str, Any]) -> bool:
    """Return True if the working copy has a correction readers have not been shown yet."""
    shown = {(c["kind"], c["text"], c["dated"]) for c in previous.get("corrections", [])}
    return any(
        (c.kind, c.text, c.dated.isoformat()) not in shown
        for c in Correction.objects.filter(explainer=explainer)
    )


def open_fact_questions(explainer: Explainer, facts: list[KeyFact]) -> list[str]:
    """Say which key facts have an open question from someone who checks facts.

    A question on a fact that has since been deleted no longer holds approval up: the fact
    will not be published. Its thread stays on the desk until someone resolves it.
    """
    numbers = {fact.pk: n for n, fact in enumerate(facts, 1)}
    threads = Thread.objects.filter(
        explainer=explainer,
        anchor=Thread.Anchor.FACT,
        anchor_id__in=list(numbers),
        blocks_approval=True,
        resolved_at__isnull=True,
    ).select_related("created_by")
    found = sorted(
        ((numbers[t.anchor_id], t.created_by) for t in threads if t.anchor_id),
        key=lambda pair: pair[0],
    )
    return [
        f"Key fact #{n} has an open question from "
        f"{(by.get_full_name() or by.get_username()) if by else 'a former user'}."
        for n, by in found
    ]


def unattributed_quotes(explainer: Explainer, own_sources: set[int]) -> list[str]:
    """Return the stakeholders whose viewpoint quotes without saying where from (a source of
    this explainer, or a link and a date): a cited source may have been deleted since."""
    quoted = Viewpoint.objects.filter(explainer=explainer).exclude(quote="")
    return [
        v.stakeholder.name
        for v in quoted.select_related("stakeholder")
        if v.quote_source_id not in own_sources and not (v.quote_url and v.quote_date)
    ]


def checklist(explainer: Explainer, *, substantive: bool = False) -> list[Check]:
    """Return every readiness check for ``explainer``, passed or not, in display order.

    ``substantive`` is the editor's own "this is a substantive change" tick; a reworded or
    removed key fact makes a republication substantive whatever the tick says.
    """
    # Numbered as the change form's key facts table numbers them (position, then age).
    facts = list(
        KeyFact.objects.filter(explainer=explainer)
        .order_by("position", "pk")
        .prefetch_related("sources")
    )
    own_sources = set(explainer.sources.values_list("pk", flat=True))
    unverified = [n for n, f in enumerate(facts, 1) if f.check_status != KeyFact.Check.VERIFIED]
    # A citation counts only if it points at one of this explainer's own sources (readers see
    # only those, numbered).
    unsourced = [
        n for n, f in enumerate(facts, 1) if not any(s.pk in own_sources for s in f.sources.all())
    ]
    # Numbered as the change form's claim ratings table numbers them.
    ratings = list(
        ClaimRating.objects.filter(explainer=explainer)
        .order_by("position", "pk")
        .prefetch_related("sources")
    )
    unchecked_ratings = [n for n, r in enumerate(ratings, 1) if not r.is_checked]
    unsourced_ratings = [
        n for n, r in enumerate(ratings, 1) if not any(s.pk in own_sources for s in r.sources.all())
    ]
    n_sources = len(own_sources)
    takeaways = explainer.takeaway_list()
    long_takeaways = [n for n, t in enumerate(takeaways, 1) if len(t) > TAKEAWAY_MAX_CHARS]
    unattributed = unattributed_quotes(explainer, own_sources)
    questions = open_fact_questions(explainer, facts)
    previous = last_published_data(explainer)
    checks = [
        Check("title", "Title", bool(explainer.title.strip()), "Give the explainer a title."),
        Check("dek", "Summary (dek)", bool(explainer.dek.strip()), "Write the one-sentence dek."),
        Check(
            "what_happened",
            "What happened",
            _filled(explainer.what_happened),
            "Fill in the “What happened” section.",
        ),
        Check(
            "why_it_matters",
            "Why it matters",
            _filled(explainer.why_it_matters),
            "Fill in the “Why it matters” section.",
        ),
        Check(
            "takeaways",
            f"“What to know”: {TAKEAWAYS_MIN} to {TAKEAWAYS_MAX} short takeaways",
            TAKEAWAYS_MIN <= len(takeaways) <= TAKEAWAYS_MAX and not long_takeaways,
            f"Write {TAKEAWAYS_MIN} to {TAKEAWAYS_MAX} takeaways in “What to know”, one a line, "
            f"each at most {TAKEAWAY_MAX_CHARS} characters (now {len(takeaways)}"
            + (f"; too long: {_numbers(long_takeaways)}" if long_takeaways else "")
            + ").",
        ),
        Check("key_facts", "At least one key fact", bool(facts), "Add at least one key fact."),
        Check(
            "facts_verified",
            "Every key fact verified",
            not unverified,
            f"A fact-checker must mark key facts {_numbers(unverified)} “verified”.",
        ),
        Check(
            "facts_sourced",
            "Every key fact cites a source",
            not unsourced,
            f"Type the number of at least one supporting source in the Sources box of key "
            f"facts {_numbers(unsourced)}.",
        ),
        Check(
            "fact_questions",
            "No open fact-check question on a key fact",
            not questions,
            " ".join(questions) + " Answer it, then ask its starter, an author or an editor "
            "to resolve the thread.",
        ),
        Check(
            "ratings_checked",
            "Every claim rating checked",
            not unchecked_ratings,
            f"A fact-checker other than the one who rated them must check claim ratings "
            f"{_numbers(unchecked_ratings)}.",
        ),
        Check(
            "ratings_sourced",
            "Every claim rating cites a source",
            not unsourced_ratings,
            f"Type the number of at least one source in the Sources box of claim ratings "
            f"{_numbers(unsourced_ratings)}.",
        ),
        Check("sources", "At least one source", n_sources > 0, "Add at least one source."),
        Check(
            "quotes_attributed",
            "Every quote says where it is from",
            not unattributed,
            f"Give the quotes of {', '.join(unattributed)} one of this explainer's sources, or "
            "a link and the date they were said.",
        ),
        Check(
            "topics",
            "At least one topic",
            explainer.topics.exists(),
            "Choose at least one topic.",
        ),
        Check(
            "bylines",
            "At least one byline",
            explainer.byline_set.exists(),
            "Add at least one author in Bylines.",
        ),
        Check(
            "hero_alt",
            "Hero image has alt text",
            not explainer.hero_image or bool(explainer.hero_alt.strip()),
            "Describe the hero image in “hero alt text”.",
        ),
    ]
    # Republishing: only while a revision is in progress (a published working copy is what
    # readers already have).
    if previous is not None and explainer.state != Explainer.State.PUBLISHED:
        checks.append(
            Check(
                "change_note",
                "Change note for republishing",
                bool(explainer.change_note.strip()),
                "Say what changed in “Change note” (Revision section): readers' version is "
                "being replaced.",
            )
        )
        needs_note = substantive or is_substantive(explainer, previous)
        checks.append(
            Check(
                "correction",
                "Public correction for a substantive change",
                not needs_note or _has_new_public_note(explainer, previous),
                "A key fact readers saw was changed or removed (or the change is marked "
                "substantive): add a correction, clarification or update note.",
            )
        )
    return checks


def failures(explainer: Explainer, *, substantive: bool = False) -> list[Check]:
    """Return the checks that fail."""
    return [c for c in checklist(explainer, substantive=substantive) if not c.passed]


def is_ready(explainer: Explainer, *, substantive: bool = False) -> bool:
    return not failures(explainer, substantive=substantive)
