"""Turn names and tags into stable, URL-safe slugs."""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from anyascii import anyascii

_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Longest slug: one URL segment is one folder name on disk, and file systems refuse
# names over 255 bytes; a tag or name longer than this is cut at a hyphen.
MAX_SLUG_LENGTH = 100


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug, other scripts transliterated, numbers kept:
    "Pemilu 2024" -> "pemilu-2024", "Straße" -> "strasse", "Москва" -> "moskva",
    "Rp 1,5 Triliun" -> "rp-1-5-triliun"."""
    return _finish("".join(_ascii(char) for char in unicodedata.normalize("NFC", text)))


def legacy_slugify(text: str) -> str:
    """The slug sitegen made before it transliterated ("Straße" -> "strae", "Łódź" -> "odz"):
    what tag and person pages were published under, for their aliases."""
    return _finish(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii"))


def _ascii(char: str) -> str:
    """One character in ASCII: as sitegen always wrote it when it could (accents dropped:
    "é" -> "e"), else transliterated (anyascii) when it is a letter or digit."""
    if char.isascii():
        return char
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    if plain or unicodedata.category(char)[0] not in "LN":
        return plain  # symbols and marks are dropped, as before
    spelled = anyascii(char)
    # A syllable of a script without case (Chinese, Korean) is a word part of its own:
    # "北京" -> "bei-jing", not "beijing"; a Cyrillic or Greek letter is not.
    return f" {spelled} " if spelled[:1].isupper() and char.lower() == char.upper() else spelled


def _finish(ascii_text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[:MAX_SLUG_LENGTH + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut[MAX_SLUG_LENGTH // 2:] else cut[:MAX_SLUG_LENGTH]).strip("-")
    return slug or "x"


def is_url_safe(slug: str) -> bool:
    """True for slugs of lowercase letters, digits and single hyphens."""
    return bool(_SAFE.match(slug))


def assign_slugs(names: list[str], slug_of: Callable[[str], str] = slugify) -> dict[str, str]:
    """Give each distinct name a unique slug, stable whatever order the names come in.

    Names that slugify alike ("Ari Putra", "Ari-Putra") get -2, -3, ... in sorted
    order of the names, so no page overwrites another. `slug_of` makes the slug of a name.
    """
    by_slug: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_slug.setdefault(slug_of(name), []).append(name)
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


def legacy_slugs(names: list[str]) -> dict[str, str]:
    """The slugs sitegen gave these names before it transliterated, where they differ from
    today's: name -> old slug (the old URL of its page gets an alias)."""
    now, before = assign_slugs(names), assign_slugs(names, legacy_slugify)
    return {name: before[name] for name in now if before[name] != now[name]}
