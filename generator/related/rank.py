"""Finding and ranking candidates: sparse products over an inverted index, then an exact re-score of the best."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.related.rows import CHUNK_ENTRIES, best_in_rows, order_in_rows, position_in_runs, row_dots
from generator.related.vectors import Signals

# Scores equal to this many decimals are ties, so float noise never decides an order.
_SCORE_DECIMALS = 9


@dataclass(frozen=True)
class Ranked:
    """Scored candidate pairs, grouped by row and best first within a row."""

    row: np.ndarray
    col: np.ndarray
    tags: np.ndarray
    text: np.ndarray
    section: np.ndarray
    people: np.ndarray
    score: np.ndarray


# --- finding and ranking candidates -------------------------------------------------

def _query(signals: Signals, config: RelatedConfig) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Split the weighted tag+term vectors into budgeted query rows and full postings."""
    combined = sp.hstack([signals.tags * math.sqrt(config.tags),
                          signals.text * math.sqrt(config.text)], format="csr")
    combined.eliminate_zeros()
    # Drafts are never listed, so they get no postings (but still query for themselves).
    listable = combined if signals.eligible.all() else \
        sp.diags(signals.eligible.astype(np.float64)) @ combined
    postings = sp.csr_matrix(listable.T)
    postings.eliminate_zeros()
    df = np.diff(postings.indptr)  # listable articles carrying each feature
    # Spend each article's budget on the features with the most weight per posting
    # looked up: salient and rare first.  Rarity alone wastes the budget on words two
    # articles share by chance; salience alone on words half the archive uses.
    value = combined.data / np.maximum(df[combined.indices], 1)
    order = order_in_rows(combined.indptr, -value)
    cols, vals = combined.indices[order], combined.data[order]
    spent = np.cumsum(df[cols])
    lengths = np.diff(combined.indptr)
    before = np.repeat(np.concatenate(([0], spent))[combined.indptr[:-1]], lengths)
    within = spent - before <= config.candidates
    rows = np.repeat(np.arange(combined.shape[0]), lengths)
    query = sp.csr_matrix((vals[within], (rows[within], cols[within])), shape=combined.shape)
    return query, postings


def rank(signals: Signals, config: RelatedConfig, first: int, last: int, extra: int) -> Ranked:
    """Score and order the candidates of rows first..last-1; keep count + extra per row."""
    keep = config.count + extra
    query, postings = _query(signals, config)
    # A chunk's product has at most rows x candidates entries; everything after it is
    # chunk-sized too, so memory does not grow with the archive beyond the matrices.
    step = max(1, CHUNK_ENTRIES // config.candidates)
    pieces = [_rank_chunk(signals, config, query[start:min(start + step, last)], postings,
                          start, keep)
              for start in range(first, last, step)]
    if not pieces:
        empty = np.zeros(0)
        return Ranked(empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty, empty, empty)
    return Ranked(*(np.concatenate([getattr(p, f.name) for p in pieces]) for f in fields(Ranked)))


def _rank_chunk(signals: Signals, config: RelatedConfig, query: sp.csr_matrix,
                postings: sp.csr_matrix, first: int, keep: int) -> Ranked:
    """Find, shortlist, re-score and order the candidates of one chunk of rows."""
    product = (query @ postings).tocsr()
    product.sort_indices()  # candidates in path order: ties at the shortlist's cut go to the first
    r = np.repeat(np.arange(first, first + query.shape[0]), np.diff(product.indptr))
    c = product.indices.astype(np.int64)
    s = product.data + config.section * (signals.section[r] == signals.section[c])
    unwanted = c == r
    if not config.allow_newer:
        unwanted |= signals.timestamp[c] > signals.timestamp[r]
    s[unwanted] = -np.inf
    # The shortlist must not depend on `keep`, or explain_related (which keeps more
    # rows for runners-up) could see a different list than compute_related.
    best = best_in_rows(product.indptr, s, max(config.rescore, 3 * config.count))
    scored = score_pairs(signals, config, r[best], c[best])
    scored = Ranked(*(getattr(scored, f.name)[scored.score >= config.min_score]
                       for f in fields(Ranked)))
    # Ties: closer in time first (the same news cycle), then newer, then by path (rows
    # are numbered in path order).
    gap = np.abs(signals.timestamp[scored.col] - signals.timestamp[scored.row])
    order = np.lexsort((scored.col, -signals.timestamp[scored.col], gap,
                        -np.round(scored.score, _SCORE_DECIMALS), scored.row))
    scored = Ranked(*(getattr(scored, f.name)[order] for f in fields(Ranked)))
    top = position_in_runs(scored.row) < keep
    return Ranked(*(getattr(scored, f.name)[top] for f in fields(Ranked)))


def score_pairs(signals: Signals, config: RelatedConfig, rows: np.ndarray,
                 cols: np.ndarray) -> Ranked:
    """Exact weighted components and total for each (row, col) pair."""
    tags = config.tags * row_dots(signals.tags, rows, cols)
    text = config.text * row_dots(signals.text, rows, cols)
    section = config.section * (signals.section[rows] == signals.section[cols]).astype(np.float64)
    people = config.people * row_dots(signals.people, rows, cols)
    return Ranked(rows, cols, tags, text, section, people, tags + text + section + people)
