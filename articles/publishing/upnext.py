"""The "Up next" section of an explainer page: links to other explainers, as they are now.

The rest of a page is rendered once, at publish time (``render``), because it shows only the
version's own frozen text. "Up next" shows other explainers' headlines, deks and addresses,
which change after this version is frozen: a target may be withdrawn, expire or be republished
under a new title. So a version stores only the ids of its targets (``related_ids``), its body
is stored in two parts around the section, and each request reads the targets live at that
moment (one indexed query, none when there are no links) and renders the section between the
two parts. A withdrawn or expired explainer is thus gone from every page that linked to it the
moment it goes; the page cache moves on at that moment too (``site.cache``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from articles.models import PublishedVersion
from articles.publishing.render import stored_html

# What the section shows of a target, and what decides when it last changed.
TARGET_FIELDS = ("explainer_id", "slug", "title", "dek", "go_live_at", "ends_at")


def related_ids(data: dict[str, Any], explainer_id: int | None) -> list[int]:
    """Return the explainers a snapshot's "Up next" links to, in order, once each.

    A link by title only (no target) names no explainer readers could open; it is not shown.
    """
    ids: list[int] = []
    for link in data.get("related", []):
        target = link.get("id")
        if target and target != explainer_id and target not in ids:
            ids.append(target)
    return ids


@dataclass(frozen=True)
class UpNext:
    """The section as it stands at one moment, and when it last changed."""

    items: list[dict[str, Any]] = field(default_factory=list)
    # The latest go-live or end among the targets' versions, and never before the linking
    # version went live: the page's Last-Modified, so that a conditional request is not told
    # "not modified" after a target went.
    changed_at: datetime.datetime | None = None


def up_next(version: PublishedVersion, at: datetime.datetime) -> UpNext:
    """Return the live targets of ``version``'s "Up next" at ``at``, in the editor's order.

    One query, over the targets' versions that went live by ``at`` and had not ended before
    ``version`` went live: those live at ``at`` give the links, the others (ended since) only
    move ``changed_at``.
    """
    since = version.go_live_at
    ids = version.related_ids or []
    if not ids:
        return UpNext([], since)
    rows = PublishedVersion.objects.filter(explainer_id__in=ids, go_live_at__lte=at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=since)
    )
    live: dict[int, dict[str, Any]] = {}
    changed_at = since
    for row in rows.values(*TARGET_FIELDS):
        if row["ends_at"] is not None and row["ends_at"] <= at:
            changed_at = max(changed_at, row["ends_at"])
            continue
        changed_at = max(changed_at, row["go_live_at"])
        known = live.get(row["explainer_id"])
        if known is None or row["go_live_at"] > known["go_live_at"]:
            live[row["explainer_id"]] = row
    return UpNext([live[pk] for pk in ids if pk in live], changed_at)


def page_context(version: PublishedVersion, at: datetime.datetime) -> tuple[dict[str, Any], UpNext]:
    """Return what ``articles/explainer_detail.html`` needs to show ``version`` at ``at``.

    The stored HTML of the version and its "Up next" links live at ``at``; also the section
    itself, whose ``changed_at`` the public page sends as Last-Modified.
    """
    section = up_next(version, at)
    context = {
        "title": version.title,
        "head_html": stored_html(version.head_html),
        "body_html": stored_html(version.body_html),
        "body_end_html": stored_html(version.body_end_html),
        "related": section.items,
    }
    return context, section
