"""The text matrix of a build, made from the previous build's: only the stories whose words,
or whose words' weights, changed are weighed again.

A story's text row is a function of its word counts and of the weights (and the
shared-by-two-or-more test) of its words; those weights are a function of each word's
document counts, in all and in the sealed part, and of the sealed part's size
(vectors.py). The ranking state keeps what the last text matrix was made from: every
story's text key (words.text_key), whether it was sealed, the vocabulary with both
counts, and the rows themselves (incremental.py keeps those). The counts are then
updated by the stories added, removed, edited, or moved into or out of the sealed part;
the rows of those stories, and of every story carrying a word whose weight moved, are
weighed again with the very function a clean build uses (vectors.weigh_rows); the others
are taken as they were. A step of the seal moves every weight: the whole matrix is then
made again, as it is without a state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import scipy.sparse as sp

from generator.content.model import Article
from generator.related.state import Rows, offsets, pack, splice, unpack
from generator.related.stems import Stems
from generator.related.weights import effective_df, idf_of, weigh_rows
from generator.related.words import TermCounts, text_key

_KEY = 16  # bytes of a text key or a record digest


@dataclass(frozen=True)
class Counted:
    """What a build's text matrix was made from."""

    sources: list[str]
    keys: list[bytes]  # each story's text key
    records: list[bytes]  # each story's record digest (b"" when not known), which names its text key
    sealed: np.ndarray
    vocabulary: np.ndarray  # word hashes, ascending
    count: np.ndarray  # stories carrying each word
    sealed_count: np.ndarray  # sealed stories carrying each word


@dataclass(frozen=True)
class Text:
    """A text matrix and its vocabulary, as vectors.make_signals uses them."""

    matrix: sp.csr_matrix
    vocabulary: np.ndarray
    count: np.ndarray
    sealed_count: np.ndarray


def text_keys(ordered: Sequence[Article], stems: Stems, records: list[bytes],
              previous: Counted | None) -> list[bytes]:
    """Each story's text key, taken from the previous build where its record digest is the same."""
    known: dict[str, tuple[bytes, bytes]] = {}
    if previous is not None:
        known = {s: (r, k) for s, r, k in zip(previous.sources, previous.records, previous.keys) if r}
    keys = []
    for article, record in zip(ordered, records):
        was = known.get(article.source)
        keys.append(was[1] if was is not None and record and was[0] == record else text_key(article, stems.name))
    return keys


def update_text(ordered: Sequence[Article], sealed: np.ndarray, keys: list[bytes], previous: Counted,
                rows: Rows, words: dict[bytes, TermCounts], count: Callable[[list[Article]], list[TermCounts]],
                keep: int) -> tuple[Text, list[TermCounts]] | None:
    """The text matrix from the previous build's (`rows`: its text rows as word hashes and
    weights), and every story's word counts; None when the previous one cannot be used."""
    n = len(ordered)
    if int(sealed.sum()) != int(previous.sealed.sum()):
        return None  # a step of the seal: every weight moves
    at = {s: k for k, s in enumerate(previous.sources)}
    old_of = np.array([at.get(a.source, -1) for a in ordered], dtype=np.int64)
    same = np.array([o >= 0 and previous.keys[o] == k for o, k in zip(old_of.tolist(), keys)], dtype=bool)
    gone = np.ones(len(previous.sources), dtype=bool)
    gone[old_of[same]] = False
    before = [words.get(previous.keys[o]) for o in np.flatnonzero(gone).tolist()]
    if any(c is None for c in before):
        return None
    counted: list[TermCounts | None] = [words.get(k) for k in keys]
    missing = [i for i, c in enumerate(counted) if c is None]
    for i, c in zip(missing, count([ordered[i] for i in missing])):
        counted[i] = c
    flips = same.copy()
    flips[same] = previous.sealed[old_of[same]] != sealed[same]
    new = ~same
    hashes = _hashes(counted, np.flatnonzero(new))
    gone_sealed = np.flatnonzero(gone)[previous.sealed[gone]]
    vocabulary = np.union1d(previous.vocabulary, hashes)
    total = np.zeros(len(vocabulary), dtype=np.int64)
    old_total = np.searchsorted(vocabulary, previous.vocabulary)
    total[old_total] = previous.count
    in_seal = np.zeros(len(vocabulary), dtype=np.int64)
    in_seal[old_total] = previous.sealed_count
    gone_index = {o: k for k, o in enumerate(np.flatnonzero(gone).tolist())}
    sure = [_add(total, vocabulary, hashes, 1),
            _add(total, vocabulary, _hashes(before, np.arange(len(before))), -1),
            _add(in_seal, vocabulary, _hashes(counted, np.flatnonzero((new | flips) & sealed)), 1),
            _add(in_seal, vocabulary, _hashes(before, np.array([gone_index[o] for o in gone_sealed.tolist()],
                                                                dtype=np.int64)), -1),
            _add(in_seal, vocabulary, _hashes(counted, np.flatnonzero(flips & ~sealed)), -1)]
    if not all(sure) or (total < 0).any() or (in_seal < 0).any() or (in_seal > total).any():
        return None  # counts that do not add up: not the state of these words
    live = total > 0
    vocabulary, total, in_seal = vocabulary[live], total[live], in_seal[live]
    weights = idf_of(effective_df(total, in_seal), sealed)
    old_weights = idf_of(effective_df(previous.count, previous.sealed_count), previous.sealed)
    common = np.searchsorted(vocabulary, previous.vocabulary)
    common = np.minimum(common, max(len(vocabulary) - 1, 0))
    kept_word = (vocabulary[common] == previous.vocabulary) if len(vocabulary) else np.zeros(0, dtype=bool)
    moved = previous.vocabulary[kept_word][
        (weights[common[kept_word]].view(np.uint64) != old_weights[kept_word].view(np.uint64))
        | ((total[common[kept_word]] >= 2) != (previous.count[kept_word] >= 2))]
    again = new.copy()
    if len(moved):
        carriers = np.flatnonzero(same)
        flat = _hashes(counted, carriers)
        where = np.minimum(np.searchsorted(moved, flat), len(moved) - 1)
        sizes = np.array([len(counted[i][0]) for i in carriers.tolist()], dtype=np.int64)  # type: ignore[index]
        again[carriers[np.repeat(np.arange(len(carriers)), sizes)[moved[where] == flat]]] = True
    fresh = np.flatnonzero(again)
    sizes = np.array([len(counted[i][0]) for i in fresh.tolist()], dtype=np.int64)  # type: ignore[index]
    local = np.repeat(np.arange(len(fresh), dtype=np.int32), sizes)
    ids = np.searchsorted(vocabulary, _hashes(counted, fresh)).astype(np.int32)
    amounts = np.concatenate([counted[i][1] for i in fresh.tolist()] or [np.zeros(0, dtype=np.int32)])  # type: ignore[index]
    indptr, cols, values = weigh_rows(len(fresh), local, ids, amounts, total, weights, keep, True)
    kept = np.flatnonzero(~again)
    old_rows = old_of[kept]
    lengths = np.diff(rows[0])[old_rows]
    entries = np.repeat(rows[0][old_rows], lengths) + offsets(lengths)
    old_cols = np.zeros(len(rows[1]), dtype=np.int64)
    found = np.minimum(np.searchsorted(vocabulary, rows[1][entries]), max(len(vocabulary) - 1, 0))
    if len(entries) and not (vocabulary[found] == rows[1][entries]).all():
        return None  # a kept row names a word no story has
    old_cols[entries] = found
    indptr, cols, values = splice(n, fresh, (indptr, cols.astype(np.int64), values), kept, old_rows,
                                  (rows[0], old_cols, rows[2]))
    matrix = sp.csr_matrix((values, cols.astype(np.int32), indptr), shape=(n, len(vocabulary)))
    matrix.sort_indices()
    return Text(matrix, vocabulary, total, in_seal), counted  # type: ignore[return-value]


def _hashes(counted: Sequence[TermCounts | None], rows: np.ndarray) -> np.ndarray:
    return np.concatenate([counted[i][0] for i in rows.tolist()] or [np.zeros(0, dtype=np.uint64)])  # type: ignore[index]


def _add(counts: np.ndarray, vocabulary: np.ndarray, hashes: np.ndarray, sign: int) -> bool:
    """Count `hashes` in (sign 1) or out (-1); False if one is not in the vocabulary."""
    at = np.minimum(np.searchsorted(vocabulary, hashes), max(len(vocabulary) - 1, 0))
    if len(hashes) and not (vocabulary[at] == hashes).all():
        return False
    np.add.at(counts, at, sign)
    return True


def save_counted(state: dict[str, Any], counted: Counted) -> None:
    """Add to the ranking state what this build's text matrix was made from."""
    state["counted"] = {"keys": b"".join(counted.keys),
                        "records": b"".join(r if len(r) == _KEY else bytes(_KEY) for r in counted.records),
                        "sealed": pack(counted.sealed, "u1"), "vocabulary": pack(counted.vocabulary, "<u8"),
                        "count": pack(counted.count, "<i8"), "sealed_count": pack(counted.sealed_count, "<i8")}


def read_counted(state: dict[str, Any], sources: list[str]) -> Counted | None:
    """What the previous build's text matrix was made from, or None when absent or malformed."""
    value = state.get("counted")
    n = len(sources)
    if not isinstance(value, dict):
        return None
    keys, records = value.get("keys"), value.get("records")
    if not isinstance(keys, bytes) or not isinstance(records, bytes) or len(keys) != _KEY * n \
            or len(records) != _KEY * n:
        return None
    sealed = unpack(value.get("sealed"), "u1", n)
    vocabulary = unpack(value.get("vocabulary"), "<u8")
    if sealed is None or vocabulary is None or (np.diff(vocabulary) <= 0).any():
        return None
    count = unpack(value.get("count"), "<i8", len(vocabulary))
    sealed_count = unpack(value.get("sealed_count"), "<i8", len(vocabulary))
    if count is None or sealed_count is None or (count < 1).any() or (sealed_count < 0).any() \
            or (sealed_count > count).any():
        return None
    zero = bytes(_KEY)
    return Counted(sources=sources, keys=[keys[k:k + _KEY] for k in range(0, len(keys), _KEY)],
                   records=[b"" if r == zero else r for r in (records[k:k + _KEY] for k in range(0, len(records), _KEY))],
                   sealed=sealed.astype(bool), vocabulary=vocabulary, count=count, sealed_count=sealed_count)
