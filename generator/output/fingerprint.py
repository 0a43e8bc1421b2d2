"""Stable digests of what a page is built from, so unchanged pages are not rebuilt."""

from __future__ import annotations

import copyreg
import dataclasses
import datetime
import hashlib
import io
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from generator.config.site import Section
from generator.content.model import Article
from generator.plan.listings import Group, ListingPage, Month, MonthSummary, PageLink, Summary

if TYPE_CHECKING:
    from generator.render.theme import Theme

# Records shown on many pages: each is digested once per build and then named by its
# digest. A tag's Group holds every article of the tag and appears on each of the tag's
# pages, so pickling it whole every time would make fingerprinting quadratic. A Section
# is on every article page of its section: one digest instead of a pickled dataclass each.
SHARED_RECORDS = (Article, Group, Month, Section)


class Fingerprinter:
    """Digests values by pickling them, with shared records replaced by their own digests.

    Pickle is fast (C) and deterministic for equal data built in the same order, which
    every stage guarantees (sorted inputs, no sets).
    """

    def __init__(self, remembered: dict[int, tuple[Any, bytes]] | None = None) -> None:
        # id -> (record, digest). Each entry holds its record, so no id can be reused by
        # another object while the entry lives. `remembered` comes from an earlier build
        # of the same process (sitegen serve), whose unchanged articles are the same objects.
        self._remembered = remembered or {}
        self._records: dict[int, tuple[Any, bytes]] = {}

    def digest(self, *values: Any) -> str:
        """Hex digest of `values`, equal across runs and processes for equal input."""
        return self._digest(values).hex()

    def record_digest(self, record: Any) -> bytes:
        """Digest of one shared record's every field, computed once per build."""
        key = id(record)
        entry = self._records.get(key)
        if entry is None:
            entry = self._remembered.get(key)
            if entry is None or entry[0] is not record:
                fields = tuple(getattr(record, f.name) for f in dataclasses.fields(record))
                entry = (record, self._digest((type(record).__name__, fields)))
            self._records[key] = entry
        return entry[1]

    def remember(self, record: Any, digest: bytes) -> None:
        """Take `digest` as `record`'s own (one kept with it in the parse cache), instead of computing it."""
        self._records[id(record)] = (record, digest)

    def records(self) -> dict[int, tuple[Any, bytes]]:
        """The records digested so far, to hand to the next build's Fingerprinter."""
        return self._records

    def _digest(self, value: Any) -> bytes:
        buffer = io.BytesIO()
        _RecordRefPickler(buffer, self).dump(value)
        return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


def _record_ref(digest: bytes) -> None:
    """Stands for a shared record in a pickle that is only hashed, never loaded."""


# Objects that page data pickles over and over by reference: the record stand-in, and the
# classes and functions that dataclasses and datetimes reduce to. Each would be written
# as its module and name, after a call to reducer_override, every time (150,000 times for
# _record_ref alone at 10,000 stories); placed in every pickler's memo at a fixed
# position, each is written as a memo reference instead, the same in every process.
_FIXED = (_record_ref, copyreg.__newobj__, copyreg._reconstructor, object, datetime.datetime,
          datetime.date, datetime.timezone, datetime.timedelta, ListingPage, PageLink, Summary, MonthSummary)
_MEMO = {id(value): (place, value) for place, value in enumerate(_FIXED)}


class _RecordRefPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, owner: Fingerprinter):
        super().__init__(file, protocol=5)
        self.owner = owner
        # No memo beyond _FIXED: equal values then pickle to equal bytes whether or not they
        # happen to be one shared object, so a digest depends on data only (page data has
        # no cycles). Fast mode adds nothing to the memo but still looks values up in it.
        self.fast = True
        self.memo = _MEMO

    def reducer_override(self, obj: Any) -> Any:
        # Unlike persistent_id, not called for str, int, list, tuple or dict: the bulk of page data.
        if type(obj) in SHARED_RECORDS:
            return _record_ref, (self.owner.record_digest(obj),)
        return NotImplemented


def digest_files(paths: Iterable[Path], root: Path) -> str:
    """Digest of the names and contents of small files (a theme's templates and strings)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def theme_digest(theme: Theme) -> str:
    """Digest of every file of the theme: a template change may touch any page.

    Folders are named by their place in the theme's lookup order, not by their path, so
    the digest is the same wherever the site or sitegen is installed.
    """
    files = []
    for place, folder in enumerate(theme.templates + theme.static):
        # digest_files names each file relative to `folder`, so its name is in its digest.
        files += [(place, digest_files([p], folder)) for p in sorted(folder.rglob("*")) if p.is_file()]
    return Fingerprinter().digest(files, dict(theme.strings))
