"""The `[search]` settings of site.toml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchConfig:
    """The `[search]` table of site.toml."""

    # Most articles indexed by one Pagefind run.  Above it the archive is indexed in
    # shards of whole years (split by month when one year is larger), each at most
    # this big.  Pagefind needs about 0.27 MB of memory per page indexed (docs/search.md).
    shard_threshold: int = 10_000

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every out-of-range value, for the config loader."""
        if self.shard_threshold < 1:
            return (("shard_threshold", "[search] shard_threshold must be at least 1"),)
        return ()
