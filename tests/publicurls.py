"""Every public URL of the site, discovered from ``articles.site.urls`` so that new pages are
covered.

Security tests (headers, hostile input) walk this list. A route's keyword arguments are filled
from its name: topic and stakeholder routes get those slugs, a preview route a token, an author
route the explainer's first author, every other ``slug`` the explainer's.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import AuthorProfile, Explainer, Stakeholder, Topic
from articles.publishing import preview


def _patterns(resolver: URLResolver, namespace: str):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}", entry
        elif isinstance(entry, URLResolver) and entry.namespace == "articles":
            yield from _patterns(entry, entry.namespace)


def public_route_names() -> list[str]:
    """Return the names of every route under the ``articles`` namespace."""
    return sorted(name for name, _ in _patterns(get_resolver(), "") if name.startswith("articles:"))


def public_urls(
    explainer: Explainer, topic: Topic, stakeholder: Stakeholder, *, unfilled: list | None = None
) -> dict[str, str]:
    """Return {route name: URL} for every public route, filled for the given objects.

    Routes whose arguments this helper cannot fill are appended to ``unfilled``.
    """
    urls = {}
    for name, entry in _patterns(get_resolver(), ""):
        if not name.startswith("articles:"):
            continue
        params = set(entry.pattern.converters)
        kwargs: dict[str, object] = {}
        for param in params:
            if param == "token":
                kwargs[param] = preview.make_token(explainer)
            elif param == "slug" and "topic" in name:
                kwargs[param] = topic.slug
            elif param == "slug" and "stakeholder" in name:
                kwargs[param] = stakeholder.slug
            elif param == "slug" and "author" in name:
                author = explainer.byline_set.first().author
                kwargs[param] = AuthorProfile.for_users([author])[author.pk].slug
            elif param == "slug":
                kwargs[param] = explainer.slug
            elif param in {"pk", "id", "explainer_id"}:
                kwargs[param] = explainer.pk
            else:
                kwargs = None
                break
        if kwargs is None:
            if unfilled is not None:
                unfilled.append(name)
        else:
            urls[name] = reverse(name, kwargs=kwargs)
    return urls
