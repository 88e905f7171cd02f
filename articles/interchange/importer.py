"""Write a parsed plain-text explainer to the database: the one atomic import.

``textformat.parse()`` reads a file into a ``ParsedExplainer``; ``import_parsed()`` checks it
against what the database can hold (stakeholder names, citation and URL lengths, one viewpoint
per stakeholder …, in ``planning.py``), raising ``FormatErrors`` with file and line when it
cannot, and then writes the explainer, its key facts, viewpoints, timeline, sources and "Up
next" links in one transaction, with the "What to know" takeaways and viewpoint quotes (a file
without takeaways imports: readiness asks for them before approval). Nothing is written unless
everything is.

Re-import: a file whose title (case-insensitively) or slug matches an existing explainer updates
it while it is a draft. Any other state is refused (``ImportRefused``) unless ``new_revision``
is asked for, which sends an in-review, approved or published working copy back to draft
through ``workflow.revise`` first: readers keep the live version until the revision is
published. An update keeps what the format does not carry (slug, dek, hero image, corrections,
topics, bylines) and keeps the check of every key fact whose text is unchanged, with the
sources whose citation and link are unchanged.

This module decides what an import does (create or update, refuse, revise, submit) and records
its history as an ordinary django-reversion revision (``reversion.create_revision``); the rows
themselves are written by ``importrows``, every inline with ``bulk_create``. Stakeholders are
looked up in a ``StakeholderIndex`` loaded once per run, so an import costs the same few queries
however long the file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.html import format_html

from articles import revisions
from articles.interchange.importrows import (
    add_bylines,
    add_topics,
    create_stakeholders,
    write_inlines,
)
from articles.interchange.planning import (
    MAX_SLUG,
    KnownTargets,
    StakeholderIndex,
    name_key,
    plan_import,
    slug_for,
)
from articles.interchange.textformat import ParsedExplainer, parse
from articles.models import (
    Byline,
    Explainer,
    RelatedLink,
    Stakeholder,
    Topic,
    Viewpoint,
    unique_slug,
)
from articles.workflow import moves as workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import User

State = Explainer.State
# States a re-import may turn into a new revision (workflow.revise moves them back to draft).
REVISABLE = (State.IN_REVIEW, State.APPROVED, State.PUBLISHED)


class ImportRefused(Exception):
    """The file reads well but may not be imported now (re-import of a non-draft, permission)."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(f"{filename}: {message}")
        self.filename = filename
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    explainer: Explainer
    created: bool
    warnings: list[str] = field(default_factory=list)
    new_stakeholders: list[str] = field(default_factory=list)
    submitted: bool = False
    revised: bool = False


# --- text to rich text --------------------------------------------------------------------------


def paragraphs_to_html(paragraphs: Iterable[str]) -> str:
    """Return plain paragraphs as rich text: one ``<p>`` each, ``<``, ``>`` and ``&`` as text."""
    return "\n".join(format_html("<p>{}</p>", paragraph) for paragraph in paragraphs)


# --- matching and refusing ----------------------------------------------------------------------


def _unavailable(parsed: ParsedExplainer, filename: str) -> ImportRefused:
    """Refuse a title taken by an explainer ``by`` may not open, without saying that it is.

    The message repeats only what the file says, so it tells nothing of the other explainer
    (not its title as stored, its address or its state) beyond what any refusal would.
    """
    return ImportRefused(
        filename,
        f'the title "{parsed.title}" is not available to you; '
        "give the file another title, or ask an editor",
    )


def _match(parsed: ParsedExplainer, filename: str, *, by: User | None) -> Explainer | None:
    """Return the explainer a re-import of ``parsed`` updates, locked, or None for a new one."""
    slug = slug_for(parsed.title)
    condition = Q(title__iexact=parsed.title)
    if slug:
        condition |= Q(slug=slug)
    matches = list(Explainer.objects.select_for_update().filter(condition).order_by("pk")[:3])
    if len(matches) > 1:
        if by is not None and Explainer.objects.visible_to(by).filter(
            pk__in=[m.pk for m in matches]
        ).count() < len(matches):
            raise _unavailable(parsed, filename)
        names = " and ".join(f'"{e.title}" (/{e.slug}/)' for e in matches[:2])
        raise ImportRefused(
            filename,
            f"the title matches more than one explainer ({names}); "
            "rename one of them or change the file's title",
        )
    return matches[0] if matches else None


def _refuse_update(existing: Explainer, filename: str, *, new_revision: bool) -> None:
    state = existing.get_state_display().lower()
    where = f'"{existing.title}" (/{existing.slug}/)'
    if existing.state in REVISABLE and not new_revision:
        raise ImportRefused(
            filename,
            f"{where} already exists and is {state}; a re-import only updates a draft. "
            'Import it as a new revision to send it back to draft with this text ("As a new '
            'revision" on the import page, --new-revision on the command line).',
        )
    if existing.state not in REVISABLE:
        raise ImportRefused(
            filename,
            f"{where} already exists and is {state}; restore it to draft before re-importing.",
        )


# --- history ------------------------------------------------------------------------------------


def revision_prefetches() -> list[Prefetch]:
    """One Prefetch per relation the revision follows (articles.revisions.FOLLOWED)."""
    rows = {
        "byline_set": Byline.objects.select_related("author"),
        "viewpoints": Viewpoint.objects.select_related("stakeholder"),
        "related_links": RelatedLink.objects.select_related("target"),
    }
    return [Prefetch(name, rows.get(name)) for name in revisions.FOLLOWED]


def _record_revision(explainer: Explainer, *, user: User | None, comment: str) -> None:
    """Record the explainer and every inline it follows as one django-reversion revision.

    Inside a revision block the caller has open already, the rows join that revision.
    """
    # Every relation the revision follows, a query each with the rows those name: else
    # django-reversion reads them a row at a time (topics through a server-side cursor).
    prefetch_related_objects([explainer], *revision_prefetches(), "key_facts__sources", "topics")
    # The caller's transaction holds the whole import: no savepoint of its own.
    with reversion.create_revision(atomic=False):
        reversion.add_to_revision(explainer)
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)


# --- the import ---------------------------------------------------------------------------------


def import_parsed(
    parsed: ParsedExplainer,
    *,
    filename: str = "<input>",
    by: User | None = None,
    authors: Sequence[User] = (),
    topics: Sequence[Topic] = (),
    submit: bool = False,
    new_revision: bool = False,
    stakeholders: StakeholderIndex | None = None,
    known_targets: KnownTargets | None = None,
    history: bool = True,
) -> ImportResult:
    """Write ``parsed`` as a draft explainer, or update the draft it re-imports, atomically.

    ``by`` is the person importing: when given, they need permission to add explainers (and to
    edit the one a re-import updates). ``None`` means a trusted operator (the management
    command). Workflow moves (``submit``, a ``new_revision``) are made by ``by``, or else by the
    first of ``authors``. ``authors`` get bylines and ``topics`` are added. Raises
    ``FormatErrors`` (what the database cannot hold, with lines) or ``ImportRefused``.
    ``history`` records the import as a django-reversion revision, shown in the explainer's
    history in the admin and revertable there (bulk loads may leave it out). A run of imports
    passes the stakeholders and "Up next" targets it has read once (``stakeholders``,
    ``known_targets``); otherwise they are read here.
    """
    index = stakeholders if stakeholders is not None else StakeholderIndex.load()
    actor = by if by is not None else (authors[0] if authors else None)
    if (submit or new_revision) and actor is None:
        raise ImportRefused(filename, "submitting or revising needs a person to do it: an author")
    remembered: list[Stakeholder] = []
    try:
        with transaction.atomic():
            result, remembered = _import(
                parsed,
                filename=filename,
                by=by,
                actor=actor,
                authors=authors,
                topics=topics,
                submit=submit,
                new_revision=new_revision,
                index=index,
                known_targets=known_targets,
            )
            if history:
                # Recorded once the inlines are written, so that the revision holds them.
                verb = "Created" if result.created else "Updated"
                _record_revision(
                    result.explainer, user=actor, comment=f"{verb} by importing {filename}."
                )
    except PermissionDenied as exc:
        raise ImportRefused(filename, str(exc) or "permission denied") from exc
    except workflow.InvalidTransition as exc:
        raise ImportRefused(filename, str(exc)) from exc
    for stakeholder in remembered:
        index.remember(stakeholder.pk, stakeholder.name, stakeholder.slug)
    return result


def _import(
    parsed: ParsedExplainer,
    *,
    filename: str,
    by: User | None,
    actor: User | None,
    authors: Sequence[User],
    topics: Sequence[Topic],
    submit: bool,
    new_revision: bool,
    index: StakeholderIndex,
    known_targets: KnownTargets | None,
) -> tuple[ImportResult, list[Stakeholder]]:
    existing = _match(parsed, filename, by=by)
    if existing is None:
        if by is not None and not by.has_perm("articles.add_explainer"):
            raise ImportRefused(filename, "you may not add explainers")
        own_slug = slug_for(parsed.title)
    else:
        if by is not None and not workflow.can_edit(by, existing):
            if not Explainer.objects.visible_to(by).filter(pk=existing.pk).exists():
                raise _unavailable(parsed, filename)
            raise ImportRefused(
                filename,
                f'"{existing.title}" already exists and you may not edit it; '
                "ask one of its authors or an editor",
            )
        if by is not None:
            # An editor's edit lock holds for imports too (the command-line operator excepted).
            workflow.refuse_if_locked(by, existing)
        if existing.state != State.DRAFT:
            _refuse_update(existing, filename, new_revision=new_revision)
        own_slug = existing.slug
    plan = plan_import(
        parsed,
        filename=filename,
        index=index,
        own_pk=existing.pk if existing else None,
        own_slug=own_slug,
        viewer=actor,
        known=known_targets,
    )

    revised = False
    update = existing is not None
    if existing is None:
        explainer = Explainer(
            title=parsed.title,
            slug=own_slug or unique_slug(Explainer, parsed.title, max_length=MAX_SLUG),
        )
    else:
        explainer = existing
        if explainer.state != State.DRAFT:
            if actor is None:  # import_parsed refuses a new revision without one already
                raise ImportRefused(filename, "revising needs a person to do it: an author")
            # Bylines first, so that an author may revise what is now also theirs.
            add_bylines(explainer, authors, update=True)
            workflow.revise(
                explainer, by=actor, comment=f"Re-imported from {filename}: back to draft."
            )
            revised = True
        explainer.title = parsed.title
        # Someone with the change form open must not save over the imported text.
        explainer.lock_version += 1
    explainer.takeaways = "\n".join(takeaway.text for takeaway in parsed.takeaways)
    explainer.what_happened = paragraphs_to_html(parsed.what_happened)
    explainer.background = paragraphs_to_html(parsed.background)
    explainer.why_it_matters = paragraphs_to_html(parsed.why_it_matters)
    explainer.updated_by = actor
    explainer.save()

    ids, remembered = create_stakeholders(plan.new_names, index)
    stakeholder_ids = [
        pk if pk is not None else ids[name_key(v.name)]
        for v, pk in zip(parsed.viewpoints, plan.stakeholder_ids, strict=True)
    ]
    add_bylines(explainer, authors, update=update)
    add_topics(explainer, topics, update=update)
    write_inlines(explainer, parsed, plan, stakeholder_ids, update)

    submitted = False
    if submit:
        if actor is None:  # import_parsed refuses a submit without one already
            raise ImportRefused(filename, "submitting needs a person to do it: an author")
        workflow.submit(explainer, by=actor, comment=f"Imported from {filename}.")
        submitted = True
    result = ImportResult(
        explainer=explainer,
        created=existing is None,
        warnings=plan.warnings,
        new_stakeholders=[s.name for s in remembered],
        submitted=submitted,
        revised=revised,
    )
    return result, remembered


def import_text(
    data: bytes | str,
    *,
    filename: str = "<input>",
    today: datetime.date | None = None,
    **options,
) -> ImportResult:
    """Parse ``data`` (docs/text-format.md) and import it; see ``import_parsed`` for the options."""
    parsed = parse(data, filename=filename, today=today or timezone.localdate())
    return import_parsed(parsed, filename=filename, **options)
