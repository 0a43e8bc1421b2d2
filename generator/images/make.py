"""Making the resized photos: decoded, oriented, stripped and encoded in worker processes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.config.images import ImagesConfig
from generator.content.photos import ORIENTATION_TAG, SWAPPING_ORIENTATIONS
from generator.errors import BuildError, Diagnostic
from generator.images.variants import Planned

if TYPE_CHECKING:
    from generator.progress import Progress


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
    from PIL import Image as PILImage
    from PIL import ImageOps

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
