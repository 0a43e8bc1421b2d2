"""What the command line asks of a build, and the one place the clock is read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asks for; the only place the clock and cwd enter a build."""

    source: Path
    out: Path
    build_time: datetime
    drafts: bool = False
    base_url: str | None = None  # overrides site.toml, e.g. from GitHub Pages
    safe: bool = False  # escape raw HTML in Markdown bodies
    search: bool = True  # build the Pagefind index
    jobs: int | None = None  # worker processes; None: one per core
    clean: bool = False  # ignore the cache and write a whole new output folder
    future: bool = False  # also build stories dated after build_time (preview of scheduled stories)
    strict: bool = False  # warnings about the content (an image without alt text) are errors
    wait: float = 0.0  # seconds to wait for another build into the same output folder to finish
    broken_links: str | None = None  # "error" or "warn": overrides [links] broken of site.toml


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)
