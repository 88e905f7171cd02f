"""Sitemaps, the Google News sitemap and robots.txt, parsed as XML."""

# ruff: noqa: S314 - parses our own responses in tests, not untrusted XML
from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils import timezone

from articles.publishing import freeze as publishing
from tests import factories
from tests.articles.publicsite import (
    live_explainer,
    publish,
)

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SM}loc")]


def test_sitemap_lists_explainers_topics_and_stakeholders(client):
    """sitemap.xml lists live explainers, their topics and their stakeholders."""
    explainer = live_explainer()
    stakeholder = explainer.viewpoints.get().stakeholder
    base = settings.NEWSROOM_BASE_URL
    urls = locations(client, "/sitemap.xml")
    assert base + explainer.get_absolute_url() in urls
    assert f"{base}/topics/science/" in urls
    assert base + stakeholder.get_absolute_url() in urls


def test_sitemap_leaves_out_unpublished_and_withdrawn(client):
    """Drafts, withdrawn explainers and their unpublished stakeholders are left out."""
    draft = factories.complete_explainer()
    withdrawn = live_explainer()
    publishing.withdraw(withdrawn)
    urls = " ".join(locations(client, "/sitemap.xml"))
    assert draft.slug not in urls and withdrawn.slug not in urls
    assert draft.viewpoints.get().stakeholder.slug not in urls
    assert "/topics/science/" not in urls


def lastmods(client) -> dict[str, str]:
    """Return {location: lastmod} of sitemap.xml."""
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root}


def test_sitemap_lastmod_is_the_live_version_time(client):
    """An explainer's lastmod is the moment its live version went live, to the second."""
    explainer = factories.complete_explainer()
    went_live = timezone.now() - datetime.timedelta(days=10)
    publish(explainer, go_live_at=went_live)
    lastmod = lastmods(client)[settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()]
    assert lastmod == timezone.localtime(went_live).isoformat(timespec="seconds")


def test_sitemap_lists_home_watch_and_author_pages(client):
    """Home, watch and each live byline's author page are in the sitemap; a byline on a draft
    only is not."""
    writer = factories.UserFactory(username="ada", first_name="Ada", last_name="")
    factories.complete_explainer(authors=[factories.UserFactory(username="drafty")])
    live_explainer(authors=[writer])
    base = settings.NEWSROOM_BASE_URL
    urls = lastmods(client)
    assert {f"{base}/", f"{base}/watch/", f"{base}/authors/ada/"} <= set(urls)
    assert f"{base}/authors/drafty/" not in urls


def test_every_sitemap_lastmod_is_a_full_moment(client):
    """Every URL carries a lastmod with date, time and offset."""
    live_explainer(authors=[factories.UserFactory(username="ada", first_name="Ada", last_name="")])
    urls = lastmods(client)
    assert len(urls) == 6  # home, watch, the explainer, its topic, stakeholder and author
    for location, lastmod in urls.items():
        moment = datetime.datetime.fromisoformat(lastmod)
        assert "T" in lastmod and moment.tzinfo is not None, location


def test_list_pages_lastmod_is_their_newest_live_explainer(client):
    """A topic's and an author's lastmod is the newest go-live on their list; home's is the
    newest of all."""
    ada = factories.UserFactory(username="ada", first_name="Ada", last_name="")
    older = factories.complete_explainer(authors=[ada])
    publish(older, go_live_at=timezone.now() - datetime.timedelta(days=5))
    other = factories.TopicFactory(name="Other", slug="other")
    newer = live_explainer(topics=[other])
    base = settings.NEWSROOM_BASE_URL
    urls = lastmods(client)
    older_at, newer_at = (urls[base + e.get_absolute_url()] for e in (older, newer))
    assert urls[f"{base}/authors/ada/"] == urls[f"{base}/topics/science/"] == older_at
    assert urls[f"{base}/topics/other/"] == urls[f"{base}/"] == newer_at
    assert newer_at > older_at


def test_sitemap_has_no_date_validator(client):
    """The sitemap is validated by its content only: a withdrawal removes URLs without a
    newer lastmod."""
    live_explainer()
    response = client.get("/sitemap.xml")
    assert "Last-Modified" not in response.headers
    assert response.headers["ETag"]


def news_urls(client) -> list[ET.Element]:
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{SM}url")


def test_news_sitemap_has_google_news_tags(client):
    """Each URL has news:publication (name, language), publication_date and title."""
    explainer = live_explainer(title="News story")
    (url,) = news_urls(client)
    assert url.findtext(f"{SM}loc") == settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == settings.NEWSROOM_NAME
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == settings.NEWSROOM_LANGUAGE
    assert news.findtext(f"{NEWS}title") == "News story"
    published = datetime.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published == explainer.versions.get().first_published_at.replace(microsecond=0)


def test_news_sitemap_declares_the_news_namespace(client):
    """The news sitemap declares the Google News namespace."""
    live_explainer()
    assert (
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        in client.get("/news-sitemap.xml").content
    )


@pytest.mark.parametrize(
    ("age", "listed"),
    [
        (datetime.timedelta(hours=1), True),
        (datetime.timedelta(days=1, hours=23), True),
        (datetime.timedelta(days=2, hours=1), False),
        (datetime.timedelta(days=30), False),
    ],
)
def test_news_sitemap_keeps_a_two_day_window(client, age, listed):
    """Only explainers first published in the last two days are listed."""
    explainer = factories.complete_explainer()
    publish(explainer, go_live_at=timezone.now() - age)
    assert (len(news_urls(client)) == 1) is listed


def test_news_sitemap_ignores_republished_old_explainers(client):
    """Republishing an old explainer does not bring it back into the news sitemap."""
    explainer = factories.complete_explainer()
    publish(explainer, go_live_at=timezone.now() - datetime.timedelta(days=5))
    publish(explainer)
    assert news_urls(client) == []


def test_robots_txt_points_at_both_sitemaps(client):
    """robots.txt names both sitemaps and keeps crawlers out of the desk and previews."""
    response = client.get("/robots.txt")
    body = response.content.decode()
    base = settings.NEWSROOM_BASE_URL
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {base}/sitemap.xml" in body
    assert f"Sitemap: {base}/news-sitemap.xml" in body
    assert "Disallow: /admin/" in body and "Disallow: /preview/" in body
