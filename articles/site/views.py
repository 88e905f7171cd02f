"""Public views. They read live published versions only (``PublishedVersion.objects.live()``).

The explainer page is one query for HTML stored at publish time (two with "Up next" links,
which follow their targets' liveness); list pages are a fixed
handful of queries whatever the number of items. Anonymous responses are the same for every
reader, so each carries ``Cache-Control: public`` and a validator, and answers conditional
requests with 304 (``public_page``). The staff preview and share links, the private pages,
are in ``previews.py``.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.flatpages import views as flatpage_views
from django.core.paginator import InvalidPage, Page, Paginator
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
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView

from articles import entities
from articles.models import ListEntry, PublishedVersion, Stakeholder, Topic
from articles.publishing import jsonld, upnext
from articles.publishing.render import explainer_path, json_for_script, stored_html
from articles.site import purge
from articles.site import reads as public
from articles.site.search import SearchResults, clean_query, search, with_snippets

if TYPE_CHECKING:
    pass

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
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


# --- Caching headers --------------------------------------------------------------------------


def _public_cache_control(response: HttpResponseBase) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_MAX_AGE,
        s_maxage=settings.PUBLIC_CACHE_S_MAXAGE,
    )


def read_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Serve GET and HEAD; answer any other method 405 with ``Allow: GET, HEAD`` and no body.

    The view is also exempt from CSRF checks, which is what lets the 405 come first: without
    it, ``CsrfViewMiddleware`` refuses an anonymous POST, PUT or DELETE with its 403 page before
    the view can say which methods it takes. The exemption is safe because CSRF protects only
    requests that change something, and ``require_safe`` (inside it) turns every such request
    away before the view runs: a forged request has nothing here to act on.
    """
    return csrf_exempt(require_safe(view))


def public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Make a reader-facing view read-only, cacheable and compressed.

    GET and HEAD only (``read_only``); Cache-Control public, an ETag, and 304s. A view may set
    its own ``ETag``/``Last-Modified`` (the explainer page does, from the version, before
    rendering); otherwise the ETag is a hash of the rendered body, so lists revalidate
    correctly when an item is published, withdrawn or expires.

    The body is gzipped for a client that accepts it, with ``Vary: Accept-Encoding``
    (``gzip_page``, after the ETag is set: Django makes it weak, and 304s still match).
    Compression is safe here because a public page holds no secret for a BREACH-style attack
    to guess: the same page goes to every reader, with no CSRF token and nothing personal. The
    admin, previews and share links do not pass through here and stay uncompressed.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code not in CACHEABLE_STATUSES:
            return response
        _public_cache_control(response)
        purge.tag_response(request, response)
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

    return read_only(gzip_page(wrapped))


def public_view(view: Callable) -> Callable:
    """``public_page`` for a class-based view."""
    return public_page(view)


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
    purge.tag_response(request, response, *purge.explainer_page_tags(version))
    changed_at = section.changed_at or version.go_live_at
    response.headers["Last-Modified"] = http_date(int(changed_at.timestamp()))
    return response


# --- Page metadata ----------------------------------------------------------------------------


def page_meta(path: str, title: str, description: str, page: Page | None = None) -> dict[str, str]:
    """Return what ``includes/page_meta.html`` reads: the description, the canonical address
    (``path``, with ``?page=`` past the first page of a list) and the Open Graph title."""
    if page is not None and page.number > 1:
        path = f"{path}?page={page.number}"
    return {"meta_path": path, "meta_title": title, "meta_description": description}


# --- Lists ------------------------------------------------------------------------------------


class PublicListView(ListView):
    """A paginated list of live explainers. A ``?page=`` that is not a page of the list
    ("abc", "0", "01", past the last) is 404: no page answers under a second address."""

    paginate_by = PAGE_SIZE
    http_method_names = ["get", "head"]

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Paginator, Page, Any, bool]:
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        number = self.request.GET.get(self.page_kwarg, "1")
        # Paginator.page() takes "01" and " 1" for 1; only the form our links write is a page.
        if not PAGE_NUMBER.fullmatch(number):
            raise Http404("No such page.")
        try:
            page = paginator.page(number)
        except InvalidPage as error:
            raise Http404("No such page.") from error
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

    def describe(self) -> tuple[str, str, str]:
        """Return the page's (path, title, description), for its metadata (``page_meta``)."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if context["paginator"].count == 0:
            # Unpublished work must not give away a topic, stakeholder or byline to come.
            raise Http404("Nothing is published here.")
        context["cards"] = [stored_html(card) for card in context["page_obj"]]
        context.update(page_meta(*self.describe(), page=context["page_obj"]))
        return context


class TopicView(CardListView):
    template_name = TOPIC_TEMPLATE
    kind = ListEntry.Kind.TOPIC

    def get_owner(self) -> Topic:
        return get_object_or_404(Topic, slug=self.kwargs["slug"])

    def describe(self) -> tuple[str, str, str]:
        topic = self.owner
        default = f"Explainers about {topic.name} from {settings.NEWSROOM_NAME}."
        path = reverse("articles:topic", kwargs={"slug": topic.slug})
        return path, topic.name, topic.description or default

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(topic=self.owner, **kwargs)


class StakeholderView(CardListView):
    template_name = STAKEHOLDER_TEMPLATE
    kind = ListEntry.Kind.STAKEHOLDER

    def get_owner(self) -> Stakeholder:
        return get_object_or_404(Stakeholder, slug=self.kwargs["slug"])

    def describe(self) -> tuple[str, str, str]:
        stakeholder = self.owner
        default = f"Explainers from {settings.NEWSROOM_NAME} featuring {stakeholder.name}."
        path = reverse("articles:stakeholder", kwargs={"slug": stakeholder.slug})
        return path, stakeholder.name, stakeholder.description or default

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
            json_ld=json_for_script(jsonld.home_page()),
            **page_meta(
                reverse("articles:home"),
                settings.NEWSROOM_NAME,
                f"{settings.NEWSROOM_NAME} explains the news: what happened, the key facts, "
                "and why it matters.",
            ),
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
        context["results"] = with_snippets(list(context["page_obj"].object_list))
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
            **page_meta(
                reverse("articles:watch"),
                "What to watch",
                f"Upcoming dates and open questions from {settings.NEWSROOM_NAME}'s explainers.",
            ),
            **kwargs,
        )


class CorrectionsView(TemplateView):
    template_name = "articles/corrections.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            corrections=public.public_corrections(),
            **page_meta(
                reverse("articles:corrections"),
                "Corrections",
                f"Every correction, clarification and update to {settings.NEWSROOM_NAME}'s "
                "explainers, newest first.",
            ),
            **kwargs,
        )


home = public_view(HomeView.as_view())
topic_detail = public_view(follows_old_slugs(Topic, "articles:topic")(TopicView.as_view()))
stakeholder_detail = public_view(
    follows_old_slugs(Stakeholder, "articles:stakeholder")(StakeholderView.as_view())
)
search_view = public_view(SearchView.as_view())
watch = public_view(WatchView.as_view())
corrections = public_view(CorrectionsView.as_view())


# --- Policy pages ---------------------------------------------------------------------------


def policy_page(url: str) -> Callable[[HttpRequest], HttpResponseBase]:
    """Serve the flat page at ``url`` (editable in the admin under Flat pages)."""

    @public_page
    def view(request: HttpRequest) -> HttpResponseBase:
        return flatpage_views.flatpage(request, url)

    return view


corrections_policy = policy_page("/about/corrections-policy/")
fact_checking_policy = policy_page("/about/fact-checking-policy/")
publishing_principles = policy_page("/about/publishing-principles/")
