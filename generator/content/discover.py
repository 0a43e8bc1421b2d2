"""Find the source files of a site: stories, bundles, pages, profiles and shared media, each with a stamp to tell edits by."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from generator.content.gitstamps import blob_digest, git_digests
from generator.errors import Diagnostic, raise_if_errors


@dataclass(frozen=True)
class Sources:
    """The files a build reads, as paths relative to the site folder, with their stamps."""

    articles: tuple[str, ...]
    pages: tuple[str, ...]
    media: tuple[str, ...]
    bundle_files: tuple[str, ...]  # images and other files beside a bundle's index.md
    stamps: Mapping[str, Stamp] = field(default_factory=dict)
    stats: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)  # size, mtime, ctime: to record
    people: tuple[str, ...] = ()  # profiles in content/people/

    def record(self, scanned_ns: int) -> KnownStamps:
        """What this listing learnt, for the next build to reuse (scanned_ns: when it began)."""
        return KnownStamps(scanned_ns, {rel: (*stat, self.stamps[rel][1]) for rel, stat in self.stats.items()})


# A file's stamp is its size and a digest of its bytes, never its times: a fresh clone
# (as in CI) gives every file a new mtime, yet nothing changed. The digest is not read
# again when the file's size, mtime and ctime are those recorded by the last build and the
# mtime is older than that build's scan (less a margin: file systems stamp times in ticks
# of a few ms, so a file saved in the tick of the scan may keep its stat with new bytes).
# The ctime changes with permissions and owner too: a story made unreadable (chmod,
# chown, an ACL) is read again, its digest is -1, and the next build reports it.
Stamp = tuple[int, int]
RACY_MARGIN_NS = 2_000_000_000
GIT_AT = 200  # files to digest from which asking git is cheaper than reading them


@dataclass(frozen=True)
class KnownStamps:
    """The digests a build read, by size, mtime and ctime, and when it listed the files."""

    scanned_ns: int
    files: Mapping[str, tuple[int, int, int, int]]  # path -> (size, mtime_ns, ctime_ns, digest)


def discover(site: Path, known: KnownStamps | None = None) -> Sources:
    """List content files in a stable order, skipping hidden files, each with its stamp.

    A file's digest is taken from `known` when its size and times are unchanged and older
    than the scan that recorded it; every other file is read and digested.
    """
    stats: dict[str, tuple[int, int]] = {}
    articles, bundle_files = [], []
    problems: list[Diagnostic] = []
    found = _walk(site, "content/articles", stats, problems=problems)
    folders_with_index = {rel.rsplit("/", 1)[0] for rel in found if rel.endswith("/index.md")}
    for rel in found:
        if rel.endswith(".md"):
            articles.append(rel)
        elif rel.rsplit("/", 1)[0] in folders_with_index:
            bundle_files.append(rel)
    media = _walk(site, "content/media", stats, problems=problems)
    pages = [rel for rel in _walk(site, "content/pages", stats, recursive=False, problems=problems)
             if rel.endswith(".md")]
    people = [rel for rel in _walk(site, "content/people", stats, recursive=False, problems=problems)
              if rel.endswith(".md")]
    raise_if_errors(problems)
    recorded = known.files if known is not None else {}
    settled = known.scanned_ns - RACY_MARGIN_NS if known is not None else 0
    stamps: dict[str, Stamp] = {}
    unknown = []
    for rel, stat in stats.items():
        before = recorded.get(rel)
        if before is not None and before[:3] == stat and stat[1] < settled:
            stamps[rel] = (stat[0], before[3])
        else:
            unknown.append(rel)
    # A fresh clone knows nothing, yet git's index holds every tracked file's digest: one
    # `git ls-files` instead of reading them all. For a few edited files reading is quicker.
    vouched = git_digests(site) if len(unknown) >= GIT_AT else {}
    for rel in unknown:
        size = stats[rel][0]
        from_git = vouched.get(rel)
        stamps[rel] = (size, from_git[1] if from_git is not None and from_git[0] == size else content_digest(site / rel))
    return Sources(tuple(articles), tuple(pages), tuple(media), tuple(bundle_files), stamps, stats, tuple(people))


def stamp_of(path: Path) -> Stamp:
    """The stamp of a file outside the listing (a theme file): its size and digest."""
    return path.stat().st_size, content_digest(path)


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


def content_digest(path: Path) -> int:
    """A 64-bit digest of a file's bytes (git's blob id, so git's index can vouch for it); -1 when unreadable."""
    return blob_digest(path)


def _walk(site: Path, folder: str, stats: dict[str, tuple[int, int, int]], recursive: bool = True,
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
                stats[rel] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
                found.append(rel)
    return sorted(found)


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies inside it (both resolved)."""
    return path == folder or folder in path.parents

