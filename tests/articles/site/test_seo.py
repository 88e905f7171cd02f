"""Metadata: JSON-LD BackgroundNewsArticle, Open Graph, Twitter, canonical, noindex, CSP hash."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Explainer
from articles.publishing import preview
from tests import factories
from tests.articles.publicsite import (
    json_ld_text,
    live_explainer,
    publish,
)

pytestmark = pytest.mark.django_db


def json_ld(client, explainer: Explainer) -> dict:
    return json.loads(json_ld_text(client.get(explainer.get_absolute_url()).content.decode()))


def to_second(moment: datetime.datetime) -> datetime.datetime:
    """Machine-readable times in pages are written to the whole second."""
    return moment.replace(microsecond=0)


def meta(html: str, attr: str, name: str) -> list[str]:
    return re.findall(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)">', html)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (40, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def explainer(db):
    author_one = factories.UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    author_two = factories.UserFactory(username="alan", first_name="Alan", last_name="Turing")
    explainer = factories.complete_explainer(
        authors=[author_one, author_two],
        title="How the tide tables work",
        dek="A short answer about tides.",
        hero_alt="Waves on a sea wall",
    )
    explainer.hero_image.save("tide.jpg", ContentFile(_jpeg()), save=True)
    factories.CorrectionFactory(
        explainer=explainer, dated=datetime.date(2026, 1, 9), text="We gave the wrong moon phase."
    )
    publish(explainer, go_live_at=timezone.now() - datetime.timedelta(days=3))
    Explainer.objects.filter(pk=explainer.pk).update(dek="A better short answer.")
    explainer.refresh_from_db()
    publish(explainer)
    return explainer


def test_json_ld_is_a_background_news_article(client, explainer):
    """The JSON-LD parses and has the explainer type, headline and description."""
    data = json_ld(client, explainer)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BackgroundNewsArticle"
    assert data["headline"] == "How the tide tables work"
    assert data["description"] == "A better short answer."


def test_json_ld_dates_are_first_publication_and_latest_version(client, explainer):
    """datePublished is the first publication; dateModified the live version's."""
    data = json_ld(client, explainer)
    first, latest = explainer.versions.order_by("number")
    assert datetime.datetime.fromisoformat(data["datePublished"]) == to_second(first.go_live_at)
    assert datetime.datetime.fromisoformat(data["dateModified"]) == to_second(latest.go_live_at)
    assert data["dateModified"] > data["datePublished"]


def test_json_ld_lists_each_author_with_a_url(client, explainer):
    """Each byline is a Person with a name and the URL of their author page."""
    authors = json_ld(client, explainer)["author"]
    base = settings.NEWSROOM_BASE_URL
    assert authors == [
        {"@type": "Person", "name": "Ada Lovelace", "url": f"{base}/authors/ada-lovelace/"},
        {"@type": "Person", "name": "Alan Turing", "url": f"{base}/authors/alan-turing/"},
    ]


def test_json_ld_publisher_points_at_policy_pages(client, explainer):
    """The publisher carries the three policy URLs, each a page that answers 200."""
    publisher = json_ld(client, explainer)["publisher"]
    assert publisher["name"] == settings.NEWSROOM_NAME
    base = settings.NEWSROOM_BASE_URL
    for key in ("publishingPrinciples", "correctionsPolicy", "verificationFactCheckingPolicy"):
        assert publisher[key].startswith(base)
        assert client.get(publisher[key].removeprefix(base)).status_code == 200


def test_json_ld_has_image_page_and_section(client, explainer):
    """image, mainEntityOfPage and articleSection are filled."""
    data = json_ld(client, explainer)
    canonical = settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()
    # The hero's 1200×630 share crop, then its widest 16:9 rendition.
    share, widest = data["image"]
    assert share == explainer.versions.live().get().image["url"]
    for url in (share, widest):
        assert url.startswith(settings.NEWSROOM_BASE_URL + "/media/renditions/heroes/")
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert data["articleSection"] == "Science"


def test_json_ld_lists_corrections_as_correction_comments(client, explainer):
    """Each public correction is a CorrectionComment with its date and text."""
    assert json_ld(client, explainer)["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "We gave the wrong moon phase.",
            "datePublished": "2026-01-09",
        }
    ]


def test_json_ld_cannot_be_broken_out_of(client):
    """Editor text holding </script> or <!-- stays inside the JSON-LD and parses back."""
    hostile = 'Title </script><script>alert(1)</script> <!-- & "quotes"'
    explainer = factories.complete_explainer(title=hostile[:200], dek="</SCRIPT>dek")
    publish(explainer)
    html = client.get(explainer.get_absolute_url()).content.decode()
    block = json_ld_text(html)
    assert "<" not in block and ">" not in block
    assert json.loads(block)["headline"] == hostile[:200]
    assert "<script>alert(1)</script>" not in html


def test_json_ld_needs_no_csp_exception(client, explainer):
    """The JSON-LD block is a data block, which CSP does not govern: script-src stays exactly
    'self' (no hash, no 'unsafe-inline'); the browser tests show Chromium reports nothing."""
    response = client.get(explainer.get_absolute_url())
    assert json.loads(json_ld_text(response.content.decode()))["@type"]
    policy = response["Content-Security-Policy"]
    assert re.search(r"script-src ([^;]*)", policy).group(1).strip() == "'self'"


def test_open_graph_tags(client, explainer):
    """og:type article, published/modified times, section and tags are present."""
    html = client.get(explainer.get_absolute_url()).content.decode()
    first, latest = explainer.versions.order_by("number")
    assert meta(html, "property", "og:type") == ["article"]
    assert meta(html, "property", "og:title") == ["How the tide tables work"]
    published = meta(html, "property", "article:published_time")[0]
    assert datetime.datetime.fromisoformat(published) == to_second(first.go_live_at)
    modified = meta(html, "property", "article:modified_time")[0]
    assert datetime.datetime.fromisoformat(modified) == to_second(latest.go_live_at)
    assert meta(html, "property", "article:section") == ["Science"]
    assert meta(html, "property", "article:tag") == ["Science"]
    assert meta(html, "property", "og:image") == [latest.image["url"]]


def test_twitter_card_canonical_and_description(client, explainer):
    """Twitter card tags, a canonical link and <meta name="description"> are present."""
    html = client.get(explainer.get_absolute_url()).content.decode()
    canonical = settings.NEWSROOM_BASE_URL + explainer.get_absolute_url()
    assert meta(html, "name", "twitter:card") == ["summary_large_image"]
    assert meta(html, "name", "twitter:title") == ["How the tide tables work"]
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert meta(html, "name", "description") == ["A better short answer."]


def test_search_page_is_noindex(client):
    """Search results are marked noindex (meta tag and header)."""
    live_explainer()
    response = client.get("/search/?q=explainer")
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_preview_page_is_noindex(client, editor):
    """The staff preview is marked noindex."""
    client.force_login(editor)
    response = client.get(preview.preview_url(factories.complete_explainer()))
    assert "noindex" in response["X-Robots-Tag"]


def test_public_pages_are_not_noindex(client, explainer):
    """Explainer pages are indexable (their one robots tag lets large image previews show)."""
    response = client.get(explainer.get_absolute_url())
    assert "X-Robots-Tag" not in response
    html = response.content.decode()
    assert meta(html, "name", "robots") == ["max-image-preview:large"]
