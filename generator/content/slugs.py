"""Turn names and tags into stable, URL-safe slugs."""

from __future__ import annotations

import re
import unicodedata

_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Longest slug: one URL segment is one folder name on disk, and file systems refuse
# names over 255 bytes; a tag or name longer than this is cut at a hyphen.
MAX_SLUG_LENGTH = 100


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug: "Pemilu 2024" -> "pemilu-2024"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[:MAX_SLUG_LENGTH + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut[MAX_SLUG_LENGTH // 2:] else cut[:MAX_SLUG_LENGTH]).strip("-")
    return slug or "x"


def is_url_safe(slug: str) -> bool:
    """True for slugs of lowercase letters, digits and single hyphens."""
    return bool(_SAFE.match(slug))


def assign_slugs(names: list[str]) -> dict[str, str]:
    """Give each distinct name a unique slug, stable whatever order the names come in.

    Names that slugify alike ("Ari Putra", "Ari-Putra") get -2, -3, ... in sorted
    order of the names, so no page overwrites another.
    """
    by_slug: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_slug.setdefault(slugify(name), []).append(name)
    result: dict[str, str] = {}
    taken = set(by_slug)
    for base, group in sorted(by_slug.items()):
        result[group[0]] = base
        suffix = 2
        for name in group[1:]:
            while f"{base}-{suffix}" in taken:
                suffix += 1
            result[name] = f"{base}-{suffix}"
            taken.add(f"{base}-{suffix}")
    return result
