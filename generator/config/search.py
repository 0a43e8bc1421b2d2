"""The `[search]` settings of site.toml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchConfig:
    """The `[search]` table of site.toml."""

    # Most articles in one shard of the sealed (older) years, packed oldest first in
    # whole years (split by month when one year is larger).  Pagefind needs about
    # 0.27 MB of memory per page indexed (docs/search.md), so this bounds a run's memory.
    shard_threshold: int = 10_000
    # Most articles in one shard of the newest year, which is cut into runs of days: a
    # new story re-indexes only the last run.  Small enough to index in about a second,
    # and the search page searches it first.  An archive this small is one index.
    recent_shard: int = 1_000

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every out-of-range value, for the config loader."""
        found = []
        for key in ("shard_threshold", "recent_shard"):
            if getattr(self, key) < 1:
                found.append((key, f"[search] {key} must be at least 1"))
        return tuple(found)
