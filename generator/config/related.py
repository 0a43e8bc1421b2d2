"""The `[related]` settings, apart from the engine so reading site.toml needs no numpy."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RelatedConfig:
    """The `[related]` table of site.toml; every field is a plain TOML scalar."""

    count: int = 5  # length of each list, pinned articles included
    min_score: float = 0.1  # computed articles scoring below this are left out
    tags: float = 0.5  # weight of shared tags
    text: float = 1.5  # weight of shared salient terms in title, summary and body
    section: float = 0.05  # bonus for the same section
    people: float = 0.1  # weight of shared reporters and editors
    neighbours: float = 2.0  # weight of agreement with the story's best first-round candidates
    allow_newer: bool = True  # may an article list stories published after it?
    max_terms: int = 80  # salient terms kept per article
    candidates: int = 500  # articles each article is compared with, at most (speed knob)
    rescore: int = 20  # best candidates re-scored exactly on every signal
    language: str = "id"  # whose stemmer reduces word forms (banjir, kebanjiran, dibanjiri)
    stem: bool = True  # reduce words to their stems (False: compare words as written)

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every out-of-range value, for the config loader."""
        found: list[tuple[str, str]] = []
        for name in ("count", "max_terms", "candidates", "rescore"):
            if getattr(self, name) < 1:
                found.append((name, f"[related] {name} must be at least 1"))
        for name in ("min_score", "tags", "text", "section", "people", "neighbours"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                found.append((name, f"[related] {name} must be a number of 0 or more"))
        if not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*", self.language):
            found.append(("language", "[related] language must be a language tag such as 'id' or 'en'"))
        return tuple(found)
