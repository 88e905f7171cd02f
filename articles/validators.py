"""Hero image uploads: accept real photos only, judged by their bytes.

The file name and the browser's content type are chosen by whoever uploads, so neither is
trusted. The checks run cheapest first: size, then a look at the first bytes for markup (SVG
or HTML renamed ``.png``), then Pillow reads the header (dimensions, format) without decoding
pixels, so a decompression bomb (a few KB declaring 60000×60000) is refused before it can eat
memory. Only then does Django's ImageField run Pillow's ``verify()``.
"""

from __future__ import annotations

import warnings
from pathlib import PurePath
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

# Pillow format name -> the extension the stored file gets, whatever the upload was called.
ALLOWED_FORMATS: dict[str, str] = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


# Pillow refuses (DecompressionBombError) anything over twice this in Image.open(), and warns
# above it; every Pillow call in the process (thumbnails too) gets the same ceiling.
Image.MAX_IMAGE_PIXELS = settings.HERO_IMAGE_MAX_PIXELS


def _rewind(file: IO[bytes]) -> None:
    if hasattr(file, "seek"):
        file.seek(0)


def _looks_like_markup(head: bytes) -> bool:
    """Return True for SVG, XML or HTML: no image format we accept starts with "<"."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n\x00").startswith(b"<")


def validate_hero_image(file: IO[bytes]) -> str:
    """Check an uploaded hero image by content; return its format's extension.

    Raises ``ValidationError`` with a message an editor can act on.
    """
    max_bytes: int = settings.HERO_IMAGE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This image is %(size)s; the limit is %(limit)s. Export it smaller and try again.",
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    _rewind(file)
    head = file.read(512)
    _rewind(file)
    if _looks_like_markup(head):
        raise ValidationError(
            "This file is SVG or HTML markup, not a photo. Upload a JPEG, PNG or WebP image.",
            code="markup_not_image",
        )

    try:
        # Turn Pillow's "possible bomb" warning (between 1× and 2× the ceiling) into an error.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=list(ALLOWED_FORMATS)) as image:
                width, height = image.size
                image_format = image.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a JPEG, PNG or WebP image (checked by its content, not its name).",
            code="not_an_image",
        ) from None
    finally:
        _rewind(file)

    if width * height > settings.HERO_IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    if image_format not in ALLOWED_FORMATS:  # pragma: no cover - Image.open(formats=) filters
        raise ValidationError("Upload a JPEG, PNG or WebP image.", code="not_an_image")
    return ALLOWED_FORMATS[image_format]


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = settings.HERO_IMAGE_MAX_PIXELS / 1_000_000
    declared = f" It declares {width}×{height} pixels." if width and height else ""
    return ValidationError(
        "This image is too large in pixels to process safely (the limit is %(limit)g "
        "megapixels).%(declared)s Resize it and try again.",
        code="too_many_pixels",
        params={"limit": limit, "declared": declared},
    )


class HeroImageFormField(forms.ImageField):
    """An ImageField that runs ``validate_hero_image`` before Pillow decodes anything.

    It also renames the upload so that its extension matches its real format: a GIF named
    ``photo.png`` would otherwise be stored and served as PNG.
    """

    def to_python(self, data: Any) -> Any:
        if data in self.empty_values:
            return super().to_python(data)
        extension = validate_hero_image(data)
        name = PurePath(getattr(data, "name", "") or "hero").stem or "hero"
        data.name = f"{name[:80]}.{extension}"
        return super().to_python(data)
