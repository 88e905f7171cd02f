"""Pictures drawn for the demo with Pillow, so that the demo ships no photographs.

``leap_second_hero`` is an illustration (a clock off to one side, where its focal point is);
``leap_second_chart`` is a bar chart of figures the leap-second explainer itself states (UTC ran
10 seconds behind atomic time in January 1972, the first leap second made it 11, and after the
27th the gap is 37). ``share_card`` drew the site's fallback share image,
``static/img/share-card.jpg`` (``write_share_card``).
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

INK = (27, 27, 27)
PAPER = (250, 249, 246)
ACCENT = (163, 21, 27)
NIGHT = (18, 32, 58)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": 85, "optimize": True} if fmt == "JPEG" else {"optimize": True}
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# The clock's centre as fractions of the picture: the hero's focal point in the manifest.
CLOCK_CENTRE = (0.72, 0.45)


def leap_second_hero(width: int = 1200, height: int = 750) -> bytes:
    """Return a JPEG: a night-blue field of ticks and a clock at 23:59:60."""
    image = Image.new("RGB", (width, height), NIGHT)
    draw = ImageDraw.Draw(image)
    for row in range(height):  # a gentle vertical gradient
        shade = int(22 * row / height)
        draw.line([(0, row), (width, row)], fill=(18 + shade, 32 + shade, 58 + shade * 2))
    for n in range(0, width, 40):  # a band of seconds along the bottom
        tall = 60 if n % 400 == 0 else 24
        draw.line([(n, height - 40 - tall), (n, height - 40)], fill=(90, 110, 150), width=3)
    cx, cy = int(width * CLOCK_CENTRE[0]), int(height * CLOCK_CENTRE[1])
    radius = int(min(width, height) * 0.3)
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=PAPER, outline=INK)
    for tick in range(60):
        angle = math.radians(tick * 6 - 90)
        inner = radius * (0.82 if tick % 5 == 0 else 0.9)
        draw.line(
            [
                (cx + inner * math.cos(angle), cy + inner * math.sin(angle)),
                (cx + radius * 0.95 * math.cos(angle), cy + radius * 0.95 * math.sin(angle)),
            ],
            fill=INK,
            width=6 if tick % 5 == 0 else 2,
        )
    for length, turn, thickness, colour in (
        (0.5, -0.5 / 12, 14, INK),  # hour hand, just short of midnight
        (0.78, -0.5 / 60, 9, INK),  # minute hand
        (0.88, 0.0, 4, ACCENT),  # second hand on the extra second
    ):
        angle = math.radians(360 * turn - 90)
        end = (cx + radius * length * math.cos(angle), cy + radius * length * math.sin(angle))
        draw.line([(cx, cy), end], fill=colour, width=thickness)
    draw.ellipse([cx - 12, cy - 12, cx + 12, cy + 12], fill=ACCENT)
    draw.text((cx, cy + radius + 30), "23:59:60", font=_font(56), fill=PAPER, anchor="mt")
    return _encode(image, "JPEG")


# (label, seconds UTC is behind International Atomic Time), from the explainer's own text.
UTC_BEHIND_TAI = (("January 1972", 10), ("July 1972", 11), ("January 2017", 37))


def leap_second_chart(width: int = 1200, height: int = 720) -> bytes:
    """Return a PNG bar chart of how far UTC has fallen behind atomic time."""
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((60, 40), "Seconds UTC runs behind atomic time", font=_font(44), fill=INK)
    left, right, top, bottom = 60, width - 60, 150, height - 110
    highest = 40
    for value in range(0, highest + 1, 10):  # gridlines with their values
        y = bottom - (bottom - top) * value / highest
        draw.line([(left, y), (right, y)], fill=(220, 218, 212), width=2)
        draw.text((left, y - 6), str(value), font=_font(26), fill=(110, 110, 110), anchor="lb")
    slot = (right - left) / len(UTC_BEHIND_TAI)
    for n, (label, seconds) in enumerate(UTC_BEHIND_TAI):
        x0 = left + slot * n + slot * 0.2
        x1 = left + slot * (n + 1) - slot * 0.2
        y = bottom - (bottom - top) * seconds / highest
        draw.rectangle([x0, y, x1, bottom], fill=ACCENT if n == len(UTC_BEHIND_TAI) - 1 else INK)
        draw.text(((x0 + x1) / 2, y - 10), f"{seconds} s", font=_font(36), fill=INK, anchor="mb")
        draw.text(((x0 + x1) / 2, bottom + 20), label, font=_font(30), fill=INK, anchor="mt")
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=3)
    return _encode(image, "PNG")


def share_card(name: str, width: int = 1200, height: int = 630) -> bytes:
    """Return a JPEG card with the site's name, for pages that have no image of their own."""
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width, 24], fill=ACCENT)
    draw.rectangle([80, 200, 96, 430], fill=ACCENT)
    draw.text((130, 205), name, font=_font(96), fill=INK)
    draw.text((130, 340), "Explainers, fact-checked", font=_font(52), fill=(90, 90, 90))
    return _encode(image, "JPEG")


def write_share_card() -> None:
    """Redraw ``static/img/share-card.jpg``: ``manage.py shell -c "from articles.demo.images
    import write_share_card; write_share_card()"``."""
    from pathlib import Path

    target = Path(__file__).resolve().parents[2] / "static" / "img" / "share-card.jpg"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(share_card("The Newsroom"))
