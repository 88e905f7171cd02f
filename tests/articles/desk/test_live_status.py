"""The live badge and the "readers see" filter: what is public, beside the working copy's state."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Byline, Explainer, PublishedVersion
from articles.publishing import freeze as publishing
from tests import factories

pytestmark = pytest.mark.django_db

State = Explainer.State
CHANGELIST = "admin:articles_explainer_changelist"
LATER = datetime(2099, 3, 4, 9, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))


def explainer_with(
    title: str, state: str, *times: tuple[timedelta, timedelta | None], by=None
) -> Explainer:
    """Return an explainer in ``state`` with one version per (go-live, end) offset from now."""
    by = by or factories.UserFactory()
    explainer = factories.ExplainerFactory(title=title, slug=title.lower().replace(" ", "-"))
    now = timezone.now()
    for go_live, ends in times:
        publishing.freeze(
            explainer,
            by=by,
            go_live_at=now + go_live,
            expires_at=now + ends if ends is not None else None,
        )
    Explainer.objects.filter(pk=explainer.pk).update(state=state)
    return explainer


LIVE = (-timedelta(days=3), None)
SOON = (timedelta(days=2), None)
ENDED = (-timedelta(days=3), -timedelta(days=1))


@pytest.fixture
def shelf() -> dict[str, Explainer]:
    """One explainer for each way a working copy can stand beside what readers see."""
    return {
        "draft": explainer_with("Never published", State.DRAFT),
        "live": explainer_with("Live as written", State.PUBLISHED, LIVE),
        "revised": explainer_with("Live and in review", State.IN_REVIEW, LIVE),
        "approved": explainer_with("Live and approved", State.APPROVED, LIVE),
        "next": explainer_with("Live and next scheduled", State.PUBLISHED, LIVE, SOON),
        "scheduled": explainer_with("Scheduled only", State.PUBLISHED, SOON),
        "ended": explainer_with("Ended", State.DRAFT, ENDED),
    }


def listed(client: Client, query: str = "") -> set[str]:
    response = client.get(reverse(CHANGELIST) + query)
    assert response.status_code == 200
    return {e.title for e in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("lookup", "expected"),
    [
        ("changed", {"revised", "approved"}),
        ("live", {"live", "revised", "approved", "next"}),
        ("none", {"draft", "scheduled", "ended"}),
    ],
)
def test_filter_lists_by_what_readers_see(client, editor, shelf, lookup, expected):
    """Each "readers see" choice lists exactly the explainers it names, scheduled or ended
    versions never counting as live."""
    client.force_login(editor)
    assert listed(client, f"?live={lookup}") == {shelf[key].title for key in expected}


def test_filter_offers_live_with_unpublished_changes(client, editor, shelf):
    """The change list's filter panel offers "Live with unpublished changes"."""
    client.force_login(editor)
    html = client.get(reverse(CHANGELIST)).text
    assert "?live=changed" in html
    assert "Live with unpublished changes" in html


def test_filter_keeps_to_what_the_user_may_open(client, writer, shelf):
    """The filter narrows the writer's own list; it never adds someone else's explainer."""
    mine = explainer_with("Mine and revised", State.DRAFT, LIVE)
    Byline.objects.create(explainer=mine, author=writer, position=0)
    client.force_login(writer)
    assert listed(client, "?live=changed") == {"Mine and revised"}


def row(html: str, title: str) -> str:
    """Return the change list's table row of the explainer titled ``title``."""
    start = html.index(f">{title}</a>")
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_changelist_shows_live_version_beside_the_state(client, editor, shelf):
    """A live explainer in review reads "In review" and "Live v1", linked to its public page."""
    client.force_login(editor)
    html = client.get(reverse(CHANGELIST)).text
    revised = row(html, "Live and in review")
    assert "In review</span>" in revised
    public = f"{settings.NEWSROOM_BASE_URL}/explainers/live-and-in-review/"
    assert f'<a class="live-badge" href="{public}">Live v1' in revised


def test_changelist_says_when_the_next_version_goes_live(client, editor):
    """A scheduled next version reads "v2 scheduled for <time>" beside the live version 1."""
    explainer = explainer_with("Next at a set time", State.PUBLISHED, LIVE)
    publishing.freeze(explainer, by=editor, go_live_at=LATER)
    client.force_login(editor)
    cell = row(client.get(reverse(CHANGELIST)).text, "Next at a set time")
    assert "Live v1" in cell
    assert "v2 scheduled for 4 Mar 2099, 09:30" in cell


@pytest.mark.parametrize(
    ("key", "said"),
    [("scheduled", "v1 scheduled for"), ("ended", "not live"), ("draft", "not live")],
)
def test_changelist_calls_nothing_live_that_readers_cannot_see(client, editor, shelf, key, said):
    """A version scheduled for later, or one that has ended, gets no live badge: the row says
    what there is instead."""
    client.force_login(editor)
    cell = row(client.get(reverse(CHANGELIST)).text, shelf[key].title)
    assert "live-badge" not in cell
    assert "Live v" not in cell
    assert said in cell


def test_change_form_shows_live_badge_beside_the_state(client, editor, shelf):
    """The change form's workflow heading shows the state and the live version's link."""
    client.force_login(editor)
    explainer = shelf["revised"]
    html = client.get(reverse("admin:articles_explainer_change", args=[explainer.pk])).text
    start = html.index('<h2 id="workflow-title">')
    heading = html[start : html.index("</h2>", start)]
    assert "In review" in heading
    public = f"{settings.NEWSROOM_BASE_URL}/explainers/live-and-in-review/"
    assert f'href="{public}">Live v1' in heading


def test_change_form_of_a_draft_has_no_live_badge(client, editor, shelf):
    """A never-published draft's change form shows no live badge."""
    client.force_login(editor)
    html = client.get(reverse("admin:articles_explainer_change", args=[shelf["draft"].pk])).text
    assert "live-badge" not in html


def test_badge_links_to_the_live_version_not_the_newest(client, editor):
    """After a slug change, the badge links to the slug readers see, not the working copy's."""
    explainer = explainer_with("Old address", State.PUBLISHED, LIVE)
    explainer.slug = "new-address"
    explainer.save()
    publishing.freeze(explainer, by=editor, go_live_at=LATER)
    client.force_login(editor)
    cell = row(client.get(reverse(CHANGELIST)).text, "Old address")
    assert f'href="{settings.NEWSROOM_BASE_URL}/explainers/old-address/"' in cell


def test_desk_queue_shows_live_badge(client, editor):
    """In the "Awaiting fact-check" queue, a revision of a live explainer carries "Live v1"."""
    explainer_with("Queued revision", State.IN_REVIEW, LIVE)
    explainer_with("Queued first draft", State.IN_REVIEW)
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    queue = next(q for q in response.context["queues"] if q["key"] == "awaiting_fact_check")
    badges = {item["title"]: item["live"] for item in queue["items"]}
    assert "Live v1" in badges["Queued revision"]
    assert badges["Queued first draft"] == ""
    html = response.text
    section = html[html.index('id="queue-awaiting_fact_check"') :]
    assert 'class="live-badge"' in section[: section.index("</section>")]


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the first request fills per-process caches (content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", [CHANGELIST, "admin:index"])
def test_badges_cost_no_query_per_row(client, editor, name):
    """The change list and the desk run as many queries with 30 live explainers as with 1."""
    client.force_login(editor)
    url = reverse(name)
    numbers = itertools.count()

    def shown(n: int) -> int:
        for _ in range(n):
            title = f"Row {next(numbers)}"
            explainer_with(title, State.IN_REVIEW, LIVE, SOON, by=editor)
        return _queries(client, url)

    one = shown(1)
    thirty = shown(29)
    assert thirty == one
    assert PublishedVersion.objects.live().count() == 30
