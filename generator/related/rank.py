"""Finding and ranking candidates: sparse products over an inverted index, then an exact re-score of the best."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.related.rows import CHUNK_ENTRIES, best_in_rows, order_in_rows, pair_dots, position_in_runs, row_dots
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
    neighbours: np.ndarray
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
    # Articles carrying each feature, as the weights count them (vectors.effective_df):
    # a new story then changes no other story's query unless the seal moves.
    df = np.concatenate([signals.tag_df, signals.term_df])
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


def rank(signals: Signals, config: RelatedConfig, first: int, last: int,
         extra: int) -> tuple[Ranked, sp.csr_matrix]:
    """Score and order the candidates of rows first..last-1; keep count + extra per row.

    Also returns the neighbour weights of those rows (see _neighbour_weights), row k
    of the matrix for row first + k, for score_pairs to explain a pair exactly.
    """
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
        return (Ranked(empty.astype(np.int64), empty.astype(np.int64), *[empty] * (len(fields(Ranked)) - 2)),
                sp.csr_matrix((0, len(signals.articles))))
    return (Ranked(*(np.concatenate([getattr(p[0], f.name) for p in pieces]) for f in fields(Ranked))),
            sp.vstack([p[1] for p in pieces], format="csr"))


def _rank_chunk(signals: Signals, config: RelatedConfig, query: sp.csr_matrix,
                postings: sp.csr_matrix, first: int, keep: int) -> tuple[Ranked, sp.csr_matrix]:
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
    # One round of feedback: the best first-round candidates get a second score, how
    # much their words agree with the story's very best ones (its neighbours).
    scored, weights = _feedback(signals, config, scored, first, query.shape[0])
    scored = Ranked(*(getattr(scored, f.name)[scored.score >= config.min_score]
                       for f in fields(Ranked)))
    # Ties: closer in time first (the same news cycle), then newer, then by path (rows
    # are numbered in path order).
    gap = np.abs(signals.timestamp[scored.col] - signals.timestamp[scored.row])
    order = np.lexsort((scored.col, -signals.timestamp[scored.col], gap,
                        -np.round(scored.score, _SCORE_DECIMALS), scored.row))
    scored = Ranked(*(getattr(scored, f.name)[order] for f in fields(Ranked)))
    top = position_in_runs(scored.row) < keep
    return Ranked(*(getattr(scored, f.name)[top] for f in fields(Ranked))), weights


def _feedback(signals: Signals, config: RelatedConfig, scored: Ranked, first: int,
              rows: int) -> tuple[Ranked, sp.csr_matrix]:
    """Add to every shortlisted candidate its agreement with the row's neighbours.

    The neighbours are a row's `count` best first-round candidates, weighted by their
    first-round score (keeping only the 2 x `count` best for the feedback loses 0.001 of
    precision@5 on the newsroom corpus, seed 0, and saves little).  Ties
    go to the lower row number (path order), so the choice depends on the row's own
    shortlist alone, never on the chunk it was ranked in.  Returns the candidates and
    the neighbour weights (row k for row first + k).
    """
    columns = len(signals.articles)
    if not config.neighbours:
        return scored, sp.csr_matrix((rows, columns))
    order = np.lexsort((scored.col, -np.round(scored.score, _SCORE_DECIMALS), scored.row))
    position = position_in_runs(scored.row[order])
    best = order[(position < config.count) & (scored.score[order] > 0)]
    weights = sp.csr_matrix((scored.score[best], (scored.row[best] - first, scored.col[best])),
                            shape=(rows, columns))
    return _add_agreement(signals, config, scored, weights, first), weights


def _agreement(text: sp.csr_matrix, weights: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Weighted mean text cosine of story `cols[k]` with the neighbours of row `rows[k]` of `weights`.

    A story is left out of its own agreement: text rows have
    unit length (or none), so its term in the weighted sum is its weight, subtracted from
    both sides.  The neighbours' vectors are summed once per row, so each pair costs one
    dot product (pair_dots) whatever the number of neighbours.
    """
    if len(rows) == 0:
        return np.zeros(0)
    sums = (weights @ text).tocsr()
    keys = np.repeat(np.arange(weights.shape[0], dtype=np.int64), np.diff(weights.indptr)) * weights.shape[1]
    keys += weights.indices
    wanted = rows.astype(np.int64) * weights.shape[1] + cols
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    own = np.where(keys[at] == wanted, weights.data[at], 0.0) if len(keys) else np.zeros(len(rows))
    own *= np.diff(text.indptr)[cols] > 0
    others = np.asarray(weights.sum(axis=1)).ravel()[rows] - own
    dots = pair_dots(sums, text, rows, cols)
    return np.where(others > 0, (dots - own) / np.where(others > 0, others, 1.0), 0.0).clip(0, 1)


def _add_agreement(signals: Signals, config: RelatedConfig, scored: Ranked, weights: sp.csr_matrix,
                   first: int) -> Ranked:
    neighbours = config.neighbours * _agreement(signals.text, weights, scored.row - first, scored.col)
    return replace(scored, neighbours=neighbours, score=scored.score + neighbours)


def score_pairs(signals: Signals, config: RelatedConfig, rows: np.ndarray, cols: np.ndarray,
                weights: sp.csr_matrix | None = None, first: int = 0) -> Ranked:
    """Exact weighted components and total for each (row, col) pair.

    Without `weights` (rank's neighbour weights, row k for row first + k) this is the
    first-round score and the neighbours component is 0.
    """
    tags = config.tags * row_dots(signals.tags, rows, cols)
    text = config.text * row_dots(signals.text, rows, cols)
    section = config.section * (signals.section[rows] == signals.section[cols]).astype(np.float64)
    people = config.people * row_dots(signals.people, rows, cols)
    scored = Ranked(rows, cols, tags, text, section, people, np.zeros(len(rows)), tags + text + section + people)
    if weights is None or not config.neighbours:
        return scored
    return _add_agreement(signals, config, scored, weights, first)
