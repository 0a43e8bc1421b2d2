"""Stable digests of what a page is built from, so unchanged pages are not rebuilt."""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import Any, Iterable

from generator.model import Article


class Fingerprinter:
    """Digests values by pickling them; each article is pickled once and then named by digest.

    Pickle is fast (C) and deterministic for equal data built in the same order, which
    every stage guarantees (sorted inputs, no sets). Articles appear on many pages (their
    own, listings, related lists): hashing each once keeps fingerprinting linear in the
    size of the site, not in the number of times an article is shown.
    """

    def __init__(self) -> None:
        self._articles: dict[int, bytes] = {}
        self._keep: list[Article] = []  # memo keys are ids: keep the objects alive

    def digest(self, *values: Any) -> str:
        """Hex digest of `values`, equal across runs and processes for equal input."""
        buffer = io.BytesIO()
        _ArticleRefPickler(buffer, self).dump(values)
        return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()

    def article_digest(self, article: Article) -> bytes:
        """Digest of one article's every field, computed once per build."""
        key = id(article)
        cached = self._articles.get(key)
        if cached is None:
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=5)
            pickler.fast = True
            pickler.dump(article)
            cached = hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()
            self._articles[key] = cached
            self._keep.append(article)
        return cached


class _ArticleRefPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, owner: Fingerprinter):
        super().__init__(file, protocol=5)
        self.owner = owner
        # No memo: equal values then pickle to equal bytes whether or not they happen to
        # be one shared object, so a digest depends on data only (page data has no cycles).
        self.fast = True

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is Article:
            return self.owner.article_digest(obj)
        return None


def digest_files(paths: Iterable[Path], root: Path) -> str:
    """Digest of the names and contents of small files (a theme's templates and strings)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
