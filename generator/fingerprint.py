"""Stable digests of what a page is built from, so unchanged pages are not rebuilt."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping


class Fingerprinter:
    """Hashes model values; records shared by many pages (articles) are hashed once."""

    def __init__(self) -> None:
        self._memo: dict[int, bytes] = {}
        self._keep: list[Any] = []  # memo keys are ids: keep the objects alive

    def digest(self, *values: Any) -> str:
        """Hex digest of `values`, equal across runs and processes for equal input."""
        h = hashlib.blake2b(digest_size=16)
        for value in values:
            self._feed(h, value)
        return h.hexdigest()

    def _feed(self, h: "hashlib._Hash", value: Any) -> None:
        if value is None or isinstance(value, (bool, int, float)):
            h.update(f"{type(value).__name__}:{value!r};".encode())
        elif isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
            h.update(b"s%d:" % len(data))
            h.update(data)
        elif isinstance(value, bytes):
            h.update(b"b%d:" % len(value))
            h.update(value)
        elif isinstance(value, (datetime, date)):
            h.update(f"d:{value.isoformat()};".encode())
        elif isinstance(value, Path):
            self._feed(h, str(value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(self._record(value))
        elif isinstance(value, Mapping):
            h.update(b"{")
            for key in sorted(value, key=repr):
                self._feed(h, key)
                self._feed(h, value[key])
            h.update(b"}")
        elif isinstance(value, (list, tuple)):
            h.update(b"[%d" % len(value))
            for item in value:
                self._feed(h, item)
            h.update(b"]")
        elif isinstance(value, (set, frozenset)):
            self._feed(h, sorted(value, key=repr))
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__}")

    def _record(self, value: Any) -> bytes:
        key = id(value)
        cached = self._memo.get(key)
        if cached is None:
            h = hashlib.blake2b(digest_size=16)
            h.update(type(value).__qualname__.encode())
            for field in dataclasses.fields(value):
                h.update(field.name.encode())
                self._feed(h, getattr(value, field.name))
            cached = h.digest()
            self._memo[key] = cached
            self._keep.append(value)
        return cached


def file_stamp(path: Path) -> tuple[int, int]:
    """Size and modification time: a cheap stand-in for a file's content."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def digest_files(paths: Iterable[Path], root: Path) -> str:
    """Digest of the names and contents of small files (a theme's templates and strings)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
