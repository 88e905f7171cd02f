"""History of an explainer at the desk: its stored revisions, read back without writing.

What a revision holds (and leaves out) is decided in ``articles.revisions``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from reversion.models import Version

from articles import richtext
from articles.desk import points, textdiff
from articles.models import Explainer, Topic
from articles.revisions import WORKFLOW_FIELDS

# The parts of an explainer kept as inline rows, as textdiff.sections() labels them.
INLINE_SECTIONS = (
    "Bylines",
    "Key facts",
    "Sources",
    "Stakeholders",
    "Claim ratings",
    "Timeline",
    "Corrections",
    "Up next",
)


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
            ("What to know", fields.get("takeaways", "")),
            ("Topics", ", ".join(t.name for t in topics)),
            ("Hero image", fields.get("hero_image") or ""),
            ("Hero alt text", fields.get("hero_alt", "")),
            ("Hero credit", fields.get("hero_credit", "")),
            ("Change note", fields.get("change_note", "")),
        ],
        "sections": sections,
        # The inline rows as the comparison reads them: whole, with their checks and sources.
        "inlines": [
            (section.label, section.items)
            for section in textdiff.sections(points.revision_data([version])[version.pk])
            if section.label in INLINE_SECTIONS
        ],
    }
