"""Author pages: a byline's live explainers at /authors/<slug>/, with the author's bio and
``ProfilePage`` JSON-LD; the old address by login name answers with a 301 to the slug."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.models import AuthorProfile, ListEntry
from articles.publishing.render import absolute_url, json_for_script
from articles.site.views import AUTHOR_TEMPLATE, CardListView, public_view

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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

    def author_name(self) -> str:
        return self.owner.get_full_name() or self.owner.get_username()

    def describe(self) -> tuple[str, str, str]:
        name = self.author_name()
        path = reverse("articles:author", kwargs={"slug": self.profile.slug})
        return path, name, f"Explainers by {name} for {settings.NEWSROOM_NAME}."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        name = self.author_name()
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


author_detail = public_view(follows_login_names(AuthorView.as_view()))
