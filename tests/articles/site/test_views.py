"""Public pages: content, status codes, redirects, query budgets, caching headers, preview."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import AuthorProfile, Explainer, RelatedLink, TimelineEvent
from articles.publishing import freeze as publishing
from articles.publishing import preview
from tests import factories
from tests.articles.publicsite import (
    grow,
    live_explainer,
    publish,
)

pytestmark = pytest.mark.django_db


def page(client, explainer: Explainer) -> str:
    response = client.get(explainer.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- The explainer page ----------------------------------------------------------------------


def test_explainer_page_shows_title_dek_byline_and_dates(client):
    """The header carries title, dek, a byline linking to the author page, and <time> dates."""
    author = factories.UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    explainer = live_explainer(authors=[author], title="Why the bridge closed")
    html = page(client, explainer)
    assert "<h1" in html and "Why the bridge closed" in html
    assert explainer.dek in html
    assert f'href="{reverse("articles:author", args=["ada-lovelace"])}">Ada Lovelace</a>' in html
    assert re.search(
        r'Published <time datetime="\d{4}-\d\d-\d\dT[^"]+">\w+ \d+, \d{4}</time>', html
    )


def test_explainer_page_shows_updated_date_after_republishing(client):
    """A second version shows "Updated" with its own date."""
    explainer = live_explainer()
    publish(explainer, go_live_at=timezone.now() + datetime.timedelta(seconds=1))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert "Updated <time" in page(client, explainer)


def test_explainer_page_shows_hero_with_alt_and_credit(client):
    """The hero image is shown with its alt text and credit."""
    explainer = factories.complete_explainer(
        hero_alt="A closed bridge at dusk", hero_credit="Photo: J. Doe"
    )
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (90, 90, 90)).save(buffer, "JPEG")
    explainer.hero_image.save("bridge.jpg", ContentFile(buffer.getvalue()), save=True)
    publish(explainer)
    html = page(client, explainer)
    assert re.search(
        r'<img src="/media/renditions/heroes/[^"]+" [^>]*alt="A closed bridge at dusk"', html
    )
    assert '<span class="credit">Photo: J. Doe</span></figcaption>' in html


def test_explainer_page_has_every_section(client):
    """What happened, key facts, background, why it matters, stakeholders, timeline, sources."""
    html = page(client, live_explainer())
    for heading in (
        "What happened",
        "Key facts",
        "Background &amp; context",
        "Why it matters",
        "Stakeholders &amp; viewpoints",
        "Timeline",
        "Sources",
    ):
        assert f">{heading}</h2>" in html


@pytest.mark.parametrize("corrected", [False, True])
def test_contents_list_every_section_in_page_order(client, corrected):
    """The contents list ("In this explainer") links each section the page has, corrections
    included, in the order they come."""
    explainer = live_explainer()
    if corrected:
        factories.CorrectionFactory(explainer=explainer, text="We misstated the cost.")
        publish(explainer)
    html = page(client, explainer)
    contents = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    body = html[html.index("</nav>", html.index('<nav class="toc"')) :]

    linked = re.findall(r'<a href="#([-a-z]+)">', contents)
    sections = re.findall(r'<section id="([-a-z]+)"', body)
    assert linked == sections
    assert ("corrections" in linked) == corrected


def test_key_fact_citations_link_to_numbered_sources(client):
    """Each key fact cites its sources by number, linking to the entry in the Sources list."""
    explainer = factories.ExplainerFactory()
    first = factories.SourceFactory(explainer=explainer, position=0, citation="Budget report")
    second = factories.SourceFactory(explainer=explainer, position=1, citation="Audit")
    factories.KeyFactFactory(explainer=explainer, text="Costs doubled.", sources=[second])
    factories.KeyFactFactory(explainer=explainer, text="It was late.", sources=[first, second])
    publish(explainer)
    html = page(client, explainer)
    assert re.search(r'Costs doubled\. <span class="cites"><a class="cite" href="#source-2"', html)
    assert 'id="source-1" value="1"' in html and 'id="source-2" value="2"' in html
    assert html.index("Budget report") < html.index("Audit")


def test_stakeholders_link_to_their_pages(client):
    """Each viewpoint names its stakeholder with a link to the stakeholder page."""
    explainer = factories.ExplainerFactory()
    stakeholder = factories.StakeholderFactory(name="City Council", slug="city-council")
    factories.ViewpointFactory(explainer=explainer, stakeholder=stakeholder, text="It is safe.")
    publish(explainer)
    html = page(client, explainer)
    assert '<a href="/stakeholders/city-council/">City Council</a>' in html
    assert "It is safe." in html


@pytest.mark.parametrize(
    ("date", "precision", "readable", "machine"),
    [
        (datetime.date(2026, 3, 14), "day", "March 14, 2026", "2026-03-14"),
        (datetime.date(2026, 3, 1), "month", "March 2026", "2026-03"),
        (datetime.date(2026, 1, 1), "year", "2026", "2026"),
    ],
)
def test_timeline_dates_respect_precision(client, date, precision, readable, machine):
    """A timeline date reads at its precision: "March 2026", not "March 1, 2026"."""
    explainer = factories.ExplainerFactory()
    factories.TimelineEventFactory(explainer=explainer, date=date, precision=precision)
    publish(explainer)
    html = page(client, explainer)
    assert f'<time class="timeline-date" datetime="{machine}">{readable}</time>' in html


def test_timeline_separates_past_upcoming_and_watch(client):
    """Past events are the timeline; upcoming events and items to watch have their own
    "What to watch" section."""
    explainer = factories.ExplainerFactory()
    factories.TimelineEventFactory(explainer=explainer, kind="past", text="The vote happened.")
    factories.TimelineEventFactory(
        explainer=explainer, kind="upcoming", date=datetime.date(2030, 5, 1), text="Next vote."
    )
    factories.TimelineEventFactory(
        explainer=explainer, kind="watch", date=None, precision="", text="Whether it lasts."
    )
    publish(explainer)
    html = page(client, explainer)
    sections = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<section id="([\w-]+)".*?</section>', html, re.S)
    }
    assert "The vote happened." in sections["timeline"]
    assert "Next vote." not in sections["timeline"]
    assert "Next vote." in sections["what-to-watch"]
    assert "Whether it lasts." in sections["what-to-watch"]
    assert "No date yet" in sections["what-to-watch"]


def test_corrections_show_with_dates(client):
    """Public corrections appear with their kind and date."""
    explainer = factories.ExplainerFactory()
    factories.CorrectionFactory(
        explainer=explainer, dated=datetime.date(2026, 2, 3), text="We misstated the cost."
    )
    publish(explainer)
    html = page(client, explainer)
    assert re.search(
        r'<strong>Correction</strong>, <time datetime="2026-02-03">February 3, 2026</time>: '
        r"We misstated the cost\.",
        html,
    )


def test_up_next_links_live_explainers_only(client):
    """Up next shows a related explainer that is live, under its live title; not a draft."""
    live = live_explainer(title="Live neighbour")
    draft = factories.ExplainerFactory(title="Draft neighbour secret")
    explainer = factories.ExplainerFactory()
    RelatedLink.objects.create(explainer=explainer, target=live, position=0)
    RelatedLink.objects.create(explainer=explainer, target=draft, position=1)
    publish(explainer)
    html = page(client, explainer)
    assert f'href="{live.get_absolute_url()}">Live neighbour</a>' in html
    assert "Draft neighbour secret" not in html


def test_up_next_follows_its_targets_after_the_linker_is_published(client):
    """Up next is read per request: a target republished under a new title shows that title,
    one published after the linker appears, and one withdrawn or expired disappears."""
    retitled = live_explainer(title="First headline", slug="retitled")
    later = factories.ExplainerFactory(title="Published later", slug="later")
    expiring = live_explainer(title="Soon expired", slug="expiring")
    explainer = factories.ExplainerFactory()
    for position, target in enumerate((retitled, later, expiring)):
        RelatedLink.objects.create(explainer=explainer, target=target, position=position)
    publish(explainer)
    html = page(client, explainer)
    assert "First headline" in html and "Soon expired" in html
    assert "Published later" not in html

    Explainer.objects.filter(pk=retitled.pk).update(title="Second headline")
    publish(Explainer.objects.get(pk=retitled.pk))
    publish(later)
    publishing.withdraw(expiring)
    html = page(client, explainer)
    assert 'href="/explainers/retitled/">Second headline</a>' in html
    assert 'href="/explainers/later/">Published later</a>' in html
    assert "First headline" not in html
    assert "Soon expired" not in html and "/explainers/expiring/" not in html


def test_up_next_keeps_the_editors_order_and_drops_the_section_when_none_is_live(client):
    """Links appear in the order the editor gave; with no live target there is no section."""
    second = live_explainer(title="Listed second")
    first = live_explainer(title="Listed first")
    explainer = factories.ExplainerFactory()
    RelatedLink.objects.create(explainer=explainer, target=first, position=0)
    RelatedLink.objects.create(explainer=explainer, target=second, position=1)
    publish(explainer)
    html = page(client, explainer)
    assert html.index("Listed first") < html.index("Listed second")
    publishing.withdraw(first)
    publishing.withdraw(second)
    assert 'id="up-next-h"' not in page(client, explainer)


def test_topics_are_listed_and_linked(client):
    """The explainer links to each of its topics."""
    html = page(client, live_explainer())
    assert '<a class="tag" href="/topics/science/">Science</a>' in html


def test_rich_text_is_sanitised_on_the_page(client):
    """Editor HTML that slipped past save-time sanitising is cleaned again when rendered."""
    explainer = factories.ExplainerFactory()
    Explainer.objects.filter(pk=explainer.pk).update(
        what_happened='<p>Fine</p><script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    explainer.refresh_from_db()
    publish(explainer)
    html = page(client, explainer)
    assert "<p>Fine</p>" in html
    assert "alert" not in html and "onerror" not in html


def test_templates_never_use_safe_filter():
    """No template marks anything safe: stored HTML is marked safe once, in views.stored_html."""
    templates = Path(settings.BASE_DIR, "templates")
    offenders = [p for p in templates.rglob("*.html") if "|safe" in p.read_text()]
    assert offenders == []


# --- Status codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/explainers/never-heard-of-it/", "/no/such/page/"])
def test_unknown_addresses_are_404_with_custom_page(client, path):
    """Unknown addresses answer 404 with the site's own page."""
    response = client.get(path)
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_never_published_explainer_is_404(client):
    """A draft's address is 404 to readers."""
    explainer = factories.complete_explainer()
    assert client.get(explainer.get_absolute_url()).status_code == 404


def test_scheduled_explainer_is_404_until_it_goes_live(client):
    """A version scheduled for tomorrow is 404 today and 200 tomorrow (no worker)."""
    explainer = factories.complete_explainer()
    publish(explainer, go_live_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(explainer.get_absolute_url()).status_code == 404
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)):
        assert client.get(explainer.get_absolute_url()).status_code == 200


def test_withdrawn_explainer_is_410_with_notice(client):
    """An explainer taken down after publication answers 410 with a short notice."""
    explainer = live_explainer(title="Taken down title")
    publishing.withdraw(explainer)
    response = client.get(explainer.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "no longer available" in html
    assert "Taken down title" not in html


def test_expired_explainer_is_410(client):
    """A version past its end time answers 410."""
    explainer = factories.complete_explainer()
    publish(explainer, expires_at=timezone.now() + datetime.timedelta(hours=1))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert client.get(explainer.get_absolute_url()).status_code == 410


def test_cancelled_schedule_leaves_a_404_not_a_410(client):
    """A slug that was only ever scheduled, then withdrawn, was never public: 404."""
    explainer = factories.complete_explainer()
    publish(explainer, go_live_at=timezone.now() + datetime.timedelta(days=1))
    publishing.withdraw(explainer)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert client.get(explainer.get_absolute_url()).status_code == 404


def test_changed_slug_redirects_permanently(client):
    """After a slug change is published, the old address redirects (301) to the new one."""
    explainer = live_explainer(slug="old-name")
    Explainer.objects.filter(pk=explainer.pk).update(slug="new-name")
    explainer.refresh_from_db()
    publish(explainer)
    response = client.get("/explainers/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/explainers/new-name/"
    assert client.get("/explainers/new-name/").status_code == 200


def test_unpublished_slug_change_does_not_redirect(client):
    """Renaming the working copy without publishing leaves the live address alone."""
    explainer = live_explainer(slug="stays")
    Explainer.objects.filter(pk=explainer.pk).update(slug="draft-rename")
    assert client.get("/explainers/stays/").status_code == 200
    assert client.get("/explainers/draft-rename/").status_code == 404


def test_500_page_renders_without_a_request():
    """The 500 page renders with no context (the way Django's handler renders it)."""
    html = render_to_string("500.html")
    assert "Something went wrong" in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_public_pages_refuse_unsafe_methods(client, method):
    """Public pages answer GET and HEAD only."""
    explainer = live_explainer()
    assert getattr(client, method)(explainer.get_absolute_url()).status_code == 405


# --- Lists -----------------------------------------------------------------------------------


def test_home_lists_live_explainers_topics_and_dates_to_watch(client):
    """Home shows the latest live explainers, their topics, and upcoming dates."""
    explainer = factories.complete_explainer(title="Home page story")
    factories.TimelineEventFactory(
        explainer=explainer,
        kind="upcoming",
        date=timezone.localdate() + datetime.timedelta(days=3),
        text="Committee hearing",
    )
    publish(explainer)
    html = client.get("/").content.decode()
    assert "Home page story" in html
    assert '<a class="tag" href="/topics/science/">Science</a>' in html
    assert "Committee hearing" in html


def test_topic_page_lists_its_explainers_only(client):
    """A topic page lists the live explainers filed under it, and no others."""
    other = factories.TopicFactory(name="Other", slug="other")
    live_explainer(title="Science story")
    live_explainer(title="Other story", topics=[other])
    html = client.get("/topics/science/").content.decode()
    assert "Science story" in html
    assert "Other story" not in html


def test_topic_without_live_explainers_is_404(client):
    """A topic used only by drafts has no public page."""
    factories.complete_explainer()
    assert client.get("/topics/science/").status_code == 404


def test_topic_with_only_a_scheduled_explainer_is_404(client):
    """A topic whose one explainer goes live tomorrow has no public page yet."""
    topic = factories.TopicFactory(name="Tolls", slug="tolls")
    explainer = factories.complete_explainer(title="Toll rises")
    explainer.topics.set([topic])
    publish(explainer, go_live_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get("/topics/tolls/").status_code == 404


def test_stakeholder_page_lists_explainers_featuring_them(client):
    """A stakeholder page lists every live explainer with their viewpoint."""
    stakeholder = factories.StakeholderFactory(name="Port Authority", slug="port-authority")
    explainer = factories.ExplainerFactory(title="Harbour dredging")
    factories.ViewpointFactory(explainer=explainer, stakeholder=stakeholder)
    publish(explainer)
    response = client.get("/stakeholders/port-authority/")
    assert response.status_code == 200
    assert "Harbour dredging" in response.content.decode()


def test_stakeholder_of_unknown_kind_shows_no_kind(client):
    """A stakeholder whose kind is not yet set gets no kind label on its page."""
    stakeholder = factories.StakeholderFactory(slug="port", kind="unknown")
    explainer = factories.ExplainerFactory()
    factories.ViewpointFactory(explainer=explainer, stakeholder=stakeholder)
    publish(explainer)
    html = client.get("/stakeholders/port/").content.decode()
    assert "kicker-label" not in html
    assert "Not yet set" not in html


def test_viewpoint_of_unknown_kind_shows_no_kind(client):
    """On the explainer page, a viewpoint whose stakeholder's kind is not set has no label."""
    explainer = factories.complete_explainer()
    explainer.viewpoints.update(stakeholder=factories.StakeholderFactory(kind="unknown"))
    publish(explainer)
    html = page(client, explainer)
    assert "viewpoint-kind" not in html
    assert "Unknown" not in html


def test_viewpoint_of_known_kind_shows_it(client):
    """A stakeholder whose kind is set shows it beside their viewpoint."""
    explainer = factories.complete_explainer()
    explainer.viewpoints.update(stakeholder=factories.StakeholderFactory(kind="person"))
    publish(explainer)
    assert '<p class="viewpoint-kind">Person</p>' in page(client, explainer)


def test_stakeholder_only_in_drafts_is_404(client):
    """A stakeholder featured only in unpublished work has no public page."""
    stakeholder = factories.StakeholderFactory(slug="secret-source")
    factories.ViewpointFactory(stakeholder=stakeholder)
    assert client.get("/stakeholders/secret-source/").status_code == 404


def test_author_page_lists_their_live_explainers(client):
    """/authors/<public slug>/ lists the explainers with that byline."""
    author = factories.UserFactory(username="grace", first_name="Grace", last_name="Hopper")
    live_explainer(authors=[author], title="Compilers explained")
    live_explainer(title="Someone else's")
    html = client.get("/authors/grace-hopper/").content.decode()
    assert "Grace Hopper" in html and "Compilers explained" in html
    assert "Someone else" not in html


def test_author_with_nothing_live_is_404(client):
    """A staff member with no live explainer has no public page."""
    author = factories.UserFactory(username="quiet")
    factories.complete_explainer(authors=[author])
    assert client.get("/authors/quiet/").status_code == 404


@pytest.mark.parametrize("page_param", ["abc", "999", "2", "-1", "0", "01", "1.5", "", "%00"])
@pytest.mark.parametrize(
    "url", ["/topics/science/", "/stakeholders/{stakeholder}/", "/authors/ada/"]
)
def test_bad_page_numbers_are_404(client, url, page_param):
    """A malformed or out-of-range ?page= is 404, not page 1 under another address."""
    explainer = live_explainer(
        authors=[factories.UserFactory(username="ada", first_name="Ada", last_name="")]
    )
    url = url.format(stakeholder=explainer.viewpoints.get().stakeholder.slug)
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?page=1").status_code == 200
    assert client.get(f"{url}?page={page_param}").status_code == 404


def test_topic_pages_paginate(client):
    """Topic lists are paginated, 20 a page."""
    topic = factories.TopicFactory(name="Busy", slug="busy")
    for n in range(21):
        explainer = factories.ExplainerFactory(title=f"Busy story {n:02}", topics=[topic])
        publish(explainer)
    first = client.get("/topics/busy/").content.decode()
    second = client.get("/topics/busy/?page=2").content.decode()
    assert first.count('class="card"') == 20 and "Page 1 of 2" in first
    assert second.count('class="card"') == 1
    assert '">Older</a>' in first and '">Newer</a>' in second


def test_corrections_page_lists_public_corrections_newest_first(client):
    """/corrections/ lists live versions' corrections newest first, with policy links."""
    one = factories.ExplainerFactory(title="First")
    factories.CorrectionFactory(explainer=one, dated=datetime.date(2026, 1, 5), text="Older fix.")
    two = factories.ExplainerFactory(title="Second")
    factories.CorrectionFactory(explainer=two, dated=datetime.date(2026, 2, 5), text="Newer fix.")
    publish(one)
    publish(two)
    factories.CorrectionFactory(explainer=one, text="Unpublished fix.")
    html = client.get("/corrections/").content.decode()
    assert html.index("Newer fix.") < html.index("Older fix.")
    assert "Unpublished fix." not in html
    assert reverse("articles:corrections_policy") in html
    assert reverse("articles:fact_checking_policy") in html


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("corrections_policy", "Corrections policy"),
        ("fact_checking_policy", "Fact-checking policy"),
        ("publishing_principles", "Publishing principles"),
    ],
)
def test_policy_pages_exist(client, name, title):
    """The three policy pages are served from flat pages created by a migration."""
    response = client.get(reverse(f"articles:{name}"))
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()


# --- Query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 50])
def test_explainer_page_is_one_query_whatever_its_size(client, django_assert_num_queries, n):
    """The explainer page costs one query with 1 or 50 facts, sources, stakeholders, events."""
    explainer = factories.ExplainerFactory()
    grow(explainer, n)
    publish(explainer)
    with django_assert_num_queries(1):
        assert client.get(explainer.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_explainer_page_with_up_next_is_two_queries_whatever_the_links(
    client, django_assert_num_queries, n
):
    """With "Up next" links the page costs one more query, for the targets live now (the
    section follows them as they are withdrawn, expire or change title), whatever their number.
    """
    explainer = factories.ExplainerFactory()
    for position in range(n):
        target = live_explainer(title=f"Neighbour {position}")
        RelatedLink.objects.create(explainer=explainer, target=target, position=position)
    publish(explainer)
    with django_assert_num_queries(2):
        html = client.get(explainer.get_absolute_url()).content.decode()
    assert f"Neighbour {n - 1}" in html


LIST_URLS = [
    "/",
    "/topics/science/",
    "/stakeholders/{stakeholder}/",
    "/authors/{author}/",
    "/search/?q=explainer",
    "/watch/",
    "/watch.ics",
    "/corrections/",
    "/feeds/latest.rss",
    "/feeds/latest.atom",
    "/topics/science/feed.rss",
    "/sitemap.xml",
    "/news-sitemap.xml",
]


@pytest.mark.parametrize("n", [1, 50])
def test_list_pages_cost_a_fixed_number_of_queries(client, n):
    """Every list page stays within 5 queries with 1 or 50 explainers of several items each."""
    author = factories.UserFactory(username="prolific")
    stakeholder = factories.StakeholderFactory(slug="everywhere")
    for _ in range(n):
        explainer = factories.complete_explainer(authors=[author])
        factories.ViewpointFactory(explainer=explainer, stakeholder=stakeholder, position=9)
        grow(explainer, 3)
        publish(explainer)
    counts = {}
    author_slug = AuthorProfile.objects.get(user=author).slug
    for url in LIST_URLS:
        target = url.format(stakeholder="everywhere", author=author_slug)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200, target
        counts[target] = len(queries)
    assert {url: count for url, count in counts.items() if count > 5} == {}


# --- Caching headers -------------------------------------------------------------------------


def test_explainer_page_sends_cache_headers(client, settings):
    """Anonymous pages carry ETag, Last-Modified and settings-driven Cache-Control."""
    settings.PUBLIC_CACHE_MAX_AGE, settings.PUBLIC_CACHE_S_MAXAGE = 30, 900
    response = client.get(live_explainer().get_absolute_url())
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=30", "s-maxage=900"}


def test_explainer_page_answers_if_none_match_with_304(client, django_assert_num_queries):
    """A matching If-None-Match gets 304, with one query and no body."""
    url = live_explainer().get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag and "public" in response["Cache-Control"]


def test_explainer_page_answers_if_modified_since_with_304(client):
    """A Last-Modified replayed in If-Modified-Since gets 304."""
    url = live_explainer().get_absolute_url()
    last_modified = client.get(url)["Last-Modified"]
    response = client.get(url, headers={"if-modified-since": last_modified})
    assert response.status_code == 304


def test_last_modified_moves_when_an_up_next_target_goes(client):
    """A page revalidated with If-Modified-Since alone is sent again once a target it links to
    was withdrawn: its Last-Modified is that moment, not the page's own publication."""
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        target = live_explainer(title="Soon withdrawn")
        explainer = factories.ExplainerFactory()
        RelatedLink.objects.create(explainer=explainer, target=target, position=0)
        publish(explainer)
        last_modified = client.get(explainer.get_absolute_url())["Last-Modified"]
        clock.shift(3600)
        publishing.withdraw(target)
        clock.shift(60)
        response = client.get(
            explainer.get_absolute_url(), headers={"if-modified-since": last_modified}
        )
    assert response.status_code == 200
    assert "Soon withdrawn" not in response.content.decode()
    assert response["Last-Modified"] == "Mon, 02 Mar 2026 10:00:00 GMT"


def test_new_version_changes_the_etag(client):
    """After republishing, the old ETag no longer matches: readers get the new page."""
    explainer = live_explainer()
    etag = client.get(explainer.get_absolute_url())["ETag"]
    Explainer.objects.filter(pk=explainer.pk).update(title="A newer title")
    explainer.refresh_from_db()
    publish(explainer)
    response = client.get(explainer.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "A newer title" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/topics/science/", "/watch/", "/feeds/latest.rss"])
def test_list_pages_answer_conditional_requests(client, url):
    """List pages carry a content ETag and answer If-None-Match with 304."""
    live_explainer()
    first = client.get(url)
    assert "public" in first["Cache-Control"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_list_etag_changes_when_an_explainer_is_withdrawn(client):
    """A list's validator follows its content: withdrawing an item makes the old ETag stale."""
    explainer = live_explainer()
    live_explainer()
    etag = client.get("/").headers["ETag"]
    publishing.withdraw(explainer)
    assert client.get("/", headers={"if-none-match": etag}).status_code == 200


# --- Staff preview ---------------------------------------------------------------------------


def test_preview_shows_the_working_copy_with_a_banner(client, editor):
    """A staff preview renders unpublished edits, marked "Preview — not published"."""
    explainer = live_explainer()
    Explainer.objects.filter(pk=explainer.pk).update(title="Revised, not yet published")
    client.force_login(editor)
    response = client.get(preview.preview_url(explainer))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — not published" in html
    assert "Revised, not yet published" in html


def test_preview_claims_no_publication_date(client, editor):
    """A never-published working copy's preview says it is not published, with no date."""
    client.force_login(editor)
    html = client.get(preview.preview_url(factories.complete_explainer())).content.decode()
    assert "Preview of the working copy: not published yet" in html
    assert "Published <time" not in html


def test_preview_head_claims_no_publication_date(client, editor):
    """The preview's metadata (Open Graph, JSON-LD) carries no publication date either."""
    client.force_login(editor)
    html = client.get(preview.preview_url(factories.complete_explainer())).content.decode()
    assert "article:published_time" not in html
    assert "datePublished" not in html


def test_preview_makes_no_checked_claim_with_an_unchecked_fact(client, editor):
    """While a key fact is unchecked, the preview does not say every fact was checked."""
    explainer = factories.complete_explainer()
    explainer.key_facts.filter(position=1).update(check_status="unchecked")
    client.force_login(editor)
    html = client.get(preview.preview_url(explainer)).content.decode()
    assert "Key facts" in html
    assert "Each key fact was checked" not in html


def test_preview_makes_the_checked_claim_when_every_fact_is_verified(client, editor):
    """With every key fact verified, the preview shows the checked note as the page will."""
    client.force_login(editor)
    html = client.get(preview.preview_url(factories.complete_explainer())).content.decode()
    assert "Each key fact was checked" in html


def test_preview_is_private_and_noindex(client, editor):
    """The preview is never cached by shared caches nor indexed."""
    client.force_login(editor)
    response = client.get(preview.preview_url(factories.complete_explainer()))
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_preview_does_not_publish_anything(client, editor):
    """Opening a preview stores no version: readers still get 404 for a draft."""
    explainer = factories.complete_explainer()
    client.force_login(editor)
    client.get(preview.preview_url(explainer))
    client.logout()
    assert explainer.versions.count() == 0
    assert client.get(explainer.get_absolute_url()).status_code == 404


def test_preview_asks_anonymous_readers_to_log_in(client):
    """An anonymous visitor with a valid link is sent to the login page."""
    url = preview.preview_url(factories.complete_explainer())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_preview_token_works_only_for_its_explainer(client, editor):
    """A token opens the explainer it was made for, and no other."""
    mine = factories.complete_explainer(title="Mine to preview")
    factories.complete_explainer(title="Not this one")
    client.force_login(editor)
    html = client.get(preview.preview_url(mine)).content.decode()
    assert "Mine to preview" in html and "Not this one" not in html


@pytest.mark.parametrize("mangle", [lambda t: t + "x", lambda t: "x" + t[1:], lambda t: "nonsense"])
def test_forged_preview_token_is_refused(client, editor, mangle):
    """An altered or made-up token is refused with a message."""
    client.force_login(editor)
    token = mangle(preview.make_token(factories.complete_explainer()))
    response = client.get(reverse("articles:preview", kwargs={"token": token}))
    assert response.status_code == 403
    assert "not valid" in response.content.decode()


def test_expired_preview_token_is_refused(client, editor):
    """A token older than 24 hours is refused with a message saying it expired."""
    explainer = factories.complete_explainer()
    url = preview.preview_url(explainer)
    client.force_login(editor)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, minutes=1)):
        response = client.get(url)
    assert response.status_code == 403
    assert "expired" in response.content.decode()


def test_preview_refused_to_staff_who_cannot_see_the_explainer(client, writer, other_writer):
    """A writer cannot preview another writer's explainer, even with its link."""
    explainer = factories.complete_explainer(authors=[other_writer])
    client.force_login(writer)
    assert client.get(preview.preview_url(explainer)).status_code == 403


def test_preview_allowed_to_its_author(client, writer):
    """A writer can preview their own explainer."""
    explainer = factories.complete_explainer(authors=[writer])
    client.force_login(writer)
    assert client.get(preview.preview_url(explainer)).status_code == 200


def test_preview_uses_published_kind_labels_for_timeline(client, editor):
    """The preview renders through the publish-time templates (same timeline markup)."""
    explainer = factories.complete_explainer()
    TimelineEvent.objects.filter(explainer=explainer).update(text="Previewed event")
    client.force_login(editor)
    html = client.get(preview.preview_url(explainer)).content.decode()
    assert '<ol class="timeline-list timeline-past">' in html and "Previewed event" in html


@pytest.mark.parametrize("address", ["", "corrections@example.org"])
def test_readers_are_told_where_to_report_an_error(client, settings, address):
    """With NEWSROOM_CORRECTIONS_EMAIL set, every public page's footer and the corrections
    page give the address; without it, none shows an empty one."""
    settings.NEWSROOM_CORRECTIONS_EMAIL = address
    explainer = live_explainer(topics=[factories.TopicFactory(name="Rivers", slug="rivers")])
    paths = ["/", explainer.get_absolute_url(), "/topics/rivers/", reverse("articles:corrections")]
    for path in paths:
        html = client.get(path).content.decode()
        assert ("mailto:corrections@example.org" in html) == bool(address), path
        assert 'mailto:"' not in html
