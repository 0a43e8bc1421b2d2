"""Reading a story's photos while parsing: size, alpha and digest, and the missing-alt-text check."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.content.model import Article, Image
from generator.errors import Diagnostic, line_of

ORIENTATION_TAG = 0x0112
SWAPPING_ORIENTATIONS = (5, 6, 7, 8)  # rotated by 90 degrees: width and height trade places
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


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
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

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
