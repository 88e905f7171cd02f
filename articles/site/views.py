"""Public views. They read live published versions only (``PublishedVersion.objects.live()``).

The explainer page is one query for HTML stored at publish time (two with "Up next" links,
which follow their targets' liveness); list pages are a fixed
handful of queries whatever the number of items. Anonymous responses are the same for every
reader, so each carries ``Cache-Control: public`` and a validator, and answers conditional
requests with 304 (``public_page``). The staff preview and share links are the private pages.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages import views as flatpage_views
from django.core import signing
from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.functional import cached_property
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView

from articles import entities
from articles.models import (
    AuthorProfile,
    Explainer,
    ListEntry,
    PublishedVersion,
    Stakeholder,
    Topic,
)
from articles.publishing import preview as preview_tokens
from articles.publishing import upnext
from articles.publishing.render import absolute_url, explainer_path, json_for_script, stored_html
from articles.site import reads as public
from articles.site.search import SearchResults, clean_query, search, with_snippets

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAGE_SIZE = 20
EXPLAINER_TEMPLATE = "articles/explainer_detail.html"
HOME_TEMPLATE = "articles/home.html"
TOPIC_TEMPLATE = "articles/topic_detail.html"
STAKEHOLDER_TEMPLATE = "articles/stakeholder_detail.html"
AUTHOR_TEMPLATE = "articles/author_detail.html"
WATCH_TEMPLATE = "articles/watch.html"
HOME_LATEST = 12
HOME_WATCH = 5
# Caps on what the watch page and calendar read: beyond these a reader (or a calendar app)
# gains nothing, and the page would grow with the archive.
WATCH_DATED_MAX = 300
WATCH_UNDATED_MAX = 100
ICS_HORIZON = datetime.timedelta(days=549)  # about 18 months ahead
ICS_MAX_EVENTS = 1000
CACHEABLE_STATUSES = (200, 301, 304, 410)


# --- Caching headers --------------------------------------------------------------------------


def _public_cache_control(response: HttpResponseBase) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_MAX_AGE,
        s_maxage=settings.PUBLIC_CACHE_S_MAXAGE,
    )


def public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Make a reader-facing view cacheable: Cache-Control public, an ETag, and 304s.

    A view may set its own ``ETag``/``Last-Modified`` (the explainer page does, from the
    version, before rendering); otherwise the ETag is a hash of the rendered body, so lists
    revalidate correctly when an item is published, withdrawn or expires.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code not in CACHEABLE_STATUSES:
            return response
        _public_cache_control(response)
        # A streaming response (StreamingHttpResponse, FileResponse) has no body to hash.
        if response.status_code != 200 or not isinstance(response, HttpResponse):
            return response
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        if not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = parse_http_date_safe(response.headers.get("Last-Modified", ""))
        conditional = get_conditional_response(
            request,
            etag=response.headers["ETag"],
            last_modified=last_modified,
            response=response,
        )
        # Given a response, Django returns it or a 304/412 in its place: None only without one.
        return conditional if conditional is not None else response

    return wrapped


def public_view(view: Callable) -> Callable:
    """``public_page`` for a class-based view."""
    return public_page(require_safe(view))


# --- Explainer pages --------------------------------------------------------------------------


def _gone_or_moved(request: HttpRequest, slug: str) -> HttpResponse:
    """Answer for a slug no live version has: 301 to its new slug, 410 if taken down, or 404.

    Only versions readers could once see count: one that went live and ran for a while. A
    scheduled version that never went live (or was cancelled) leaves no trace, so its slug
    stays a plain 404.
    """
    now = timezone.now()
    current_slug = (
        PublishedVersion.objects.live(now)
        .filter(explainer_id=OuterRef("explainer_id"))
        .order_by("-go_live_at")
        .values("slug")[:1]
    )
    row = (
        PublishedVersion.objects.filter(slug=slug, go_live_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=F("go_live_at")))
        .order_by("-go_live_at")
        .annotate(current_slug=Subquery(current_slug))
        .values("current_slug")
        .first()
    )
    if row is None:
        raise Http404("No explainer is published at this address.")
    if row["current_slug"]:
        return HttpResponsePermanentRedirect(explainer_path(row["current_slug"]))
    return render(request, "410.html", status=410)


@public_page
@require_safe
def explainer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Serve an explainer: one query for the HTML stored when it was published, in the page
    template, and one more when it has "Up next" links, for the targets live now
    (``publishing.upnext``). ``public_page`` adds the ETag (a hash of the page, so that it
    follows the template, the site's settings and the live targets too)."""
    now = timezone.now()
    version = public.live_page(slug, now)
    if version is None:
        return _gone_or_moved(request, slug)
    context, section = upnext.page_context(version, now)
    response = render(request, EXPLAINER_TEMPLATE, context)
    changed_at = section.changed_at or version.go_live_at
    response.headers["Last-Modified"] = http_date(int(changed_at.timestamp()))
    return response


# --- Lists ------------------------------------------------------------------------------------


class PublicListView(ListView):
    """A paginated list of live explainers. A bad or out-of-range ``?page=`` shows the
    nearest real page instead of an error."""

    paginate_by = PAGE_SIZE
    http_method_names = ["get", "head"]

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Paginator, Page, Any, bool]:
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class EntryPaginator(Paginator):
    """Pages through a list's cards (``public.list_cards``) and counts its live entries.

    The count reads the entries' index alone; joining each entry to its version to count
    them would visit every version on the list. The page's cards are read from the versions,
    whose own times are checked again."""

    def __init__(
        self, object_list: Any, per_page: int, *, entries: QuerySet[ListEntry], **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.entries = entries

    @cached_property
    def count(self) -> int:
        return self.entries.count()


class CardListView(PublicListView):
    """A topic's, stakeholder's or author's page: the stored cards of its live explainers,
    newest first. With nothing live the page does not exist (404)."""

    kind: str  # a ListEntry.Kind

    def get_owner(self) -> Any:
        """Return whose list this is (a topic, stakeholder or user), or raise Http404.

        One that nothing live is filed under has no page either (``get_context_data``)."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[ListEntry, str]:
        self.owner = self.get_owner()
        return public.list_cards(self.kind, self.owner.pk)

    def get_paginator(
        self,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        **kwargs: Any,
    ) -> EntryPaginator:
        entries = public.list_entries(self.kind, self.owner.pk)
        return EntryPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            entries=entries,
            **kwargs,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if context["paginator"].count == 0:
            # Unpublished work must not give away a topic, stakeholder or byline to come.
            raise Http404("Nothing is published here.")
        context["cards"] = [stored_html(card) for card in context["page_obj"]]
        return context


class TopicView(CardListView):
    template_name = TOPIC_TEMPLATE
    kind = ListEntry.Kind.TOPIC

    def get_owner(self) -> Topic:
        return get_object_or_404(Topic, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(topic=self.owner, **kwargs)


class StakeholderView(CardListView):
    template_name = STAKEHOLDER_TEMPLATE
    kind = ListEntry.Kind.STAKEHOLDER

    def get_owner(self) -> Stakeholder:
        return get_object_or_404(Stakeholder, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(stakeholder=self.owner, **kwargs)


def follows_old_slugs(model: type[Topic | Stakeholder], viewname: str) -> Callable:
    """Answer a topic's or stakeholder's (``model``) old address, which ``view`` does not
    know, with a 301 to the same page (``viewname``) at its current slug.

    Only a miss pays for the look-up: a live page is served as before."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, slug=slug, **kwargs)
            except Http404:
                current = entities.current_slug(model, slug)
                if current is None:
                    raise
            location = reverse(viewname, kwargs={"slug": current})
            if request.GET:
                location += "?" + request.GET.urlencode()
            return HttpResponsePermanentRedirect(location)

        return wrapped

    return decorator


class AuthorView(CardListView):
    """A byline's published explainers, with the author's bio. Staff with nothing live have no
    public page."""

    template_name = AUTHOR_TEMPLATE
    kind = ListEntry.Kind.AUTHOR

    def get_owner(self) -> User:
        if "\x00" in self.kwargs["slug"]:
            # No slug holds NUL, and PostgreSQL refuses it in a query (a 500 otherwise).
            raise Http404("No such author.")
        self.profile = get_object_or_404(
            AuthorProfile.objects.select_related("user"),
            slug=self.kwargs["slug"],
            user__is_active=True,
        )
        return self.profile.user

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        name = self.owner.get_full_name() or self.owner.get_username()
        context = super().get_context_data(author_name=name, profile=self.profile, **kwargs)
        context["json_ld"] = json_for_script(profile_page(self.profile, name))
        return context


def profile_page(profile: AuthorProfile, name: str) -> dict[str, Any]:
    """Return the schema.org ProfilePage of an author page, its Person the main entity."""
    url = absolute_url(profile.get_absolute_url())
    person: dict[str, Any] = {"@type": "Person", "name": name, "url": url}
    if profile.bio:
        person["description"] = profile.bio
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": person,
    }


def follows_login_names(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Answer an author page's old address, /authors/<login name>/, with a 301 to its slug.

    Published pages linked authors by login name before they had a public slug. Only a miss
    pays for the look-up; an author with nothing live gets a 404 at the new address too.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, slug=slug, **kwargs)
        except Http404:
            if "\x00" in slug:
                # No login name holds NUL, and PostgreSQL refuses it in a query (a 500).
                raise
            user_model = get_user_model()
            current = (
                AuthorProfile.objects.filter(
                    **{f"user__{user_model.USERNAME_FIELD}": slug}, user__is_active=True
                )
                .exclude(slug=slug)
                .values_list("slug", flat=True)
                .first()
            )
            if current is None:
                raise
        location = reverse("articles:author", kwargs={"slug": current})
        if request.GET:
            location += "?" + request.GET.urlencode()
        return HttpResponsePermanentRedirect(location)

    return wrapped


class HomeView(TemplateView):
    """The newest explainers, the next dates to watch and the topics."""

    template_name = HOME_TEMPLATE
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        cards = [stored_html(card) for card in public.newest_cards(HOME_LATEST)]
        return super().get_context_data(
            lead=cards[0] if cards else None,
            latest=cards[1:],
            topics=list(public.public_topics().order_by("name").only("name", "slug")),
            watch=public.watch_items(limit=HOME_WATCH),
            **kwargs,
        )


class SearchView(PublicListView):
    template_name = "articles/search.html"

    # ListView pages anything with a count and slices, as SearchResults has; django-stubs
    # types get_queryset() as a QuerySet only, hence the ignore.
    def get_queryset(self) -> QuerySet[PublishedVersion] | SearchResults:  # type: ignore[override]
        self.query = clean_query(self.request.GET.get("q"))
        if not self.query:
            return PublishedVersion.objects.none()
        return search(self.query)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(query=self.query, **kwargs)
        context["results"] = with_snippets(list(context["page_obj"].object_list), self.query)
        return context

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        response.headers["X-Robots-Tag"] = "noindex"
        return response


class WatchView(TemplateView):
    """Every upcoming date and open question, soonest first."""

    template_name = WATCH_TEMPLATE
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            dated=public.watch_items(dated=True, limit=WATCH_DATED_MAX),
            undated=public.watch_items(dated=False, limit=WATCH_UNDATED_MAX),
            **kwargs,
        )


class CorrectionsView(TemplateView):
    template_name = "articles/corrections.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(corrections=public.public_corrections(), **kwargs)


home = public_view(HomeView.as_view())
topic_detail = public_view(follows_old_slugs(Topic, "articles:topic")(TopicView.as_view()))
stakeholder_detail = public_view(
    follows_old_slugs(Stakeholder, "articles:stakeholder")(StakeholderView.as_view())
)
author_detail = public_view(follows_login_names(AuthorView.as_view()))
search_view = public_view(SearchView.as_view())
watch = public_view(WatchView.as_view())
corrections = public_view(CorrectionsView.as_view())


# --- Policy pages ---------------------------------------------------------------------------


def policy_page(url: str) -> Callable[[HttpRequest], HttpResponseBase]:
    """Serve the flat page at ``url`` (editable in the admin under Flat pages)."""

    @public_page
    @require_safe
    def view(request: HttpRequest) -> HttpResponseBase:
        return flatpage_views.flatpage(request, url)

    return view


corrections_policy = policy_page("/about/corrections-policy/")
fact_checking_policy = policy_page("/about/fact-checking-policy/")
publishing_principles = policy_page("/about/publishing-principles/")


# --- Staff preview ----------------------------------------------------------------------------


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    response = render(request, "articles/preview_refused.html", {"message": message}, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@require_safe
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """Show a staff member the working copy a signed preview link was made for."""
    try:
        explainer_id = preview_tokens.explainer_id_from_token(token)
    except signing.SignatureExpired:
        return _refused(request, "This preview link has expired. Ask the desk for a new one.")
    except signing.BadSignature:
        return _refused(request, "This preview link is not valid.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    explainer = Explainer.objects.visible_to(request.user).filter(pk=explainer_id).first()
    if explainer is None:
        return _refused(request, "You do not have access to this explainer.")
    version = preview_tokens.preview_version(explainer)
    context, _ = upnext.page_context(version, timezone.now())
    context.update(explainer=explainer, state=explainer.get_state_display())
    response = render(request, "articles/preview.html", context)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Share links ------------------------------------------------------------------------------

SHARE_REFUSALS = {
    "withdrawn": "This preview link has been withdrawn.",
    "expired": "This preview link has expired.",
}


def _private_noindex(response: HttpResponse) -> HttpResponse:
    # Not for shared caches, CDNs nor the page cache (which also skips /share/), not for search.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def share(request: HttpRequest, token: str) -> HttpResponse:
    """Show the saved working copy to whoever holds a share link, and record that they did.

    Withdrawn and expired links answer 410 with a plain sentence; unknown ones 404.
    """
    link = preview_tokens.share_link_for(token)
    if link is None:
        raise Http404("No such preview link.")
    status = link.status()
    if request.method == "GET":  # a HEAD shows nobody anything
        outcome = "shown" if status == "open" else status
        preview_tokens.record_share_view(link, outcome, request.headers.get("User-Agent", ""))
    if status != "open":
        response = render(
            request,
            "articles/preview_refused.html",
            {"message": SHARE_REFUSALS[status]},
            status=410,
        )
        return _private_noindex(response)
    version = preview_tokens.preview_version(link.explainer)
    response = render(
        request,
        "articles/share_preview.html",
        {
            "title": version.title,
            "head_html": stored_html(version.head_html),
            "body_html": stored_html(version.body_html),
            "expires_at": link.expires_at,
        },
    )
    return _private_noindex(response)
