"""Image renditions: made at publish time, reused, cropped around the focal point, marked up."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, features

from articles.models import Explainer, Figure, PublishedVersion
from articles.publishing import images
from articles.publishing import moves as publication
from articles.publishing.freeze import live_version
from articles.workflow import moves as workflow
from tests.articles.workflow_helpers import desk_checker, desk_editor, explainer_in

pytestmark = pytest.mark.django_db
State = Explainer.State

RED = (255, 0, 0)


def _photo(size=(1000, 500), dot=None, fmt="JPEG") -> bytes:
    """A grey picture, with a red dot at ``dot`` (fractions across and down) if given."""
    image = Image.new("RGB", size, (128, 128, 128))
    if dot is not None:
        x, y = int(size[0] * dot[0]), int(size[1] * dot[1])
        ImageDraw.Draw(image).ellipse([x - 12, y - 12, x + 12, y + 12], fill=RED)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def _with_hero(explainer: Explainer, content: bytes, *, focal=(50, 50), name="hero.jpg"):
    explainer.hero_image.save(name, ContentFile(content), save=False)
    explainer.hero_alt = "A grey field with a red dot"
    explainer.hero_caption = "The dot, where the focal point is."
    explainer.hero_credit = "Photo: Test Desk"
    explainer.hero_focal_x, explainer.hero_focal_y = focal
    explainer.save()
    return explainer


def _rendition_files() -> set[str]:
    root = Path(default_storage.location) / "renditions"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _published_with_hero(**kwargs) -> PublishedVersion:
    explainer = _with_hero(explainer_in(State.DRAFT), _photo(), **kwargs)
    return _publish(explainer)


def _publish(explainer: Explainer) -> PublishedVersion:
    workflow.submit(explainer, by=desk_editor())
    workflow.approve(explainer, by=desk_checker())
    publication.publish(explainer, by=desk_editor())
    version = live_version(explainer)
    assert version is not None
    return version


def _red_centroid(image: Image.Image) -> tuple[float, float] | None:
    rgb = image.convert("RGB")
    points = [
        (x, y)
        for x in range(0, rgb.width, 2)
        for y in range(0, rgb.height, 2)
        if (p := rgb.getpixel((x, y))) and p[0] > 200 and p[1] < 80 and p[2] < 80
    ]
    if not points:
        return None
    return (
        sum(x for x, _ in points) / len(points) / rgb.width,
        sum(y for _, y in points) / len(points) / rgb.height,
    )


def test_publishing_makes_renditions_in_every_format():
    """A hero's renditions exist after publishing, in AVIF (if Pillow has it), WebP and JPEG."""
    version = _published_with_hero()
    suffixes = {Path(name).suffix for name in _rendition_files()}
    assert {".webp", ".jpg"} <= suffixes
    assert (".avif" in suffixes) == features.check("avif")
    assert version.image["width"] == 1200 and version.image["height"] == 630


def test_second_render_reuses_the_files():
    """Rendering the same version again makes no new file and rewrites none."""
    version = _published_with_hero()
    before = {name: Path(name).stat().st_mtime_ns for name in _rendition_files()}
    assert before
    from articles.publishing.freeze import render_version

    render_version(version)
    after = {name: Path(name).stat().st_mtime_ns for name in _rendition_files()}
    assert after == before


def test_serving_the_page_makes_no_rendition(client):
    """A page view reads stored HTML: deleting the renditions does not bring them back."""
    version = _published_with_hero()
    for name in _rendition_files():
        Path(name).unlink()
    response = client.get(version.explainer.get_absolute_url())
    assert response.status_code == 200
    assert _rendition_files() == set()


@pytest.mark.parametrize("focal", [(15, 20), (85, 80), (50, 50)])
def test_share_crop_keeps_the_focal_point(focal):
    """The 1200×630 crop of a tall picture keeps the red dot placed at the focal point."""
    fx, fy = focal[0] / 100, focal[1] / 100
    source = _photo(size=(900, 1400), dot=(fx, fy))
    explainer = _with_hero(explainer_in(State.DRAFT), source, focal=focal)
    data = {"name": explainer.hero_image.name, "focal": list(focal)}
    share = images.share_image(data)
    name = share["url"].split("/media/", 1)[1]
    with default_storage.open(name) as crop_file, Image.open(crop_file) as crop:
        assert crop.size == (1200, 630)
        centroid = _red_centroid(crop)
    assert centroid is not None, "the focal point was cropped away"
    # pilkit anchors the crop at the same fraction: the dot keeps its place across the crop.
    assert centroid[1] == pytest.approx(fy, abs=0.06)


def test_a_centre_crop_would_lose_that_dot():
    """The same dot near the top is outside a centred crop (so the test above can fail)."""
    source = _photo(size=(900, 1400), dot=(0.15, 0.2))
    explainer = _with_hero(explainer_in(State.DRAFT), source, focal=(50, 50))
    share = images.share_image({"name": explainer.hero_image.name, "focal": [50, 50]})
    name = share["url"].split("/media/", 1)[1]
    with default_storage.open(name) as crop_file, Image.open(crop_file) as crop:
        assert _red_centroid(crop) is None


def test_hero_markup(client):
    """The hero is a <picture> with modern sources, srcset, sizes, width and height, fetched
    first and never lazily."""
    version = _published_with_hero()
    html = client.get(version.explainer.get_absolute_url()).content.decode()
    hero = re.search(r'<figure class="hero">(.*?)</figure>', html, re.S)
    assert hero is not None
    markup = hero.group(1)
    assert '<source type="image/webp"' in markup
    assert ('<source type="image/avif"' in markup) == features.check("avif")
    img = re.search(r"<img [^>]*>", markup).group(0)
    assert 'fetchpriority="high"' in img and "loading=" not in img
    assert re.search(r'width="\d+" height="\d+"', img)
    assert 'sizes="(min-width: 64rem) 56rem' in img
    assert re.search(r'srcset="[^"]+ 480w, [^"]+ 800w, [^"]+ 889w"', img)
    assert 'alt="A grey field with a red dot"' in img
    assert "The dot, where the focal point is." in markup and "Photo: Test Desk" in markup
    # 16:9 of a 1000×500 source is at most 889×500; the default width, 800, is 450 high.
    assert 'width="800" height="450"' in img


def test_figure_markup_after_its_section(client):
    """A figure follows its section's text, lazily loaded, with caption and credit."""
    explainer = explainer_in(State.DRAFT)
    figure = Figure(
        explainer=explainer,
        section=Figure.Section.BACKGROUND,
        alt="A bar chart",
        caption="Seconds behind",
        credit="Chart: Desk",
    )
    figure.image.save("chart.png", ContentFile(_photo((640, 400), fmt="PNG")), save=False)
    figure.save()
    version = _publish(explainer)
    html = client.get(version.explainer.get_absolute_url()).content.decode()
    background = html.split('id="background"', 1)[1].split("</section>", 1)[0]
    assert '<figure class="figure">' in background
    img = re.search(r"<img [^>]*>", background).group(0)
    assert 'loading="lazy"' in img and "fetchpriority" not in img
    assert 'width="640" height="400"' in img
    assert ".png 640w" in img  # a PNG chart keeps a PNG fallback, at its own size
    assert "Seconds behind" in background and "Chart: Desk" in background


def test_page_without_hero_shares_the_site_card(client):
    """No hero: og:image and JSON-LD image are the site's card, at least 1200 px wide."""
    version = _publish(explainer_in(State.DRAFT))
    html = client.get(version.explainer.get_absolute_url()).content.decode()
    card = images.site_image()
    assert card["width"] >= 1200
    assert f'<meta property="og:image" content="{card["url"]}">' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["image"] == [card["url"]]
    assert '<meta name="robots" content="max-image-preview:large">' in html
    assert "<picture>" not in html


def test_site_card_file_is_as_large_as_it_says():
    """The static card really is the size site_image() announces."""
    from django.contrib.staticfiles import finders

    path = finders.find(settings.NEWSROOM_SHARE_IMAGE)
    assert path is not None
    with Image.open(path) as card:
        assert card.size == images.SITE_IMAGE_SIZE


def test_page_with_hero_shares_its_crop(client):
    """With a hero, og:image and JSON-LD image are the hero's 1200×630 crop."""
    version = _published_with_hero()
    html = client.get(version.explainer.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="{version.image["url"]}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["image"][0] == version.image["url"]
    assert version.image["url"].startswith("http")


def test_new_hero_on_working_copy_stays_off_the_public_page(client):
    """A hero and figure added to a published explainer's working copy reach no reader."""
    version = _publish(explainer_in(State.DRAFT))
    explainer = version.explainer
    _with_hero(explainer, _photo(), name="secret-hero.jpg")
    figure = Figure(explainer=explainer, alt="Secret chart")
    figure.image.save("secret-chart.png", ContentFile(_photo(fmt="PNG")), save=False)
    figure.save()
    html = client.get(explainer.get_absolute_url()).content.decode()
    feed = client.get("/feeds/latest.rss").content.decode()
    for text in ("secret-hero", "secret-chart", "Secret chart", "<picture>"):
        assert text not in html
        assert text not in feed
    assert _rendition_files() == set()


def test_feed_items_carry_the_hero_as_an_enclosure(client):
    """RSS and Atom items enclose the hero's share crop, with its length and type."""
    version = _published_with_hero()
    length = default_storage.size(version.image["url"].split("/media/", 1)[1])
    rss = client.get("/feeds/latest.rss").content.decode()
    assert (
        f'<enclosure length="{length}" type="image/jpeg" url="{version.image["url"]}"' in rss
        or f'<enclosure url="{version.image["url"]}" length="{length}" type="image/jpeg"' in rss
    )
    atom = client.get("/feeds/latest.atom").content.decode()
    assert 'rel="enclosure"' in atom and version.image["url"] in atom


def test_feed_item_without_hero_has_no_enclosure(client):
    """An item without a hero encloses nothing (the site card is not the item's image)."""
    _publish(explainer_in(State.DRAFT))
    assert "<enclosure" not in client.get("/feeds/latest.rss").content.decode()


def test_a_lost_source_file_does_not_stop_publication(client):
    """A hero whose file is gone from the storage: the version is published without it."""
    explainer = explainer_in(State.DRAFT, hero_alt="Lost")
    explainer.hero_image.name = "heroes/2026/01/gone.jpg"
    explainer.save()
    version = _publish(explainer)
    assert version.image == images.site_image()
    html = client.get(explainer.get_absolute_url()).content.decode()
    assert "gone.jpg" not in html and "<picture>" not in html


@pytest.mark.parametrize(
    ("full_width", "expected"),
    [
        (3000, [480, 800, 1200, 1600]),
        (1600, [480, 800, 1200, 1600]),
        (1000, [480, 800, 1000]),
        (300, [300]),
    ],
)
def test_offered_widths_never_enlarge_nor_repeat(full_width, expected):
    """A srcset offers each width once, none wider than the source's crop."""
    assert images.offered_widths(full_width, images.HERO_WIDTHS) == expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_gives_earlier_versions_their_pictures(client):
    """A version frozen before renditions (its hero named by URL only) gets its share image
    and a <picture> when the migration renders it again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    version = _published_with_hero()
    old_hero = {k: v for k, v in version.data["hero"].items() if k in ("url", "alt", "credit")}
    PublishedVersion.objects.filter(pk=version.pk).update(
        data={**version.data, "hero": old_hero}, image={}, body_html="<p>old</p>"
    )
    executor = MigrationExecutor(connection)
    this = next(
        key
        for key in executor.loader.graph.nodes
        if key[0] == "articles" and key[1].endswith("_images")
    )
    executor.migrate(executor.loader.get_migration(*this).dependencies[:1])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("articles"))
    version.refresh_from_db()
    assert version.image["width"] == 1200 and version.image["length"] > 0
    assert '<figure class="hero">' in version.body_html and "<picture>" in version.body_html
