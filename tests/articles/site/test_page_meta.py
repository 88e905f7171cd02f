"""Every site page has its metadata: description, canonical link and Open Graph
(``includes/page_meta.html``)."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.staticfiles import finders
from PIL import Image

from tests import factories
from tests.articles.publicsite import live_explainer, publish

pytestmark = pytest.mark.django_db

OPEN_GRAPH = ("og:type", "og:site_name", "og:title", "og:description", "og:url", "og:image")


def head_tags(html: str) -> dict[str, list[str]]:
    """Return {property or name: [content, …]} of the page's <meta> tags, and "canonical"."""
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html):
        found.setdefault(key, []).append(html_module.unescape(value))
    found["canonical"] = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    return found


@pytest.fixture
def site(db):
    """One live explainer, on a topic, with a stakeholder and a byline."""
    author = factories.UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    explainer = live_explainer(authors=[author])
    return {"stakeholder": explainer.viewpoints.get().stakeholder}


SITE_PAGES = {
    "/": "The Newsroom",
    "/topics/science/": "Science",
    "/stakeholders/{stakeholder}/": "{stakeholder_name}",
    "/authors/ada-lovelace/": "Ada Lovelace",
    "/watch/": "What to watch",
    "/corrections/": "Corrections",
    "/about/corrections-policy/": "Corrections policy",
    "/about/fact-checking-policy/": "Fact-checking policy",
    "/about/publishing-principles/": "Publishing principles",
}


@pytest.mark.parametrize("path,title", SITE_PAGES.items())
def test_site_page_has_canonical_and_open_graph(client, site, settings, path, title):
    """Each site page links its canonical address and carries the Open Graph set."""
    settings.NEWSROOM_NAME = "The Newsroom"
    stakeholder = site["stakeholder"]
    path = path.format(stakeholder=stakeholder.slug)
    title = title.format(stakeholder_name=stakeholder.name)
    response = client.get(path)
    assert response.status_code == 200
    tags = head_tags(response.content.decode())
    canonical = settings.NEWSROOM_BASE_URL + path
    assert tags["canonical"] == [canonical]
    assert all(len(tags.get(name, [])) == 1 for name in OPEN_GRAPH), tags
    assert tags["og:url"] == [canonical]
    assert tags["og:title"] == [title]
    assert tags["og:site_name"] == ["The Newsroom"]
    assert tags["og:type"] == ["website"]
    assert tags["og:description"][0] and tags["og:description"] == tags["description"]


def test_share_image_is_an_absolute_address_of_a_real_file(client, site):
    """og:image is absolute, on the public address, and names a static file that exists."""
    image = head_tags(client.get("/watch/").content.decode())["og:image"][0]
    static_prefix = settings.NEWSROOM_BASE_URL + settings.STATIC_URL
    assert image.startswith(static_prefix)
    assert finders.find(image.removeprefix(static_prefix))


def test_second_page_of_a_list_is_its_own_canonical(client):
    """Past the first page, the canonical address keeps ?page=; the first page has none."""
    topic = factories.TopicFactory(name="Busy", slug="busy")
    for n in range(21):
        publish(factories.ExplainerFactory(title=f"Busy story {n:02}", topics=[topic]))
    base = settings.NEWSROOM_BASE_URL
    assert head_tags(client.get("/topics/busy/?page=2").content.decode())["canonical"] == [
        f"{base}/topics/busy/?page=2"
    ]
    assert head_tags(client.get("/topics/busy/?page=1").content.decode())["canonical"] == [
        f"{base}/topics/busy/"
    ]


def test_descriptions_without_text_of_their_own_read_sensibly(client, site):
    """A topic without a description gets one naming it; a description is escaped."""
    topic = factories.TopicFactory(name="Tides & moons", slug="tides", description="")
    live_explainer(topics=[topic], slug="on-tides")
    tags = head_tags(client.get("/topics/tides/").content.decode())
    assert tags["description"] == [f"Explainers about Tides & moons from {settings.NEWSROOM_NAME}."]
    topic.description = 'Say "high" <script>tide</script>'
    topic.save()
    page = client.get("/topics/tides/").content.decode()
    assert '<meta name="description" content="Say &quot;high&quot; &lt;script&gt;' in page


def test_policy_page_description_is_its_text_escaped(client):
    """A policy page's description is its opening text, tags dropped and quotes escaped."""
    page = FlatPage.objects.get(url="/about/corrections-policy/")
    page.content = '<p>We fix <b>errors</b> "openly" &amp; fast.</p><script>x()</script><p>Always.'
    page.save()
    html = client.get("/about/corrections-policy/").content.decode()
    assert (
        '<meta name="description" content="We fix errors &quot;openly&quot; &amp; fast. Always.">'
        in html
    )


@pytest.mark.parametrize("path", ["/search/?q=tide", "/explainers/never-was/"])
def test_search_and_error_pages_claim_no_canonical_address(client, site, path):
    """Search results and error pages are not pages to index: no canonical, no og:url."""
    tags = head_tags(client.get(path).content.decode())
    assert tags["canonical"] == [] and "og:url" not in tags


def test_the_logo_is_a_png_of_at_least_112_pixels():
    """The logo in JSON-LD is a PNG large enough for search engines (112 px minimum)."""
    with Image.open(finders.find(settings.NEWSROOM_LOGO)) as logo:
        assert logo.format == "PNG"
        assert min(logo.size) >= 112
