"""How much a word, tag or byline weighs: document counts, effective counts, IDF, and rows weighed with them."""

from __future__ import annotations

import numpy as np

from generator.related.rows import CHUNK_ENTRIES, best_in_rows


def document_counts(sealed: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                    features: int) -> tuple[np.ndarray, np.ndarray]:
    """How many stories carry each feature, in all and in the sealed part."""
    # In slices: bincount (like searchsorted across dtypes) would copy int32 ids to int64 whole.
    df = np.zeros(features, dtype=np.int64)
    old = np.zeros(features, dtype=np.int64)
    for start in range(0, len(cols), CHUNK_ENTRIES):
        piece = cols[start:start + CHUNK_ENTRIES]
        df += np.bincount(piece, minlength=features)
        old += np.bincount(piece[sealed[rows[start:start + CHUNK_ENTRIES]]], minlength=features)
    return df, old


def idf_of(effective: np.ndarray, sealed: np.ndarray) -> np.ndarray:
    """Each feature's weight from its effective document frequency and the size of the sealed part."""
    # ln(1 + S/df) over the sealed part (S stories): a feature on 30% of articles weighs
    # ~1.5, a rare one up to ~11 at 100,000 articles, and one on every article still
    # weighs a little, so a two-article site can relate its two flood stories.
    return np.log1p(max(int(sealed.sum()), 1) / effective)


def weigh_rows(n: int, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, df: np.ndarray, idf: np.ndarray,
               keep: int | None = None, log_tf: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR bounds, features and weights of `n` rows from their sorted (row, feature, count) triples.

    Each row's weights depend on its own triples and the features' df and idf alone, so
    a row weighed here with others or on its own comes out the same, bit for bit.
    """
    # In place and in slices: at 100,000 articles each temporary the size of the triples
    # is over 100 MB, and this step sets the peak memory of a build.
    mask = (df >= 2)[cols]  # a feature on one article only can never be shared
    rows, cols = rows[mask], cols[mask]
    weight = counts[mask].astype(np.float64)
    del mask, counts
    if log_tf:
        np.log(weight, out=weight)
        weight += 1
    for start in range(0, len(weight), CHUNK_ENTRIES):
        weight[start:start + CHUNK_ENTRIES] *= idf[cols[start:start + CHUNK_ENTRIES]]
    # Rows arrive sorted, so their boundaries form the CSR index.
    indptr = np.searchsorted(rows, np.arange(n + 1, dtype=rows.dtype))
    if keep is not None:
        top = best_in_rows(indptr, weight, keep)
        rows, cols, weight = rows[top], cols[top], weight[top]
        del top
        indptr = np.searchsorted(rows, np.arange(n + 1, dtype=rows.dtype))
    norms = np.sqrt(np.bincount(rows, weights=weight * weight, minlength=n))
    weight /= norms[rows]
    return indptr, cols, weight


def effective_df(df: np.ndarray, sealed_df: np.ndarray) -> np.ndarray:
    """The document frequency a feature is weighed by: its count in the sealed part,
    doubled for each time the whole archive's count has doubled it.

    The sealed part's count stands until the newer stories carry a feature as often
    as the sealed ones (a new event's names, a word the sealed part lacks): weighing
    those by the sealed count alone would make a word on every recent story as rare
    as a typo. Doublings, not the count itself, so a new story moves the weight of
    such a feature once in a while, not every time. At least 1.
    """
    base = np.maximum(sealed_df, 1)
    ratio = np.maximum(df, 1) // base  # >= 1: the whole archive holds the sealed part
    _, exponent = np.frexp(ratio.astype(np.float64))  # ratio = m * 2^exponent, m in [0.5, 1): exact
    return base << (exponent.astype(np.int64) - 1)
