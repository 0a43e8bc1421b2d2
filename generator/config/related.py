"""The `[related]` settings, apart from the engine so reading site.toml needs no numpy."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RelatedConfig:
    """The `[related]` table of site.toml; every field is a plain TOML scalar."""

    count: int = 5  # length of each list, pinned articles included
    min_score: float = 0.2  # computed articles scoring below this are left out
    tags: float = 1.0  # weight of shared tags
    text: float = 1.5  # weight of shared salient terms in title, summary and body
    section: float = 0.15  # bonus for the same section
    people: float = 0.1  # weight of shared reporters and editors
    allow_newer: bool = True  # may an article list stories published after it?
    max_terms: int = 40  # salient terms kept per article
    candidates: int = 500  # articles each article is compared with, at most (speed knob)
    rescore: int = 20  # best candidates re-scored exactly on every signal

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every out-of-range value, for the config loader."""
        found: list[tuple[str, str]] = []
        for name in ("count", "max_terms", "candidates", "rescore"):
            if getattr(self, name) < 1:
                found.append((name, f"[related] {name} must be at least 1"))
        for name in ("min_score", "tags", "text", "section", "people"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                found.append((name, f"[related] {name} must be a number of 0 or more"))
        return tuple(found)
