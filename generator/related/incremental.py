"""Ranking only the rows an edit can reach, with the lists of a clean ranking, exactly.

A row's ranked list is a function of its query (its own vectors and the weights of its
features), the shortlisting scores of its candidates, and the full vectors of the
stories on its shortlist (exact scores and the feedback read nothing else). The
previous build's state keeps every story's vectors and query (feature keys and values,
the same in every build of the archive), its shortlist and the score a newcomer must
reach to enter it, its computed list and its assembled one. A row is ranked again when

- it is new, or its vectors or its query changed (compared value for value);
- its shortlist holds a story that changed or was removed;
- a story that changed (or is new) now scores at least its threshold, and so may
  enter its shortlist.

Every other row's shortlist, and so its list, is what it was: its candidates' scores
are products of unchanged vectors, and none of the changed stories can reach it. The
weights themselves (vectors.py) move only when the sealed part of the archive grows,
which makes most rows' vectors equal from one story to the next. A row that was not
ranked again and pins nothing (now or before) keeps its assembled list too: its
computed list and the eligibility of the stories on it are as they were.

The state is plain data (state.py); anything that does not look like it is ignored
and every row is ranked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.related.rank import partial_scores, rank
from generator.related.state import Rows, owners, pack, pack_rows, same_rows, splice, unpack, unpack_rows
from generator.related.textrows import Counted, read_counted
from generator.related.vectors import Signals

STATE_FORMAT = 2
# Shortlisting scores are sums in another order here than in rank's products: a
# newcomer this close below a threshold is ranked again rather than trusted out.
_MARGIN = 1e-9
_VECTOR = ("<u8", "<f8")  # feature keys and values of a sparse row
_ROWS = ("<i8",)  # story numbers (rows of the state's own `sources`)
_MATRICES = ("text", "tags", "people", "query")


@dataclass(frozen=True)
class _Previous:
    """The previous build's state, read and checked."""

    sources: list[str]
    sections: list[str]
    timestamp: np.ndarray
    eligible: np.ndarray
    pinned: np.ndarray  # whose assembled list had pins
    vectors: dict[str, Rows]  # _MATRICES, as feature keys and values
    threshold: np.ndarray
    short: Rows
    computed: Rows
    lists: Rows


def ranked_rows(signals: Signals, config: RelatedConfig, queries: tuple[sp.csr_matrix, sp.csr_matrix],
                state: dict[str, Any] | None, pins: list[list[int]],
                assemble: Callable[[int, list[int], list[int]], list[int]]) -> tuple[Rows, int]:
    """Each row's assembled list, as row-grouped (bounds, rows), and how many rows were ranked.

    `assemble(row, pins, computed)` cuts a list from the row's pins and computed list
    (2 x count best first). `state` is the previous build's (or empty); it is replaced
    by this build's.
    """
    n = len(signals.articles)
    sources = [a.source for a in signals.articles]
    vectors = _vectors(signals, queries[0])
    pinned = np.array([bool(p) for p in pins], dtype=bool)
    old = _previous(state, config)
    again = np.ones(n, dtype=bool)
    keep_list = np.zeros(n, dtype=bool)
    new_rows = old_rows = np.zeros(0, dtype=np.int64)
    if old is not None:
        at = {s: k for k, s in enumerate(old.sources)}
        old_of = np.array([at.get(s, -1) for s in sources], dtype=np.int64)
        new_rows = np.flatnonzero(old_of >= 0)
        old_rows = old_of[new_rows]
        same = (old.timestamp[old_rows].view(np.uint64) == signals.timestamp[new_rows].view(np.uint64)) \
            & (old.eligible[old_rows] == signals.eligible[new_rows]) \
            & np.array([old.sections[o] == signals.articles[i].section
                        for i, o in zip(new_rows.tolist(), old_rows.tolist())], dtype=bool)
        for name in _MATRICES[:3]:
            same &= same_rows(old.vectors[name], vectors[name], old_rows, new_rows)
        stale = np.ones(n, dtype=bool)
        stale[new_rows[same]] = False
        changed = np.ones(len(old.sources), dtype=bool)  # in the old numbering: removed or changed
        changed[old_rows[same]] = False
        reached = np.zeros(len(old.sources), dtype=bool)
        reached[owners(old.short[0])[changed[old.short[1]]]] = True
        again = stale.copy()
        again[new_rows] |= reached[old_rows] | ~same_rows(old.vectors["query"], vectors["query"], old_rows, new_rows)
        if stale.any() and len(old.sources):
            thresholds = np.full(n, -np.inf)
            thresholds[new_rows] = old.threshold[old_rows]
            r, _, s = partial_scores(signals, config, *queries, np.arange(n), np.flatnonzero(stale))
            again[r[np.isfinite(s) & (s >= thresholds[r] - _MARGIN)]] = True
        keep_list[new_rows] = ~old.pinned[old_rows]
    keep_list &= ~again & ~pinned
    rows = np.flatnonzero(again)
    ranked, _, short = rank(signals, config, rows, extra=config.count, queries=queries)
    kept = ~again[new_rows]
    kept_new, kept_old = new_rows[kept], old_rows[kept]
    renumber = np.full(len(old.sources) if old is not None else 0, -1, dtype=np.int64)
    renumber[old_rows] = new_rows
    ends = np.append(rows, n)
    fresh_short = (np.searchsorted(short.row, ends), short.col)
    fresh_computed = (np.searchsorted(ranked.row, ends), ranked.col)
    empty = (np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    shortlists = splice(n, rows, fresh_short, kept_new, kept_old, empty if old is None else old.short, renumber)
    computed = splice(n, rows, fresh_computed, kept_new, kept_old, empty if old is None else old.computed, renumber)
    threshold = np.zeros(n)
    threshold[rows] = short.threshold
    if old is not None:
        threshold[kept_new] = old.threshold[kept_old]
    cut = np.flatnonzero(~keep_list)
    bounds, values = computed[0].tolist(), computed[1].tolist()
    assembled = [assemble(i, pins[i], values[bounds[i]:bounds[i + 1]]) for i in cut.tolist()]
    fresh_lists = (np.concatenate(([0], np.cumsum([len(a) for a in assembled], dtype=np.int64))),
                   np.array([j for a in assembled for j in a], dtype=np.int64))
    reused = keep_list[new_rows]
    lists = splice(n, cut, fresh_lists, new_rows[reused], old_rows[reused], empty if old is None else old.lists, renumber)
    if state is not None:
        state.clear()
        state.update({"format": STATE_FORMAT, "config": repr(config), "sources": sources,
                      "sections": [a.section for a in signals.articles],
                      "timestamp": pack(signals.timestamp, "<f8"), "eligible": pack(signals.eligible, "u1"),
                      "pinned": pack(pinned, "u1"), "threshold": pack(threshold, "<f8"),
                      **{name: pack_rows(vectors[name], _VECTOR) for name in _MATRICES},
                      "short": pack_rows(shortlists, _ROWS), "computed": pack_rows(computed, _ROWS),
                      "lists": pack_rows(lists, _ROWS)})
    return lists, len(rows)


def _vectors(signals: Signals, query: sp.csr_matrix) -> dict[str, Rows]:
    """Every row's vectors and query as feature keys (the same in every build) and values."""
    tag_keys, people_keys = _name_keys(signals.tag_names), _name_keys(signals.people_names)
    query_keys = np.concatenate([tag_keys, signals.term_keys])
    return {name: (matrix.indptr.astype(np.int64), keys[matrix.indices], matrix.data)
            for name, matrix, keys in (("text", signals.text, signals.term_keys), ("tags", signals.tags, tag_keys),
                                       ("people", signals.people, people_keys), ("query", query, query_keys))}


def _name_keys(names: tuple[str, ...]) -> np.ndarray:
    """A 64-bit key per tag or person name, the same in every build."""
    return np.array([int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "little") for n in names],
                    dtype=np.uint64)


def previous_text(state: dict[str, Any] | None, config: RelatedConfig) -> tuple[Counted, Rows] | None:
    """What the previous build's text matrix was made from, and its rows (word hashes and
    weights), for vectors.make_signals to update; None when the state cannot be used."""
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT or state.get("config") != repr(config):
        return None
    sources = state.get("sources")
    if not isinstance(sources, list) or not all(type(s) is str for s in sources):
        return None
    counted = read_counted(state, sources)
    rows = unpack_rows(state.get("text"), _VECTOR, len(sources))
    return None if counted is None or rows is None else (counted, rows)


def _previous(state: dict[str, Any] | None, config: RelatedConfig) -> _Previous | None:
    """The previous build's state, or None when it is absent, of other settings, or malformed."""
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT or state.get("config") != repr(config):
        return None
    sources, sections = state.get("sources"), state.get("sections")
    if not isinstance(sources, list) or not isinstance(sections, list) or len(sections) != len(sources) \
            or not all(type(s) is str for s in sources) or not all(type(s) is str for s in sections) \
            or len(set(sources)) != len(sources):
        return None
    n = len(sources)
    arrays = {name: unpack(state.get(name), kind, n) for name, kind in
              (("timestamp", "<f8"), ("eligible", "u1"), ("pinned", "u1"), ("threshold", "<f8"))}
    vectors = {name: unpack_rows(state.get(name), _VECTOR, n) for name in _MATRICES}
    rows = {name: unpack_rows(state.get(name), _ROWS, n) for name in ("short", "computed", "lists")}
    if any(v is None for v in (*arrays.values(), *vectors.values(), *rows.values())):
        return None
    if any(((r[1] < 0) | (r[1] >= n)).any() for r in rows.values()):  # type: ignore[index]
        return None
    short, computed, lists = rows["short"], rows["computed"], rows["lists"]
    # A computed list is cut from its shortlist, and a list assembled without pins from
    # its computed list: a row kept unranked relies on both.
    unpinned = arrays["pinned"][owners(lists[0])] == 0  # type: ignore[index,arg-type]
    if not (_within(computed, short, n).all() and _within(lists, computed, n)[unpinned].all()):  # type: ignore[arg-type]
        return None
    return _Previous(sources=sources, sections=sections, timestamp=arrays["timestamp"],  # type: ignore[arg-type]
                     eligible=arrays["eligible"].astype(bool), pinned=arrays["pinned"].astype(bool),  # type: ignore[union-attr]
                     vectors=vectors, threshold=arrays["threshold"], short=short, computed=computed,  # type: ignore[arg-type]
                     lists=lists)  # type: ignore[arg-type]


def _within(part: Rows, whole: Rows, n: int) -> np.ndarray:
    """Whether each entry of `part` is among the entries of the same row of `whole`."""
    keys = np.sort(owners(whole[0]) * n + whole[1])  # np.isin would sort both sides, and more slowly
    wanted = owners(part[0]) * n + part[1]
    return keys[np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))] == wanted if len(keys) else \
        np.zeros(len(wanted), dtype=bool)
