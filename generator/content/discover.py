"""Find the source files of a site: stories, bundles, pages and shared media, each with a stamp to tell edits by."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from generator.errors import Diagnostic, raise_if_errors


@dataclass(frozen=True)
class Sources:
    """The files a build reads, as paths relative to the site folder, with their stamps."""

    articles: tuple[str, ...]
    pages: tuple[str, ...]
    media: tuple[str, ...]
    bundle_files: tuple[str, ...]  # images and other files beside a bundle's index.md
    stamps: Mapping[str, Stamp] = field(default_factory=dict)


# A file's size, mtime and ctime in ns, plus a digest of its content when the mtime is
# too recent to tell two edits apart (file systems stamp times in ticks of a few ms). The
# ctime changes with the file's permissions and owner too: a story made unreadable
# (chmod, chown, an ACL) is read again, and reported, by the next build, incremental or not.
Stamp = tuple[int, ...]
RACY_MARGIN_NS = 2_000_000_000


def stamp_of(stat: os.stat_result) -> Stamp:
    """The stamp of a file from its stat: what tells the build the file may have changed."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def discover(site: Path, racy_after_ns: int | None = None) -> Sources:
    """List content files in a stable order, skipping hidden files.

    Files modified after `racy_after_ns` (less a margin), the moment the previous build
    looked at the files, are stamped with a digest of their content too.
    """
    stamps: dict[str, Stamp] = {}
    articles, bundle_files = [], []
    problems: list[Diagnostic] = []
    found = _walk(site, "content/articles", stamps, problems=problems)
    folders_with_index = {rel.rsplit("/", 1)[0] for rel in found if rel.endswith("/index.md")}
    for rel in found:
        if rel.endswith(".md"):
            articles.append(rel)
        elif rel.rsplit("/", 1)[0] in folders_with_index:
            bundle_files.append(rel)
    media = _walk(site, "content/media", stamps, problems=problems)
    pages = [rel for rel in _walk(site, "content/pages", stamps, recursive=False, problems=problems)
             if rel.endswith(".md")]
    raise_if_errors(problems)
    if racy_after_ns is not None:
        for rel, stamp in stamps.items():
            if stamp[1] >= racy_after_ns - RACY_MARGIN_NS:
                stamps[rel] = stamp + (_content_digest(site / rel),)
    return Sources(tuple(articles), tuple(pages), tuple(media), tuple(bundle_files), stamps)


def _symlink_problem(site: Path, link: Path) -> str | None:
    """Why a symlink in content/ must not be followed, or None when it may be."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return "broken symlink: the file it points to does not exist"
    except (OSError, RuntimeError):
        return "symlink loop"
    if not is_inside(target, (site / "content").resolve()):
        return "symlink points outside content/"
    if target.is_dir() and is_inside(link.parent.resolve(), target):
        return "symlink loop: it points to a folder that contains it"
    return None


def _content_digest(path: Path) -> int:
    try:
        return int.from_bytes(hashlib.blake2b(path.read_bytes(), digest_size=8).digest(), "big")
    except OSError:
        return -1


def _walk(site: Path, folder: str, stamps: dict[str, Stamp], recursive: bool = True,
          problems: list[Diagnostic] | None = None) -> list[str]:
    """Files below `folder` (relative paths, sorted), recording each one's size and mtime.

    A symlink is followed only when it stays inside content/: one pointing elsewhere
    (which would publish files from outside the site), a broken one, a loop and an
    unreadable folder are each reported in `problems`.
    """
    problems = problems if problems is not None else []
    found: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(site / current))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            problems.append(Diagnostic(current, f"cannot read folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{current}/{entry.name}"
            if entry.is_symlink():
                problem = _symlink_problem(site, Path(entry.path))
                if problem:
                    problems.append(Diagnostic(rel, problem))
                    continue
            if entry.is_dir():
                if recursive:
                    pending.append(rel)
            elif entry.is_file():
                stat = entry.stat()
                stamps[rel] = stamp_of(stat)
                found.append(rel)
    return sorted(found)


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies inside it (both resolved)."""
    return path == folder or folder in path.parents

