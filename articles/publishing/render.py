"""Publish-time rendering of an explainer page: the stored body, head and JSON-LD.

``publishing.render_version`` calls ``render_html`` once, when a version is frozen (and the
staff preview calls it for an unsaved version). Every per-item loop of the page (facts,
sources, stakeholders, timeline, corrections) runs here, so serving the page is one query and
no template work beyond the site chrome. The one exception is the "Up next" section, which
names other explainers: it must follow them as they are published, withdrawn and expire, so it
is rendered per request (``upnext``), with a second query only when the page has such links.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.models import KeyFact, PublishedVersion, WatchItem, period_end
from articles.publishing import jsonld
from articles.publishing.claimreview import claim_reviews
from articles.publishing.images import (
    absolute,
    figure_picture,
    has_source,
    hero_picture,
    site_image,
)
from articles.timestamps import iso_datetime

JSON_LD_OPEN = '<script type="application/ld+json">'
JSON_LD_CLOSE = "</script>"

# json.dumps leaves <, > and & as they are; inside <script> they could end the element
# ("</script>") or open a comment, so they become JSON unicode escapes, which parse back to the
# same characters.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def policy_urls() -> dict[str, str]:
    """Return the absolute URLs of the three policy pages (JSON-LD publisher, page footers)."""
    return {
        "corrections": absolute_url(reverse("articles:corrections_policy")),
        "fact_checking": absolute_url(reverse("articles:fact_checking_policy")),
        "principles": absolute_url(reverse("articles:publishing_principles")),
    }


def author_path(author: dict[str, Any]) -> str:
    """Return an author's page path: by public slug, frozen into versions since they had one.

    A version frozen before (or a preview) has only the login name, whose address answers
    with a 301 to the slug.
    """
    return reverse("articles:author", kwargs={"slug": author.get("slug") or author["username"]})


def absolute_url(path: str) -> str:
    """Return ``path`` on the site's public address (settings.NEWSROOM_BASE_URL)."""
    return settings.NEWSROOM_BASE_URL + path


def explainer_path(slug: str) -> str:
    return reverse("articles:explainer", kwargs={"slug": slug})


def stored_html(html: str) -> SafeString:
    """Mark a version's stored body_html/head_html safe for output.

    The one place stored HTML is marked safe: it was rendered by our own templates at publish
    time (this module), with autoescaping on and every piece of editor rich text passed
    through the nh3 allowlist (``articles.richtext``). Templates never use ``|safe``.
    """
    return mark_safe(html)  # noqa: S308 - rendered by our templates; see the docstring


def json_for_script(value: Any) -> SafeString:
    """Return ``value`` as JSON that is safe to place between <script> tags."""
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # Safe: the three characters that matter inside <script> are escaped just above.
    return mark_safe(encoded.translate(_SCRIPT_ESCAPES))  # noqa: S308


def watch_events(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the upcoming events and items to watch in the order /watch/ lists them.

    That is by the last day of the period each date stands for (``WatchItem``), undated items
    last, then by date and by the timeline's own order. The kind is the editor's judgment at
    publish time (not a comparison with today), so the stored page stays true later.
    """
    events = [
        (position, event)
        for position, event in enumerate(data.get("timeline", []))
        if event.get("kind") in WatchItem.KINDS
    ]

    def order(item: tuple[int, dict[str, Any]]) -> tuple[bool, date, date, int]:
        position, event = item
        if not event.get("date"):
            return (True, date.max, date.max, position)
        day = date.fromisoformat(event["date"])
        return (False, period_end(day, event.get("precision") or "day"), day, position)

    return [event for _, event in sorted(events, key=order)]


def sources_with_citers(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the sources, each with the numbers of the key facts that cite it."""
    citers: dict[int, list[int]] = {}
    for n, fact in enumerate(data.get("key_facts", []), 1):
        for number in fact.get("sources", []):
            citers.setdefault(number, []).append(n)
    return [
        {**source, "cited_by": citers.get(source["number"], [])}
        for source in data.get("sources", [])
    ]


def share_image_of(version: PublishedVersion) -> dict[str, Any]:
    """Return the image ``version`` is shared with (made by ``render_version``), or the card.

    Migration 0023 renders versions with the model of its time, which has no ``image`` yet.
    """
    return getattr(version, "image", None) or site_image()


def _figures_by_section(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return each prose section's figures as pictures, in order."""
    by_section: dict[str, list[dict[str, Any]]] = {}
    for figure in data.get("figures", []):
        if has_source(figure):
            by_section.setdefault(figure["section"], []).append(figure_picture(figure))
    return by_section


def json_ld(
    version: PublishedVersion,
    data: dict[str, Any],
    canonical: str,
    hero: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the schema.org BackgroundNewsArticle for a version."""
    topics = [t["name"] for t in data.get("topics", [])]
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BackgroundNewsArticle",
        "headline": version.title,
        "description": version.dek,
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "datePublished": iso_datetime(version.first_published_at),
        "dateModified": iso_datetime(version.go_live_at),
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "author": [
            {
                "@type": "Person",
                "name": author["name"],
                "url": absolute_url(author_path(author)),
            }
            for author in data.get("authors", [])
        ],
        "publisher": jsonld.organization(),
    }
    if topics:
        article["articleSection"] = topics[0] if len(topics) == 1 else topics
        article["keywords"] = topics
    # The share crop (or the site's card), and the hero's widest 16:9 crop when it has one.
    article["image"] = [share_image_of(version)["url"]]
    if hero:
        article["image"].append(absolute(hero["largest"]))
    if data.get("corrections"):
        article["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction["text"],
                "datePublished": correction["dated"],
            }
            for correction in data["corrections"]
        ]
    if data.get("sources"):
        article["citation"] = jsonld.citations(data["sources"])
    return article


def render_context(version: PublishedVersion, *, preview: bool = False) -> dict[str, Any]:
    """Return everything the body and head templates need for ``version``.

    ``preview`` marks a working copy that was never published: the page then claims neither a
    publication date nor, while a fact is still unchecked, that every fact was checked.
    """
    data = version.data
    canonical = absolute_url(explainer_path(version.slug))
    hero = hero_picture(data["hero"]) if has_source(data.get("hero")) else None
    article = json_ld(version, data, canonical, hero)
    if preview:
        # Machine-readable dates would claim the same publication the dateline does not.
        article.pop("datePublished")
        article.pop("dateModified")
    updated = version.number > 1 and version.go_live_at > version.first_published_at
    reviews = claim_reviews(
        data, canonical, published=None if preview else version.go_live_at.isoformat()
    )
    return {
        "version": version,
        "data": data,
        "preview": preview,
        "facts_all_checked": all(
            fact.get("check") == KeyFact.Check.VERIFIED for fact in data.get("key_facts", [])
        ),
        "canonical": canonical,
        "updated": updated,
        "past_events": [e for e in data.get("timeline", []) if e.get("kind") == "past"],
        "watch_events": watch_events(data),
        "sources": sources_with_citers(data),
        "policies": policy_urls(),
        "hero": hero,
        "figures": _figures_by_section(data),
        "share_image": share_image_of(version),
        "section": data["topics"][0]["name"] if data.get("topics") else "",
        "authors": [{**author, "path": author_path(author)} for author in data.get("authors", [])],
        "json_ld": json_for_script(article),
        "breadcrumbs_json_ld": json_for_script(jsonld.breadcrumbs(data, canonical)),
        # One ClaimReview per claim rating, in a script of their own (a list).
        "claim_reviews_json_ld": json_for_script(reviews) if reviews else "",
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
    }


def render_html(version: PublishedVersion, *, preview: bool = False) -> tuple[str, str, str]:
    """Return the (body_html, body_end_html, head_html) of a version, rendered from its data.

    The body is stored in two parts, before and after the "Up next" section, which is rendered
    per request from the targets live then (``upnext``).
    """
    context = render_context(version, preview=preview)
    body = render_to_string("articles/includes/explainer_body.html", context)
    body_end = render_to_string("articles/includes/explainer_body_end.html", context)
    head = render_to_string("articles/includes/explainer_head.html", context)
    # Inter-tag whitespace from template indentation is dead weight on every response.
    return _squeeze(body), _squeeze(body_end), _squeeze(head)


CARD_TEMPLATE = "articles/includes/card.html"


def card_item(version: PublishedVersion) -> dict[str, Any]:
    """Return what the list card of ``version`` shows, as the card template reads it."""
    return {
        "slug": version.slug,
        "title": version.title,
        "dek": version.dek,
        "first_published_at": version.first_published_at,
        "go_live_at": version.go_live_at,
        "number": version.number,
        "data__topics": version.data.get("topics", []),
        "corrected": any(
            note.get("kind") == "correction" for note in version.data.get("corrections", [])
        ),
    }


def render_card(version: PublishedVersion) -> str:
    """Return the card list pages show for ``version`` (a level-3 heading, no snippet)."""
    return _squeeze(render_to_string(CARD_TEMPLATE, {"item": card_item(version), "level": 3}))


_BLANK_LINES = re.compile(r"\n\s*\n+")


def _squeeze(html: str) -> str:
    return _BLANK_LINES.sub("\n", html).strip() + "\n"
