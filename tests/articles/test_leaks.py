"""Invariant 1: nothing unpublished ever reaches a reader.

For each way a working copy can hold text readers must not see, a unique canary string is put
into every field it can reach (title, dek, sections, facts, sources, stakeholders, timeline,
corrections, topic, claim ratings, staff threads), then every public URL is fetched; the canary
must appear in none. Staff threads never reach readers even on a published explainer: not on its
pages, nor in a published version's frozen data, nor in the export.

Share links show a working copy to someone without an account: an open one must add the
explainer to no public page, a withdrawn or expired one must show nothing, and no cache may keep
the page.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.postgres.search import SearchQuery
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.interchange import exporter
from articles.models import (
    AuthorProfile,
    ClaimRating,
    Explainer,
    PublishedVersion,
    RatingValue,
    RelatedLink,
)
from articles.publishing import freeze as publishing
from articles.publishing import moves as publication
from articles.publishing import preview
from articles.publishing.fulltext import FTS_TABLE
from articles.site import cache, search
from articles.workflow import comments as talk
from articles.workflow import locks
from tests import factories
from tests.articles.publicsite import (
    publish,
)
from tests.articles.workflow_helpers import desk_editor

pytestmark = pytest.mark.django_db

STATES = [
    "draft",
    "in_review",
    "approved",
    "scheduled_tomorrow",
    "expired",
    "archived",
    "published_with_unpublished_edits",
]


def fill_with_canary(explainer: Explainer, canary: str) -> None:
    """Put ``canary`` into every part of the working copy."""
    Explainer.objects.filter(pk=explainer.pk).update(
        title=f"Title {canary}",
        dek=f"Dek {canary}",
        what_happened=f"<p>What happened {canary}</p>",
        background=f"<p>Background {canary}</p>",
        why_it_matters=f"<p>Why {canary}</p>",
        hero_alt=f"Alt {canary}",
        hero_credit=f"Credit {canary}",
        takeaways=f"Takeaway {canary}\nAnother point\nA third point",
    )
    explainer.refresh_from_db()
    source = factories.SourceFactory(explainer=explainer, citation=f"Source {canary}")
    factories.KeyFactFactory(explainer=explainer, text=f"Fact {canary}", sources=[source])
    stakeholder = factories.StakeholderFactory(name=f"Stakeholder {canary}")
    viewpoint = factories.ViewpointFactory(
        explainer=explainer,
        stakeholder=stakeholder,
        text=f"View {canary}",
        quote=f"Quote {canary}",
        quote_source=source,
    )
    # A claim rating under review: its claim, where it appeared, its explanation and a verdict
    # of the scale named only here.
    verdict = RatingValue.objects.create(name=f"Verdict {canary}", value=90)
    factories.ClaimRatingFactory(
        viewpoint=viewpoint,
        claim=f"Claim {canary}",
        appearance_title=f"Appearance {canary}",
        appearance_url=f"https://example.org/{canary}",
        explanation=f"Explanation {canary}",
        rating=verdict,
        sources=[source],
    )
    factories.TimelineEventFactory(
        explainer=explainer,
        kind="upcoming",
        date=timezone.localdate() + datetime.timedelta(days=3),
        text=f"Upcoming {canary}",
    )
    factories.TimelineEventFactory(
        explainer=explainer, kind="watch", date=None, precision="", text=f"Watch {canary}"
    )
    factories.CorrectionFactory(explainer=explainer, text=f"Correction {canary}")
    explainer.topics.add(factories.TopicFactory(name=f"Topic {canary}", slug="canary-topic"))
    add_threads(explainer, canary)


def add_threads(explainer: Explainer, canary: str) -> None:
    """Start staff threads, with ``canary`` in their comments, on a fact, a source and a section."""
    staff = factories.UserFactory(username="leak_editor", is_superuser=True)
    fact = explainer.key_facts.order_by("position", "pk").first()
    source = explainer.sources.order_by("position", "pk").first()
    for anchor in (f"fact:{fact.pk}", f"source:{source.pk}", "section:dek"):
        thread = talk.start_thread(
            explainer, by=staff, anchor=anchor, body=f"Comment {canary}", notify=[staff]
        )
        talk.reply(thread, by=staff, body=f"Reply {canary}")


def build(state: str, canary: str, author) -> Explainer:
    """Return an explainer whose canary text readers must never see, in ``state``."""
    now = timezone.now()
    explainer = factories.complete_explainer(
        authors=[author], slug=f"leak-{state.replace('_', '-')}"
    )
    if state == "published_with_unpublished_edits":
        publish(explainer)
        fill_with_canary(explainer, canary)
        Explainer.objects.filter(pk=explainer.pk).update(state=Explainer.State.DRAFT)
        return explainer
    fill_with_canary(explainer, canary)
    if state in ("draft", "in_review", "approved"):
        Explainer.objects.filter(pk=explainer.pk).update(state=state)
    elif state == "scheduled_tomorrow":
        publish(explainer, go_live_at=now + datetime.timedelta(days=1))
    elif state == "expired":
        publish(
            explainer,
            go_live_at=now - datetime.timedelta(days=2),
            expires_at=now - datetime.timedelta(days=1),
        )
    elif state == "archived":
        publish(explainer)
        publishing.withdraw(explainer)
        Explainer.objects.filter(pk=explainer.pk).update(state=Explainer.State.ARCHIVED)
    return explainer


def public_urls(explainer: Explainer, author, canary: str) -> list[str]:
    """Return every public URL that could show the explainer or anything derived from it."""
    stakeholders = [v.stakeholder.slug for v in explainer.viewpoints.select_related("stakeholder")]
    urls = [
        "/",
        explainer.get_absolute_url(),
        reverse("articles:timeline_json", args=[explainer.slug]),
        "/topics/science/",
        "/topics/canary-topic/",
        "/topics/science/feed.rss",
        "/topics/science/feed.atom",
        "/topics/canary-topic/feed.rss",
        *(f"/stakeholders/{slug}/" for slug in stakeholders),
        f"/authors/{author.username}/",
        *(f"/authors/{p.slug}/" for p in AuthorProfile.objects.filter(user=author)),
        "/watch/",
        "/watch.ics",
        "/corrections/",
        "/feeds/latest.rss",
        "/feeds/latest.atom",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/about/corrections-policy/",
        # The query is echoed in lower case; the canary's mixed case would show only in results.
        f"/search/?q={canary.lower()}",
        f"/search/?q={canary.lower()}+fact",
    ]
    return urls


@pytest.mark.parametrize("state", STATES)
def test_canary_never_reaches_a_public_url(client, state):
    """No public response carries working-copy text of an unpublished state."""
    canary = f"CanaryXq{state.title().replace('_', '')}"
    author = factories.UserFactory(username="leak_author")
    # A live explainer by the same author, on the same topic, keeps every list page non-empty.
    factories.complete_explainer(authors=[author], title="Ordinary live explainer")
    publish(Explainer.objects.get(title="Ordinary live explainer"))
    explainer = build(state, canary, author)
    offenders = []
    for url in public_urls(explainer, author, canary):
        response = client.get(url)
        assert response.status_code < 500, url
        if canary in response.content.decode():
            offenders.append(url)
    assert offenders == []


@pytest.mark.parametrize("state", STATES)
def test_search_for_the_canary_finds_nothing(client, state):
    """Searching for the canary finds no result in any unpublished state."""
    canary = f"CanaryXq{state.title().replace('_', '')}"
    explainer = build(state, canary, factories.UserFactory(username="leak_author"))
    html = client.get("/search/", {"q": canary.lower()}).content.decode()
    assert "0 results" in html
    assert explainer.get_absolute_url() not in html


def indexed_versions(word: str) -> list[int]:
    """Return the ids of versions of any state that the database's full-text index matches."""
    if connection.vendor == "postgresql":
        found = PublishedVersion.objects.filter(search_vector=SearchQuery(word, config="english"))
        return list(found.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [search.fts_query(word)],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("state", ["scheduled_tomorrow", "expired", "archived"])
def test_search_filters_the_index_through_live(client, state):
    """The full-text index (PostgreSQL's vector, SQLite's FTS5 table) holds the canary's
    version, not live; search must still find nothing."""
    canary = f"CanaryXq{state.title().replace('_', '')}"
    explainer = build(state, canary, factories.UserFactory(username="leak_author"))
    assert indexed_versions(canary.lower()) == [explainer.versions.get().pk]
    html = client.get("/search/", {"q": canary.lower()}).content.decode()
    assert "0 results" in html and canary not in html


def test_the_live_version_is_still_served_beside_unpublished_edits(client):
    """The published-with-edits explainer still shows its published text (sanity check)."""
    explainer = build("published_with_unpublished_edits", "CanaryXqSanity", factories.UserFactory())
    response = client.get(explainer.get_absolute_url())
    assert response.status_code == 200
    assert "Something happened that readers need explained." in response.content.decode()


def _rated_and_published(client):
    """Return a published explainer whose viewpoint has a checked rating, and its address."""
    explainer = factories.complete_explainer(slug="rated-leak")
    rating = factories.ClaimRatingFactory(
        viewpoint=explainer.viewpoints.get(),
        claim="The bridge will open in spring.",
        rating=factories.rating_value("Misleading"),
        sources=[explainer.sources.get()],
        checked_by=desk_editor(),
        checked_at=timezone.now(),
    )
    publish(explainer)
    url = explainer.get_absolute_url()
    assert "Misleading" in client.get(url).content.decode()  # the published rating shows
    return explainer, rating, url


def test_a_rating_added_to_a_published_explainer_waits_for_publication(client):
    """A new rating on the working copy reaches no reader, page or JSON-LD, until published."""
    explainer, _rating, url = _rated_and_published(client)
    canary = "CanaryXqNewRating"
    factories.ClaimRatingFactory(
        viewpoint=explainer.viewpoints.get(),
        claim=f"Claim {canary}",
        explanation=f"Explanation {canary}",
        sources=[explainer.sources.get()],
    )
    Explainer.objects.filter(pk=explainer.pk).update(state=Explainer.State.DRAFT)
    author = explainer.byline_set.get().author
    leaked = [u for u in public_urls(explainer, author, canary) if canary in client.get(u).text]
    assert leaked == []
    publish(explainer)
    assert canary in client.get(url).content.decode()


def test_a_changed_verdict_stays_off_the_page_until_published(client):
    """Changing a published rating's verdict on the working copy leaves readers the old one."""
    explainer, rating, url = _rated_and_published(client)
    rating.rating = factories.rating_value("False")
    rating.checked_by = rating.checked_at = None
    rating.save()
    Explainer.objects.filter(pk=explainer.pk).update(state=Explainer.State.DRAFT)
    html = client.get(url).content.decode()
    assert "<strong>Misleading</strong>" in html and "<strong>False</strong>" not in html
    assert '"alternateName":"Misleading"' in html and '"alternateName":"False"' not in html
    assert ClaimRating.objects.get(pk=rating.pk).rating.name == "False"


def test_comments_on_a_published_explainer_never_reach_readers(client):
    """Threads on a live explainer stay on the desk: not on any public URL, nor frozen into the
    published version, nor in the export."""
    canary = "CanaryXqComment"
    author = factories.UserFactory(username="leak_author")
    explainer = factories.complete_explainer(authors=[author], slug="leak-comments")
    add_threads(explainer, canary)
    version = publish(explainer)
    offenders = [
        url
        for url in public_urls(explainer, author, canary)
        if canary in client.get(url).content.decode()
    ]
    assert offenders == []
    frozen = PublishedVersion.objects.filter(pk=version.pk).values(
        "data", "body_html", "head_html", "search_text"
    )
    assert canary not in str(list(frozen))
    assert canary not in exporter.to_text(explainer)
    assert canary not in exporter.to_json(explainer)
    html = client.get("/search/", {"q": canary.lower()}).content.decode()
    assert "0 results" in html


# --- Share links --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_an_open_share_link_adds_nothing_to_public_pages(client, state):
    """Opened or not, a share link puts the explainer on no list, feed, sitemap or search."""
    canary = f"CanaryXqShared{state.title().replace('_', '')}"
    author = factories.UserFactory(username="leak_author")
    factories.complete_explainer(authors=[author], title="Ordinary live explainer")
    publish(Explainer.objects.get(title="Ordinary live explainer"))
    explainer = build(state, canary, author)
    _, token = preview.create_share_link(explainer, by=author, for_whom="Lawyer")
    shared = client.get(preview.share_url(token))
    assert canary in shared.content.decode()  # the link works: the test below means something
    offenders = [
        url
        for url in public_urls(explainer, author, canary)
        if canary in client.get(url).content.decode()
    ]
    assert offenders == []


@pytest.mark.parametrize("ending", ["withdrawn", "expired"])
def test_a_closed_share_link_shows_nothing(client, ending):
    canary = f"CanaryXqClosed{ending.title()}"
    author = factories.UserFactory(username="leak_author")
    explainer = build("draft", canary, author)
    link, token = preview.create_share_link(explainer, by=author, for_whom="Lawyer", days=1)
    url = preview.share_url(token)
    assert canary in client.get(url).content.decode()
    if ending == "withdrawn":
        preview.revoke_share_link(link, by=author)
        response = client.get(url)
    else:
        with time_machine.travel(link.expires_at):
            response = client.get(url)
    assert response.status_code == 410
    assert canary not in response.content.decode()
    assert explainer.title not in response.content.decode()


def test_no_cache_keeps_a_share_link_page(client, settings):
    """Neither the page cache nor a CDN may store the page: a withdrawal must close it at once."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "leak-share-links",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    caches["default"].clear()
    cache.page_cache.reset()
    canary = "CanaryXqCached"
    author = factories.UserFactory(username="leak_author")
    link, token = preview.create_share_link(
        build("in_review", canary, author), by=author, for_whom="Lawyer"
    )
    url = preview.share_url(token)
    try:
        response = client.get(url)
        assert canary in response.content.decode()
        # For a CDN or a browser's shared cache: not to be stored, by anyone.
        assert {"private", "no-store"} <= {
            part.strip() for part in response["Cache-Control"].split(",")
        }
        # For our own page cache: neither eligible by its headers nor by its path.
        assert cache.cacheable_for(response) is None
        preview.revoke_share_link(link, by=author)
        again = client.get(url)
        assert again.status_code == 410 and canary not in again.content.decode()
    finally:
        cache.page_cache.reset()


# --- Withdrawn or expired: gone from every page at once -----------------------------------------

# What readers must stop seeing of an explainer the moment it is withdrawn or expires: the
# headline, the dek and the address, which other pages (its "Up next" linkers, lists, feeds,
# sitemaps, search, the watch page and calendar) showed while it was live.
GONE_TITLE = "Vanishing headline Qzv"
GONE_DEK = "Vanishing dek Qzv"
GONE_SLUG = "vanishing-qzv"


@pytest.fixture
def page_cache_on(settings):
    """The server-side page cache, on over a fresh in-memory cache (as tests/.../test_cache.py).

    A long micro-cache window: only the generation (bumped by moves, or by a passing boundary)
    may make pages fresh, never the window running out.
    """
    from django.core.cache import caches

    from articles.site import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "leak-tests",
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_MICRO_SECONDS = 3600
    caches["default"].clear()
    cache.page_cache.reset()
    yield cache
    cache.page_cache.reset()


def linked_pair(author, **publish_a):
    """Publish explainer A and explainer B, whose "Up next" links to A; return (A, B).

    They share an author, a topic and a stakeholder, so that every list and feed stays
    non-empty (B is on it) when A goes; A has an upcoming dated event and an open watch item.
    """
    shared = factories.StakeholderFactory(name="Shared council", slug="shared-council")
    gone = factories.complete_explainer(
        authors=[author], title=GONE_TITLE, dek=GONE_DEK, slug=GONE_SLUG
    )
    factories.ViewpointFactory(explainer=gone, stakeholder=shared)
    factories.TimelineEventFactory(
        explainer=gone,
        kind="upcoming",
        date=timezone.localdate() + datetime.timedelta(days=3),
        text="The vote on the plan",
    )
    publish(gone, **publish_a)
    linker = factories.complete_explainer(authors=[author], title="The linking page", slug="linker")
    factories.ViewpointFactory(explainer=linker, stakeholder=shared)
    RelatedLink.objects.create(explainer=linker, target=gone, position=0)
    publish(linker)
    return gone, linker


def pair_urls(gone: Explainer, linker: Explainer, author) -> list[str]:
    """Every public URL that showed A, or B with A in its "Up next" (and its JSON-LD head)."""
    urls = public_urls(gone, author, "vanishing")
    urls += [linker.get_absolute_url(), reverse("articles:timeline_json", args=[linker.slug])]
    urls += ["/search/?q=qzv", "/search/?q=headline"]
    return urls


def traces(client, urls: list[str]) -> dict[str, list[str]]:
    """Return, for each URL whose response shows A, which of its title, dek and slug."""
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        html = response.content.decode()
        shown = [text for text in (GONE_TITLE, GONE_DEK, GONE_SLUG) if text in html]
        if shown:
            found[url] = shown
    return found


def test_withdrawn_explainer_is_gone_from_every_page_at_once(
    client, page_cache_on, django_capture_on_commit_callbacks
):
    """Unpublishing A takes it off B's "Up next" and every list, feed, sitemap, search, watch
    page and calendar, cached or not."""
    author = factories.UserFactory(username="leak_author")
    gone, linker = linked_pair(author)
    page_cache_on.invalidate_public_pages()
    urls = pair_urls(gone, linker, author)
    before = traces(client, urls)  # also fills the page cache
    # Sanity: while live, A shows where it should (so the check below could fail).
    for url in (linker.get_absolute_url(), "/watch/", "/watch.ics", "/sitemap.xml"):
        assert url in before, url
    assert client.get(linker.get_absolute_url())["X-Page-Cache"] == "hit local"

    with django_capture_on_commit_callbacks(execute=True):
        publication.unpublish(gone, by=desk_editor(), comment="Taken down on legal advice.")

    assert traces(client, urls) == {}
    assert client.get(gone.get_absolute_url()).status_code == 410


def test_expired_explainer_is_gone_from_every_page_at_its_end(client, page_cache_on):
    """At A's expiry, with no event to invalidate anything, a cached B stops showing A in "Up
    next", and A leaves every list, feed, sitemap, search, watch page and calendar."""
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        author = factories.UserFactory(username="leak_author")
        gone, linker = linked_pair(author, expires_at=start + datetime.timedelta(seconds=60))
        page_cache_on.invalidate_public_pages()
        urls = pair_urls(gone, linker, author)
        before = traces(client, urls)
        for url in (linker.get_absolute_url(), "/watch/", "/watch.ics", "/sitemap.xml"):
            assert url in before, url
        assert client.get(linker.get_absolute_url())["X-Page-Cache"] == "hit local"

        clock.shift(61)

        assert traces(client, urls) == {}
        assert client.get(gone.get_absolute_url()).status_code == 410


# --- Presence and edit locks ----------------------------------------------------------------------


def test_locks_and_presence_never_reach_readers(client):
    """Who holds an edit lock and who has the desk form open stay on the desk: no public page,
    preview or share link says it, and the heartbeat is the admin's, behind its login."""
    canary = "CanaryXqLocker"
    author = factories.UserFactory(username="leak_author")
    explainer = factories.complete_explainer(authors=[author], slug="leak-locked")
    publish(explainer)
    holder = desk_editor()
    holder.first_name, holder.last_name = canary, "Holder"
    holder.save()
    locks.lock(explainer, by=holder)
    desk = Client()
    desk.force_login(holder)
    heartbeat = reverse("admin:articles_explainer_presence", args=[explainer.pk])
    assert desk.post(heartbeat).json()["lock"]["holder"].startswith(canary)  # it is said there
    _, token = preview.create_share_link(explainer, by=holder, for_whom="Lawyer")
    urls = [
        *public_urls(explainer, author, canary),
        preview.share_url(token),
        reverse("articles:preview", kwargs={"token": preview.make_token(explainer)}),
    ]
    offenders = [url for url in urls if canary in client.get(url).content.decode()]
    assert offenders == []
    for url in urls:
        html = client.get(url).content.decode()
        assert "presence-notice" not in html and "edit-lock" not in html and heartbeat not in html
    anonymous = client.post(heartbeat)
    assert anonymous.status_code == 302 and canary not in anonymous.content.decode()
