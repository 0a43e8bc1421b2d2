"""Exact result counts of one-word searches, read from Pagefind's own index at build time.

The search page shows, for a word of pagefind/saved.json, how many stories the live
search will find over the whole archive before that search has run. The number is taken
from the words each shard's bundle holds (`index/*.pf_index`), matched as Pagefind 1.5
matches a one-word query in that bundle (checked in Chromium against the live search,
tests/test_search_counts.py):

- the query word is stemmed (the stem is what the bundle stores) and the bundle loads ONE
  index chunk: the first whose word range holds the stem, else the first whose range
  holds it when both ends are cut to the stem's length;
- in that chunk, every word starting with the stem matches; when none does, the longest
  word of the chunk that the stem starts with (Pagefind's "backtracking");
- a story matches once however many of those words it holds, in its text or in any
  metadata value the bundle searches.

So a word that some shard lacks can still find stories there (by a shorter word), and a
shard whose extensions of a stem straddle two chunks finds only those of the first: the
counts follow Pagefind, not an idea of what it should do.

The files are gzip'd CBOR after a "pagefind_dcd" signature. Only the structure Pagefind
1.5 writes is read (the bundle's version is checked); page lists are skipped with
one compiled pattern an entry (decoding every word position in Python took 56 ms a chunk).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

SIGNATURE = b"pagefind_dcd"
VERSIONS = ("1.5.",)  # bundle versions whose layout this reads
TOP = 200  # most frequent words of a shard kept for choosing the archive's common words

# CBOR items of a page entry [page delta, [positions], [metadata positions]]: integers
# and array headers never share a first byte, so a greedy run of integers stops exactly
# at the next array or entry.
_INT = rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38][\x00-\xff]|[\x19\x39][\x00-\xff]{2}|[\x1a\x3a][\x00-\xff]{4}|[\x1b\x3b][\x00-\xff]{8})"
_ARRAY = rb"(?:[\x80-\x97]|\x98[\x00-\xff]|\x99[\x00-\xff]{2}|\x9a[\x00-\xff]{4})"
_ONE_ENTRY = re.compile(rb"\x83(" + _INT + rb")" + _ARRAY + _INT + b"*" + _ARRAY + _INT + b"*")


_CHUNK = re.compile(r"[\w-]+")  # a chunk's file name without .pf_index


class IndexFormatError(ValueError):
    """A bundle file that is not laid out as Pagefind 1.5 writes it."""


def _head(data: bytes, i: int) -> tuple[int, int, int]:
    """(major type, argument, next position) of the CBOR item header at `i`."""
    if i >= len(data):
        raise IndexFormatError("truncated")
    byte = data[i]
    kind, info = byte >> 5, byte & 31
    if info < 24:
        return kind, info, i + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise IndexFormatError(f"unexpected CBOR header {byte:#x}")
    return kind, int.from_bytes(data[i + 1:i + 1 + size], "big"), i + 1 + size


def _value(data: bytes, i: int) -> tuple[object, int]:
    """A whole CBOR item (numbers, strings, arrays) at `i`, for the small metadata file."""
    kind, arg, i = _head(data, i)
    if kind == 0:
        return arg, i
    if kind == 1:
        return -1 - arg, i
    if kind in (2, 3):
        raw = data[i:i + arg]
        return (raw.decode("utf-8") if kind == 3 else raw), i + arg
    if kind == 4:
        items = []
        for _ in range(arg):
            item, i = _value(data, i)
            items.append(item)
        return items, i
    raise IndexFormatError(f"unexpected CBOR type {kind}")


def _unpack(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise IndexFormatError(f"{path.name}: no {SIGNATURE.decode()} signature")
    return data


@dataclass(frozen=True)
class Bundle:
    """One Pagefind bundle's word chunks: (first word, last word, file stem), in order."""

    folder: Path
    chunks: tuple[tuple[str, str, str], ...]
    pages: tuple[str, ...]  # each page's result id (its fragment's name), by page number

    def chunk_for(self, stem: str) -> str | None:
        """The one chunk Pagefind loads for a one-word query whose stem is `stem`."""
        for first, last, name in self.chunks:
            if first <= stem <= last:
                return name
        for first, last, name in self.chunks:
            if stem[:len(first)] >= first[:len(stem)] and stem[:len(last)] <= last[:len(stem)]:
                return name
        return None

    def words(self, name: str) -> list[tuple[str, list[int]]]:
        """(word, numbers of the pages holding it) of one chunk, in the chunk's order."""
        data = _unpack(self.folder / "index" / f"{name}.pf_index")
        kind, one, i = _head(data, len(SIGNATURE))
        kind2, count, i = _head(data, i)
        if (kind, one, kind2) != (4, 1, 4):
            raise IndexFormatError(f"{name}.pf_index: not a word list")
        found = []
        entry = _ONE_ENTRY.match
        for _ in range(count):
            kind, three, i = _head(data, i)
            kind2, length, i = _head(data, i)
            if (kind, three, kind2) != (4, 3, 3):
                raise IndexFormatError(f"{name}.pf_index: not a word entry")
            word = data[i:i + length].decode("utf-8")
            kind, entries, i = _head(data, i + length)
            pages: list[int] = []
            page = 0
            for _ in range(entries):
                match = entry(data, i)
                if match is None:
                    raise IndexFormatError(f"{name}.pf_index: bad page entry of {word!r}")
                delta = match.group(1)  # page numbers are stored as differences
                page += delta[0] if len(delta) == 1 else int.from_bytes(delta[1:], "big")
                pages.append(page)
                i = match.end()
            extra, i = _value(data, i)
            if kind != 4 or not isinstance(extra, list):
                raise IndexFormatError(f"{name}.pf_index: bad word entry of {word!r}")
            found.append((word, pages))
        if i != len(data):
            raise IndexFormatError(f"{name}.pf_index: trailing bytes")
        return found


class _Reader:
    """One bundle's chunks, each read once; results whose id is in `hidden` are not counted
    (the search page drops them: superseded versions of corrected stories, overlay.py)."""

    def __init__(self, folder: Path, hidden: frozenset[str] = frozenset(),
                 chunks: tuple[tuple[str, str, str], ...] = ()) -> None:
        # The chunk list an earlier build read of this same bundle spares reading its metadata
        # (0.1 to 0.3 s for 8,775 pages, decoding every page's entry); the pages' result ids
        # in it are needed only to leave hidden results out.
        self.bundle = Bundle(folder, chunks, ()) if chunks and not hidden else read_bundle(folder)
        self.hidden = {n for n, page in enumerate(self.bundle.pages) if page in hidden}
        self.read: dict[str, list[tuple[str, list[int]]]] = {}

    def chunk(self, name: str) -> list[tuple[str, list[int]]]:
        if name not in self.read:
            self.read[name] = self.bundle.words(name)
        return self.read[name]

    def count(self, stem: str) -> int:
        """How many stories a search for one word with this stem finds in the bundle."""
        name = self.bundle.chunk_for(stem)
        if name is None:
            return 0
        words = self.chunk(name)
        longer = [pages for word, pages in words if word.startswith(stem)]
        if not longer:
            shorter = [(len(word), pages) for word, pages in words if stem.startswith(word)]
            longer = [max(shorter)[1]] if shorter else []
        return len(set().union(*longer) - self.hidden) if longer else 0

    def frequent(self, top: int = TOP) -> tuple[tuple[str, int], ...]:
        """The `top` words held by the most pages of the bundle, with their page counts."""
        counts = [(word, len(pages)) for _, _, name in self.bundle.chunks for word, pages in self.chunk(name)]
        return tuple(sorted(counts, key=lambda item: (-item[1], item[0]))[:top])


def read_bundle(folder: Path) -> Bundle:
    """The chunk list of the Pagefind bundle in `folder` (its `pagefind.*.pf_meta`)."""
    metas = sorted(folder.glob("pagefind.*.pf_meta"))
    if len(metas) != 1:
        raise IndexFormatError(f"{folder}: {len(metas)} metadata files, not one")
    data = _unpack(metas[0])
    meta, _ = _value(data, len(SIGNATURE))
    if not (isinstance(meta, list) and len(meta) >= 3 and isinstance(meta[0], str)
            and meta[0].startswith(VERSIONS) and isinstance(meta[1], list) and isinstance(meta[2], list)):
        raise IndexFormatError(f"{metas[0].name}: not a Pagefind {'/'.join(VERSIONS)}x bundle")
    chunks = []
    for chunk in meta[2]:
        if not (isinstance(chunk, list) and len(chunk) == 3 and all(isinstance(x, str) for x in chunk)
                and _CHUNK.fullmatch(chunk[2])):
            raise IndexFormatError(f"{metas[0].name}: bad chunk entry")
        chunks.append((chunk[0], chunk[1], chunk[2]))
    ids = tuple(page[0] if isinstance(page, list) and page and isinstance(page[0], str) else "" for page in meta[1])
    return Bundle(folder, tuple(chunks), ids)


@dataclass(frozen=True)
class ShardWords:
    """What the saved lists need of one shard: its frequent words and one-word counts."""

    top: tuple[tuple[str, int], ...]
    counts: Mapping[str, int]
    chunks: tuple[tuple[str, str, str], ...] = ()  # the bundle's chunk list (Bundle.chunks), when read

    def to_json(self) -> dict[str, object]:
        """The manifest's value for the shard (read back by `read_words`)."""
        return {"top": [list(t) for t in self.top], "counts": dict(self.counts),
                "chunks": [list(c) for c in self.chunks]}


class ShardIndex:
    """One shard's bundle as the saved lists use it; read only where `known` (what an earlier
    build read of the same bundle) does not already say."""

    def __init__(self, folder: Path, known: ShardWords | None, hidden: frozenset[str] = frozenset()) -> None:
        self.folder = folder
        self.known = known
        self.hidden = hidden
        self._reader: _Reader | None = None

    def _read(self) -> _Reader:
        if self._reader is None:
            self._reader = _Reader(self.folder, self.hidden, self.known.chunks if self.known is not None else ())
        return self._reader

    def top(self) -> tuple[tuple[str, int], ...]:
        """The shard's most frequent words and how many pages hold each."""
        return self.known.top if self.known is not None else self._read().frequent()

    def words(self, stems: Iterable[str]) -> ShardWords:
        """Its top words, and the one-word count of each of `stems` (only those)."""
        # A kept bundle's counts hold while it hides the same results as when they were made:
        # the caller passes no counts otherwise (incremental._kept_words); one chunk a word missing.
        known = self.known.counts if self.known is not None else {}
        counts = {s: known[s] if s in known else self._read().count(s) for s in stems}
        chunks = self._reader.bundle.chunks if self._reader is not None else self.known.chunks if self.known else ()
        return ShardWords(self.top(), counts, chunks)


def read_words(data: object, names: set[str]) -> dict[str, ShardWords]:
    """The `words` of the state, each shard's taken only when every value is as written."""
    found: dict[str, ShardWords] = {}
    for name, value in (data.items() if isinstance(data, dict) else ()):
        if name not in names or not isinstance(value, dict):
            continue
        top, counts, chunks = value.get("top"), value.get("counts"), value.get("chunks", [])
        if isinstance(top, list) and all(isinstance(t, list) and len(t) == 2 and isinstance(t[0], str)
                                         and _whole(t[1]) for t in top) \
                and isinstance(counts, dict) and all(_whole(n) for n in counts.values()):
            # A chunk's name becomes a file name: only Pagefind's form is taken, else none is.
            good = isinstance(chunks, list) and all(
                isinstance(c, list) and len(c) == 3 and all(isinstance(x, str) for x in c)
                and _CHUNK.fullmatch(c[2]) for c in chunks)
            found[name] = ShardWords(tuple((w, n) for w, n in top), dict(counts),
                                     tuple((a, b, c) for a, b, c in chunks) if good else ())
    return found


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
