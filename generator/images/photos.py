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
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup, escape

from generator.errors import BuildError, Diagnostic, line_of
from generator.content.model import Article, Image

if TYPE_CHECKING:  # config.py imports this module for ImagesConfig
    from generator.config.site import SiteConfig
    from generator.progress import Progress

PIPELINE = 1  # bump when the resizing or encoding below changes the bytes it writes
VARIANT_DIR = "_v"
CACHE_SUBDIR = "images"
ORIENTATION_TAG = 0x0112
SWAPPING_ORIENTATIONS = (5, 6, 7, 8)  # rotated by 90 degrees: width and height trade places
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
MIME = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class ImagesConfig:
    """The `[images]` table of site.toml."""

    widths: tuple[int, ...] = (480, 800, 1200)  # variant widths in pixels, never above the photo's own
    thumb_width: int = 480  # cards, related lists, latest.json: the narrowest variant at least this wide
    share_width: int = 1200  # og:image and JSON-LD: the narrowest variant at least this wide, else the original
    jpeg_quality: int = 82
    webp_quality: int = 80
    sizes: str = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"  # the `sizes` of lead and body photos

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every unusable value, for the config loader."""
        found: list[tuple[str, str]] = []
        if not self.widths:
            found.append(("widths", "[images] widths must list at least one width"))
        elif any(not 16 <= w <= 10000 for w in self.widths):
            found.append(("widths", "[images] widths must be between 16 and 10000 pixels"))
        for name in ("thumb_width", "share_width"):
            if getattr(self, name) < 1:
                found.append((name, f"[images] {name} must be at least 1"))
        for name in ("jpeg_quality", "webp_quality"):
            if not 1 <= getattr(self, name) <= 100:
                found.append((name, f"[images] {name} must be between 1 and 100"))
        if not self.sizes.strip():
            found.append(("sizes", "[images] sizes must not be empty"))
        return tuple(found)


# --- reading a source photo while parsing ---------------------------------------------

@dataclass(frozen=True)
class SourceInfo:
    """What parsing learns of a photo: its displayed size, alpha, and a digest of its bytes."""

    width: int
    height: int
    alpha: bool
    digest: str


class ImageProblem(Exception):
    """A photo that cannot be used; the message names why."""


_PROBED: dict[tuple[str, int, int, int, int], SourceInfo] = {}


def probe(path: Path) -> SourceInfo:
    """Size (after EXIF orientation), alpha and digest of a photo; ImageProblem if unusable.

    Remembered per process by the file's stat, so a shared photo shown by thousands of
    stories is read once per worker.
    """
    from PIL import Image as PILImage, UnidentifiedImageError

    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        known = _PROBED.get(key)
        if known is not None:
            return known
        data = path.read_bytes()
    except OSError as exc:
        raise ImageProblem(exc.strerror or exc.__class__.__name__) from None
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            width, height = img.size
            alpha = img.mode in ALPHA_MODES or "transparency" in img.info
            try:
                orientation = img.getexif().get(ORIENTATION_TAG, 1)
            except Exception:  # noqa: BLE001 - a broken EXIF block only loses the orientation
                orientation = 1
    except UnidentifiedImageError:
        raise ImageProblem("not an image file Pillow can read (JPEG, PNG, WebP, GIF...)") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for damaged files
        raise ImageProblem(f"{exc.__class__.__name__}: {exc}") from None
    if width < 1 or height < 1:
        raise ImageProblem("the image is empty")
    if orientation in SWAPPING_ORIENTATIONS:
        width, height = height, width
    info = SourceInfo(width, height, alpha, hashlib.blake2b(data, digest_size=16).hexdigest())
    if len(_PROBED) > 10_000:
        _PROBED.clear()
    _PROBED[key] = info
    return info


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


# --- HTML ------------------------------------------------------------------------------

def picture_html(image: Image, config: ImagesConfig, base_path: str, *, sizes: str | None = None,
                 eager: bool = False, thumb: bool = False, alt: str | None = None) -> Markup:
    """A <picture> with a WebP <source> and a JPEG/PNG <img>, or a plain <img> for a remote photo.

    The lead photo is `eager` (loaded at once, high priority); every other one is lazy.
    A thumbnail has one small variant; others list every width with `sizes`.
    """
    def href(url: str) -> str:  # percent-encoded: a space or comma would split a srcset candidate
        if "://" in url or url.startswith("//"):
            return url
        return quote(base_path.rstrip("/") + url, safe="/%:@!$&'()*+;=-._~")

    text = image.alt if alt is None else alt
    loading = ' loading="eager" fetchpriority="high"' if eager else ' loading="lazy" decoding="async"'
    plan = responsive(image, config)
    if plan is None:
        size = f' width="{image.width}" height="{image.height}"' if image.width and image.height else ""
        return Markup('<img src="{}" alt="{}"{}').format(href(image.url), text, Markup(size)) + Markup(loading + ">")
    if thumb:
        webp, fallback = plan.webp[plan.thumb], plan.fallback[plan.thumb]
        source = Markup('<source type="image/webp" srcset="{}">').format(href(webp.url))
        img = Markup('<img src="{}" width="{}" height="{}" alt="{}"').format(
            href(fallback.url), fallback.width, fallback.height, text)
    else:
        sizes = sizes or config.sizes
        source = Markup('<source type="image/webp" srcset="{}" sizes="{}">').format(
            ", ".join(f"{href(v.url)} {v.width}w" for v in plan.webp), sizes)
        largest = plan.fallback[-1]
        img = Markup('<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"').format(
            href(largest.url), ", ".join(f"{href(v.url)} {v.width}w" for v in plan.fallback), sizes,
            largest.width, largest.height, text)
    return Markup("<picture>") + source + img + Markup(loading + "></picture>")


def figure_html(image: Image, config: ImagesConfig, base_path: str, alt: str, caption: str,
                credit: str) -> Markup:
    """A body photo as a <figure>: the picture, then the caption and the credit apart."""
    html = Markup('<figure class="body-figure">') + picture_html(image, config, base_path, alt=alt)
    if caption or credit:
        html += Markup("<figcaption>") + escape(caption)
        if credit:
            html += Markup('{}<span class="credit">{}</span>').format(" " if caption else "", credit)
        html += Markup("</figcaption>")
    return html + Markup("</figure>")


def split_title(title: str) -> tuple[str, str]:
    """A body image's title "caption | credit" as (caption, credit); the credit is optional."""
    caption, bar, credit = title.rpartition(" | ") if " | " in title else (title, "", "")
    return caption.strip(), credit.strip() if bar else ""


def body_image_hook(article: Any, config: "SiteConfig") -> Callable[[str, str, str, bool], str | None] | None:
    """For markup.render_markdown: HTML for each image of this article's body, by its src."""
    images = getattr(article, "body_images", ()) if isinstance(article, Article) else ()
    if not images:
        return None
    by_src = {image.src: image for image in images}

    def render(src: str, alt: str, title: str, standalone: bool) -> str | None:
        image = by_src.get(src)
        if image is None or not image.file:
            return None
        if standalone:  # alone in its paragraph: a <figure> when it has a title, else in place
            if not title:
                return None
            caption, credit = split_title(title)
            return str(figure_html(image, config.images, config.base_path, alt, caption, credit))
        return str(picture_html(image, config.images, config.base_path, alt=alt))

    return render


def template_helpers(config: "SiteConfig") -> dict[str, Callable[..., Any]]:
    """Jinja globals: picture(image, ...), share_image(image), thumb_image(image)."""
    images, base_path = config.images, config.base_path

    def picture(image: Image, sizes: str | None = None, eager: bool = False, thumb: bool = False,
                alt: str | None = None) -> Markup:
        return picture_html(image, images, base_path, sizes=sizes, eager=eager, thumb=thumb, alt=alt)

    return {"picture": picture,
            "share_image": lambda image: share_image(image, images),
            "thumb_image": lambda image: thumb_image(image, images)}


# --- missing alt text ------------------------------------------------------------------

def unlabelled_images(article: Article) -> list[tuple[Image, bool]]:
    """The photos of a story without alt text, each with whether it is in the body."""
    lead = [article.image] if article.image is not None else []
    return [(image, image is not article.image) for image in lead + list(article.body_images)
            if not image.alt.strip()]


def alt_diagnostics(articles: Iterable[Article], site: Path, strict: bool) -> list[Diagnostic]:
    """A warning (an error with --strict) for each photo without alt text."""
    diags: list[Diagnostic] = []
    severity = "error" if strict else "warning"
    for article in articles:
        missing = unlabelled_images(article)
        if not missing:
            continue
        try:
            text = (site / article.source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            text = ""
        for image, in_body in missing:
            if in_body:
                message = f"image {image.src} in the body has no alt text"
                hint = "describe the photo in the brackets, for readers who cannot see it: ![Warga menimba air](...)"
            else:
                message = "the lead image has no alt text"
                hint = "describe the photo for readers who cannot see it: add 'alt: ...' under 'image:'"
            diags.append(Diagnostic(article.source, message, line=image.line, hint=hint, severity=severity,
                                    source_line=line_of(text, image.line)))
    return diags


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
    from generator.output.cache import CACHE_DIR

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


def plan_variants(articles: Sequence[Article], config: "SiteConfig", folder: Path | None = None) -> list[Planned]:
    """Every variant file the site shows, once each, in a stable order.

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


def make_variants(planned: Sequence[Planned], config: ImagesConfig, jobs: int,
                  progress: "Progress | None" = None) -> int:
    """Make the variants missing from the cache, one photo per task; returns how many were made.

    A photo that cannot be decoded is an error naming the article that shows it.
    """
    from generator.parallel import map_chunks

    missing: dict[Path, list[Planned]] = {}
    seen: set[Path] = set()
    for item in planned:
        if item.path not in seen and not item.path.exists():
            seen.add(item.path)
            missing.setdefault(item.source, []).append(item)
    if not missing:
        return 0
    tasks = [tuple(items) for _, items in sorted(missing.items())]
    from PIL import Image as PILImage

    PILImage.init()  # load every format plugin once, before the workers fork
    for folder in {item.path.parent for items in tasks for item in items}:
        folder.mkdir(parents=True, exist_ok=True)
    if progress is not None:
        progress.start("images", len(tasks))
    try:
        results = map_chunks(_make_chunk, tasks, jobs, shared=config, chunk_size=1, min_items=1,
                             progress=progress.advance if progress is not None else None)
    finally:
        if progress is not None:
            progress.finish()
    diags = [d for d in results if d is not None]
    if diags:
        raise BuildError(sorted(set(diags), key=lambda d: (d.path, d.line or 0, d.message)))
    return len(seen)


def _make_chunk(tasks: list[tuple[Planned, ...]], config: ImagesConfig) -> list[Diagnostic | None]:
    results: list[Diagnostic | None] = []
    for items in tasks:
        try:
            make_photo_variants(items, config)
            results.append(None)
        except Exception as exc:  # noqa: BLE001 - a damaged photo is the user's problem, named
            first = items[0]
            results.append(Diagnostic(first.origin, f"cannot make the resized versions of {first.source.name}: "
                                      f"{exc.__class__.__name__}: {exc}", line=first.line,
                                      hint="open and save the photo again, or replace it"))
    return results


def make_photo_variants(items: Sequence[Planned], config: ImagesConfig) -> None:
    """Decode one photo once, apply its EXIF orientation and write each variant atomically."""
    from PIL import Image as PILImage, ImageOps

    largest = max(items, key=lambda item: item.width)
    with PILImage.open(items[0].source) as img:
        try:
            swapped = img.getexif().get(ORIENTATION_TAG, 1) in SWAPPING_ORIENTATIONS
        except Exception:  # noqa: BLE001
            swapped = False
        if img.format == "JPEG":  # let libjpeg decode at 1/2, 1/4 or 1/8 when that is still big enough
            img.draft(None, (largest.height, largest.width) if swapped else (largest.width, largest.height))
        base = ImageOps.exif_transpose(img)
    if items[0].alpha:
        base = base.convert("RGBA") if base.mode != "RGBA" else base
    elif base.mode != "RGB":
        base = base.convert("RGB")
    resized: dict[tuple[int, int], Any] = {}
    larger = base  # each width is made from the next larger one: much less work, no visible loss
    for item in sorted(items, key=lambda item: (-item.width, item.ext)):
        size = (item.width, item.height)
        picture = resized.get(size)
        if picture is None:
            picture = larger if larger.size == size else larger.resize(size, PILImage.Resampling.LANCZOS,
                                                                       reducing_gap=3.0)
            picture.info = {}  # no EXIF, ICC profile, XMP or comments in the variants
            resized[size] = larger = picture
        _save(picture, item, config)


def _save(picture: Any, item: Planned, config: ImagesConfig) -> None:
    tmp = item.path.with_name(f".{item.name}.{os.getpid()}.tmp")
    try:
        if item.ext == "webp":
            picture.save(tmp, "WEBP", quality=config.webp_quality, method=4)
        elif item.ext == "png":
            picture.save(tmp, "PNG", compress_level=6)
        else:
            picture.save(tmp, "JPEG", quality=config.jpeg_quality, optimize=True, progressive=True)
        os.replace(tmp, item.path)
    finally:
        if tmp.exists():
            tmp.unlink()

