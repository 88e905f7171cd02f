"""What readers see now, beside the working copy's state: the desk's live badge and its filter.

A working copy's state says where the next revision stands ("In review"); it says nothing of
what is public. The badge says that too, as Wagtail's "Live + in moderation" does: the number
of the version readers see, linked to its public page, and a version scheduled to replace it.
"Live" is ``PublishedVersion.objects.live()`` (``articles.querysets.live_q``), the one
definition of public, so a version scheduled for later, or one that has ended, is never called
live.

The change list, the change form and the desk's queues all read the same annotations
(``with_live_status``): correlated subqueries worked out for the rows shown, with no query per
row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join

from articles.models import Explainer, PublishedVersion
from articles.publishing.render import absolute_url, explainer_path

if TYPE_CHECKING:
    ExplainerAdminBase = admin.ModelAdmin[Explainer]
else:
    ExplainerAdminBase = object

State = Explainer.State
WHEN = "j M Y, H:i"


def with_live_status(
    queryset: QuerySet[Explainer], at: datetime | None = None
) -> QuerySet[Explainer]:
    """Annotate each explainer with its live version (number, slug) and next scheduled one.

    ``live_number``/``live_slug`` are empty when nothing is live at ``at``;
    ``next_number``/``next_go_live_at`` when nothing is scheduled after it.
    """
    at = at or timezone.now()
    versions = PublishedVersion.objects.filter(explainer=OuterRef("pk"))
    live = versions.live(at).order_by("-go_live_at", "-number")
    scheduled = versions.scheduled(at).order_by("go_live_at", "number")
    return queryset.annotate(
        live_number=Subquery(live.values("number")[:1]),
        live_slug=Subquery(live.values("slug")[:1]),
        next_number=Subquery(scheduled.values("number")[:1]),
        next_go_live_at=Subquery(scheduled.values("go_live_at")[:1]),
    )


def live_now(at: datetime | None = None) -> Exists:
    """Return the condition "has a version readers see at ``at``", on an explainer."""
    return Exists(PublishedVersion.objects.live(at).filter(explainer=OuterRef("pk")))


def with_unpublished_changes(
    queryset: QuerySet[Explainer], at: datetime | None = None
) -> QuerySet[Explainer]:
    """Return the explainers readers see a version of while the working copy differs from it.

    A working copy stays Published only while its content is what was published (an edit
    sends it back to draft: ``desk.saving.send_back_if_changed``), so any other state beside a
    live version means changes readers do not have yet. A published copy whose next version
    is scheduled is not among them: its changes are published, to go live at a set time.
    """
    return queryset.filter(live_now(at)).exclude(state=State.PUBLISHED)


@dataclass(frozen=True)
class LiveStatus:
    """What readers see of one explainer, read from ``with_live_status``'s annotations."""

    live_number: int | None
    live_slug: str | None
    next_number: int | None
    next_go_live_at: datetime | None

    @classmethod
    def of(cls, explainer: Explainer) -> LiveStatus:
        # The annotations are not model fields; the type checker does not know them.
        return cls(
            live_number=explainer.live_number,  # type: ignore[attr-defined]
            live_slug=explainer.live_slug,  # type: ignore[attr-defined]
            next_number=explainer.next_number,  # type: ignore[attr-defined]
            next_go_live_at=explainer.next_go_live_at,  # type: ignore[attr-defined]
        )

    @property
    def is_live(self) -> bool:
        return self.live_number is not None

    @property
    def public_url(self) -> str:
        """The live version's page on the site's public address ('' when nothing is live)."""
        return absolute_url(explainer_path(self.live_slug)) if self.live_slug else ""

    def badges(self) -> str:
        """Return the badges as HTML ('' when nothing is live or scheduled).

        Each says what it means in words, so that colour is never the only sign.
        """
        parts = []
        if self.is_live:
            parts.append(
                format_html(
                    '<a class="live-badge" href="{}">Live v{}'
                    '<span class="visually-hidden"> (open the page readers see)</span></a>',
                    self.public_url,
                    self.live_number,
                )
            )
        if self.next_number is not None and self.next_go_live_at is not None:
            when = date_format(timezone.localtime(self.next_go_live_at), WHEN)
            parts.append(
                format_html(
                    '<span class="scheduled-badge">v{} scheduled for {}</span>',
                    self.next_number,
                    when,
                )
            )
        if not parts:
            return ""
        return format_html(
            '<span class="live-status">{}</span>',
            format_html_join(" ", "{}", ((p,) for p in parts)),
        )


def live_badges(explainer: Explainer) -> str:
    """Return the badges of an explainer read through ``with_live_status``."""
    return LiveStatus.of(explainer).badges()


class LiveFilter(admin.SimpleListFilter):
    """The change list by what readers see: live, live with unpublished changes, not live."""

    title = "readers see"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [
            ("live", "A live version"),
            ("changed", "Live with unpublished changes"),
            ("none", "Nothing live"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(live_now())
        if self.value() == "changed":
            return with_unpublished_changes(queryset)
        if self.value() == "none":
            return queryset.exclude(live_now())
        return queryset


class LiveStatusAdminMixin(ExplainerAdminBase):
    """The live badge in ExplainerAdmin's change list (column ``live_badge``) and change form."""

    def get_queryset(self, request):
        return with_live_status(super().get_queryset(request))

    @admin.display(description="readers see")
    def live_badge(self, obj: Explainer) -> str:
        return live_badges(obj) or "not live"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            # Read again rather than from ``obj``: reversion's revert and recover pages draw
            # the form with an object that did not come through get_queryset.
            fresh = with_live_status(Explainer.objects.filter(pk=obj.pk)).first()
            context["live_badges"] = live_badges(fresh) if fresh is not None else ""
        return super().render_change_form(request, context, add, change, form_url, obj)
