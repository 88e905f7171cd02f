"""The site's icon, /favicon.ico and the web app manifest (articles/site/icons.py, endpoints)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image, ImageChops

from articles.site import icons

ICONS = Path(settings.BASE_DIR) / "static" / "icons"


@pytest.mark.parametrize("size", icons.PNG_SIZES)
def test_committed_png_icons_are_what_the_module_draws(size):
    """static/icons/icon-<size>.png is the drawing at that size (run make_icons after a change)."""
    committed = Image.open(ICONS / f"icon-{size}.png").convert("RGBA")
    assert committed.size == (size, size)
    assert ImageChops.difference(committed, icons.draw(size)).getbbox() is None


def test_committed_svg_and_ico_are_what_the_module_draws():
    """The SVG matches the shapes, and the ICO holds the 16, 32 and 48 pixel sizes."""
    assert (ICONS / "icon.svg").read_text(encoding="utf-8") == icons.svg()
    favicon = Image.open(ICONS / "favicon.ico")
    assert favicon.format == "ICO"
    assert set(favicon.info["sizes"]) == set(icons.ICO_SIZES)


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_static_icon(client):
    """/favicon.ico answers 301 to the static ICO, which the static files finders know."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/icons/favicon.ico"
    assert "public" in response["Cache-Control"]
    assert finders.find("icons/favicon.ico")


@pytest.mark.django_db
def test_manifest_is_served_with_its_content_type(client, settings):
    """/manifest.webmanifest: name, short name, start URL, display, colours and both icons."""
    settings.NEWSROOM_NAME = "The Daily Explainer"
    settings.NEWSROOM_SHORT_NAME = "Explainer"
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "The Daily Explainer"
    assert manifest["short_name"] == "Explainer"
    assert manifest["start_url"] == "/"
    assert manifest["display"] in {"standalone", "minimal-ui", "browser", "fullscreen"}
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    pngs = {icon["sizes"]: icon["src"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert pngs == {
        "192x192": "/static/icons/icon-192.png",
        "512x512": "/static/icons/icon-512.png",
    }
    for src in pngs.values():
        assert finders.find(src.removeprefix(settings.STATIC_URL)), src


@pytest.mark.django_db
def test_every_page_links_the_icons_and_manifest(client):
    """The chrome links the ICO, the SVG icon, the touch icon and the manifest."""
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/icons/favicon.ico" sizes="48x48">' in html
    assert '<link rel="icon" href="/static/icons/icon.svg" type="image/svg+xml">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
