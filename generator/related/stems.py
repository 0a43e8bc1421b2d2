"""Stems for the related engine: every word form reduced to its stem, each distinct word once.

Indonesian builds words with affixes: banjir, membanjiri, kebanjiran, dibanjiri and
banjirnya are one word to a reader and should be one word to the engine. Snowball's
stemmers (the `snowballstemmer` package) cover Indonesian, English and most languages
a site may be written in, with one interface; a language without one keeps its words as
they are. A stemmer is slow next to the numpy tokeniser, so each distinct word is
stemmed once per process and remembered (by the hash words.py gives it).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Callable

import numpy as np

# Site language (the first part of a tag such as "id" or "en-GB") -> Snowball algorithm.
SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "et": "estonian", "eu": "basque", "fi": "finnish",
    "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian",
    "id": "indonesian", "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali",
    "nl": "dutch", "nn": "norwegian", "no": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}
# word hash -> stem hash, per Snowball algorithm: kept for the life of the process
# (`sitegen serve` rebuilds without stemming its whole archive again).
_REMEMBERED: dict[str, dict[int, int]] = {}


def algorithm(language: str, stem: bool = True) -> str:
    """The Snowball algorithm for a site language, or "" (words kept as written)."""
    return SNOWBALL.get(language.replace("_", "-").split("-")[0].lower(), "") if stem else ""


def _stem_hash(stem: str) -> int:
    return int.from_bytes(hashlib.blake2b(stem.encode("utf-8"), digest_size=8).digest(), "little")


class Stems:
    """Maps word hashes to stem hashes for one language; optionally records spellings.

    With `spell`, the surface forms of every stem are counted, so a stem can be shown
    as the form readers met most often ("kebanjiran", not "banjir" when that never
    appears alone; never a bare stem such as "ungsi").
    """

    def __init__(self, language: str, stem: bool = True, spell: bool = False) -> None:
        self.name = algorithm(language, stem)
        self._stemmer: Any = None  # loaded on the first word not stemmed before in this process
        self._known = _REMEMBERED.setdefault(self.name, {}) if self.name else {}
        self._forms: dict[int, Counter[str]] | None = {} if spell else None

    def apply(self, hashes: np.ndarray, counts: np.ndarray, spell: Callable[[int], bytes]) -> np.ndarray:
        """Stem hashes of the distinct word `hashes`, which occur `counts` times; `spell(k)` spells hashes[k]."""
        if not self.name:
            stems = hashes
        else:
            known = self._known
            stems = np.empty(len(hashes), dtype=np.uint64)
            for k, value in enumerate(hashes.tolist()):
                found = known.get(value)
                if found is None:
                    found = known[value] = _stem_hash(self._stemmer_of().stemWord(spell(k).decode("utf-8")))
                stems[k] = found
        if self._forms is not None:
            for k, (stem, count) in enumerate(zip(stems.tolist(), counts.tolist())):
                self._forms.setdefault(stem, Counter())[spell(k).decode("utf-8")] += count
        return stems

    def _stemmer_of(self) -> Any:
        if self._stemmer is None:
            # Loaded only when a word must be stemmed: importing every Snowball stemmer
            # costs a tenth of a second, more than stemming one new story.
            import snowballstemmer

            self._stemmer = snowballstemmer.stemmer(self.name)
        return self._stemmer

    def spelling(self) -> dict[int, str]:
        """Each stem hash seen -> its most frequent surface form (ties: alphabetical)."""
        assert self._forms is not None, "Stems(spell=True) records spellings"
        return {stem: min(forms.items(), key=lambda item: (-item[1], item[0]))[0]
                for stem, forms in self._forms.items()}
