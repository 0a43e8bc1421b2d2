"""The related ranking state as plain data: arrays kept as little-endian bytes, checked when read.

The state comes from a cache file, which is untrusted input: it holds only str, bytes,
int, list and tuple (what the cache loader builds), and each array is read back with a
fixed dtype and checked for its length and, for row-grouped arrays, its row bounds. A
value that does not fit reads as None, and the caller ranks every row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Row-grouped data, as in a CSR matrix: row i's entries are values[indptr[i]:indptr[i + 1]].
Rows = tuple[np.ndarray, ...]  # (indptr, values...) with equally long values


def pack(array: np.ndarray, kind: str) -> bytes:
    """An array's bytes in the given little-endian dtype."""
    return np.ascontiguousarray(array, dtype=kind).tobytes()


def unpack(value: Any, kind: str, length: int | None = None) -> np.ndarray | None:
    """The array pack() stored (a read-only view of its bytes), or None if it is not one of `length` items."""
    dtype = np.dtype(kind)
    if not isinstance(value, bytes) or len(value) % dtype.itemsize:
        return None
    array = np.frombuffer(value, dtype=dtype)
    return array if length is None or len(array) == length else None


def pack_rows(rows: Rows, kinds: tuple[str, ...]) -> tuple[bytes, ...]:
    """Row-grouped arrays as bytes: the bounds as int64, then each value array in its kind."""
    return (pack(rows[0], "<i8"), *(pack(a, kind) for a, kind in zip(rows[1:], kinds)))


def unpack_rows(value: Any, kinds: tuple[str, ...], count: int) -> Rows | None:
    """The row-grouped arrays pack_rows() stored for `count` rows, or None if their bounds do not hold."""
    if not isinstance(value, tuple) or len(value) != 1 + len(kinds):
        return None
    indptr = unpack(value[0], "<i8", count + 1)
    if indptr is None or indptr[0] != 0 or (np.diff(indptr) < 0).any():
        return None
    arrays = [unpack(v, kind, int(indptr[-1])) for v, kind in zip(value[1:], kinds)]
    if any(a is None for a in arrays):
        return None
    return (indptr, *arrays)  # type: ignore[return-value]


def offsets(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ... lengths[0] - 1, 0, 1, ... lengths[1] - 1, ...: positions within each row."""
    total = int(lengths.sum())
    return np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)


def owners(indptr: np.ndarray) -> np.ndarray:
    """The row of every entry of row-grouped data."""
    return np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))


def same_rows(old: Rows, new: Rows, old_rows: np.ndarray, new_rows: np.ndarray) -> np.ndarray:
    """For each k, whether row old_rows[k] of `old` holds exactly the entries of row new_rows[k] of `new`.

    Values are compared bit for bit (a float as its 64 bits), so equal means interchangeable.
    """
    lengths = np.diff(old[0])[old_rows]
    same = lengths == np.diff(new[0])[new_rows]
    lengths = np.where(same, lengths, 0)
    within = offsets(lengths)
    at_old = np.repeat(old[0][old_rows], lengths) + within
    at_new = np.repeat(new[0][new_rows], lengths) + within
    differ = np.zeros(len(within), dtype=bool)
    for a, b in zip(old[1:], new[1:]):
        differ |= _bits(a)[at_old] != _bits(b)[at_new]
    pair = np.repeat(np.arange(len(old_rows)), lengths)
    same[pair[differ]] = False
    return same


def _bits(array: np.ndarray) -> np.ndarray:
    return array.view(np.uint64) if array.dtype.kind == "f" else array


def splice(count: int, fresh_rows: np.ndarray, fresh: Rows, kept_rows: np.ndarray, kept_from: np.ndarray,
           old: Rows, renumber: np.ndarray | None = None) -> Rows:
    """Row-grouped data of `count` rows: rows fresh_rows (ascending) from `fresh`, rows
    kept_rows (ascending) from rows kept_from of `old`, their first values mapped through `renumber`."""
    lengths = np.zeros(count, dtype=np.int64)
    fresh_lengths = np.diff(fresh[0])
    lengths[fresh_rows] = fresh_lengths
    lengths[kept_rows] = np.diff(old[0])[kept_from]
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    to_fresh = np.repeat(indptr[fresh_rows], fresh_lengths) + offsets(fresh_lengths)
    # Kept rows come in runs that follow each other in both numberings (rows are in path
    # order, and an edit breaks few runs): each run is one slice, not an index per entry.
    breaks = np.flatnonzero((np.diff(kept_rows) != 1) | (np.diff(kept_from) != 1)) + 1
    firsts, lasts = np.concatenate(([0], breaks)), np.concatenate((breaks, [len(kept_rows)])) - 1
    runs = list(zip(indptr[kept_rows[firsts]].tolist(), indptr[kept_rows[lasts] + 1].tolist(),
                    old[0][kept_from[firsts]].tolist())) if len(kept_rows) else []
    values = []
    for k, (new_values, old_values) in enumerate(zip(fresh[1:], old[1:])):
        out = np.empty(int(indptr[-1]), dtype=new_values.dtype)
        out[to_fresh] = new_values
        for start, end, source in runs:
            out[start:end] = old_values[source:source + end - start]
        if k == 0 and renumber is not None:
            kept = np.ones(len(out), dtype=bool)
            kept[to_fresh] = False
            out[kept] = renumber[out[kept]]
        values.append(out)
    return (indptr, *values)
