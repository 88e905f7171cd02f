"""Hero image uploads: judged by content, capped in bytes and pixels, markup refused."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.desk.forms import ExplainerForm
from articles.validators import HeroImageFormField, validate_hero_image


def _image_bytes(fmt: str, size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """Return a tiny, well-formed PNG whose header declares ``width``×``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _codes(excinfo) -> set[str]:
    return {error.code for error in excinfo.value.error_list}


@pytest.mark.parametrize(("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_real_photos_are_accepted(fmt, extension):
    """JPEG, PNG and WebP pass and keep their own format's extension."""
    assert validate_hero_image(_upload(f"photo.{extension}", _image_bytes(fmt))) == extension


def test_stored_name_follows_content_not_upload_name():
    """A JPEG uploaded as photo.png is stored as photo.jpg."""
    field = HeroImageFormField()
    cleaned = field.clean(_upload("photo.png", _image_bytes("JPEG")))
    assert cleaned.name == "photo.jpg"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b"<script>alert(1)</script></svg>",
            "image/png",
        ),
        (
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "image/png",
        ),
        ("photo.jpg", b"\xef\xbb\xbf  <!DOCTYPE html><script>alert(1)</script>", "image/jpeg"),
        ("photo.jpg", b"\n<html><body onload=alert(1)>", "image/jpeg"),
    ],
)
def test_markup_disguised_as_image_is_refused(name, content, content_type):
    """SVG and HTML renamed as photos, with an image content type, are refused as markup."""
    with pytest.raises(ValidationError) as excinfo:
        validate_hero_image(_upload(name, content, content_type))
    assert _codes(excinfo) == {"markup_not_image"}


@pytest.mark.parametrize(
    "content",
    [
        b"GIF89a" + b"\x00" * 64,
        b"%PDF-1.7\n" + b"\x00" * 64,
        b"MZ\x90\x00" + b"\x00" * 64,
        b"\x89PNG\r\n\x1a\n" + b"garbage",
        b"",
    ],
    ids=["gif-header", "pdf", "executable", "truncated-png", "empty"],
)
def test_non_images_and_other_formats_are_refused(content):
    """Whatever the name says, content that is not JPEG/PNG/WebP is refused."""
    with pytest.raises(ValidationError) as excinfo:
        validate_hero_image(_upload("photo.png", content))
    assert _codes(excinfo) == {"not_an_image"}


def test_real_gif_is_refused():
    """A valid GIF is not a format we accept for hero images."""
    with pytest.raises(ValidationError):
        validate_hero_image(_upload("photo.png", _image_bytes("GIF")))


def test_oversized_file_is_refused_before_reading(settings):
    """A file over HERO_IMAGE_MAX_BYTES is refused with its size and the limit."""
    settings.HERO_IMAGE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        validate_hero_image(_upload("photo.jpg", _image_bytes("PNG", (400, 400)) + b"\0" * 2048))
    assert _codes(excinfo) == {"file_too_large"}
    assert "the limit is 1.0" in excinfo.value.messages[0]


def test_default_byte_cap_is_five_megabytes(settings):
    """The production cap is 5 MB unless the environment says otherwise."""
    assert settings.HERO_IMAGE_MAX_BYTES == 5 * 1024 * 1024


def test_decompression_bomb_is_refused_quickly():
    """A tiny PNG declaring 60000×60000 is refused from its header, in well under a second."""
    bomb = _png_declaring(60000, 60000)
    assert len(bomb) < 200
    started = time.perf_counter()
    with pytest.raises(ValidationError) as excinfo:
        validate_hero_image(_upload("bomb.png", bomb))
    assert time.perf_counter() - started < 0.5
    assert _codes(excinfo) == {"too_many_pixels"}
    assert "too large in pixels" in excinfo.value.messages[0]


def test_image_just_over_pixel_cap_is_refused(settings):
    """Between the cap and Pillow's hard limit, the declared size is named in the message."""
    settings.HERO_IMAGE_MAX_PIXELS = 1_000
    with pytest.raises(ValidationError) as excinfo:
        validate_hero_image(_upload("wide.png", _png_declaring(100, 11)))
    assert "100×11" in excinfo.value.messages[0]


def test_pillow_ceiling_is_set_process_wide(settings):
    """Pillow itself refuses images above our pixel cap, for any code that opens images."""
    assert Image.MAX_IMAGE_PIXELS == settings.HERO_IMAGE_MAX_PIXELS
    assert Image.MAX_IMAGE_PIXELS < 60000 * 60000 / 2


@pytest.mark.django_db
def test_admin_form_refuses_bomb_with_clear_message():
    """The explainer admin form reports the bomb on the hero image field, not a generic error."""
    form = ExplainerForm(
        data={"title": "T", "slug": "t", "hero_alt": "A chart"},
        files={"hero_image": _upload("bomb.png", _png_declaring(60000, 60000))},
    )
    assert not form.is_valid()
    assert "too large in pixels" in " ".join(form.errors["hero_image"])


@pytest.mark.django_db
def test_admin_form_refuses_svg_with_clear_message():
    """The admin form names SVG/HTML as the reason, even with an image content type."""
    form = ExplainerForm(
        data={"title": "T", "slug": "t", "hero_alt": "A chart"},
        files={"hero_image": _upload("x.png", b"<svg onload=alert(1)></svg>", "image/png")},
    )
    assert not form.is_valid()
    assert "SVG or HTML" in " ".join(form.errors["hero_image"])


@pytest.mark.django_db
def test_admin_form_accepts_a_photo():
    """A real photo passes the admin form's hero image field."""
    form = ExplainerForm(
        data={"title": "T", "slug": "t", "hero_alt": "A chart"},
        files={"hero_image": _upload("x.webp", _image_bytes("WEBP"), "image/webp")},
    )
    form.is_valid()
    assert "hero_image" not in form.errors
