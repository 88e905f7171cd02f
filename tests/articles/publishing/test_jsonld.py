"""schema.org JSON-LD beyond the article itself: the home page's WebSite and organization, an
explainer's BreadcrumbList and its sources as ``citation`` (``articles/publishing/jsonld.py``)."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image

from articles.models import Source
from articles.publishing import jsonld
from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db


def json_ld_blocks(html: str) -> list[dict]:
    """Return every JSON-LD block of a page, parsed."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def of_type(blocks: list[dict], schema_type: str) -> list[dict]:
    """Return the objects of ``schema_type``, at the top of a block or in its @graph."""
    found = []
    for block in blocks:
        for item in block.get("@graph", [block]):
            if item.get("@type") == schema_type:
                found.append(item)
    return found


def local(client, url: str):
    """GET an absolute address of ours through the test client."""
    assert url.startswith(settings.NEWSROOM_BASE_URL), url
    return client.get(url.removeprefix(settings.NEWSROOM_BASE_URL))


def home_blocks(client) -> list[dict]:
    return json_ld_blocks(client.get("/").content.decode())


def test_home_has_a_website_whose_search_action_searches(client):
    """The WebSite's SearchAction URL template, filled in, is our search for those words."""
    live_explainer(title="Why tides turn")
    (site,) = of_type(home_blocks(client), "WebSite")
    assert site["url"] == settings.NEWSROOM_BASE_URL + "/"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    term = action["query-input"].removeprefix("required name=")
    template = action["target"]["urlTemplate"]
    assert "{" + term + "}" in template
    response = local(client, template.replace("{" + term + "}", "tides"))
    assert response.status_code == 200
    assert "Why tides turn" in response.content.decode()


def test_home_names_the_publisher_with_a_logo(client):
    """A NewsMediaOrganization with our name, policies and a logo (a real PNG ≥ 112 px)."""
    (organization,) = of_type(home_blocks(client), "NewsMediaOrganization")
    assert organization["name"] == settings.NEWSROOM_NAME
    logo = organization["logo"]
    assert logo["@type"] == "ImageObject"
    static_prefix = settings.NEWSROOM_BASE_URL + settings.STATIC_URL
    with Image.open(finders.find(logo["url"].removeprefix(static_prefix))) as image:
        assert image.format == "PNG" and min(image.size) >= 112
    for key in ("publishingPrinciples", "correctionsPolicy", "verificationFactCheckingPolicy"):
        assert local(client, organization[key]).status_code == 200
    (site,) = of_type(home_blocks(client), "WebSite")
    assert site["publisher"] == {"@id": organization["@id"]}


def test_explainer_publisher_has_the_logo_too(client):
    """The article's publisher is the same organization, logo included."""
    explainer = live_explainer()
    blocks = json_ld_blocks(client.get(explainer.get_absolute_url()).content.decode())
    (article,) = of_type(blocks, "BackgroundNewsArticle")
    (home_organization,) = of_type(home_blocks(client), "NewsMediaOrganization")
    assert article["publisher"] == home_organization


def test_explainer_breadcrumbs_run_home_topic_explainer(client):
    """The BreadcrumbList is Home > the first topic > the explainer, each a live address."""
    explainer = live_explainer(title="How tides work")
    blocks = json_ld_blocks(client.get(explainer.get_absolute_url()).content.decode())
    (trail,) = of_type(blocks, "BreadcrumbList")
    items = trail["itemListElement"]
    base = settings.NEWSROOM_BASE_URL
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, settings.NEWSROOM_NAME, f"{base}/"),
        (2, "Science", f"{base}/topics/science/"),
        (3, "How tides work", base + explainer.get_absolute_url()),
    ]
    assert all(local(client, item["item"]).status_code == 200 for item in items)


def test_explainer_without_a_topic_goes_straight_from_home(client):
    explainer = live_explainer(topics=[], title="Topicless")
    blocks = json_ld_blocks(client.get(explainer.get_absolute_url()).content.decode())
    (trail,) = of_type(blocks, "BreadcrumbList")
    assert [item["name"] for item in trail["itemListElement"]] == [
        settings.NEWSROOM_NAME,
        "Topicless",
    ]


def test_explainer_cites_its_sources(client):
    """Each source is a CreativeWork in ``citation``: name, link, publisher, date."""
    explainer = factories.complete_explainer()
    Source.objects.filter(explainer=explainer).update(
        citation="Tide tables 2026", publisher="Port Authority", url="https://example.org/t"
    )
    factories.SourceFactory(
        explainer=explainer, citation="A phone call", publisher="", url="", position=5
    )
    publish(explainer)
    blocks = json_ld_blocks(client.get(explainer.get_absolute_url()).content.decode())
    (article,) = of_type(blocks, "BackgroundNewsArticle")
    assert article["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Tide tables 2026",
            "url": "https://example.org/t",
            "publisher": {"@type": "Organization", "name": "Port Authority"},
        },
        {"@type": "CreativeWork", "name": "A phone call"},
    ]


def test_citation_links_only_web_addresses():
    """A source address in frozen data that is not http(s) (the database refuses one, an old
    row or an import may not have) is not linked."""
    works = jsonld.citations(
        [{"citation": "Odd", "url": "javascript:alert(1)", "publisher": "", "published_on": None}]
    )
    assert works == [{"@type": "CreativeWork", "name": "Odd"}]
