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


@dataclass(frozen=True)
class Shortlists:
    """What each ranked row's list was cut from: its shortlist and the partial score a
    newcomer must reach to enter it (-inf when every candidate was taken)."""

    rows: np.ndarray  # the ranked rows, ascending
    threshold: np.ndarray  # per ranked row
    row: np.ndarray  # (row, col) pairs of every shortlist, grouped by row
    col: np.ndarray


# --- finding and ranking candidates -------------------------------------------------

def query_matrices(signals: Signals, config: RelatedConfig) -> tuple[sp.csr_matrix, sp.csr_matrix]:
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
    # A row's query is the longest run of its features, in that order, whose counts add
    # up to the budget at most. A feature carried more often than the whole budget ends
    # it wherever it comes, so a feature ordered after the row's first such one can never
    # be in it: only the others are sorted (an eighth of them at 10,000 stories).
    lengths = np.diff(combined.indptr)
    over = np.where(df[combined.indices] > config.candidates, value, -np.inf)
    cut = np.full(combined.shape[0], -np.inf)
    filled = lengths > 0
    if filled.any():
        cut[filled] = np.maximum.reduceat(over, combined.indptr[:-1][filled])
    kept = np.flatnonzero(value >= np.repeat(cut, lengths))
    bounds = np.searchsorted(kept, combined.indptr)
    order = kept[order_in_rows(bounds, -value[kept])]
    cols, vals = combined.indices[order], combined.data[order]
    spent = np.cumsum(df[cols])
    lengths = np.diff(bounds)
    before = np.repeat(np.concatenate(([0], spent))[bounds[:-1]], lengths)
    within = spent - before <= config.candidates
    rows = np.repeat(np.arange(combined.shape[0]), lengths)
    query = sp.csr_matrix((vals[within], (rows[within], cols[within])), shape=combined.shape)
    return query, postings


def rank(signals: Signals, config: RelatedConfig, rows: np.ndarray, extra: int,
         queries: tuple[sp.csr_matrix, sp.csr_matrix] | None = None) -> tuple[Ranked, sp.csr_matrix, Shortlists]:
    """Score and order the candidates of `rows` (ascending); keep count + extra per row.

    Also returns the neighbour weights of those rows (see _feedback), row k of the
    matrix for rows[k], for score_pairs to explain a pair exactly, and their
    shortlists. `queries` is query_matrices()'s answer, when the caller has it.
    """
    keep = config.count + extra
    query, postings = queries or query_matrices(signals, config)
    # A chunk's product has at most rows x candidates entries; everything after it is
    # chunk-sized too, so memory does not grow with the archive beyond the matrices.
    step = max(1, CHUNK_ENTRIES // config.candidates)
    pieces = [_rank_chunk(signals, config, query, postings, rows[start:start + step], keep)
              for start in range(0, len(rows), step)]
    if not pieces:
        empty = np.zeros(0)
        whole = np.zeros(0, dtype=np.int64)
        return (Ranked(whole, whole, *[empty] * (len(fields(Ranked)) - 2)),
                sp.csr_matrix((0, len(signals.articles))), Shortlists(whole, empty, whole, whole))
    return (Ranked(*(np.concatenate([getattr(p[0], f.name) for p in pieces]) for f in fields(Ranked))),
            sp.vstack([p[1] for p in pieces], format="csr"),
            Shortlists(*(np.concatenate([getattr(p[2], f.name) for p in pieces]) for f in fields(Shortlists))))


def partial_scores(signals: Signals, config: RelatedConfig, query: sp.csr_matrix, postings: sp.csr_matrix,
                   rows: np.ndarray, cols: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The shortlisting score of every (row, col) candidate pair of `rows`, as (row, col, score).

    With `cols` (ascending), only the candidates among those. Pairs that may not be
    listed (a story with itself, a newer one without allow_newer) score -inf.
    Candidates come in path order within each row.
    """
    product = (query[rows] @ (postings if cols is None else postings[:, cols])).tocsr()
    product.sort_indices()  # candidates in path order: ties at the shortlist's cut go to the first
    r = np.repeat(rows, np.diff(product.indptr))
    c = product.indices.astype(np.int64) if cols is None else cols[product.indices]
    s = product.data + config.section * (signals.section[r] == signals.section[c])
    unwanted = c == r
    if not config.allow_newer:
        unwanted |= signals.timestamp[c] > signals.timestamp[r]
    s[unwanted] = -np.inf
    return r, c, s


def _rank_chunk(signals: Signals, config: RelatedConfig, query: sp.csr_matrix,
                postings: sp.csr_matrix, rows: np.ndarray, keep: int) -> tuple[Ranked, sp.csr_matrix, Shortlists]:
    """Find, shortlist, re-score and order the candidates of one chunk of rows (ascending)."""
    r, c, s = partial_scores(signals, config, query, postings, rows)
    indptr = np.searchsorted(r, np.append(rows, np.iinfo(np.int64).max))
    # The shortlist must not depend on `keep`, or explain_related (which keeps more
    # rows for runners-up) could see a different list than compute_related.
    size = max(config.rescore, 3 * config.count)
    best = best_in_rows(indptr, s, size)
    shortlists = Shortlists(rows, _thresholds(indptr, s, best, size), r[best], c[best])
    scored = score_pairs(signals, config, r[best], c[best])
    # One round of feedback: the best first-round candidates get a second score, how
    # much their words agree with the story's very best ones (its neighbours).
    scored, weights = _feedback(signals, config, scored, rows)
    scored = Ranked(*(getattr(scored, f.name)[scored.score >= config.min_score]
                       for f in fields(Ranked)))
    # Ties: closer in time first (the same news cycle), then newer, then by path (rows
    # are numbered in path order).
    gap = np.abs(signals.timestamp[scored.col] - signals.timestamp[scored.row])
    order = np.lexsort((scored.col, -signals.timestamp[scored.col], gap,
                        -np.round(scored.score, _SCORE_DECIMALS), scored.row))
    scored = Ranked(*(getattr(scored, f.name)[order] for f in fields(Ranked)))
    top = position_in_runs(scored.row) < keep
    return Ranked(*(getattr(scored, f.name)[top] for f in fields(Ranked))), weights, shortlists


def _thresholds(indptr: np.ndarray, s: np.ndarray, best: np.ndarray, size: int) -> np.ndarray:
    """Per row, the lowest shortlisted score when the shortlist is full, else -inf."""
    owner = np.searchsorted(indptr, best, side="right") - 1
    rows = len(indptr) - 1
    taken = np.bincount(owner, minlength=rows)
    lowest = np.full(rows, np.inf)
    np.minimum.at(lowest, owner, s[best])
    return np.where(taken >= size, lowest, -np.inf)


def _feedback(signals: Signals, config: RelatedConfig, scored: Ranked,
              rows: np.ndarray) -> tuple[Ranked, sp.csr_matrix]:
    """Add to every shortlisted candidate its agreement with the row's neighbours.

    The neighbours are a row's `count` best first-round candidates, weighted by their
    first-round score (keeping only the 2 x `count` best for the feedback loses 0.001 of
    precision@5 on the newsroom corpus, seed 0, and saves little).  Ties
    go to the lower row number (path order), so the choice depends on the row's own
    shortlist alone, never on the chunk it was ranked in.  Returns the candidates and
    the neighbour weights (row k for rows[k]).
    """
    columns = len(signals.articles)
    if not config.neighbours:
        return scored, sp.csr_matrix((len(rows), columns))
    order = np.lexsort((scored.col, -np.round(scored.score, _SCORE_DECIMALS), scored.row))
    position = position_in_runs(scored.row[order])
    best = order[(position < config.count) & (scored.score[order] > 0)]
    weights = sp.csr_matrix((scored.score[best], (np.searchsorted(rows, scored.row[best]), scored.col[best])),
                            shape=(len(rows), columns))
    return _add_agreement(signals, config, scored, weights, rows), weights


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
                   rows: np.ndarray) -> Ranked:
    neighbours = config.neighbours * _agreement(signals.text, weights, np.searchsorted(rows, scored.row), scored.col)
    return replace(scored, neighbours=neighbours, score=scored.score + neighbours)


def score_pairs(signals: Signals, config: RelatedConfig, rows: np.ndarray, cols: np.ndarray,
                weights: sp.csr_matrix | None = None, ranked: np.ndarray | None = None) -> Ranked:
    """Exact weighted components and total for each (row, col) pair.

    Without `weights` (rank's neighbour weights, row k for ranked[k]) this is the
    first-round score and the neighbours component is 0.
    """
    tags = config.tags * row_dots(signals.tags, rows, cols)
    text = config.text * row_dots(signals.text, rows, cols)
    section = config.section * (signals.section[rows] == signals.section[cols]).astype(np.float64)
    people = config.people * row_dots(signals.people, rows, cols)
    scored = Ranked(rows, cols, tags, text, section, people, np.zeros(len(rows)), tags + text + section + people)
    if weights is None or not config.neighbours:
        return scored
    return _add_agreement(signals, config, scored, weights, ranked if ranked is not None else np.unique(rows))
