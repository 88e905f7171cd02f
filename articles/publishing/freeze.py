"""Published versions: freeze a working copy into what readers see, and render it once.

``freeze()`` stores a working copy's snapshot (``articles.snapshot``) with the HTML rendered from
it, so that serving a page is one query with no per-item template work. The public site reads
``PublishedVersion.objects.live()`` only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from articles.models import AuthorProfile, Explainer, ListEntry, PublishedVersion, WatchItem
from articles.publishing.fulltext import index_versions
from articles.snapshot import snapshot


def search_text(data: dict[str, Any]) -> str:
    """Return the plain text of a version's body, that search snippets are drawn from.

    The sections, key facts and viewpoints, without the title and dek: a result's card shows
    those already, so a snippet should show the passage that matched. (The full-text indexes
    hold the title and dek as well, weighted above this text.)
    """
    from html import unescape

    from django.utils.html import strip_tags

    parts = [
        unescape(strip_tags(data[k])) for k in ("what_happened", "background", "why_it_matters")
    ]
    parts += data.get("takeaways", [])
    parts += [f["text"] for f in data["key_facts"]]
    parts += [v["stakeholder"]["name"] + " " + v["text"] for v in data["viewpoints"]]
    parts += [v["quote"]["text"] for v in data["viewpoints"] if v.get("quote")]
    return "\n".join(p for p in parts if p)


def feed_labels(data: dict[str, Any]) -> dict[str, list[str]]:
    """Return the topic and author names a feed item carries, as PublishedVersion fields."""
    return {
        "topic_names": [topic["name"] for topic in data["topics"]],
        "author_names": [author["name"] for author in data["authors"]],
    }


def with_author_slugs(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with each author's public slug, from their profile (made if missing).

    The slugs are the version's, not the working copy's: they are addresses, not text that
    was approved, so they stay out of the snapshot and its fingerprint.
    """
    ids = [author["id"] for author in data.get("authors") or []]
    if not ids:
        return data
    profiles = AuthorProfile.for_users(User.objects.filter(pk__in=ids))
    authors = [
        {**author, "slug": profiles[author["id"]].slug} if author["id"] in profiles else author
        for author in data["authors"]
    ]
    return {**data, "authors": authors}


def render_version(version: PublishedVersion, *, preview: bool = False) -> None:
    """Fill the version's stored HTML from its data (called at publish time).

    The version's own fields (slug, title, dek, number, go_live_at, first_published_at) must
    be set first: the page shows them. See ``render.py`` for what is stored and why.
    ``preview`` renders an unpublished working copy, which must not claim to be published.
    """
    from articles.publishing.images import has_source, share_image
    from articles.publishing.render import render_card, render_html
    from articles.publishing.upnext import related_ids

    hero = version.data.get("hero")
    version.image = share_image(hero if has_source(hero) else None)
    version.body_html, version.body_end_html, version.head_html = render_html(
        version, preview=preview
    )
    version.card_html = render_card(version)
    version.related_ids = related_ids(version.data, version.explainer_id)


def update_search_vector(version: PublishedVersion) -> None:
    """On PostgreSQL, store the weighted full-text vector of a version."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    data = version.data
    from django.utils.html import strip_tags

    sections = " ".join(
        strip_tags(data[k]) for k in ("what_happened", "background", "why_it_matters")
    )
    facts = " ".join(f["text"] for f in data["key_facts"])
    names = " ".join(v["stakeholder"]["name"] for v in data["viewpoints"])
    PublishedVersion.objects.filter(pk=version.pk).update(
        search_vector=SearchVector(Value(version.title), weight="A", config="english")
        + SearchVector(Value(version.dek), weight="B", config="english")
        + SearchVector(Value(f"{facts} {sections} {names}"), weight="C", config="english")
    )


@transaction.atomic
def freeze(
    explainer: Explainer,
    *,
    by: User,
    change_note: str = "",
    go_live_at: datetime | None = None,
    expires_at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> PublishedVersion:
    """Store a new published version of ``explainer`` and retire the one it replaces.

    The previous live version ends when the new one goes live; a scheduled version not yet
    live is cancelled. Callers (workflow.publish) hold the explainer's row lock.
    """
    now = timezone.now()
    go_live_at = go_live_at or now
    data = with_author_slugs(data if data is not None else snapshot(explainer))
    versions = PublishedVersion.objects.filter(explainer=explainer)
    previous = versions.order_by("number").first()
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    # Retire what is live or scheduled: it ends when the new version starts (a scheduled one
    # that had not started yet never will).
    for old in versions.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=go_live_at)):
        end_version(old, go_live_at)
    version = PublishedVersion(
        explainer=explainer,
        number=number,
        slug=data["slug"],
        title=data["title"],
        dek=data["dek"],
        published_at=now,
        published_by=by,
        change_note=change_note,
        go_live_at=go_live_at,
        ends_at=expires_at,
        first_published_at=previous.first_published_at if previous else go_live_at,
        data=data,
        search_text=search_text(data),
        **feed_labels(data),
    )
    render_version(version)
    version.save()
    # The upcoming and watch events, as rows the watch page and calendar can filter and sort.
    WatchItem.objects.bulk_create(
        WatchItem.from_timeline(version.pk, explainer.pk, data["timeline"], version.title)
    )
    # Its places on the topic, stakeholder and author pages.
    ListEntry.objects.bulk_create(ListEntry.for_version(version))
    update_search_vector(version)
    index_versions([version])
    return version


@transaction.atomic
def withdraw(explainer: Explainer, *, at: datetime | None = None) -> int:
    """End every live or scheduled version of ``explainer`` now; return how many ended."""
    at = at or timezone.now()
    ended = 0
    for version in PublishedVersion.objects.filter(explainer=explainer).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    ):
        end_version(version, at)
        ended += 1
    return ended


def end_version(version: PublishedVersion, at: datetime) -> None:
    """End ``version`` at ``at`` (at once if it had not gone live by then).

    With ``unschedule``, the only places a version's ``ends_at`` changes, so that its list
    entries keep the same time (``ListEntry``)."""
    version.ends_at = max(version.go_live_at, at)
    version.save(update_fields=["ends_at"])
    ListEntry.objects.filter(version=version).update(ends_at=version.ends_at)


def replaced_by(version: PublishedVersion) -> QuerySet[PublishedVersion]:
    """Return the older versions that end when ``version`` goes live (``freeze`` ended them)."""
    return PublishedVersion.objects.filter(
        explainer_id=version.explainer_id,
        ends_at=version.go_live_at,
        go_live_at__lt=version.go_live_at,
    ).exclude(pk=version.pk)


@transaction.atomic
def unschedule(version: PublishedVersion) -> list[PublishedVersion]:
    """Delete ``version``, which has not gone live, and reopen the versions it was to end.

    Readers never saw it, so nothing of it is kept: not a row that would read as a version
    they were given (the readiness checks compare with the newest one), nor its list and
    watch rows. The versions it replaced stay live with no end. Return them.
    """
    reopened = list(replaced_by(version))
    for old in reopened:
        old.ends_at = None
        old.save(update_fields=["ends_at"])
        ListEntry.objects.filter(version=old).update(ends_at=None)
    version.delete()
    return reopened


@transaction.atomic
def move_go_live(version: PublishedVersion, at: datetime) -> None:
    """Make ``version``, which has not gone live, go live at ``at`` instead.

    The versions it replaces end at the new time, as does any other still live then (one
    whose own expiry came between the two times), and its page is rendered again: the page
    shows when it was published (and, for a first version, first published).
    """
    for old in replaced_by(version):
        end_version(old, at)
    others = PublishedVersion.objects.filter(explainer_id=version.explainer_id)
    for old in others.exclude(pk=version.pk).filter(ends_at__gt=at):
        end_version(old, at)
    if version.first_published_at == version.go_live_at:
        version.first_published_at = at
    version.go_live_at = at
    render_version(version)
    version.save(
        update_fields=[
            "go_live_at",
            "first_published_at",
            "body_html",
            "body_end_html",
            "head_html",
            "card_html",
            "related_ids",
            "image",
        ]
    )
    ListEntry.objects.filter(version=version).update(
        go_live_at=at, first_published_at=version.first_published_at
    )


def live_version(explainer: Explainer) -> PublishedVersion | None:
    return PublishedVersion.objects.live().filter(explainer=explainer).first()
