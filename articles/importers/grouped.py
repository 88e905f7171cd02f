"""Import a run of new explainers in a few statements: a group of files in one transaction.

``import_parsed`` spends a dozen round trips on each file; on a busy database server that, not
Python, is what a folder of a thousand files waits for. Files that only add new explainers are
therefore written together: every file is checked on its own first (a bad file is reported and
left out, exactly as alone), and then the group's explainers, inlines, new stakeholders and
history revisions go in with one ``bulk_create`` per table, in one transaction. Each file still
gets its own history revision, the same rows it would have had alone.

Whatever might behave differently in a group is imported alone, through ``import_parsed``, at
its turn, after the files before it are written: a file whose title or slug matches an existing
explainer or one earlier in the group (a re-import), a title without a slug, a submit or an
import on behalf of a person (permission checks). If the group's transaction fails (a row
written by someone else meanwhile, say), nothing of it stays and its files are imported one by
one, each with its own outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Q, Value
from django.db.models.functions import Upper

from .. import richtext
from ..models import (
    Byline,
    Explainer,
    KeyFact,
    RelatedLink,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Viewpoint,
)
from . import revisions
from .importer import (
    ImportRefused,
    ImportResult,
    RelatedTargets,
    StakeholderIndex,
    _Plan,
    _plan,
    _slug_for,
    import_parsed,
    name_key,
    paragraphs_to_html,
)
from .textformat import FormatErrors, ParsedExplainer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

# Files written in one transaction. Larger groups save little more and hold locks longer.
GROUP_SIZE = 100


def can_group(options: dict[str, Any]) -> bool:
    """Return True if imports with these ``import_parsed`` options may be written in groups."""
    using = router.db_for_write(Explainer)
    return (
        options.get("by") is None
        and not options.get("submit")
        # The history's revisions are written in one statement and need their ids back.
        and connections[using].features.can_return_rows_from_bulk_insert
    )


@dataclass
class Entry:
    """One file of a group: its name and parsed content, and in the end what became of it."""

    filename: str
    parsed: ParsedExplainer
    result: ImportResult | None = None
    error: Exception | None = None


@dataclass
class _Pending:
    entry: Entry
    plan: _Plan
    explainer: Explainer
    new_keys: list[str] = field(default_factory=list)  # name keys of its new stakeholders


def _same_title(a: str, b: str) -> bool:
    # Generous on purpose: a pair the database might call equal is imported one at a time.
    return a.casefold() == b.casefold() or a.upper() == b.upper() or a.lower() == b.lower()


class _Group:
    """The files checked and waiting to be written together, and what they will create."""

    def __init__(self, index: StakeholderIndex, targets: RelatedTargets) -> None:
        self.index = index
        self.targets = targets
        self.pending: list[_Pending] = []
        self.slugs: set[str] = set()
        self.titles: list[str] = []
        # New stakeholders of the group by name key, created once for all its files.
        self.new_stakeholders: dict[str, Stakeholder] = {}

    def collides(self, parsed: ParsedExplainer, slug: str) -> bool:
        return slug in self.slugs or any(_same_title(parsed.title, t) for t in self.titles)

    def add(self, entry: Entry, *, actor: User | None) -> None:
        """Check ``entry`` as ``import_parsed`` would; keep it for writing, or record the error."""
        slug = _slug_for(entry.parsed.title)
        try:
            plan = _plan(
                entry.parsed,
                filename=entry.filename,
                index=self.index,
                own_pk=None,
                own_slug=slug,
                viewer=actor,
                targets=self.targets,
            )
        except FormatErrors as exc:
            entry.error = exc
            return
        parsed = entry.parsed
        explainer = Explainer(
            title=parsed.title,
            slug=slug,
            # What Explainer.save() would do; bulk_create does not call it.
            what_happened=richtext.sanitize(paragraphs_to_html(parsed.what_happened)),
            background=richtext.sanitize(paragraphs_to_html(parsed.background)),
            why_it_matters=richtext.sanitize(paragraphs_to_html(parsed.why_it_matters)),
            updated_by=actor,
        )
        pending = _Pending(entry, plan, explainer)
        taken = {s.slug for s in self.new_stakeholders.values()}
        for key, name in plan.new_names.items():
            if key not in self.new_stakeholders:
                stakeholder = Stakeholder(name=name, slug=self.index.free_slug(name, taken))
                taken.add(stakeholder.slug)
                self.new_stakeholders[key] = stakeholder
                pending.new_keys.append(key)
        self.pending.append(pending)
        self.slugs.add(slug)
        self.titles.append(parsed.title)
        # Later files of the group may name this one in "Up next", as they could one by one.
        self.targets.add(explainer)

    def write_or_fall_back(self, *, actor: User | None, options: dict[str, Any]) -> bool:
        """Write the group; if its transaction fails, import each of its files alone.

        Return False if it fell back: the group's rows (and the targets it added) are not
        what the database holds then.
        """
        if not self.pending:
            return True
        try:
            self.write(
                actor=actor,
                authors=list(options.get("authors", ())),
                topics=list(options.get("topics", ())),
                history=options.get("history", True),
            )
        except DatabaseError:
            # Nothing of the group was written: each file alone, with its own outcome.
            for p in self.pending:
                _import_alone(p.entry, index=self.index, options=options)
            return False
        return True

    def write(
        self,
        *,
        actor: User | None,
        authors: Sequence[User],
        topics: Sequence[Topic],
        history: bool,
    ) -> None:
        """Write every pending file in one transaction; set each entry's result."""
        topics = list({t.pk: t for t in topics}.values())
        with transaction.atomic():
            Stakeholder.objects.bulk_create(self.new_stakeholders.values())
            Explainer.objects.bulk_create([p.explainer for p in self.pending])
            rows: dict[str, list] = {
                "sources": [],
                "key_facts": [],
                "viewpoints": [],
                "timeline": [],
                "related_links": [],
                "byline_set": [],
            }
            per_file = []
            for p in self.pending:
                mine = _inlines(p, self.index, self.new_stakeholders, authors)
                per_file.append(mine)
                for name, written in mine.items():
                    rows[name].extend(written)
            for model, name in [
                (Source, "sources"),
                (KeyFact, "key_facts"),
                (Viewpoint, "viewpoints"),
                (TimelineEvent, "timeline"),
                (RelatedLink, "related_links"),
                (Byline, "byline_set"),
            ]:
                model.objects.bulk_create(rows[name])
            through = Explainer.topics.through
            through.objects.bulk_create(
                through(explainer_id=p.explainer.pk, topic_id=topic.pk)
                for p in self.pending
                for topic in topics
            )
            for p, mine in zip(self.pending, per_file, strict=True):
                # As in import_parsed: the managers answer from what was just written.
                for name, written in mine.items():
                    revisions.prefetched(p.explainer, name, written)
                revisions.without_sources(mine["key_facts"])
                revisions.prefetched(p.explainer, "topics", topics)
                revisions.prefetched(p.explainer, "corrections", [])
            if history:
                explainers = [p.explainer for p in self.pending]
                versions = revisions.versions_of(explainers)
                revisions.save_revisions(
                    [
                        (
                            revisions.new_revision(
                                user=actor, comment=f"Created by importing {p.entry.filename}."
                            ),
                            mine,
                        )
                        for p, mine in zip(self.pending, versions, strict=True)
                    ]
                )
        for p in self.pending:
            p.entry.result = ImportResult(
                explainer=p.explainer,
                created=True,
                warnings=p.plan.warnings,
                new_stakeholders=[self.new_stakeholders[k].name for k in p.new_keys],
            )
        for s in self.new_stakeholders.values():
            self.index.remember(s.pk, s.name, s.slug, row=s)


def _inlines(
    p: _Pending,
    index: StakeholderIndex,
    new_stakeholders: dict[str, Stakeholder],
    authors: Sequence[User],
) -> dict[str, list]:
    """Return the unsaved inline rows of one pending file, by the explainer's related name."""
    explainer, parsed, plan = p.explainer, p.entry.parsed, p.plan
    viewpoints = []
    for n, (viewpoint, pk) in enumerate(zip(parsed.viewpoints, plan.stakeholder_ids, strict=True)):
        who = new_stakeholders[name_key(viewpoint.name)] if pk is None else index.rows.get(pk)
        link = {"stakeholder": who} if who is not None else {"stakeholder_id": pk}
        viewpoints.append(Viewpoint(explainer=explainer, position=n, text=viewpoint.text, **link))
    return {
        "sources": [
            Source(explainer=explainer, position=n, citation=s.citation or s.url, url=s.url)
            for n, s in enumerate(parsed.sources)
        ],
        "key_facts": [
            KeyFact(explainer=explainer, position=n, text=fact.text)
            for n, fact in enumerate(parsed.key_facts)
        ],
        "viewpoints": viewpoints,
        "timeline": [
            TimelineEvent(
                explainer=explainer,
                position=n,
                date=event.date,
                precision=event.precision,
                kind=event.kind,
                text=event.text,
            )
            for n, event in enumerate(parsed.timeline)
        ],
        "related_links": [
            RelatedLink(explainer=explainer, position=n, target=target, title="" if target else t)
            for n, (target, t) in enumerate(plan.related)
        ],
        "byline_set": [
            Byline(explainer=explainer, author=author, position=n)
            for n, author in enumerate(authors)
        ],
    }


def _existing(entries: Sequence[Entry]) -> list[Explainer]:
    """Return the explainers whose title or slug the files' titles match, as a re-import would.

    ``title__iexact`` compares ``UPPER(title)`` with ``UPPER(%s)``: the same comparison as one
    list, so that the database works out each row's ``UPPER(title)`` once.
    """
    titles = [Upper(Value(entry.parsed.title)) for entry in entries]
    slugs = [slug for slug in (_slug_for(entry.parsed.title) for entry in entries) if slug]
    if not titles:
        return []
    return list(
        Explainer.objects.annotate(upper_title=Upper("title"))
        .filter(Q(upper_title__in=titles) | Q(slug__in=slugs))
        .only("pk", "slug", "title")
        .order_by()
    )


def import_entries(
    entries: Sequence[Entry],
    *,
    index: StakeholderIndex,
    **options,
) -> None:
    """Import ``entries`` in order, new explainers in groups; set each one's result or error.

    ``options`` are ``import_parsed``'s and must allow grouping (``can_group``).
    """
    authors = list(options.get("authors", ()))
    actor = authors[0] if authors else None
    start = 0
    while start < len(entries):
        window = entries[start : start + GROUP_SIZE]
        # What the window's files would match or name, read once for all of them.
        existing = _existing(window)
        if not all(any(_matches(e, x) for x in window) for e in existing):
            # The database matched a title that Python's comparison does not: this file goes
            # alone, and the rest are looked at again after it.
            _import_alone(window[0], index=index, options=options)
            start += 1
            continue
        texts = [item.title for entry in window for item in entry.parsed.related]
        group = _Group(index, RelatedTargets.load(texts, viewer=actor))
        for entry in window:
            slug = _slug_for(entry.parsed.title)
            alone = (
                not slug
                or group.collides(entry.parsed, slug)
                or any(_matches(e, entry) for e in existing)
            )
            if not alone:
                group.add(entry, actor=actor)
                continue
            # A re-import, or a title without a slug: alone, after the files before it.
            if group.write_or_fall_back(actor=actor, options=options):
                existing.extend(p.explainer for p in group.pending)
            else:
                existing = _existing(window)
                group.targets = RelatedTargets.load(texts, viewer=actor)
            _import_alone(entry, index=index, options=options)
            if entry.result is not None:
                existing.append(entry.result.explainer)
                group.targets.add(entry.result.explainer)
            group = _Group(index, group.targets)
        group.write_or_fall_back(actor=actor, options=options)
        start += len(window)


def _matches(explainer: Explainer, entry: Entry) -> bool:
    """Return True if a re-import of ``entry`` might update ``explainer``."""
    return explainer.slug == _slug_for(entry.parsed.title) or _same_title(
        explainer.title, entry.parsed.title
    )


def _import_alone(entry: Entry, *, index: StakeholderIndex, options: dict[str, Any]) -> None:
    try:
        entry.result = import_parsed(
            entry.parsed, filename=entry.filename, stakeholders=index, **options
        )
    except (FormatErrors, ImportRefused, DatabaseError) as exc:
        entry.error = exc
