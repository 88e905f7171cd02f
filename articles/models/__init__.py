"""The explainer content model, one module per part; every name is importable from here.

An ``Explainer`` row is the *working copy* that staff edit in the admin. Readers never see it:
the public site reads ``PublishedVersion`` rows, frozen snapshots made when an editor publishes
(see ``articles/publishing/``). The workflow state lives on the working copy and only the
functions in ``articles/workflow/`` change it.
"""

from articles.models.authors import AuthorProfile
from articles.models.calendar_feeds import CalendarFeedToken
from articles.models.claims import STARTING_SCALE, ClaimRating, RatingValue
from articles.models.comments import Comment, Thread
from articles.models.entities import (
    SlugRedirect,
    SlugRedirectQuerySet,
    Stakeholder,
    Topic,
    unique_slug,
)
from articles.models.explainer import Explainer
from articles.models.figures import Figure
from articles.models.parts import (
    Byline,
    Correction,
    KeyFact,
    RelatedLink,
    Source,
    TimelineEvent,
    Viewpoint,
    http_url_validator,
)
from articles.models.sharing import ShareLink, ShareLinkView
from articles.models.versions import ListEntry, PublishedVersion, Transition, WatchItem, period_end

__all__ = [
    "AuthorProfile",
    "STARTING_SCALE",
    "Byline",
    "CalendarFeedToken",
    "ClaimRating",
    "Comment",
    "Correction",
    "Explainer",
    "Figure",
    "KeyFact",
    "ListEntry",
    "PublishedVersion",
    "RatingValue",
    "RelatedLink",
    "ShareLink",
    "ShareLinkView",
    "SlugRedirect",
    "SlugRedirectQuerySet",
    "Source",
    "Stakeholder",
    "Thread",
    "TimelineEvent",
    "Topic",
    "Transition",
    "Viewpoint",
    "WatchItem",
    "http_url_validator",
    "period_end",
    "unique_slug",
]
