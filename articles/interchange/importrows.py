"""The rows an import writes under its explainer, in bulk: the second half of ``importer``.

``importer.import_parsed`` decides whether a file creates or updates an explainer and checks it
against the database (``planning``); the functions here then write what the file holds, inside
that same transaction: new stakeholders, sources, key facts, viewpoints with their quotes,
timeline events, "Up next" links, and the bylines and topics the run adds. Every kind of row is
written with one ``bulk_create``, so an import costs the same few queries however long the file.

On an update, a source whose citation and link are unchanged and a key fact whose text is
unchanged keep their rows (and so a fact keeps its check and supporting sources); viewpoints,
timeline events and "Up next" links are written afresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from articles.interchange.planning import Plan, StakeholderIndex, name_key
from articles.interchange.textformat import ParsedExplainer
from articles.models import (
    Byline,
    Explainer,
    KeyFact,
    RelatedLink,
    Source,
    Stakeholder,
    TimelineEvent,
    Topic,
    Viewpoint,
    unique_slug,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_T = TypeVar("_T")


def create_stakeholders(
    new_names: dict[str, str], index: StakeholderIndex
) -> tuple[dict[str, int], list[Stakeholder]]:
    """Create the new stakeholders; return their ids by name key, and the rows to remember."""
    if not new_names:
        return {}, []
    taken: set[str] = set()
    rows = []
    for name in new_names.values():
        slug = index.free_slug(name, taken)
        taken.add(slug)
        rows.append(Stakeholder(name=name, slug=slug, kind=Stakeholder.Kind.UNKNOWN))
    try:
        with transaction.atomic():
            created = Stakeholder.objects.bulk_create(rows)
    except IntegrityError:
        # Someone created one of these names (or slugs) since the index was loaded: match or
        # create them one by one instead.
        created = []
        for name in new_names.values():
            existing: Stakeholder | None = (
                Stakeholder.objects.annotate(lower_name=Lower("name"))
                .filter(lower_name=name.lower())
                .first()
            )
            if existing is None:
                existing = Stakeholder(
                    name=name, slug=unique_slug(Stakeholder, name), kind=Stakeholder.Kind.UNKNOWN
                )
                existing.save()
            created.append(existing)
    ids = {name_key(s.name): s.pk for s in created}
    return ids, created


def _reuse(
    existing: list[_T], key: Callable[[_T], object], wanted: Sequence[object]
) -> tuple[list[_T | None], list[_T]]:
    """Pair each wanted key with an unused existing row of the same key; return the leftovers."""
    pool: dict[object, list[_T]] = defaultdict(list)
    for row in existing:
        pool[key(row)].append(row)
    paired = [pool[w].pop(0) if pool.get(w) else None for w in wanted]
    leftovers = [row for rows in pool.values() for row in rows]
    return paired, leftovers


def _write_sources(explainer: Explainer, parsed: ParsedExplainer, update: bool) -> list[Source]:
    wanted = [(s.citation or s.url, s.url) for s in parsed.sources]
    existing = list(explainer.sources.all()) if update else []
    paired, leftovers = _reuse(existing, lambda s: (s.citation, s.url), wanted)
    if leftovers:
        Source.objects.filter(pk__in=[s.pk for s in leftovers]).delete()
    moved, new = [], []
    for position, ((citation, url), row) in enumerate(zip(wanted, paired, strict=True)):
        if row is None:
            new.append(Source(explainer=explainer, position=position, citation=citation, url=url))
        elif row.position != position:
            row.position = position
            moved.append(row)
    Source.objects.bulk_update(moved, ["position"])
    return Source.objects.bulk_create(new)


def _write_facts(explainer: Explainer, parsed: ParsedExplainer, update: bool) -> list[KeyFact]:
    wanted = [fact.text for fact in parsed.key_facts]
    existing = list(explainer.key_facts.all()) if update else []
    # A fact whose text is unchanged keeps its check and supporting sources.
    paired, leftovers = _reuse(existing, lambda f: f.text, wanted)
    if leftovers:
        KeyFact.objects.filter(pk__in=[f.pk for f in leftovers]).delete()
    moved, new = [], []
    for position, (text, row) in enumerate(zip(wanted, paired, strict=True)):
        if row is None:
            new.append(KeyFact(explainer=explainer, position=position, text=text))
        elif row.position != position:
            row.position = position
            moved.append(row)
    KeyFact.objects.bulk_update(moved, ["position"])
    return KeyFact.objects.bulk_create(new)


def write_inlines(
    explainer: Explainer,
    parsed: ParsedExplainer,
    plan: Plan,
    stakeholders: Sequence[Stakeholder | int],
    update: bool,
) -> dict[str, list[Any]]:
    """Write every inline; for a new explainer, return the rows written by related name."""
    if update:
        # Written afresh; the claim ratings of the old viewpoints go with them.
        Viewpoint.objects.filter(explainer=explainer).delete()
        TimelineEvent.objects.filter(explainer=explainer).delete()
        RelatedLink.objects.filter(explainer=explainer).delete()
    written: dict[str, list[Any]] = {
        "sources": _write_sources(explainer, parsed, update),
        "key_facts": _write_facts(explainer, parsed, update),
    }
    # A quote cites a source by its place in the file; the sources now stand in that order.
    cites = any(v.quote is not None and v.quote.source for v in parsed.viewpoints)
    in_order = list(explainer.sources.order_by("position", "pk")) if cites else []
    rows = []
    for n, (viewpoint, who) in enumerate(zip(parsed.viewpoints, stakeholders, strict=True)):
        row = _viewpoint(explainer, n, viewpoint.text, who)
        quote = viewpoint.quote
        if quote is not None:
            row.quote, row.quote_url, row.quote_date = quote.text, quote.url, quote.date
            row.quote_source = in_order[quote.source - 1] if quote.source else None
        rows.append(row)
    written["viewpoints"] = Viewpoint.objects.bulk_create(rows)
    written["timeline"] = TimelineEvent.objects.bulk_create(
        TimelineEvent(
            explainer=explainer,
            position=n,
            date=event.date,
            precision=event.precision,
            kind=event.kind,
            text=event.text,
        )
        for n, event in enumerate(parsed.timeline)
    )
    written["related_links"] = RelatedLink.objects.bulk_create(
        RelatedLink(
            explainer=explainer,
            position=n,
            target=target,
            title="" if target else title,
        )
        for n, (target, title) in enumerate(plan.related)
    )
    return written


def _viewpoint(explainer: Explainer, position: int, text: str, who: Stakeholder | int) -> Viewpoint:
    """Return a viewpoint row of a stakeholder given as a row (just created) or an id."""
    if isinstance(who, Stakeholder):
        return Viewpoint(explainer=explainer, position=position, text=text, stakeholder=who)
    return Viewpoint(explainer=explainer, position=position, text=text, stakeholder_id=who)


def add_bylines(explainer: Explainer, authors: Sequence[User], *, update: bool) -> list[Byline]:
    """Add bylines for the authors the explainer lacks, after its others; return them."""
    if not authors:
        return []
    have = set(explainer.byline_set.values_list("author_id", flat=True)) if update else set()
    start = len(have)
    return Byline.objects.bulk_create(
        Byline(explainer=explainer, author=author, position=start + n)
        for n, author in enumerate(a for a in authors if a.pk not in have)
    )


def add_topics(explainer: Explainer, topics: Sequence[Topic], *, update: bool) -> list[Topic]:
    """Add the topics the explainer lacks; return them."""
    if not topics:
        return []
    through = Explainer.topics.through
    have = set(explainer.topics.values_list("pk", flat=True)) if update else set()
    added = [topic for topic in {t.pk: t for t in topics}.values() if topic.pk not in have]
    through.objects.bulk_create(
        through(explainer_id=explainer.pk, topic_id=topic.pk) for topic in added
    )
    return added
