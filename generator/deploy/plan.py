"""What a deploy must do: the output folder compared with what the bucket holds."""

from __future__ import annotations

import hashlib
import mimetypes
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from generator.config.deploy import DeployConfig
from generator.output.limits import output_sizes

IMMUTABLE = "public, max-age=31536000, immutable"
# Files named by their content: a new content is a new name, so browsers may keep them a year.
_FINGERPRINTED_SUFFIXES = (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta")
_VARIANTS = "/_v/"  # resized photos: media/_v/ and the _v/ folder of a story bundle
# Uploaded last, after every file they may point at: pages, feeds, sitemaps, and the
# search bundle's entry files that name its (content-named) shards.
_POINTERS = (".html", ".xml", ".json", ".txt", ".js", ".css", ".pagefind")
# Types mimetypes may not know on every system; the rest come from mimetypes.
_TYPES = {".xml": "application/xml", ".json": "application/json", ".webp": "image/webp", ".svg": "image/svg+xml",
          ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".txt": "text/plain",
          ".html": "text/html", ".avif": "image/avif"}
_TEXT = ("text/", "application/xml", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class LocalFile:
    """A file of the output folder, as it will be stored."""

    rel: str  # path below the output folder, with '/'
    key: str  # the object's key in the bucket (prefix + rel)
    size: int
    md5: str  # hex digest, what S3 gives as the ETag of an object uploaded in one part
    content_type: str
    cache_control: str


@dataclass(frozen=True)
class DeployPlan:
    """Uploads in the order they run (assets first, pages last), then deletes."""

    uploads: tuple[LocalFile, ...]
    deletes: tuple[str, ...]  # keys in the bucket no file of the output has
    unchanged: int
    upload_bytes: int

    @property
    def empty(self) -> bool:
        """Nothing to upload or delete: the bucket already holds the output."""
        return not self.uploads and not self.deletes


def object_key(prefix: str, rel: str) -> str:
    """The key of `rel` below the bucket folder `prefix` ('' or 'a/b')."""
    prefix = prefix.strip("/")
    return f"{prefix}/{rel}" if prefix else rel


def content_type(rel: str) -> str:
    """The Content-Type served for a file, UTF-8 for text."""
    suffix = os.path.splitext(rel)[1].lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT) else kind


def cache_control(rel: str, config: DeployConfig) -> str:
    """Long and immutable for files named by their content, short for what changes under one name."""
    if _VARIANTS in f"/{rel}" or rel.endswith(_FINGERPRINTED_SUFFIXES):
        return IMMUTABLE
    if rel.endswith(_POINTERS) or "/" not in rel:
        return f"public, max-age={config.html_max_age}"
    return f"public, max-age={config.asset_max_age}"


def upload_phase(rel: str) -> int:
    """0 for files that others point at, 1 for the search bundle's entry files, 2 for pages, feeds, sitemaps.

    An interrupted deploy therefore never leaves a page that names a missing file.
    """
    if rel.endswith((".html", ".xml", ".txt")) or ("/" not in rel and rel.endswith(".json")):
        return 2
    if rel.endswith(_POINTERS):
        return 1
    return 0


def file_md5(path: Path) -> str:
    """The MD5 of a file (hashlib releases the GIL, so threads hash in parallel)."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def local_files(out: Path, config: DeployConfig, workers: int = 8) -> list[LocalFile]:
    """Every file of the output folder with its digest and headers, sorted by path."""
    sizes = output_sizes(out)
    rels = sorted(sizes)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        digests = list(pool.map(lambda rel: file_md5(out / rel), rels, chunksize=64))
    return [LocalFile(rel, object_key(config.prefix, rel), sizes[rel], md5, content_type(rel),
                      cache_control(rel, config)) for rel, md5 in zip(rels, digests)]


def make_plan(files: Iterable[LocalFile], remote: Mapping[str, str], force: bool = False) -> DeployPlan:
    """Compare the output with the bucket's {key: ETag}; `force` uploads every file."""
    files = list(files)
    uploads = [f for f in files if force or remote.get(f.key, "").strip('"') != f.md5]
    local_keys = {f.key for f in files}
    deletes = tuple(sorted(key for key in remote if key not in local_keys))
    uploads.sort(key=lambda f: (upload_phase(f.rel), f.rel))
    return DeployPlan(uploads=tuple(uploads), deletes=deletes, unchanged=len(files) - len(uploads),
                      upload_bytes=sum(f.size for f in uploads))
