"""Image renditions for published pages, made with django-imagekit when a version is rendered.

A version's page is rendered once, at publish time (and for the staff preview), so that is
when its renditions are made: each size of the hero and of every figure in AVIF (where this
Pillow can write it), WebP and a JPEG or PNG fallback, and the 1200×630 share image. Each
rendition's file name is imagekit's hash of the source's name and of what is done to it, and
imagekit makes a file only when the storage does not hold one by that name yet: publishing
again, or previewing then publishing, reuses the files. Serving a page never touches an image.

Crops keep the editor's focal point: pilkit's ``ResizeToFill`` anchors the crop at the same
fraction of the image (a point 30% across stays 30% across the crop), so the point is always
inside it, as CSS ``object-position`` would place it.

Pages without a hero share the site's card (``site_image()``), a static file at least 1200 px
wide, as Google's article guidance asks; other pages can use the same function.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from imagekit.cachefiles import ImageCacheFile
from imagekit.specs import ImageSpec
from PIL import Image, features
from pilkit.processors import ResizeToFill, Transpose

from articles.publishing.jsonld import lasting_static_url

logger = logging.getLogger(__name__)

# Widths offered in each srcset, no wider than the source (an image is never enlarged on a page).
HERO_WIDTHS = (480, 800, 1200, 1600)
FIGURE_WIDTHS = (480, 800, 1200)
# The hero is shown cropped to 16:9 around its focal point; figures keep their own shape.
HERO_RATIO = 16 / 9
SHARE_SIZE = (1200, 630)
# The width each image takes on the page, for the browser to choose from the srcset
# (static/css/site.css: the explainer's column is 38rem, and the hero spans 56rem at 64rem+).
HERO_SIZES = "(min-width: 64rem) 56rem, (min-width: 40rem) 38rem, calc(100vw - 2rem)"
FIGURE_SIZES = "(min-width: 40rem) 38rem, calc(100vw - 2rem)"

# What each output format is saved with (Pillow's save() options).
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    # speed 10: AVIF is slow to encode, and a publish waits for it; still far smaller than JPEG.
    "AVIF": {"quality": 60, "speed": 10},
    "WEBP": {"quality": 80},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
}
MIME_TYPES = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png"}

ORIENTATION_TAG = 0x0112

# The size of the share card (settings.NEWSROOM_SHARE_IMAGE, static/img/share-card.jpg).
SITE_IMAGE_SIZE = (1200, 630)


def modern_formats() -> list[str]:
    """Return the formats offered before the fallback, best first (AVIF only if Pillow has it)."""
    return (["AVIF"] if features.check("avif") else []) + ["WEBP"]


class Rendition(ImageSpec):
    """One size of one image in one format, cropped to ``width``×``height`` at ``focal``."""

    def __init__(
        self, source: File, *, width: int, height: int, focal: tuple[float, float], fmt: str
    ) -> None:
        # imagekit hashes these attributes into the file name: a new focal point or size is a
        # new file, never a stale one.
        self.processors = [Transpose(), ResizeToFill(width, height, anchor=focal)]
        self.format = fmt
        self.options = SAVE_OPTIONS[fmt]
        super().__init__(source=source)


def source_name(image: dict[str, Any] | None) -> str:
    """Return the storage name of a snapshot's hero or figure ("" if it has none).

    Versions frozen before renditions existed carry only the file's URL; on the default
    file storage that is MEDIA_URL followed by the name.
    """
    if not image:
        return ""
    url = str(image.get("url") or "")
    if image.get("name"):
        return str(image["name"])
    return url.removeprefix(settings.MEDIA_URL) if url.startswith(settings.MEDIA_URL) else ""


def has_source(image: dict[str, Any] | None) -> bool:
    """Return True if ``image`` names a file the storage holds.

    A file lost from the storage does not stop a publication: the page goes out without that
    image, and the log says which file was missing.
    """
    name = source_name(image)
    if name and not default_storage.exists(name):
        logger.warning("Image %s is missing from the storage; the page is shown without it.", name)
        return False
    return bool(name)


def _open_source(name: str) -> File:
    # Named by its storage name (not a local path), so that imagekit's file names do not depend
    # on MEDIA_ROOT and the same source gives the same names on every server.
    file: IO[bytes] = default_storage.open(name, "rb")
    return File(file, name=name)


def _make(source: File, width: int, height: int, focal: tuple[float, float], fmt: str) -> str:
    """Make (or find) one rendition; return its storage name."""
    cached = ImageCacheFile(Rendition(source, width=width, height=height, focal=focal, fmt=fmt))
    cached.generate()
    return cached.name


def _focal(image: dict[str, Any]) -> tuple[float, float]:
    x, y = image.get("focal") or (50, 50)
    return (min(max(x, 0), 100) / 100, min(max(y, 0), 100) / 100)


def _source_info(source: File) -> tuple[int, int, str]:
    with Image.open(source) as opened:
        width, height = opened.size
        source_format = opened.format or "JPEG"
        # A photo stored sideways with an EXIF orientation is turned upright (``Transpose``).
        if opened.getexif().get(ORIENTATION_TAG) in (5, 6, 7, 8):
            width, height = height, width
    source.seek(0)
    return width, height, source_format


def offered_widths(full_width: int, widths: tuple[int, ...]) -> list[int]:
    """Return the widths of ``widths`` below ``full_width``, then the widest one allowed."""
    widest = min(full_width, widths[-1])
    return [w for w in widths if w < widest] + [widest]


def picture(
    image: dict[str, Any], *, widths: tuple[int, ...], ratio: float | None, sizes: str
) -> dict[str, Any]:
    """Return what a ``<picture>`` of ``image`` (a snapshot's hero or figure) needs.

    ``ratio`` (width / height) crops to that shape around the focal point; None keeps the
    image's own. The fallback is PNG for a PNG source (a chart stays crisp), JPEG otherwise.
    """
    source = _open_source(source_name(image))
    try:
        source_width, source_height, source_format = _source_info(source)
        ratio = ratio or source_width / source_height
        # The largest crop of that shape the source holds, and the offered widths within it.
        full_width = min(source_width, round(source_height * ratio))
        chosen = offered_widths(full_width, widths)
        focal = _focal(image)
        fallback = "PNG" if source_format == "PNG" else "JPEG"
        sizes_by_format: dict[str, list[tuple[str, int]]] = {}
        for fmt in [*modern_formats(), fallback]:
            sizes_by_format[fmt] = [
                (_make(source, w, round(w / ratio), focal, fmt), w) for w in chosen
            ]
    finally:
        source.close()

    def srcset(fmt: str) -> str:
        return ", ".join(f"{default_storage.url(n)} {w}w" for n, w in sizes_by_format[fmt])

    default_width = chosen[min(1, len(chosen) - 1)]
    default_name = dict((w, n) for n, w in sizes_by_format[fallback])[default_width]
    return {
        "sources": [{"type": MIME_TYPES[f], "srcset": srcset(f)} for f in modern_formats()],
        "src": default_storage.url(default_name),
        "srcset": srcset(fallback),
        "sizes": sizes,
        "width": default_width,
        "height": round(default_width / ratio),
        "largest": default_storage.url(sizes_by_format[fallback][-1][0]),
        "alt": image.get("alt", ""),
        "credit": image.get("credit", ""),
        "caption": image.get("caption", ""),
    }


def hero_picture(hero: dict[str, Any]) -> dict[str, Any]:
    return picture(hero, widths=HERO_WIDTHS, ratio=HERO_RATIO, sizes=HERO_SIZES)


def figure_picture(figure: dict[str, Any]) -> dict[str, Any]:
    return picture(figure, widths=FIGURE_WIDTHS, ratio=None, sizes=FIGURE_SIZES)


def absolute(url: str) -> str:
    """Return ``url`` on the site's public address unless it is absolute already (S3, a CDN)."""
    return url if url.startswith(("http://", "https://")) else settings.NEWSROOM_BASE_URL + url


def share_image(hero: dict[str, Any] | None) -> dict[str, Any]:
    """Return the image a version is shared with: its hero's 1200×630 crop, or the site card.

    The hero's crop carries its byte length and type, which a feed enclosure needs.
    """
    if not hero:
        return site_image()
    width, height = SHARE_SIZE
    source = _open_source(source_name(hero))
    try:
        name = _make(source, width, height, _focal(hero), "JPEG")
    finally:
        source.close()
    return {
        "url": absolute(default_storage.url(name)),
        "width": width,
        "height": height,
        "type": MIME_TYPES["JPEG"],
        "length": default_storage.size(name),
        "alt": hero.get("alt", ""),
    }


def site_image() -> dict[str, Any]:
    """Return the site's own share card (og:image and JSON-LD ``image`` of pages without one)."""
    width, height = SITE_IMAGE_SIZE
    return {
        "url": lasting_static_url(settings.NEWSROOM_SHARE_IMAGE),
        "width": width,
        "height": height,
        "type": MIME_TYPES["JPEG"],
        "alt": "",
    }
