"""The `[links]` settings of site.toml."""

from __future__ import annotations

from dataclasses import dataclass

BROKEN_CHOICES = ("error", "warn")


@dataclass(frozen=True)
class LinksConfig:
    """The `[links]` table of site.toml."""

    # What a build (and `sitegen check`) does with an internal link that names no page or
    # file of the site, or an id its page lacks: fail ("error", as Zola and MkDocs --strict
    # do) or print a warning and go on ("warn").
    broken: str = "error"

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every value out of its choices, for the config loader."""
        if self.broken not in BROKEN_CHOICES:
            return (("broken", f"[links] broken must be \"error\" or \"warn\", not \"{self.broken}\""),)
        return ()
