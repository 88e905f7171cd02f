"""The calendar page of the desk and its feed-address controls, wired into the explainer admin.

``/admin/articles/explainer/calendar/?view=week|month&start=YYYY-MM-DD&mine=1&topic=<slug>
&state=<state>``. A query-string value the page cannot use is named in a message and the
default is used instead. The feed itself (``calendar_feed.feed_view``) is routed here without
``admin_view``: calendar apps have no session, the secret in the address stands for one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from articles.desk import calendar
from articles.desk.calendar_feed import feed_view
from articles.models import CalendarFeedToken, Explainer, Topic

TOKEN_ACTIONS = ("create", "reset", "revoke")
FIRST_YEAR, LAST_YEAR = 1900, 9998


@dataclass(frozen=True)
class Query:
    """The page's query string, read: the period, the filters and what was refused."""

    period: calendar.Period
    filters: calendar.Filters
    problems: tuple[str, ...]


def read_query(params, today: datetime.date) -> Query:
    """Return the period and filters ``params`` ask for; each bad value falls back, with a note."""
    problems: list[str] = []
    view = params.get("view", calendar.WEEK)
    if view not in calendar.VIEWS:
        problems.append(f"There is no “{view}” view: showing the week.")
        view = calendar.WEEK
    start = today
    if params.get("start"):
        try:
            start = datetime.date.fromisoformat(params["start"])
        except ValueError:
            problems.append(
                f"“{params['start']}” is not a date (use YYYY-MM-DD): showing this {view}."
            )
        else:
            if not FIRST_YEAR <= start.year <= LAST_YEAR:
                # Far enough from the calendar's ends for the previous and next links to exist.
                problems.append(f"Dates run from {FIRST_YEAR} to {LAST_YEAR}: showing this {view}.")
                start = today
    mine = params.get("mine", "") in ("1", "on", "yes", "true")
    topic = params.get("topic", "")
    if topic and not Topic.objects.filter(slug=topic).exists():
        problems.append(f"There is no topic “{topic}”: showing every topic.")
        topic = ""
    state = params.get("state", "")
    if state and state not in Explainer.State.values:
        problems.append(f"There is no state “{state}”: showing every state.")
        state = ""
    filters = calendar.Filters(mine=mine, topic=topic, state=state)
    return Query(calendar.Period.around(view, start), filters, tuple(problems))


class CalendarAdminMixin:
    """Adds the calendar page, the feed-address form and the feed to the explainer admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = "articles_explainer"
        urls = [
            path("calendar/", wrap(self.calendar_view), name=f"{prefix}_calendar"),
            path(
                "calendar/feed/",
                wrap(require_POST(self.calendar_token_view)),
                name=f"{prefix}_calendar_token",
            ),
            path(
                "calendar/feed/<str:token>.ics",
                require_GET(feed_view),
                name=f"{prefix}_calendar_feed",
            ),
        ]
        return urls + super().get_urls()

    def calendar_view(self, request: HttpRequest) -> HttpResponse:
        """The week or month of ``request.user``'s visible explainers' dates."""
        user = self._calendar_user(request)
        today = timezone.localdate(timezone=calendar.newsroom_zone())
        query = read_query(request.GET, today)
        for problem in query.problems:
            messages.warning(request, problem)
        return self._calendar_page(request, user, query, today)

    def _calendar_user(self, request: HttpRequest) -> User:
        """Return the signed-in user if they may open explainers at all; refuse anyone else."""
        user = request.user
        if not isinstance(user, User) or not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        return user

    def calendar_token_view(self, request: HttpRequest) -> HttpResponse:
        """Create, reset or revoke the user's feed address; a new address is shown once."""
        user = self._calendar_user(request)
        action = request.POST.get("action", "")
        back = reverse("admin:articles_explainer_calendar")
        if action not in TOKEN_ACTIONS:
            messages.error(request, "Unknown feed action: nothing was changed.")
            return HttpResponseRedirect(back)
        if action == "revoke":
            CalendarFeedToken.revoke_for(user)
            messages.success(request, "Your calendar feed is turned off; its address is dead.")
            return HttpResponseRedirect(back)
        token = CalendarFeedToken.issue(user)
        feed_url = request.build_absolute_uri(
            reverse("admin:articles_explainer_calendar_feed", args=[token])
        )
        note = "The old address no longer works. " if action == "reset" else ""
        messages.success(request, note + "Copy your new feed address now: it is shown only once.")
        today = timezone.localdate(timezone=calendar.newsroom_zone())
        response = self._calendar_page(request, user, read_query({}, today), today, feed_url)
        response["Cache-Control"] = "private, no-store"
        return response

    def _calendar_page(
        self,
        request: HttpRequest,
        user: User,
        query: Query,
        today: datetime.date,
        feed_url: str = "",
    ) -> TemplateResponse:
        period, filters = query.period, query.filters
        cal = calendar.build(user, period, filters)
        page = reverse("admin:articles_explainer_calendar")
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": "Editorial calendar",
            "opts": Explainer._meta,
            "cal": cal,
            "period": period,
            "filters": filters,
            "today": today,
            "heading": _heading(period),
            "links": _links(page, period, filters, today),
            "topics": Topic.objects.order_by("name").values_list("slug", "name"),
            "states": Explainer.State.choices,
            "feed_token": CalendarFeedToken.objects.filter(user=user).active().first(),
            "feed_url": feed_url,
        }
        return TemplateResponse(request, "admin/articles/explainer/calendar.html", context)


def _heading(period: calendar.Period) -> str:
    if period.view == calendar.MONTH:
        return f"{period.start:%B %Y}"
    last = period.end - datetime.timedelta(days=1)
    return f"Week of {period.start.day} {period.start:%B %Y} to {last.day} {last:%B %Y}"


def _links(
    page: str, period: calendar.Period, filters: calendar.Filters, today: datetime.date
) -> dict[str, str]:
    """Return the navigation addresses, each keeping the filters."""

    def link(view: str, start: datetime.date) -> str:
        params = {"view": view, "start": start.isoformat()}
        if filters.mine:
            params["mine"] = "1"
        if filters.topic:
            params["topic"] = filters.topic
        if filters.state:
            params["state"] = filters.state
        return f"{page}?{urlencode(params)}"

    return {
        "previous": link(period.view, period.previous_start),
        "next": link(period.view, period.end),
        "today": link(period.view, today),
        "week": link(calendar.WEEK, period.start),
        "month": link(calendar.MONTH, period.start),
    }
