"""The site's icon: a paper-white "N" over a rule, on the masthead's red, drawn from one set of
shapes as SVG (browsers' tab icon), PNG (the web app manifest, home screens) and ICO
(``/favicon.ico`` for clients that ask for it).

The files live in ``static/icons/``; ``manage.py make_icons`` draws them again after a change
here, and a test checks that the committed files are what this module draws.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GRID = 512  # the shapes' coordinate space
RED = "#a3151b"  # --accent in static/css/site.css
PAPER = "#fdfcf9"  # --paper
CORNER = 96
# The letter N as three polygons (left stem, diagonal, right stem) and the rule under it.
SHAPES: list[list[tuple[int, int]]] = [
    [(136, 112), (196, 112), (196, 384), (136, 384)],
    [(136, 112), (204, 112), (376, 384), (308, 384)],
    [(316, 112), (376, 112), (376, 384), (316, 384)],
    [(136, 408), (376, 408), (376, 432), (136, 432)],
]
PNG_SIZES = (192, 512)
APPLE_TOUCH_SIZE = 180
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
# Drawn this many times larger, then scaled down: Pillow's polygons have no anti-aliasing.
SUPERSAMPLE = 4


def svg() -> str:
    """Return the icon as an SVG document."""
    paths = "".join(
        '<path d="M{}Z"/>'.format("L".join(f"{x} {y}" for x, y in shape)) for shape in SHAPES
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        f'<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{RED}"/>'
        f'<g fill="{PAPER}">{paths}</g></svg>\n'
    )


def draw(size: int, *, rounded: bool = True) -> Image.Image:
    """Return the icon as a ``size``-pixel square RGBA image.

    ``rounded=False`` fills the whole square, for platforms that round the corners themselves.
    """
    big = size * SUPERSAMPLE
    scale = big / GRID
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = round(CORNER * scale) if rounded else 0
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=RED)
    for shape in SHAPES:
        pen.polygon([(x * scale, y * scale) for x, y in shape], fill=PAPER)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(directory: Path) -> list[Path]:
    """Draw every icon file into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "icon.svg"]
    written[0].write_text(svg(), encoding="utf-8")
    for size in PNG_SIZES:
        path = directory / f"icon-{size}.png"
        draw(size).save(path, optimize=True)
        written.append(path)
    touch = directory / "apple-touch-icon.png"
    draw(APPLE_TOUCH_SIZE, rounded=False).convert("RGB").save(touch, optimize=True)
    favicon = directory / "favicon.ico"
    draw(max(ICO_SIZES)[0]).save(favicon, sizes=ICO_SIZES)
    return [*written, touch, favicon]
