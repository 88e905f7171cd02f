"""History of an explainer at the desk: its revisions read back, and diffs of published versions.

What a revision holds (and leaves out) is decided in ``articles.revisions``.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.db.models import ForeignObjectRel, QuerySet
from django.utils.html import strip_tags
from reversion.models import Version

from articles import richtext
from articles.models import (
    Explainer,
    KeyFact,
    Topic,
)
from articles.revisions import FOLLOWED, WORKFLOW_FIELDS


def workflow_values(explainer: Explainer) -> dict[str, Any]:
    """Return the workflow fields of ``explainer`` by column name (to put back after a revert)."""
    return {
        field.attname: getattr(explainer, field.attname)
        for field in Explainer._meta.concrete_fields
        if field.name in WORKFLOW_FIELDS
    }


def explainer_versions(explainer_id: Any) -> QuerySet[Version]:
    """Return the stored versions of one explainer, oldest first."""
    return Version.objects.get_for_object_reference(Explainer, explainer_id).order_by("pk")


def explainer_version(explainer_id: Any, version_id: Any) -> Version | None:
    """Return stored version ``version_id`` if it is a version of explainer ``explainer_id``.

    Both the object and its model are matched: a version of a key fact or of another explainer
    that happens to carry the same id is not this explainer's.
    """
    return (
        explainer_versions(explainer_id)
        .select_related("revision__user")
        .filter(pk=version_id)
        .first()
    )


def holds_other_explainers(version: Version) -> bool:
    """Return True if the revision of ``version`` also holds versions of other explainers.

    Reverting such a revision would write over explainers the reverting user never opened.
    """
    return (
        version.revision.version_set.get_for_model(Explainer)
        .exclude(object_id=version.object_id)
        .exists()
    )


def stored_contents(version: Version) -> dict[str, Any]:
    """Return what a revision of an explainer holds, read from its stored data.

    Nothing is written: the fields come from ``Version.field_dict``, the inline rows from the
    revision's other versions. The story sections are sanitised for display.
    """
    fields = version.field_dict
    topics = Topic.objects.filter(pk__in=fields.get("topics") or []).order_by("name")
    sections = [
        (label, richtext.render(fields.get(name) or ""))
        for name, label in [
            ("what_happened", "What happened"),
            ("background", "Background & context"),
            ("why_it_matters", "Why it matters"),
        ]
    ]
    return {
        "fields": [
            ("Title", fields.get("title", "")),
            ("Slug", fields.get("slug", "")),
            ("Dek", fields.get("dek", "")),
            ("Topics", ", ".join(t.name for t in topics)),
            ("Hero image", fields.get("hero_image") or ""),
            ("Hero alt text", fields.get("hero_alt", "")),
            ("Hero credit", fields.get("hero_credit", "")),
            ("Change note", fields.get("change_note", "")),
        ],
        "sections": sections,
        "inlines": [
            (
                str(_inline_relation(accessor).field.model._meta.verbose_name_plural),
                _stored_rows(version, accessor),
            )
            for accessor in FOLLOWED
        ],
    }


def _inline_relation(accessor: str) -> ForeignObjectRel:
    """Return the relation from the explainer to the inline rows behind ``accessor``."""
    relation = Explainer._meta.get_field(accessor)
    if not isinstance(relation, ForeignObjectRel):
        raise TypeError(f"{accessor} is not a relation to an explainer's inline rows")
    return relation


def _stored_rows(version: Version, accessor: str) -> list[str]:
    """Return one line per inline row of ``accessor`` in the revision, in the form's order."""
    relation = _inline_relation(accessor)
    model, fk = relation.field.model, relation.field.attname
    rows = []
    for row in version.revision.version_set.get_for_model(model):
        data = row.field_dict
        if str(data.get(fk)) != str(version.object_id):
            continue
        line = row.object_repr
        if model is KeyFact:
            check = dict(KeyFact.Check.choices).get(data.get("check_status"), "")
            line = f"{data.get('text', line)} ({check})"
        rows.append((data.get("position", 0), int(row.object_id), line))
    return [line for _, _, line in sorted(rows)]


def _text(html: str) -> str:
    return " ".join(strip_tags(html or "").split())


def version_lines(data: dict[str, Any]) -> list[str]:
    """Return a published version's content as labelled lines of plain text, for diffs."""
    lines = [f"Title: {data.get('title', '')}", f"Dek: {data.get('dek', '')}"]
    for key, label in [
        ("what_happened", "What happened"),
        ("background", "Background"),
        ("why_it_matters", "Why it matters"),
    ]:
        lines.append(f"{label}: {_text(data.get(key, ''))}")
    for n, fact in enumerate(data.get("key_facts", []), 1):
        cites = ", ".join(f"[{s}]" for s in fact.get("sources", []))
        lines.append(f"Key fact {n}: {fact['text']} {cites} ({fact.get('check')})".rstrip())
    for source in data.get("sources", []):
        lines.append(f"Source [{source['number']}]: {source['citation']} {source['url']}".rstrip())
    for viewpoint in data.get("viewpoints", []):
        lines.append(f"Viewpoint — {viewpoint['stakeholder']['name']}: {viewpoint['text']}")
    for event in data.get("timeline", []):
        lines.append(f"Timeline ({event['kind']}, {event['date'] or 'undated'}): {event['text']}")
    for correction in data.get("corrections", []):
        lines.append(f"{correction['kind'].title()} ({correction['dated']}): {correction['text']}")
    for link in data.get("related", []):
        lines.append(f"Up next: {link['title']}")
    lines.append("Topics: " + ", ".join(t["name"] for t in data.get("topics", [])))
    lines.append("By: " + ", ".join(a["name"] for a in data.get("authors", [])))
    return lines


def diff_lines(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """Return ``(kind, line)`` pairs, kind one of "same", "removed", "added"."""
    a, b = version_lines(old), version_lines(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [("same", line) for line in a[i1:i2]]
            continue
        out += [("removed", line) for line in a[i1:i2]]
        out += [("added", line) for line in b[j1:j2]]
    return out
