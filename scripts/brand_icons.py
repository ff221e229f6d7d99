"""Draw each integration's brand/icon.png (256x256, original artwork, not a vendor logo).

Home Assistant 2026.3+ and the HACS brands check read ``custom_components/<domain>/brand/``.
``ohme`` and ``osoenergy`` have none: HA would show ours instead of the vendors' official logos,
which it already has for the core integrations of the same name.
Run ``.venv/bin/python scripts/brand_icons.py`` to redraw them; the PNGs are committed.
"""

from __future__ import annotations

from pathlib import Path
import sys

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SIZE = 256
SCALE = 4  # draw large, then downsample for smooth edges

# domain -> (background colour, glyph)
ICONS = {
    "smartenergy_goecharger": ((0x2B, 0x59, 0xC3), "bolt"),
    "charge_amps_monitor": ((0x44, 0x44, 0x4E), "gauge"),
}


def _bolt(draw: ImageDraw.ImageDraw, s: int) -> None:
    points = [(0.56, 0.14), (0.30, 0.55), (0.48, 0.55), (0.42, 0.86), (0.70, 0.42), (0.52, 0.42)]
    draw.polygon([(x * s, y * s) for x, y in points], fill="white")


def _gauge(draw: ImageDraw.ImageDraw, s: int) -> None:
    box = (0.20 * s, 0.24 * s, 0.80 * s, 0.84 * s)
    draw.arc(box, 180, 360, fill="white", width=int(0.08 * s))
    draw.line((0.5 * s, 0.54 * s, 0.68 * s, 0.36 * s), fill="white", width=int(0.06 * s))
    draw.ellipse((0.44 * s, 0.48 * s, 0.56 * s, 0.60 * s), fill="white")
    draw.rectangle((0.28 * s, 0.66 * s, 0.72 * s, 0.72 * s), fill="white")


GLYPHS = {"bolt": _bolt, "gauge": _gauge}


def draw_icon(colour: tuple[int, int, int], glyph: str) -> Image.Image:
    """Return a 256x256 RGBA icon: a rounded tile with a white glyph."""
    s = SIZE * SCALE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, s - 1, s - 1), int(0.2 * s), fill=(*colour, 255))
    GLYPHS[glyph](draw, s)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> int:
    """Write every icon whose integration exists."""
    for domain, (colour, glyph) in ICONS.items():
        target = ROOT / "custom_components" / domain
        if not target.is_dir():
            continue
        (target / "brand").mkdir(exist_ok=True)
        draw_icon(colour, glyph).save(target / "brand" / "icon.png", optimize=True)
        print(f"wrote {target.relative_to(ROOT)}/brand/icon.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
