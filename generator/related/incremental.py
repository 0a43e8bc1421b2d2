"""Ranking only the rows an edit can reach, with the lists of a clean ranking, exactly.

A row's ranked list is a function of its query (its own vectors and the weights of its
features), the shortlisting scores of its candidates, and the full vectors of the
stories on its shortlist (exact scores and the feedback read nothing else). The
previous build's state keeps, per story: a digest of its vectors, a digest of its
query, its shortlist and the score a newcomer must reach to enter it. A row is ranked
again when

- it is new, or its vectors or its query changed;
- its shortlist holds a story that changed or was removed;
- a story that changed (or is new) now scores at least its threshold, and so may
  enter its shortlist.

Every other row's shortlist, and so its list, is what it was: its candidates' scores
are products of unchanged vectors, and none of the changed stories can reach it. The
weights themselves (vectors.py) move only when the sealed part of the archive grows,
which makes most rows' digests equal from one story to the next.

The state is plain data (dicts, tuples, bytes, floats, str), as the cache loader
requires; anything that does not look like it is ignored and every row is ranked.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.related.rank import partial_scores, rank
from generator.related.vectors import Signals

STATE_FORMAT = 1
# Shortlisting scores are sums in another order here than in rank's products: a
# newcomer this close below a threshold is ranked again rather than trusted out.
_MARGIN = 1e-9

RowState = tuple[bytes, bytes, float, tuple[str, ...], tuple[str, ...]]


def ranked_rows(signals: Signals, config: RelatedConfig, queries: tuple[sp.csr_matrix, sp.csr_matrix],
                state: dict[str, Any] | None) -> tuple[list[list[int]], int]:
    """Each row's computed list (rows, best first, 2 x count long at most) and how many rows were ranked.

    `state` is the previous build's (or empty); it is replaced by this build's.
    """
    sources = [a.source for a in signals.articles]
    vectors = row_digests(signals)
    query_keys = _query_digests(signals, queries[0])
    old = _previous(state, config)
    stale = [i for i, s in enumerate(sources) if s not in old or old[s][0] != vectors[i]]
    changed = {sources[i] for i in stale} | (set(old) - set(sources))
    again = set(stale)
    for i, source in enumerate(sources):
        before = old.get(source)
        if before is not None and (before[1] != query_keys[i] or not changed.isdisjoint(before[3])):
            again.add(i)
    if stale and old:
        thresholds = np.array([old[s][2] if s in old else -np.inf for s in sources])
        r, _, s = partial_scores(signals, config, *queries, np.arange(len(sources)),
                                 np.array(stale, dtype=np.int64))
        again.update(r[np.isfinite(s) & (s >= thresholds[r] - _MARGIN)].tolist())
    rows = np.array(sorted(again), dtype=np.int64)
    ranked, _, short = rank(signals, config, rows, extra=config.count, queries=queries)
    new: dict[str, RowState] = {}
    bounds = np.searchsorted(ranked.row, np.append(rows, len(sources)))
    cuts = np.searchsorted(short.row, np.append(rows, len(sources)))
    for k, i in enumerate(rows.tolist()):
        new[sources[i]] = (vectors[i], query_keys[i], float(short.threshold[k]),
                           tuple(sources[j] for j in short.col[cuts[k]:cuts[k + 1]].tolist()),
                           tuple(sources[j] for j in ranked.col[bounds[k]:bounds[k + 1]].tolist()))
    at = {s: i for i, s in enumerate(sources)}
    lists: list[list[int]] = []
    for i, source in enumerate(sources):
        entry = new.get(source) or old[source]
        new[source] = entry
        lists.append([at[s] for s in entry[4]])
    if state is not None:
        state.clear()
        state.update({"format": STATE_FORMAT, "config": repr(config), "rows": new})
    return lists, len(rows)


def row_digests(signals: Signals) -> list[bytes]:
    """A digest per row of everything other rows' lists read of it: its three vectors
    (features named the same way in every build), section, date and draft status."""
    tag_keys, people_keys = _name_keys(signals.tag_names), _name_keys(signals.people_names)
    parts = [(signals.text, signals.term_keys), (signals.tags, tag_keys), (signals.people, people_keys)]
    digests = []
    for i, article in enumerate(signals.articles):
        h = hashlib.blake2b(digest_size=16)
        for matrix, keys in parts:
            a, b = matrix.indptr[i], matrix.indptr[i + 1]
            h.update(np.int64(b - a).tobytes())
            h.update(keys[matrix.indices[a:b]].tobytes())
            h.update(matrix.data[a:b].tobytes())
        h.update(repr((article.section, float(signals.timestamp[i]), bool(signals.eligible[i]))).encode())
        digests.append(h.digest())
    return digests


def _query_digests(signals: Signals, query: sp.csr_matrix) -> list[bytes]:
    keys = np.concatenate([_name_keys(signals.tag_names), signals.term_keys])
    digests = []
    for i in range(query.shape[0]):
        a, b = query.indptr[i], query.indptr[i + 1]
        h = hashlib.blake2b(keys[query.indices[a:b]].tobytes(), digest_size=16)
        h.update(query.data[a:b].tobytes())
        digests.append(h.digest())
    return digests


def _name_keys(names: tuple[str, ...]) -> np.ndarray:
    """A 64-bit key per tag or person name, the same in every build."""
    return np.array([int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "little") for n in names],
                    dtype=np.uint64)


def _previous(state: dict[str, Any] | None, config: RelatedConfig) -> dict[str, RowState]:
    """The previous build's rows, or none when the state is absent, of other settings, or malformed."""
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT or state.get("config") != repr(config):
        return {}
    rows = state.get("rows")
    if not isinstance(rows, dict):
        return {}
    known = rows.keys()
    try:
        for source, entry in rows.items():
            # Shortlists name stories of the state (so str, as the keys are: the cache
            # holds builtin types only), and each list is part of its shortlist.
            if not (isinstance(source, str) and isinstance(entry, tuple) and len(entry) == 5
                    and isinstance(entry[0], bytes) and isinstance(entry[1], bytes)
                    and isinstance(entry[2], float) and isinstance(entry[3], tuple) and isinstance(entry[4], tuple)
                    and known >= set(entry[3]) >= set(entry[4])):
                return {}
    except TypeError:  # an unhashable name
        return {}
    return rows
