"""Making the resized photos: decoded, oriented, stripped and encoded in worker processes.

Each variant in the cache has a record beside it, `<name>.json`: its size, mtime and a
BLAKE2b digest of its bytes, written when it is made. `.sitegen/` is not trusted (a CI
cache, a disk that lost a write), so a cached variant is reused only when it still
matches its record: the size always; the digest when its mtime is not the recorded one
(a cache restored by CI gets new mtimes), and for every variant of a `--clean` build. A
variant without a record (or with a damaged one) is made again. Records are plain JSON,
read with a size cap and type checks: nothing in them can run code.
"""

from __future__ import annotations

import hashlib
import json
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


RECORD_SUFFIX = ".json"
_RECORD_MAX = 1024  # bytes: a record is a few dozen


def record_path(path: Path) -> Path:
    """Where the record of the cached variant `path` is kept."""
    return path.with_name(path.name + RECORD_SUFFIX)


def file_digest(path: Path) -> str:
    """BLAKE2b of a file's bytes, hex."""
    digest = hashlib.blake2b()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_record(path: Path, digest: str | None = None) -> None:
    """Record the size, mtime and digest the variant `path` has now (atomically)."""
    stat = path.stat()
    data = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "blake2b": digest or file_digest(path)}
    record = record_path(path)
    tmp = record.with_name(f".{record.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, sort_keys=True))
        os.replace(tmp, record)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_record(path: Path) -> dict[str, int | str] | None:
    """The record of the variant `path`, or None when it is missing or not a sound record."""
    try:
        with record_path(path).open("rb") as handle:
            raw = handle.read(_RECORD_MAX + 1)
        data = json.loads(raw) if len(raw) <= _RECORD_MAX else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    size, mtime, digest = data.get("size"), data.get("mtime_ns"), data.get("blake2b")
    if type(size) is not int or type(mtime) is not int or not isinstance(digest, str) \
            or len(digest) != 128 or any(c not in "0123456789abcdef" for c in digest):
        return None
    return {"size": size, "mtime_ns": mtime, "blake2b": digest}


def intact(path: Path, thorough: bool = False) -> bool:
    """Whether the cached variant `path` is the file that was made: it has a record, its
    size is the recorded one, and so is its digest when its mtime changed or `thorough`."""
    record = read_record(path)
    if record is None:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    if stat.st_size != record["size"]:
        return False
    if stat.st_mtime_ns == record["mtime_ns"] and not thorough:
        return True
    try:
        digest = file_digest(path)
    except OSError:
        return False
    if digest != record["blake2b"]:
        return False
    if stat.st_mtime_ns != record["mtime_ns"]:  # the same bytes, touched (a restored cache)
        try:
            write_record(path, digest)  # so the next build needs only the size and mtime again
        except OSError:
            pass
    return True


def make_variants(planned: Sequence[Planned], config: ImagesConfig, jobs: int,
                  progress: "Progress | None" = None, thorough: bool = False) -> int:
    """Make the variants missing from the cache, or not intact there, one photo per task;
    returns how many were made. `thorough` (--clean) checks the digest of every cached one.

    A photo that cannot be decoded is an error naming the article that shows it.
    """
    from generator.parallel import map_chunks

    missing: dict[Path, list[Planned]] = {}
    seen: set[Path] = set()
    checked: set[Path] = set()
    for item in planned:
        if item.path in seen or item.path in checked:
            continue
        if intact(item.path, thorough):
            checked.add(item.path)
        else:
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
        digest = file_digest(tmp)
        os.replace(tmp, item.path)
        write_record(item.path, digest)  # after the file: a variant without a record is made again
    finally:
        if tmp.exists():
            tmp.unlink()
