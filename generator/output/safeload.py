"""Reading the pickles of `.sitegen/` without ever running code.

`.sitegen/` may come from somewhere that is not trusted with code execution (in CI it is
restored by `actions/cache`), and a plain `pickle.load` runs whatever callable a crafted
file names. Cache files are therefore read by `CacheUnpickler`, whose `find_class` hands
out only the few types that cached values are made of:

- the records of the parse cache and the build summary (`Article`, `Image`);
- `datetime`, `date`, `timedelta` and `timezone` (C types that build themselves from
  numbers and bytes: what article dates and YAML `!!timestamp` values in `extra:` are);
- `ZoneInfo`, which pickles as `getattr(ZoneInfo, "_unpickle")(key, from_cache)`: the
  only `getattr` allowed is that one, and the key must look like a zone name.

Anything else (`os.system`, `builtins.eval`, `copyreg._reconstructor`, numpy's array
reconstruction) raises `UnpicklingError`, and `BuildCache.load_pickle` reads the file as
an empty cache: the build is then a clean one. With only these types, loading can call
nothing but their constructors and `object.__new__`, and set attributes of these records.

What cannot be trusted is still only data: a crafted cache can change what is built (as
any cache without an unforgeable signature can), never run code. numpy arrays are not
pickled at all: the word-count cache stores their bytes (`encode_words`/`decode_words`).

The allow-list names the classes themselves, so it follows them if they move module.
"""

from __future__ import annotations

import pickle
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from generator.content.model import Article, Image

_CLASSES = (Article, Image, datetime, date, timedelta, timezone)
ALLOWED: dict[tuple[str, str], Any] = {(cls.__module__, cls.__qualname__): cls for cls in _CLASSES}
# A zone key such as "Asia/Jakarta" or "Etc/GMT+7": no dots, so never a path out of the zone
# folders nor a module name outside tzdata's.
_ZONE_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


def _zone(key: Any, from_cache: Any = True) -> ZoneInfo:
    """What `ZoneInfo._unpickle` does, for a key that is a zone name."""
    if not isinstance(key, str) or not _ZONE_KEY.fullmatch(key):
        raise pickle.UnpicklingError("not a time zone name in a cache file")
    return ZoneInfo(key)


class _ZoneInfoName:
    """What the name ZoneInfo stands for in a cache file: good only for getattr(_, "_unpickle")."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise pickle.UnpicklingError("ZoneInfo is not called directly in a cache file")


_ZONEINFO = _ZoneInfoName()


def _getattr(obj: Any, name: Any) -> Any:
    """`getattr` as a pickle uses it for ZoneInfo, and for nothing else."""
    if obj is _ZONEINFO and name == "_unpickle":
        return _zone
    raise pickle.UnpicklingError("getattr is not allowed in a cache file")


ALLOWED[("builtins", "getattr")] = _getattr
# Not the class itself: called directly, ZoneInfo would skip _zone's check of the key.
ALLOWED[(ZoneInfo.__module__, ZoneInfo.__qualname__)] = _ZONEINFO


class CacheUnpickler(pickle.Unpickler):
    """An unpickler that builds only the allowed types (see the module docstring)."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file") from None

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("persistent ids are not allowed in a cache file")


def load(handle: BinaryIO) -> Any:
    """Unpickle one value from a cache file, running no code; UnpicklingError if it asks to."""
    return CacheUnpickler(handle).load()


# The word-count cache: each article's distinct word hashes and counts, concatenated
# (generator.related.pack_words). Stored as little-endian bytes, not as numpy arrays.
_WORD_TYPES = ("<i8", "<u8", "<i4")  # sizes, hashes, counts


def encode_words(packed: tuple[list[bytes], Any, Any, Any]) -> tuple[list[bytes], bytes, bytes, bytes]:
    """pack_words()'s arrays as plain bytes, which the cache loader reads without numpy's pickling."""
    keys, *arrays = packed
    raw = [array.astype(kind, copy=False).tobytes() for array, kind in zip(arrays, _WORD_TYPES)]
    return keys, raw[0], raw[1], raw[2]


def decode_words(value: Any) -> tuple[list[bytes], Any, Any, Any] | None:
    """The arrays encode_words() stored (read-only views of its bytes), or None if inconsistent."""
    import numpy as np

    if not isinstance(value, tuple) or len(value) != 4:
        return None
    keys, *raw = value
    if not isinstance(keys, list) or not all(isinstance(k, bytes) for k in keys) \
            or not all(isinstance(r, bytes) for r in raw):
        return None
    try:
        sizes, hashes, counts = (np.frombuffer(r, dtype=np.dtype(kind)) for r, kind in zip(raw, _WORD_TYPES))
    except ValueError:  # a length that is not a multiple of the item size
        return None
    if len(sizes) != len(keys) or len(hashes) != len(counts) or (sizes < 0).any() \
            or (sizes > len(hashes)).any() or int(sizes.sum()) != len(hashes):
        return None
    return keys, sizes, hashes, counts


def sound_rel(rel: Any) -> bool:
    """A path inside a folder: relative, no `..`, as a journal of `.sitegen/` must name."""
    return isinstance(rel, str) and rel != "" and not rel.startswith("/") and "\\" not in rel \
        and "\0" not in rel and all(part not in ("", ".", "..") for part in rel.split("/"))


def sound_rels(rels: Any) -> bool:
    """Every item of `rels` is a sound_rel()."""
    return isinstance(rels, list) and all(sound_rel(rel) for rel in rels)
