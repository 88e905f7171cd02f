"""What a django-reversion revision of an explainer holds.

Every save of a working copy (the desk's, an import's) is a revision that follows the inlines
(bylines, key facts, sources, viewpoints and their claim ratings, timeline, corrections, "Up
next" links), so a revert brings back the whole explainer as it was. The workflow fields are
left out on purpose: reverting is an edit of the text, never a way to bring back an old
approval, state or lock version (the desk then sends the working copy back to draft like any
other edit).
"""

from __future__ import annotations

import reversion

from articles.models import (
    Byline,
    ClaimRating,
    Correction,
    Explainer,
    Figure,
    KeyFact,
    RelatedLink,
    Source,
    TimelineEvent,
    Viewpoint,
)

# Fields of Explainer that belong to the workflow, not to the text: never in a revision. The
# lock and the last editor are the save's own bookkeeping.
WORKFLOW_FIELDS = (*Explainer.WORKFLOW_FIELDS, "lock_version", "updated_by")
# (updated_at stays in revisions: a revert writes rows raw, and the column may not be empty.)

# Reverse accessors of the inlines, in the change form's order.
FOLLOWED = (
    "byline_set",
    "key_facts",
    "sources",
    "viewpoints",
    "claim_ratings",
    "timeline",
    "corrections",
    "related_links",
    "figures",
)


# The models of those inlines, in the same order; each has an ``explainer`` column.
INLINE_MODELS = (
    Byline,
    KeyFact,
    Source,
    Viewpoint,
    ClaimRating,
    TimelineEvent,
    Correction,
    RelatedLink,
    Figure,
)


def register() -> None:
    """Register the explainer and its inlines with django-reversion (idempotent)."""
    for model in INLINE_MODELS:
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Explainer):
        reversion.register(Explainer, exclude=WORKFLOW_FIELDS, follow=FOLLOWED)
