"""The host's size limits: what each output file weighs and what it is made from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from generator.config.deploy import LimitsConfig
from generator.config.site import SiteConfig
from generator.errors import Diagnostic

MIB = 1024 * 1024
DEPLOY_HINT = ("publish with `sitegen deploy` to S3-compatible storage (AWS S3, Cloudflare R2, MinIO), "
               "which has no such limit (docs/deploy.md)")

if TYPE_CHECKING:  # build.py imports this module; the type is only for annotations
    from generator.output.files import Output


@dataclass(frozen=True)
class SizeLimits:
    """What the host accepts; the defaults are GitHub Pages' published limits.

    A file over `max_file` fails the build; an output over `max_total` is a warning.
    """

    max_file: int = 100 * MIB
    max_total: int = 1024 * MIB
    top: int = 5  # biggest contributors named in the message
    host: str = "GitHub Pages"  # named in messages
    # False skips the check, and the walk over every output file it needs: for the
    # preview of `sitegen serve`, which is never published.
    check: bool = True


def limits_for(config: SiteConfig) -> SizeLimits:
    """The limits of `[limits]` in site.toml; GitHub Pages' unless changed there."""
    table = config.limits
    host = "GitHub Pages" if table == LimitsConfig() else "the host ([limits])"
    return SizeLimits(max_file=table.file_mb * MIB, max_total=table.site_mb * MIB, host=host)


@dataclass(frozen=True)
class SizeSummary:
    """How large the site is against the host's limit, and what makes it so large."""

    files: int
    total: int
    limits: SizeLimits
    kinds: tuple[tuple[str, int, int], ...]  # (kind, files, bytes), largest first

    def line(self) -> str:
        """One line for the summary of check and build."""
        share = 100 * self.total / self.limits.max_total
        parts = ", ".join(f"{kind} {format_size(size)}" for kind, _, size in self.kinds[:self.limits.top])
        return (f"Size: {self.files} files, {format_size(self.total)} ({share:.1f}% of the "
                f"{format_size(self.limits.max_total)} {self.limits.host} allows): {parts}.")


def kind_of(rel: str) -> str:
    """What part of the site an output file belongs to, for the size report."""
    if rel.startswith("pagefind/"):
        return "search index"
    if "/_v/" in f"/{rel}":
        return "resized photos"
    if rel.startswith("static/"):
        return "theme files"
    suffix = rel.rsplit(".", 1)[-1].lower() if "." in rel else ""
    if suffix == "html":
        return "pages"
    if suffix in ("xml", "json", "txt"):
        return "feeds and sitemaps"
    if suffix in ("jpg", "jpeg", "png", "webp", "gif", "avif", "svg"):
        return "photos"
    return "other files"


def size_summary(sizes: Mapping[str, int], limits: SizeLimits) -> SizeSummary:
    """Files and bytes of the output by kind, largest first."""
    kinds: dict[str, list[int]] = {}
    for rel, size in sizes.items():
        count = kinds.setdefault(kind_of(rel), [0, 0])
        count[0] += 1
        count[1] += size
    ranked = sorted(((kind, n, size) for kind, (n, size) in kinds.items()), key=lambda k: (-k[2], k[0]))
    return SizeSummary(files=len(sizes), total=sum(sizes.values()), limits=limits, kinds=tuple(ranked))


def output_origins(outputs: Sequence[Output], config: SiteConfig) -> dict[str, str]:
    """For each output file, what it is made from, as named in diagnostics."""
    origins = {}
    root = config.source.resolve()
    for output in outputs:
        if output.page is not None:
            origins[output.rel] = output.page.source
        elif output.variant is not None:  # a resized photo: name the photo, not the cache
            origins[output.rel] = output.variant.origin
        elif output.copy_from is not None:
            try:
                origins[output.rel] = output.copy_from.resolve().relative_to(root).as_posix()
            except ValueError:
                origins[output.rel] = str(output.copy_from)
    return origins


def output_sizes(root: Path) -> dict[str, int]:
    """Size of every file below `root`, by path relative to it (one stat per file)."""
    sizes: dict[str, int] = {}
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, rel + "/"))
            elif entry.is_file():
                sizes[rel] = entry.stat().st_size
    return sizes


def sizes_after(out: Path, staged: Path, removed: Sequence[str], known: Mapping[str, int] | None = None) -> dict[str, int]:
    """The sizes the output will have once an incremental update is applied.

    `known` is what the last build recorded for `out` (its manifest): given, only the
    staged files are looked at, not the tens of thousands the output already holds.
    """
    sizes = dict(known) if known is not None else output_sizes(out)
    for rel in removed:
        sizes.pop(rel, None)
        prefix = rel.rstrip("/") + "/"
        for gone in [r for r in sizes if r.startswith(prefix)]:
            del sizes[gone]
    sizes.update(output_sizes(staged))
    return sizes


def size_errors(sizes: Mapping[str, int], limits: SizeLimits, origins: Mapping[str, str]) -> list[Diagnostic]:
    """An error for each file too big for the host, naming what it is made from."""
    too_big = sorted(((size, rel) for rel, size in sizes.items() if size > limits.max_file), reverse=True)
    biggest = ", ".join(f"{rel} ({format_size(size)})" for size, rel in too_big[:limits.top])
    return [Diagnostic(origins.get(rel, rel),
                       f"output file {rel} is {format_size(size)}; {limits.host} accepts no file over "
                       f"{format_size(limits.max_file)}",
                       hint=f"host large media elsewhere and link to it, or make it smaller; too big: {biggest}")
            for size, rel in too_big]


def total_warning(sizes: Mapping[str, int], limits: SizeLimits, out: Path) -> tuple[int, list[Diagnostic]]:
    """The total size, and a warning when it passes the host's limit, naming the biggest parts."""
    total = sum(sizes.values())
    if total <= limits.max_total:
        return total, []
    folders: dict[str, int] = {}
    for rel, size in sizes.items():
        top = rel.split("/", 1)[0] + ("/" if "/" in rel else "")
        folders[top] = folders.get(top, 0) + size
    parts = sorted(folders.items(), key=lambda item: (-item[1], item[0]))[:limits.top]
    files = sorted(sizes.items(), key=lambda item: (-item[1], item[0]))[:limits.top]
    hint = ("biggest parts: " + ", ".join(f"{name} {format_size(size)}" for name, size in parts)
            + "; biggest files: " + ", ".join(f"{rel} {format_size(size)}" for rel, size in files)
            + "; " + DEPLOY_HINT)
    owner = "GitHub Pages'" if limits.host == "GitHub Pages" else "the host's ([limits] site_mb)"
    return total, [Diagnostic(str(out), f"the site is {format_size(total)}, over {owner} limit of "
                              f"{format_size(limits.max_total)} for a published site", hint=hint, severity="warning")]


def format_size(size: int) -> str:
    """A byte count for people: 512 bytes, 12.3 kB, 104.9 MB, 1.1 GB (powers of 1024)."""
    if size < 1024:
        return f"{size} bytes"
    for unit in ("kB", "MB", "GB", "TB"):
        size_f = size / 1024
        if size_f < 1024 or unit == "TB":
            return f"{size_f:.1f} {unit}"
        size = int(size_f)
    raise AssertionError("unreachable")
