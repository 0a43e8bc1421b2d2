"""Generate the illustrations used by the sample news archive in content/.

Every lead image of the fictional "Kabar Nusantara" archive is an abstract
illustration drawn here with Pillow: a colour gradient plus a few geometric
shapes that hint at the story (waves for a flood, a ball for football, circuit
lines for technology, a kawung pattern for batik...). No photographs, no
fonts, no network.

The output is deterministic: every image has a fixed seed derived from its file
name, and the JPEG encoder settings are explicit, so running the script twice
with the same Pillow build writes the same bytes.

Run it from the repository root:

    .venv/bin/python scripts/make_sample_images.py

It (re)writes the shared images in content/media/ and the ``foto-utama.jpg``
files that live inside article bundles in content/articles/.
Pass ``--content DIR`` to write into another content folder.
"""

from __future__ import annotations

import argparse
import colorsys
import math
import random
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SCALE = 2  # draw at twice the size, then downsample: cheap anti-aliasing
JPEG_OPTIONS = {
    "format": "JPEG",
    "quality": 80,
    "optimize": True,
    "progressive": False,
    "subsampling": "4:2:0",
}

LANDSCAPE = (1600, 900)
CLASSIC = (1200, 800)
PORTRAIT = (900, 1200)
SQUARE = (800, 800)  # profile pictures


# --------------------------------------------------------------------------
# colour helpers


def hsv(h: float, s: float, v: float, a: int = 255) -> tuple[int, int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(1.0, s)), max(0.0, min(1.0, v)))
    return (round(r * 255), round(g * 255), round(b * 255), a)


def with_alpha(colour: tuple[int, ...], a: int) -> tuple[int, int, int, int]:
    return (colour[0], colour[1], colour[2], a)


class Palette:
    """A small harmonious palette around a base hue, jittered per image."""

    def __init__(self, hue: float, rng: random.Random) -> None:
        h = hue + rng.uniform(-0.03, 0.03)
        self.hue = h
        self.sky_top = hsv(h, 0.55, 0.35)
        self.sky_bottom = hsv(h + 0.08, 0.35, 0.85)
        self.main = hsv(h, 0.65, 0.75)
        self.dark = hsv(h - 0.02, 0.7, 0.3)
        self.light = hsv(h + 0.04, 0.18, 0.97)
        self.accent = hsv(h + 0.5 + rng.uniform(-0.05, 0.05), 0.7, 0.95)
        self.warm = hsv(0.09 + rng.uniform(-0.02, 0.02), 0.75, 0.98)


# --------------------------------------------------------------------------
# backgrounds


def gradient(size: tuple[int, int], top, bottom, angle: float = 0.0) -> Image.Image:
    """A two-colour linear gradient; ``angle`` in degrees tilts it."""
    w, h = size
    diag = int(math.hypot(w, h)) + 2
    mask = Image.linear_gradient("L").resize((diag, diag), Image.BILINEAR)
    if angle:
        mask = mask.rotate(angle, resample=Image.BILINEAR)
    left = (diag - w) // 2
    upper = (diag - h) // 2
    mask = mask.crop((left, upper, left + w, upper + h))
    a = Image.new("RGBA", size, top)
    b = Image.new("RGBA", size, bottom)
    return Image.composite(b, a, mask)


def glow(img: Image.Image, cx: float, cy: float, radius: float, colour, strength: float = 0.6) -> None:
    """Blend a soft radial light into ``img`` around (cx, cy)."""
    r = int(radius)
    # radial_gradient() is 0 at the centre and 181 at the middle of each edge
    # (255 only in the corners): fade to nothing on the inscribed circle.
    table = [round(255 * strength * max(0.0, 1 - v / 181) ** 2) for v in range(256)]
    mask = Image.radial_gradient("L").point(table).resize((2 * r, 2 * r), Image.BILINEAR)
    layer = Image.new("RGBA", (2 * r, 2 * r), colour)
    img.paste(layer, (int(cx - r), int(cy - r)), mask)


def paste_shape(img: Image.Image, colour, draw_mask) -> None:
    """Fill ``colour`` through a mask built by ``draw_mask(ImageDraw)``.

    Used for shapes with holes or cut-outs (crescents, reels) that would need
    the background colour if drawn directly.
    """
    mask = Image.new("L", img.size, 0)
    draw_mask(ImageDraw.Draw(mask))
    layer = Image.new("RGBA", img.size, colour)
    img.paste(layer, (0, 0), mask)


# --------------------------------------------------------------------------
# geometry helpers


def ellipse_points(cx, cy, rx, ry, angle=0.0, steps=48):
    ca, sa = math.cos(angle), math.sin(angle)
    pts = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        x, y = rx * math.cos(t), ry * math.sin(t)
        pts.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return pts


def star_points(cx, cy, r_outer, r_inner, n=5, rotation=-math.pi / 2):
    pts = []
    for i in range(2 * n):
        r = r_outer if i % 2 == 0 else r_inner
        t = rotation + math.pi * i / n
        pts.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    return pts


def wave_polygon(w, h, base_y, amp, wavelength, phase, bottom=None):
    bottom = h if bottom is None else bottom
    pts = [(0, bottom)]
    steps = 80
    for i in range(steps + 1):
        x = w * i / steps
        y = base_y + amp * math.sin(2 * math.pi * x / wavelength + phase)
        y += amp * 0.35 * math.sin(2 * math.pi * x / (wavelength * 0.43) + phase * 1.7)
        pts.append((x, y))
    pts.append((w, bottom))
    return pts


# --------------------------------------------------------------------------
# motifs: each draws on an RGBA image of the supersampled size


def m_waves(img, d, rng, pal, level=0.55, layers=4):
    w, h = img.size
    for i in range(layers):
        t = i / max(1, layers - 1)
        colour = hsv(pal.hue + 0.02 * i, 0.55 + 0.2 * t, 0.85 - 0.35 * t, 200)
        base = h * (level + 0.1 * i)
        d.polygon(
            wave_polygon(w, h, base, h * rng.uniform(0.015, 0.035), w * rng.uniform(0.25, 0.45), rng.uniform(0, 6.3)),
            fill=colour,
        )


def m_houses(img, d, rng, pal, horizon=0.62, count=7):
    w, h = img.size
    x = w * rng.uniform(0.02, 0.08)
    for _ in range(count):
        bw = w * rng.uniform(0.07, 0.11)
        bh = h * rng.uniform(0.13, 0.22)
        base = h * horizon
        body = hsv(pal.hue + rng.uniform(0.3, 0.6), 0.25, rng.uniform(0.75, 0.95))
        roof = hsv(0.02 + rng.uniform(0, 0.06), 0.6, rng.uniform(0.55, 0.75))
        d.rectangle((x, base - bh, x + bw, base), fill=body)
        d.polygon([(x - bw * 0.1, base - bh), (x + bw / 2, base - bh - bw * 0.45), (x + bw * 1.1, base - bh)], fill=roof)
        d.rectangle((x + bw * 0.38, base - bh * 0.45, x + bw * 0.62, base), fill=with_alpha(pal.dark, 220))
        x += bw * rng.uniform(1.25, 1.6)
        if x > w * 0.95:
            break


def m_rain(img, d, rng, pal, count=140):
    w, h = img.size
    for _ in range(count):
        x, y = rng.uniform(0, w), rng.uniform(0, h * 0.7)
        length = h * rng.uniform(0.03, 0.07)
        d.line((x, y, x - length * 0.3, y + length), fill=with_alpha(pal.light, rng.randint(70, 140)), width=SCALE * 2)


def m_tents(img, d, rng, pal):
    w, h = img.size
    base = h * 0.72
    for i in range(5):
        cx = w * (0.14 + 0.18 * i) + rng.uniform(-20, 20) * SCALE
        tw = w * rng.uniform(0.1, 0.14)
        th = h * rng.uniform(0.18, 0.26)
        colour = hsv(pal.hue + 0.5 + 0.04 * i, 0.55, 0.9)
        d.polygon([(cx - tw / 2, base), (cx, base - th), (cx + tw / 2, base)], fill=colour)
        d.polygon([(cx - tw * 0.12, base), (cx, base - th * 0.5), (cx + tw * 0.12, base)], fill=with_alpha(pal.dark, 230))
    d.rectangle((0, base, w, h), fill=with_alpha(pal.dark, 160))


def m_mud(img, d, rng, pal):
    w, h = img.size
    for i in range(5):
        colour = hsv(0.07 + 0.01 * i, 0.45 + 0.06 * i, 0.7 - 0.09 * i, 235)
        d.polygon(wave_polygon(w, h, h * (0.5 + 0.1 * i), h * 0.02, w * rng.uniform(0.3, 0.6), rng.uniform(0, 6.3)), fill=colour)
    for _ in range(25):
        r = rng.uniform(4, 16) * SCALE
        x, y = rng.uniform(0, w), rng.uniform(h * 0.55, h)
        d.ellipse((x - r, y - r, x + r, y + r), outline=with_alpha(pal.light, 120), width=SCALE * 2)


def m_sun(img, d, rng, pal, x=None, y=None, r=None):
    w, h = img.size
    x = w * rng.uniform(0.65, 0.85) if x is None else x
    y = h * rng.uniform(0.18, 0.3) if y is None else y
    r = h * 0.09 if r is None else r
    glow(img, x, y, r * 3.2, pal.warm, 0.55)
    d.ellipse((x - r, y - r, x + r, y + r), fill=with_alpha(pal.light, 245))


def m_grid(img, d, rng, pal, step=60):
    w, h = img.size
    s = step * SCALE
    for x in range(0, w, s):
        d.line((x, 0, x, h), fill=with_alpha(pal.light, 28), width=SCALE)
    for y in range(0, h, s):
        d.line((0, y, w, y), fill=with_alpha(pal.light, 28), width=SCALE)


def m_ballot(img, d, rng, pal):
    w, h = img.size
    cx, base = w * 0.5, h * 0.82
    bw, bh = w * 0.3, h * 0.38
    # the paper going into the slot, drawn first so the box hides its bottom
    pw, ph = bw * 0.42, bh * 0.6
    px = cx - pw / 2 + bw * 0.05
    py = base - bh - ph * 0.7
    d.rounded_rectangle((px, py, px + pw, py + ph), radius=6 * SCALE, fill=pal.light)
    ck = pw * 0.18
    ccx, ccy = px + pw * 0.5, py + ph * 0.35
    d.line([(ccx - ck, ccy), (ccx - ck * 0.3, ccy + ck * 0.7), (ccx + ck, ccy - ck * 0.8)], fill=pal.accent, width=SCALE * 10, joint="curve")
    d.rounded_rectangle((cx - bw / 2, base - bh, cx + bw / 2, base), radius=14 * SCALE, fill=pal.main)
    d.rectangle((cx - bw * 0.3, base - bh, cx + bw * 0.3, base - bh + 10 * SCALE), fill=pal.dark)
    d.rectangle((cx - bw * 0.35, base - bh * 0.55, cx + bw * 0.35, base - bh * 0.35), fill=with_alpha(pal.light, 90))


def m_bubbles(img, d, rng, pal, count=6):
    w, h = img.size
    for i in range(count):
        bw, bh = w * rng.uniform(0.14, 0.22), h * rng.uniform(0.12, 0.18)
        x, y = rng.uniform(0.04, 0.96) * w - bw / 2, rng.uniform(0.08, 0.8) * h
        colour = hsv(pal.hue + 0.12 * (i % 3), 0.5, 0.95, 215)
        d.rounded_rectangle((x, y, x + bw, y + bh), radius=bh * 0.35, fill=colour)
        tx = x + bw * (0.25 if i % 2 else 0.7)
        d.polygon([(tx, y + bh - 2), (tx + bw * 0.1, y + bh - 2), (tx - bw * 0.02, y + bh * 1.35)], fill=colour)
        for j in range(3):
            ly = y + bh * (0.3 + 0.2 * j)
            d.line((x + bw * 0.15, ly, x + bw * (0.85 - 0.2 * (j == 2)), ly), fill=with_alpha(pal.dark, 110), width=SCALE * 5)


def m_nodes(img, d, rng, pal, count=18, area=(0.05, 0.05, 0.95, 0.95)):
    w, h = img.size
    pts = [
        (rng.uniform(area[0], area[2]) * w, rng.uniform(area[1], area[3]) * h)
        for _ in range(count)
    ]
    for i, (x, y) in enumerate(pts):
        near = sorted(range(count), key=lambda j: (pts[j][0] - x) ** 2 + (pts[j][1] - y) ** 2)[1:3]
        for j in near:
            d.line((x, y, *pts[j]), fill=with_alpha(pal.light, 110), width=SCALE * 2)
    for i, (x, y) in enumerate(pts):
        r = rng.uniform(6, 14) * SCALE
        colour = pal.accent if i % 4 == 0 else pal.light
        d.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def m_circuit(img, d, rng, pal, traces=26):
    w, h = img.size
    step = 40 * SCALE
    for _ in range(traces):
        x = rng.randrange(0, w // step) * step
        y = rng.randrange(0, h // step) * step
        pts = [(x, y)]
        for _ in range(rng.randint(3, 6)):
            if rng.random() < 0.5:
                x += rng.choice((-1, 1)) * rng.randint(2, 7) * step
            else:
                y += rng.choice((-1, 1)) * rng.randint(1, 4) * step
            pts.append((x, y))
        colour = with_alpha(pal.accent if rng.random() < 0.3 else pal.light, rng.randint(120, 210))
        d.line(pts, fill=colour, width=SCALE * 4, joint="curve")
        for px, py in (pts[0], pts[-1]):
            r = 9 * SCALE
            d.ellipse((px - r, py - r, px + r, py + r), outline=colour, width=SCALE * 4)


def m_chip(img, d, rng, pal):
    w, h = img.size
    cx, cy, s = w * 0.5, h * 0.5, min(w, h) * 0.2
    for i in range(-3, 4):
        o = i * s * 0.25
        d.line((cx + o, cy - s * 1.45, cx + o, cy + s * 1.45), fill=pal.light, width=SCALE * 6)
        d.line((cx - s * 1.45, cy + o, cx + s * 1.45, cy + o), fill=pal.light, width=SCALE * 6)
    d.rounded_rectangle((cx - s, cy - s, cx + s, cy + s), radius=s * 0.12, fill=pal.dark, outline=pal.accent, width=SCALE * 6)
    d.rounded_rectangle((cx - s * 0.5, cy - s * 0.5, cx + s * 0.5, cy + s * 0.5), radius=s * 0.08, fill=with_alpha(pal.accent, 200))


def m_star_ring(img, d, rng, pal):
    w, h = img.size
    cx, cy, r = w * 0.5, h * 0.5, min(w, h) * 0.3
    for i in range(12):
        t = 2 * math.pi * i / 12
        d.polygon(star_points(cx + r * math.cos(t), cy + r * math.sin(t), 22 * SCALE, 9 * SCALE), fill=pal.warm)


def m_dunes(img, d, rng, pal):
    w, h = img.size
    for i, (cx, size) in enumerate(((0.3, 0.34), (0.52, 0.26), (0.7, 0.18))):
        base = h * 0.74
        half = w * size * 0.5
        top = base - half * 0.95
        d.polygon([(w * cx - half, base), (w * cx, top), (w * cx + half, base)], fill=hsv(0.1, 0.45, 0.86 - 0.07 * i))
        d.polygon([(w * cx, top), (w * cx + half, base), (w * cx + half * 0.15, base)], fill=hsv(0.08, 0.55, 0.62 - 0.05 * i))
    for i in range(3):
        d.polygon(wave_polygon(w, h, h * (0.72 + 0.08 * i), h * 0.015, w * 0.7, i * 1.9), fill=hsv(0.1 - 0.01 * i, 0.5 + 0.05 * i, 0.8 - 0.1 * i))


def m_boat(img, d, rng, pal, x=0.42, y=0.66):
    w, h = img.size
    bx, by, bl = w * x, h * y, w * 0.22
    d.polygon([(bx - bl / 2, by), (bx + bl / 2, by), (bx + bl * 0.38, by + bl * 0.16), (bx - bl * 0.4, by + bl * 0.16)], fill=pal.warm)
    d.rectangle((bx - bl * 0.5, by - 6 * SCALE, bx + bl * 0.5, by + 2 * SCALE), fill=pal.dark)
    d.line((bx, by, bx, by - bl * 0.7), fill=pal.dark, width=SCALE * 6)
    d.polygon([(bx + 4 * SCALE, by - bl * 0.68), (bx + 4 * SCALE, by - bl * 0.08), (bx + bl * 0.36, by - bl * 0.08)], fill=pal.light)
    d.polygon([(bx - 4 * SCALE, by - bl * 0.55), (bx - 4 * SCALE, by - bl * 0.1), (bx - bl * 0.25, by - bl * 0.1)], fill=with_alpha(pal.light, 200))


def m_travel_arcs(img, d, rng, pal):
    w, h = img.size
    a = (w * 0.2, h * 0.68)
    b = (w * 0.8, h * 0.6)
    for k, lift in enumerate((0.25, 0.38, 0.5)):
        pts = []
        for i in range(41):
            t = i / 40
            x = a[0] + (b[0] - a[0]) * t
            y = a[1] + (b[1] - a[1]) * t - math.sin(math.pi * t) * h * lift
            pts.append((x, y))
        for i in range(0, 40, 2):  # dashed
            d.line((pts[i], pts[i + 1]), fill=with_alpha(pal.light, 200 - 40 * k), width=SCALE * 4)
    for x, y in (a, b):
        r = 16 * SCALE
        d.ellipse((x - r, y - r, x + r, y + r), fill=pal.accent)
        d.ellipse((x - r * 2.2, y - r * 2.2, x + r * 2.2, y + r * 2.2), outline=with_alpha(pal.accent, 140), width=SCALE * 3)
    px, py = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2 - h * 0.5  # top of the highest arc
    s = 26 * SCALE
    d.polygon([(px + s * 1.4, py), (px - s, py - s * 0.8), (px - s * 0.5, py), (px - s, py + s * 0.8)], fill=pal.light)


def m_bars(img, d, rng, pal, count=7, rising=True):
    w, h = img.size
    base = h * 0.84
    bw = w * 0.07
    x0 = w * 0.5 - count * bw * 0.75
    tops = []
    value = rng.uniform(0.18, 0.25)
    for i in range(count):
        value += rng.uniform(0.02, 0.08) if rising else rng.uniform(-0.04, 0.05)
        x = x0 + i * bw * 1.5
        top = base - h * value
        colour = hsv(pal.hue + 0.015 * i, 0.55 + 0.04 * i, 0.95, 230)
        d.rectangle((x, top, x + bw, base), fill=colour)
        tops.append((x + bw / 2, top - 24 * SCALE))
    d.line(tops, fill=pal.light, width=SCALE * 6, joint="curve")
    for x, y in tops:
        r = 10 * SCALE
        d.ellipse((x - r, y - r, x + r, y + r), fill=pal.light)
    d.line((w * 0.08, base, w * 0.92, base), fill=with_alpha(pal.light, 200), width=SCALE * 4)


def m_chilies(img, d, rng, pal, count=5):
    w, h = img.size
    for _ in range(count):
        cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.15, 0.45) * h
        ang = rng.uniform(-0.8, 0.8)
        length = w * rng.uniform(0.05, 0.08)
        pts = []
        for i in range(21):  # a tapered curved body
            t = i / 20
            x = cx + math.cos(ang) * length * (t - 0.5) * 2
            y = cy + math.sin(ang) * length * (t - 0.5) * 2 + math.sin(math.pi * t) * length * 0.25
            pts.append((x, y))
        for i, (x, y) in enumerate(pts):
            r = (1 - i / 20) * length * 0.16 + 2 * SCALE
            d.ellipse((x - r, y - r, x + r, y + r), fill=hsv(0.0, 0.85, 0.85))
        x, y = pts[0]
        d.line((x, y, x - math.cos(ang) * length * 0.3, y - math.sin(ang) * length * 0.3 - 10 * SCALE), fill=hsv(0.3, 0.7, 0.55), width=SCALE * 6)


def m_beans(img, d, rng, pal, count=14):
    w, h = img.size
    for _ in range(count):
        cx, cy = rng.uniform(0.05, 0.95) * w, rng.uniform(0.45, 0.95) * h
        rx = w * rng.uniform(0.03, 0.045)
        ry = rx * 0.72
        ang = rng.uniform(0, math.pi)
        d.polygon(ellipse_points(cx, cy, rx, ry, ang), fill=hsv(0.06, 0.7, rng.uniform(0.3, 0.45)))
        ca, sa = math.cos(ang), math.sin(ang)
        seam = [
            (cx + ca * rx * t - sa * ry * 0.18 * math.sin(math.pi * (t + 1)), cy + sa * rx * t + ca * ry * 0.18 * math.sin(math.pi * (t + 1)))
            for t in [i / 10 - 0.85 for i in range(18)]
        ]
        d.line(seam, fill=hsv(0.07, 0.5, 0.7), width=SCALE * 4)


def m_hills(img, d, rng, pal, start=0.5, layers=3):
    w, h = img.size
    for i in range(layers):
        colour = hsv(0.28 + 0.03 * i + rng.uniform(-0.02, 0.02), 0.45 + 0.1 * i, 0.7 - 0.14 * i)
        d.polygon(wave_polygon(w, h, h * (start + 0.1 * i), h * 0.06, w * rng.uniform(0.6, 1.1), rng.uniform(0, 6.3)), fill=colour)


def m_awning(img, d, rng, pal, y=0.18, depth=0.16):
    w, h = img.size
    stripes = 10
    sw = w / stripes
    top, bottom = h * y, h * (y + depth)
    for i in range(stripes):
        colour = pal.light if i % 2 else hsv(pal.hue + 0.5, 0.7, 0.85)
        d.rectangle((i * sw, top, (i + 1) * sw, bottom), fill=colour)
        d.ellipse((i * sw, bottom - sw / 2, (i + 1) * sw, bottom + sw / 2), fill=colour)
    d.rectangle((0, top - 12 * SCALE, w, top), fill=pal.dark)


def m_crates(img, d, rng, pal, base=0.8):
    w, h = img.size
    x = w * 0.06
    while x < w * 0.9:
        cw, ch = w * rng.uniform(0.1, 0.14), h * rng.uniform(0.12, 0.18)
        d.rectangle((x, h * base - ch, x + cw, h * base), fill=hsv(0.08, 0.5, 0.65))
        for k in range(5):
            r = cw * 0.1
            fx = x + cw * (0.15 + 0.17 * k)
            fy = h * base - ch - r * 0.6
            d.ellipse((fx - r, fy - r, fx + r, fy + r), fill=hsv(rng.choice((0.0, 0.08, 0.15, 0.3)), 0.8, 0.9))
        x += cw * 1.15


def m_grains(img, d, rng, pal, count=120):
    w, h = img.size
    for _ in range(count):
        cx, cy = rng.uniform(0, w), rng.uniform(0.55, 1.0) * h
        d.polygon(ellipse_points(cx, cy, 14 * SCALE, 6 * SCALE, rng.uniform(0, math.pi), 16), fill=hsv(0.12, 0.08, rng.uniform(0.88, 1.0)))


def m_crescent(img, d, rng, pal, x=0.76, y=0.26, r=0.12):
    w, h = img.size
    cx, cy, rr = w * x, h * y, h * r
    glow(img, cx, cy, rr * 2.6, pal.warm, 0.35)

    def shape(md):
        md.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=255)
        o = rr * 0.45
        md.ellipse((cx - rr + o, cy - rr - o * 0.4, cx + rr + o, cy + rr - o * 0.4), fill=0)

    paste_shape(img, pal.warm, shape)


def m_phone(img, d, rng, pal):
    w, h = img.size
    pw, ph = h * 0.36, h * 0.7
    x, y = w * 0.5 - pw / 2, h * 0.15
    d.rounded_rectangle((x, y, x + pw, y + ph), radius=pw * 0.12, fill=pal.dark)
    d.rounded_rectangle((x + pw * 0.07, y + ph * 0.07, x + pw * 0.93, y + ph * 0.9), radius=pw * 0.05, fill=pal.light)
    cell = pw * 0.86 / 3
    for r in range(4):
        for c in range(3):
            cx = x + pw * 0.07 + cell * c + cell * 0.12
            cy = y + ph * 0.1 + cell * r + cell * 0.12
            colour = hsv(pal.hue + 0.08 * ((r * 3 + c) % 5), 0.6, 0.9)
            d.rounded_rectangle((cx, cy, cx + cell * 0.76, cy + cell * 0.76), radius=cell * 0.15, fill=colour)


def m_field(img, d, rng, pal):
    w, h = img.size
    stripes = 8
    for i in range(stripes):
        colour = hsv(0.3 + rng.uniform(-0.01, 0.01), 0.6, 0.55 if i % 2 else 0.62)
        d.rectangle((i * w / stripes, 0, (i + 1) * w / stripes, h), fill=colour)
    line = with_alpha(pal.light, 220)
    lw = SCALE * 5
    m = h * 0.08
    d.rectangle((m, m, w - m, h - m), outline=line, width=lw)
    d.line((w / 2, m, w / 2, h - m), fill=line, width=lw)
    r = h * 0.17
    d.ellipse((w / 2 - r, h / 2 - r, w / 2 + r, h / 2 + r), outline=line, width=lw)
    for side in (m, w - m):
        sgn = 1 if side == m else -1
        d.rectangle(sorted_box(side, h * 0.28, side + sgn * w * 0.12, h * 0.72), outline=line, width=lw)
        d.rectangle(sorted_box(side, h * 0.4, side + sgn * w * 0.045, h * 0.6), outline=line, width=lw)


def sorted_box(x0, y0, x1, y1):
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def m_ball(img, d, rng, pal, x=0.62, y=0.52, r=0.24):
    w, h = img.size
    cx, cy, rr = w * x, h * y, h * r
    d.ellipse((cx - rr + 14 * SCALE, cy - rr + 22 * SCALE, cx + rr + 14 * SCALE, cy + rr + 22 * SCALE), fill=(0, 0, 0, 70))
    ball = Image.new("RGBA", img.size, (0, 0, 0, 0))
    bd = ImageDraw.Draw(ball)
    bd.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=(248, 248, 244, 255))
    rot = rng.uniform(0, math.pi)
    patch = (30, 34, 40, 255)
    bd.polygon(star_points(cx, cy, rr * 0.34, rr * 0.34, n=5, rotation=rot)[::2], fill=patch)
    for k in range(5):
        t = rot + 2 * math.pi * k / 5
        px, py = cx + rr * 0.34 * math.cos(t), cy + rr * 0.34 * math.sin(t)
        qx, qy = cx + rr * 0.82 * math.cos(t), cy + rr * 0.82 * math.sin(t)
        bd.line((px, py, qx, qy), fill=patch, width=SCALE * 5)
        ox, oy = cx + rr * 1.05 * math.cos(t), cy + rr * 1.05 * math.sin(t)
        bd.polygon(star_points(ox, oy, rr * 0.3, rr * 0.3, n=5, rotation=t + math.pi)[::2], fill=patch)
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=255)
    img.paste(ball, (0, 0), mask)
    d.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), outline=(30, 34, 40, 255), width=SCALE * 3)


def m_trophy(img, d, rng, pal):
    w, h = img.size
    cx, top = w * 0.5, h * 0.16
    gold, shade = hsv(0.12, 0.75, 0.95), hsv(0.1, 0.8, 0.72)
    cw, ch = h * 0.42, h * 0.34
    for sgn in (-1, 1):
        hx = cx + sgn * cw * 0.5
        d.arc(sorted_box(hx - cw * 0.2, top + ch * 0.08, hx + cw * 0.2, top + ch * 0.62), 0, 360, fill=gold, width=SCALE * 12)
    cup = []  # the bowl: a half ellipse hanging from the rim
    for i in range(41):
        t = math.pi * i / 40
        cup.append((cx - cw / 2 * math.cos(t), top + ch * math.sin(t)))
    d.polygon(cup, fill=gold)
    d.polygon([(cx + cw * 0.12, top), (cx + cw / 2, top), (cx + cw * 0.2, top + ch * 0.95)], fill=shade)
    d.rectangle((cx - cw * 0.06, top + ch * 0.95, cx + cw * 0.06, top + ch * 1.35), fill=shade)
    d.rectangle((cx - cw * 0.28, top + ch * 1.35, cx + cw * 0.28, top + ch * 1.5), fill=gold)
    d.rectangle((cx - cw * 0.36, top + ch * 1.5, cx + cw * 0.36, top + ch * 1.7), fill=pal.dark)
    d.polygon(star_points(cx, top + ch * 0.45, ch * 0.16, ch * 0.07), fill=pal.light)


def m_confetti(img, d, rng, pal, count=70):
    w, h = img.size
    for _ in range(count):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        colour = hsv(rng.random(), 0.7, 0.95, rng.randint(160, 240))
        d.polygon(ellipse_points(cx, cy, rng.uniform(12, 22) * SCALE, rng.uniform(4, 7) * SCALE, rng.uniform(0, math.pi), 4), fill=colour)


def m_shuttlecock(img, d, rng, pal):
    w, h = img.size
    cx, base = w * 0.5, h * 0.72
    r = w * 0.13
    d.pieslice((cx - r, base - r, cx + r, base + r), 0, 180, fill=pal.light)
    d.rectangle((cx - r, base - r * 0.18, cx + r, base + 2 * SCALE), fill=pal.accent)
    top_half = r * 2.1
    top_y = base - h * 0.5
    d.polygon([(cx - r, base - r * 0.18), (cx - top_half, top_y), (cx + top_half, top_y), (cx + r, base - r * 0.18)], fill=with_alpha(pal.light, 215))
    for i in range(9):
        t = i / 8
        d.line((cx - r + 2 * r * t, base - r * 0.18, cx - top_half + 2 * top_half * t, top_y), fill=with_alpha(pal.dark, 150), width=SCALE * 3)
    for frac in (0.35, 0.6):
        y = base - r * 0.18 + (top_y - base + r * 0.18) * frac
        half = r + (top_half - r) * frac
        d.line((cx - half, y, cx + half, y), fill=with_alpha(pal.accent, 200), width=SCALE * 5)
    d.ellipse((cx - top_half, top_y - r * 0.2, cx + top_half, top_y + r * 0.2), outline=with_alpha(pal.dark, 120), width=SCALE * 3)


def m_net(img, d, rng, pal, y=0.86):
    w, h = img.size
    top = h * y
    d.rectangle((0, top, w, top + 8 * SCALE), fill=pal.light)
    step = 24 * SCALE
    for x in range(0, w, step):
        d.line((x, top, x, h), fill=with_alpha(pal.light, 90), width=SCALE * 2)
    for yy in range(int(top), h, step):
        d.line((0, yy, w, yy), fill=with_alpha(pal.light, 90), width=SCALE * 2)


def m_track(img, d, rng, pal):
    w, h = img.size
    cx, cy = w * 0.5, h * 1.25
    for i in range(9):
        rx, ry = w * (0.95 - 0.06 * i), h * (0.95 - 0.07 * i)
        colour = hsv(0.03, 0.65, 0.78) if i < 8 else hsv(0.3, 0.55, 0.6)
        d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=colour, outline=pal.light, width=SCALE * 4)
    for k in range(12):
        x = w * rng.uniform(0.15, 0.85)
        y = h * rng.uniform(0.25, 0.55)
        r = 7 * SCALE
        d.ellipse((x - r, y - r, x + r, y + r), fill=hsv(rng.random(), 0.6, 0.95))
        d.line((x, y + r, x + rng.uniform(-8, 8) * SCALE, y + 34 * SCALE), fill=hsv(rng.random(), 0.6, 0.95), width=SCALE * 8)


def m_tower(img, d, rng, pal, x=0.64):
    w, h = img.size
    tx, base, top = w * x, h * 0.8, h * 0.22
    spread = h * 0.12
    colour = pal.dark
    d.line((tx - spread, base, tx, top), fill=colour, width=SCALE * 6)
    d.line((tx + spread, base, tx, top), fill=colour, width=SCALE * 6)
    for i in range(1, 6):
        t = i / 6
        y = base - (base - top) * t
        half = spread * (1 - t)
        d.line((tx - half, y, tx + half, y), fill=colour, width=SCALE * 4)
    for i, r in enumerate((0.08, 0.14, 0.2)):
        rr = h * r
        box = (tx - rr, top - rr, tx + rr, top + rr)
        d.arc(box, 200, 250, fill=with_alpha(pal.light, 220 - 40 * i), width=SCALE * 6)
        d.arc(box, 290, 340, fill=with_alpha(pal.light, 220 - 40 * i), width=SCALE * 6)
    r = 10 * SCALE
    d.ellipse((tx - r, top - r, tx + r, top + r), fill=pal.accent)


def m_kawung(img, d, rng, pal):
    w, h = img.size
    cell = w / 3.5
    ground = hsv(pal.hue, 0.55, 0.35)
    d.rectangle((0, 0, w, h), fill=ground)
    petal = hsv(pal.hue + 0.06, 0.35, 0.9)
    inner = hsv(pal.hue + 0.5, 0.6, 0.8)
    rows = int(h / cell) + 2
    for r in range(rows):
        for c in range(5):
            cx, cy = c * cell, r * cell
            for k in range(4):  # four petals around each grid point
                t = math.pi / 4 + k * math.pi / 2
                px, py = cx + math.cos(t) * cell * 0.3, cy + math.sin(t) * cell * 0.3
                d.polygon(ellipse_points(px, py, cell * 0.29, cell * 0.15, t, 32), fill=petal)
                d.polygon(ellipse_points(px, py, cell * 0.1, cell * 0.04, t, 16), fill=inner)
            s = cell * 0.05
            d.ellipse((cx - s, cy - s, cx + s, cy + s), fill=inner)
    glow(img, w * 0.5, h * 0.45, w * 0.7, pal.warm, 0.3)


def m_gunungan(img, d, rng, pal):
    w, h = img.size
    cx, base, top = w * 0.5, h * 0.82, h * 0.16
    glow(img, cx, h * 0.4, w * 0.6, pal.warm, 0.7)
    half = w * 0.3
    outline = []
    for i in range(41):  # a pointed leaf: wide at the base, tapering to the top
        t = i / 40
        x = cx - half * (1 - t ** 1.6) ** 0.9
        y = base - (base - top) * t
        outline.append((x, y))
    outline += [(2 * cx - x, y) for x, y in reversed(outline)]
    d.polygon(outline, fill=hsv(0.05, 0.7, 0.28))
    # a tree inside the leaf
    trunk = hsv(0.1, 0.55, 0.85)
    d.line((cx, base - h * 0.05, cx, top + h * 0.14), fill=trunk, width=SCALE * 10)
    for i in range(7):
        y = base - h * 0.12 - i * h * 0.075
        span = half * (0.75 - 0.09 * i)
        for sgn in (-1, 1):
            d.line([(cx, y), (cx + sgn * span * 0.55, y - h * 0.04), (cx + sgn * span, y - h * 0.02)], fill=trunk, width=SCALE * 5, joint="curve")
            r = 8 * SCALE
            fx, fy = cx + sgn * span, y - h * 0.02
            d.ellipse((fx - r, fy - r, fx + r, fy + r), fill=pal.accent)
    d.rectangle((cx - half * 0.35, base - h * 0.07, cx + half * 0.35, base), fill=hsv(0.1, 0.6, 0.6))
    d.rectangle((cx - half * 0.12, base - h * 0.06, cx + half * 0.12, base), fill=hsv(0.05, 0.7, 0.28))


def m_reel(img, d, rng, pal):
    w, h = img.size
    # a film strip across the frame
    strip = Image.new("RGBA", (w * 2, int(h * 0.22)), (0, 0, 0, 0))
    sd = ImageDraw.Draw(strip)
    sh = strip.size[1]
    sd.rectangle((0, 0, strip.size[0], sh), fill=(24, 24, 28, 235))
    hole = 18 * SCALE
    for x in range(0, strip.size[0], hole * 3):
        sd.rectangle((x, sh * 0.08, x + hole, sh * 0.08 + hole), fill=pal.light)
        sd.rectangle((x, sh * 0.92 - hole, x + hole, sh * 0.92), fill=pal.light)
    frame_w = sh * 1.2
    for i, x in enumerate(range(0, strip.size[0], int(frame_w * 1.1))):
        sd.rectangle((x, sh * 0.28, x + frame_w, sh * 0.72), fill=hsv(pal.hue + 0.07 * i, 0.5, 0.85))
    strip = strip.rotate(-14, expand=True, resample=Image.BICUBIC)
    img.alpha_composite(strip, (-w // 2, int(h * 0.5)))
    cx, cy, r = w * 0.3, h * 0.38, h * 0.27

    def reel(md):
        md.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
        for k in range(6):
            t = 2 * math.pi * k / 6
            hx, hy, hr = cx + r * 0.55 * math.cos(t), cy + r * 0.55 * math.sin(t), r * 0.2
            md.ellipse((hx - hr, hy - hr, hx + hr, hy + hr), fill=0)
        md.ellipse((cx - r * 0.08, cy - r * 0.08, cx + r * 0.08, cy + r * 0.08), fill=0)

    paste_shape(img, pal.light, reel)


def m_plates(img, d, rng, pal):
    w, h = img.size
    leaf = hsv(0.3, 0.65, 0.5)
    d.rounded_rectangle((w * 0.08, h * 0.2, w * 0.92, h * 0.92), radius=h * 0.06, fill=leaf)
    for i in range(1, 9):
        x = w * (0.08 + 0.84 * i / 9)
        d.line((x, h * 0.2, x, h * 0.92), fill=hsv(0.3, 0.6, 0.42), width=SCALE * 3)
    cx, cy = w * 0.5, h * 0.56
    r = h * 0.2
    d.ellipse((cx - r, cy - r * 0.9, cx + r, cy + r * 0.9), fill=hsv(0.13, 0.06, 0.98))
    for k in range(8):
        t = 2 * math.pi * k / 8 + rng.uniform(-0.1, 0.1)
        dx, dy = cx + r * 1.55 * math.cos(t), cy + r * 1.1 * math.sin(t)
        rr = r * rng.uniform(0.28, 0.36)
        colour = hsv(rng.choice((0.0, 0.05, 0.1, 0.14, 0.28)), 0.75, 0.85)
        d.ellipse((dx - rr, dy - rr * 0.85, dx + rr, dy + rr * 0.85), fill=colour)
    glow(img, cx, cy - r * 0.2, r * 0.8, pal.light, 0.25)


def m_portrait(img, d, rng, pal):
    """A reporter's profile picture: a head-and-shoulders silhouette, no face."""
    w, h = img.size
    glow(img, w * 0.5, h * 0.4, w * 0.5, pal.light, 0.5)
    body = hsv(pal.hue + 0.5, 0.35, 0.3)
    d.ellipse((w * 0.14, h * 0.7, w * 0.86, h * 1.35), fill=body)  # shoulders
    d.rectangle((w * 0.43, h * 0.52, w * 0.57, h * 0.74), fill=hsv(0.07, 0.4, 0.62))  # neck
    d.ellipse((w * 0.32, h * 0.2, w * 0.68, h * 0.62), fill=hsv(0.07, 0.42, 0.7))  # head
    d.chord((w * 0.3, h * 0.16, w * 0.7, h * 0.52), 180, 360, fill=hsv(0.08, 0.5, 0.18))  # hair


# --------------------------------------------------------------------------
# the images of the sample archive

# path relative to content/ -> (size, base hue, background angle, motifs)
IMAGES: dict[str, tuple[tuple[int, int], float, float, tuple]] = {
    "media/banjir-jakarta-timur.jpg": (LANDSCAPE, 0.58, 0, (m_rain, m_houses, m_waves)),
    "media/posko-pengungsian.jpg": (LANDSCAPE, 0.6, 10, (m_rain, m_tents)),
    "articles/2023/11/warga-kampung-melayu-bersihkan-lumpur/foto-utama.jpg": (LANDSCAPE, 0.55, 0, (m_sun, m_houses, m_mud)),
    "media/rekapitulasi-suara-digital.jpg": (CLASSIC, 0.0, 20, (m_grid, m_ballot)),
    "media/relawan-pemantau-kampanye.jpg": (CLASSIC, 0.75, -15, (m_nodes, m_bubbles)),
    "media/pameran-budaya-kairo.jpg": (LANDSCAPE, 0.08, 0, (m_sun, m_dunes)),
    "media/forum-nelayan-bitung.jpg": (LANDSCAPE, 0.52, 0, (m_sun, m_boat, m_waves)),
    "media/aturan-ai-eropa.jpg": (CLASSIC, 0.63, 30, (m_circuit, m_star_ring)),
    "media/pelatihan-pekerja-migran.jpg": (LANDSCAPE, 0.7, -20, (m_grid, m_travel_arcs)),
    "media/harga-cabai-surabaya.jpg": (LANDSCAPE, 0.98, 15, (m_bars, m_chilies)),
    "articles/2023/10/umkm-kopi-temanggung-tembus-pasar-ekspor/foto-utama.jpg": (CLASSIC, 0.1, 0, (m_sun, m_hills, m_beans)),
    "media/kerugian-pedagang-banjir.jpg": (LANDSCAPE, 0.56, 0, (m_crates, m_awning, m_waves)),
    "media/harga-beras-ramadan.jpg": (CLASSIC, 0.68, 0, (m_crescent, m_bars, m_grains)),
    "media/lapak-daring-makassar.jpg": (LANDSCAPE, 0.45, -25, (m_nodes, m_phone)),
    "media/timnas-u19-laga-pembuka.jpg": (LANDSCAPE, 0.33, 0, (m_field, m_ball)),
    "media/timnas-u19-imbang-myanmar.jpg": (LANDSCAPE, 0.3, 0, (m_field, m_ball)),
    "articles/2023/09/timnas-u19-juara-piala-persahabatan/foto-utama.jpg": (LANDSCAPE, 0.95, 20, (m_confetti, m_trophy)),
    "media/bulu-tangkis-kudus.jpg": (PORTRAIT, 0.55, 10, (m_net, m_shuttlecock)),
    "media/semarang-10k.jpg": (LANDSCAPE, 0.12, 0, (m_sun, m_track)),
    "media/konsultasi-pedoman-ai.jpg": (LANDSCAPE, 0.62, 35, (m_circuit, m_chip)),
    "media/debat-aturan-ai.jpg": (LANDSCAPE, 0.8, -30, (m_circuit, m_bubbles)),
    "media/internet-desa-sumba.jpg": (LANDSCAPE, 0.58, 0, (m_hills, m_tower)),
    "articles/2024/01/aplikasi-deteksi-banjir-yogyakarta/foto-utama.jpg": (CLASSIC, 0.5, 0, (m_nodes, m_waves)),
    "media/festival-batik-pekalongan.jpg": (PORTRAIT, 0.07, 0, (m_kawung,)),
    "media/wayang-dalang-muda.jpg": (PORTRAIT, 0.04, 0, (m_gunungan,)),
    "media/film-pendek-medan.jpg": (LANDSCAPE, 0.85, 25, (m_reel,)),
    "media/megibung-karangasem.jpg": (CLASSIC, 0.14, 0, (m_plates,)),
    "media/profil-fajar-nugroho.jpg": (SQUARE, 0.58, 0, (m_portrait,)),
}

# Per-motif keyword arguments that make an image read better than the default.
TWEAKS = {
    "media/banjir-jakarta-timur.jpg": {m_waves: {"level": 0.6}},
    "media/forum-nelayan-bitung.jpg": {m_waves: {"level": 0.68, "layers": 3}},
    "media/kerugian-pedagang-banjir.jpg": {m_waves: {"level": 0.7, "layers": 3}},
    "media/timnas-u19-imbang-myanmar.jpg": {m_ball: {"x": 0.36, "y": 0.45, "r": 0.2}},
    "articles/2024/01/aplikasi-deteksi-banjir-yogyakarta/foto-utama.jpg": {
        m_nodes: {"count": 14, "area": (0.08, 0.08, 0.92, 0.5)},
        m_waves: {"level": 0.62, "layers": 3},
    },
    "media/harga-beras-ramadan.jpg": {m_bars: {"count": 5}},
}


def render(name: str) -> Image.Image:
    (width, height), hue, angle, motifs = IMAGES[name]
    rng = random.Random(zlib.crc32(name.encode("utf-8")))
    pal = Palette(hue, rng)
    size = (width * SCALE, height * SCALE)
    img = gradient(size, pal.sky_top, pal.sky_bottom, angle)
    glow(img, size[0] * rng.uniform(0.2, 0.8), size[1] * rng.uniform(0.1, 0.4), size[0] * 0.45, pal.light, 0.25)
    draw = ImageDraw.Draw(img, "RGBA")
    for motif in motifs:
        motif(img, draw, rng, pal, **TWEAKS.get(name, {}).get(motif, {}))
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    return img.convert("RGB").resize((width, height), Image.LANCZOS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "content"
    parser.add_argument("--content", type=Path, default=default, help="content folder (default: %(default)s)")
    args = parser.parse_args(argv)
    total = 0
    for name in IMAGES:
        path = args.content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        render(name).save(path, **JPEG_OPTIONS)
        size = path.stat().st_size
        total += size
        print(f"{size / 1024:6.1f} KB  {path.relative_to(args.content)}")
    print(f"{len(IMAGES)} images, {total / 1024:.0f} KB in total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
