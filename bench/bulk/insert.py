"""Writing built batches of bulk explainers: one ``bulk_create`` per table, per batch.

``insert_batch()`` writes what the workflow would have left behind for each explainer: the
working copy with its facts (verified, each citing sources), sources, viewpoints, timeline,
bylines, topics and a publish transition, then the published version with its list entries and
watch items. The full-text vector is computed by PostgreSQL in the same INSERT
(``search_vector()``), with the weights publishing uses.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from articles.models import (
    Byline,
    Correction,
    Explainer,
    KeyFact,
    ListEntry,
    PublishedVersion,
    Source,
    TimelineEvent,
    Transition,
    Viewpoint,
    WatchItem,
)
from articles.publishing.freeze import feed_labels
from articles.publishing.fulltext import index_versions
from bench.bulk.plan import SOURCES
from bench.bulk.pools import Pools


def insert_batch(plans: list[dict[str, Any]], pools: Pools) -> None:
    """Write one built batch with a bulk insert per table, in one transaction."""
    checker_id, editor_id = pools.checker[0], pools.editor
    explainers = [
        Explainer(
            **plan["explainer"],
            state=Explainer.State.PUBLISHED,
            approved_by_id=checker_id,
            updated_by_id=editor_id,
        )
        for plan in plans
    ]
    Explainer.objects.bulk_create(explainers)
    sources = [
        Source(explainer=e, **s)
        for e, plan in zip(explainers, plans, strict=True)
        for s in plan["sources"]
    ]
    Source.objects.bulk_create(sources)
    # Each explainer's sources, in position order, to resolve source numbers to keys.
    by_explainer = [sources[i * SOURCES : (i + 1) * SOURCES] for i in range(len(plans))]
    facts, cited, views, events, bylines, corrections, topic_links, transitions = (
        [] for _ in range(8)
    )
    for e, plan, own in zip(explainers, plans, by_explainer, strict=True):
        for f in plan["facts"]:
            fact = KeyFact(
                explainer=e,
                position=f["position"],
                text=f["text"],
                check_status=KeyFact.Check.VERIFIED,
                checked_by_id=checker_id,
                checked_at=f["checked_at"],
            )
            facts.append(fact)
            cited.append((fact, [own[number - 1] for number in f["cites"]]))
        views += [
            Viewpoint(
                explainer=e,
                stakeholder_id=v["stakeholder"][0],
                position=v["position"],
                text=v["text"],
            )
            for v in plan["viewpoints"]
        ]
        events += [
            TimelineEvent(
                explainer=e,
                position=ev["position"],
                date=ev["date"],
                precision=ev["precision"],
                kind=ev["kind"],
                text=ev["text"],
                source=own[ev["source"] - 1] if ev["source"] else None,
            )
            for ev in plan["events"]
        ]
        bylines += [
            Byline(explainer=e, author_id=author[0], position=i)
            for i, author in enumerate(plan["authors"])
        ]
        corrections += [Correction(explainer=e, **c) for c in plan["corrections"]]
        topic_links += [
            Explainer.topics.through(explainer_id=e.pk, topic_id=topic[0])
            for topic in plan["topics"]
        ]
        transitions.append(
            Transition(
                explainer=e,
                name="publish",
                from_state=Explainer.State.APPROVED,
                to_state=Explainer.State.PUBLISHED,
                actor_id=editor_id,
                at=plan["live_at"],
            )
        )
    KeyFact.objects.bulk_create(facts)
    KeyFact.sources.through.objects.bulk_create(
        [
            KeyFact.sources.through(keyfact_id=fact.pk, source_id=source.pk)
            for fact, supporting in cited
            for source in supporting
        ]
    )
    for model, rows in (
        (TimelineEvent, events),
        (Viewpoint, views),
        (Byline, bylines),
        (Correction, corrections),
        (Explainer.topics.through, topic_links),
        (Transition, transitions),
    ):
        model.objects.bulk_create(rows)
    versions = [
        PublishedVersion(
            explainer=e,
            number=1,
            slug=e.slug,
            title=e.title,
            dek=e.dek,
            published_at=plan["live_at"],
            published_by_id=editor_id,
            go_live_at=plan["live_at"],
            first_published_at=plan["live_at"],
            data=plan["version"]["data"],
            body_html=plan["version"]["body_html"],
            body_end_html=plan["version"]["body_end_html"],
            head_html=plan["version"]["head_html"],
            related_ids=plan["version"]["related_ids"],
            card_html=plan["version"]["card_html"],
            search_text=plan["version"]["search_text"],
            **feed_labels(plan["version"]["data"]),
            search_vector=(
                search_vector(e.title, e.dek, plan["version"]["search_rest"])
                if connection.vendor == "postgresql"
                else None
            ),
        )
        for e, plan in zip(explainers, plans, strict=True)
    ]
    PublishedVersion.objects.bulk_create(versions)
    index_versions(versions)
    WatchItem.objects.bulk_create(
        [
            item
            for version in versions
            for item in WatchItem.from_timeline(
                version.pk, version.explainer_id, version.data["timeline"], version.title
            )
        ]
    )
    ListEntry.objects.bulk_create(
        [entry for version in versions for entry in ListEntry.for_version(version)]
    )


def search_vector(title: str, dek: str, rest: str):
    """Return the expression of a version's full-text vector, for the INSERT itself.

    The same weights and text as ``publishing.update_search_vector()`` (title A, dek B, the
    rest C), computed by PostgreSQL as each row is inserted: no second write of the batch.
    """
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    return (
        SearchVector(Value(title), weight="A", config="english")
        + SearchVector(Value(dek), weight="B", config="english")
        + SearchVector(Value(rest), weight="C", config="english")
    )
