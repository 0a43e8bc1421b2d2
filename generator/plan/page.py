"""One file of the site as the planner sees it: a template and its data, or text ready as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping


@dataclass(frozen=True)
class Page:
    """One file to write: a template to render, or text ready as it is."""

    url: str
    source: str  # what the page is built from, named in collision errors
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    markdown: str | None = None  # rendered into `content` at render time, never kept
    text: str | None = None  # sitemaps, JSON: already rendered
    maker: str | None = None  # text made from `context` at render time by a named function (ATOM_MAKER)
    lastmod: datetime | None = None  # for the sitemap; None keeps a page out of it
    in_sitemap: bool = True
    # A page taken from the last build's plan (generator/plan/memo.py): its fingerprint and
    # its search fingerprint. Its data is not kept: its file is unchanged, never rendered.
    known: tuple[str, str | None] | None = None
