"""The `[images]` settings of site.toml: widths and qualities of the resized photos."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImagesConfig:
    """The `[images]` table of site.toml."""

    widths: tuple[int, ...] = (480, 800, 1200)  # variant widths in pixels, never above the photo's own
    thumb_width: int = 480  # cards, related lists, latest.json: the narrowest variant at least this wide
    share_width: int = 1200  # og:image and JSON-LD: the narrowest variant at least this wide, else the original
    jpeg_quality: int = 82
    webp_quality: int = 80
    sizes: str = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"  # the `sizes` of lead and body photos

    def problems(self) -> tuple[tuple[str, str], ...]:
        """Return (key, message) for every unusable value, for the config loader."""
        found: list[tuple[str, str]] = []
        if not self.widths:
            found.append(("widths", "[images] widths must list at least one width"))
        elif any(not 16 <= w <= 10000 for w in self.widths):
            found.append(("widths", "[images] widths must be between 16 and 10000 pixels"))
        for name in ("thumb_width", "share_width"):
            if getattr(self, name) < 1:
                found.append((name, f"[images] {name} must be at least 1"))
        for name in ("jpeg_quality", "webp_quality"):
            if not 1 <= getattr(self, name) <= 100:
                found.append((name, f"[images] {name} must be between 1 and 100"))
        if not self.sizes.strip():
            found.append(("sizes", "[images] sizes must not be empty"))
        return tuple(found)
