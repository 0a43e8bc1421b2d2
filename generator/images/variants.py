"""Responsive photos: resized WebP and JPEG (or PNG) variants of every article image.

Every lead image and every image of an article body gets variants at the widths of
`[images] widths` that are not wider than the photo, plus one at the photo's own width
when it is narrower than the largest configured width. Each width is written as WebP
and as a fallback for browsers without WebP: JPEG, or PNG when the photo has an alpha
channel. Variants are never upscaled; EXIF orientation is applied and every kind of
metadata (EXIF, ICC, XMP, comments) is left out.

Variant names are content-addressed: `<stem>-<key>-<width>.<ext>`, where the key is a
digest of the source file's bytes and of every setting that changes the encoded bytes
(qualities, this module's pipeline version, Pillow's version). A name therefore never
stands for two different files, so browsers and CDNs may cache them forever, and the
variants are kept in `.sitegen/images/` across builds: a variant whose name is already
there is never made again. They sit in a `_v/` folder beside the original: shared media
`/media/banjir.jpg` -> `/media/_v/banjir-<key>-800.webp`, a bundle's photo beside its
article.

What the model needs (size, alpha, digest) is read while parsing (`probe`); the plan
(names, sizes, URLs) is a pure function of an `Image` and `ImagesConfig`; the pixels are
made by `make_variants`, in worker processes, only for variants the output lacks.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.config.images import ImagesConfig
from generator.config.site import CACHE_DIR, SiteConfig
from generator.content.model import Article, Image, Profile

PIPELINE = 1  # bump when the resizing or encoding below changes the bytes it writes
VARIANT_DIR = "_v"
CACHE_SUBDIR = "images"
MIME = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


# --- the plan: names, sizes and URLs of every variant ----------------------------------

@dataclass(frozen=True)
class Variant:
    """One resized file of a photo."""

    name: str  # file name, also in .sitegen/images/
    url: str  # site path (without the base path)
    width: int
    height: int
    ext: str  # "webp", "jpg" or "png"

    @property
    def mime(self) -> str:
        """The MIME type, for <source type>."""
        return MIME[self.ext]


@dataclass(frozen=True)
class Responsive:
    """A photo's variants, narrowest first: WebP and the fallback at the same widths."""

    image: Image
    webp: tuple[Variant, ...]
    fallback: tuple[Variant, ...]
    thumb: int  # index of the thumbnail width
    share: int | None  # index of the variant for link previews, None: the original


@dataclass(frozen=True)
class Shared:
    """The picture that link previews (og:image) and structured data point at."""

    url: str
    width: int | None
    height: int | None
    alt: str


def variant_widths(width: int, widths: Iterable[int]) -> list[int]:
    """Widths to make of a photo `width` pixels wide: none wider than it, at least one."""
    wanted = sorted(set(widths))
    chosen = [w for w in wanted if w <= width]
    if not chosen or (wanted and width < wanted[-1] and chosen[-1] != width):
        chosen.append(width)
    return chosen


@lru_cache(maxsize=16)
def variant_settings(config: ImagesConfig) -> str:
    """What, besides a photo's bytes, names its variants: the pipeline, Pillow, the qualities."""
    import PIL

    return f"{PIPELINE}|{PIL.__version__}|{config.jpeg_quality}|{config.webp_quality}"


_NOT_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def _stem(url: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:  # as PurePosixPath.stem, without its cost on every photo
        name = name[:dot]
    stem = _NOT_NAME.sub("-", name).strip("-")
    return stem[:60] or "foto"


def responsive(image: Image, config: ImagesConfig) -> Responsive | None:
    """The variants of a local photo, or None for a remote one (nothing to resize)."""
    if not image.file or not image.digest or not image.width or not image.height:
        return None
    return Responsive(image, *_variants(image.url, image.digest, image.width, image.height, image.alpha, config))


# Keyed by the few fields that matter rather than the Image: stories sharing a photo
# differ in caption and alt, and hashing a whole Image costs more than the look-up saves.
@lru_cache(maxsize=100_000)
def _variants(url: str, digest: str, width: int, height: int, alpha: bool,
              config: ImagesConfig) -> tuple[tuple[Variant, ...], tuple[Variant, ...], int, int | None]:
    key = hashlib.blake2b(f"{digest}|{variant_settings(config)}".encode(), digest_size=5).hexdigest()
    folder = url.rsplit("/", 1)[0] + f"/{VARIANT_DIR}/"
    stem = _stem(url)
    fallback_ext = "png" if alpha else "jpg"
    webp, fallback = [], []
    for size in variant_widths(width, config.widths):
        tall = max(1, int(height * size / width + 0.5))
        for ext, into in (("webp", webp), (fallback_ext, fallback)):
            name = f"{stem}-{key}-{size}.{ext}"
            into.append(Variant(name=name, url=folder + name, width=size, height=tall, ext=ext))
    thumb = next((i for i, v in enumerate(fallback) if v.width >= config.thumb_width), len(fallback) - 1)
    share = next((i for i, v in enumerate(fallback) if v.width >= config.share_width), None)
    return tuple(webp), tuple(fallback), thumb, share


def share_image(image: Image | None, config: ImagesConfig) -> Shared | None:
    """A large variant (at least `share_width` wide) for link previews, else the original."""
    if image is None:
        return None
    plan = responsive(image, config)
    if plan is not None and plan.share is not None:
        chosen = plan.fallback[plan.share]
        return Shared(chosen.url, chosen.width, chosen.height, image.alt)
    return Shared(image.url, image.width, image.height, image.alt)


def thumb_image(image: Image | None, config: ImagesConfig) -> Shared | None:
    """The small fallback variant (JPEG or PNG) used for thumbnails, else the original."""
    if image is None:
        return None
    plan = responsive(image, config)
    if plan is None:
        return Shared(image.url, image.width, image.height, image.alt)
    chosen = plan.fallback[plan.thumb]
    return Shared(chosen.url, chosen.width, chosen.height, image.alt)


# --- making the variants -----------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    """One variant file of the output: where it goes, and how to make it if it is missing."""

    rel: str  # output path
    name: str
    path: Path  # in the cache
    source: Path  # the photo
    width: int
    height: int
    ext: str
    alpha: bool
    origin: str  # the article that shows the photo, for diagnostics
    line: int | None


def cache_folder(source: Path) -> Path:
    """`.sitegen/images/` of the site, or a temporary folder when the site is read-only."""

    folder = source / CACHE_DIR / CACHE_SUBDIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    key = hashlib.blake2b(str(source.resolve()).encode(), digest_size=6).hexdigest()
    folder = Path(tempfile.gettempdir()) / f"sitegen-images-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def plan_variants(articles: Sequence[Article | Profile], config: "SiteConfig", folder: Path | None = None) -> list[Planned]:
    """Every variant file the site shows (stories' photos and profiles'), once each, in a stable order.

    `folder` is the cache; without it (sitegen check) the paths are only names.
    """
    folder = folder if folder is not None else config.source / ".sitegen" / CACHE_SUBDIR
    planned: dict[str, Planned] = {}
    for article in articles:
        for image in ([article.image] if article.image is not None else []) + list(article.body_images):
            plan = responsive(image, config.images)
            if plan is None:
                continue
            for variant in plan.webp + plan.fallback:
                rel = variant.url.lstrip("/")
                if rel not in planned:
                    planned[rel] = Planned(rel=rel, name=variant.name, path=folder / variant.name,
                                           source=config.source / image.file, width=variant.width,
                                           height=variant.height, ext=variant.ext, alpha=image.alpha,
                                           origin=article.source, line=image.line)
    return [planned[rel] for rel in sorted(planned)]

