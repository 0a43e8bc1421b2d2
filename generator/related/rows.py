"""Row-wise operations on sparse matrices in numpy: the best k of each row, in bounded memory."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import scipy.sparse as sp

# Rows per sparse product are chosen so one chunk yields at most this many entries;
# smaller chunks lower the peak memory of ranking at no cost in speed that benchmarks/
# related_speed.py can tell apart.
CHUNK_ENTRIES = 500_000
# Rows of a matrix laid out densely at once by pair_dots (a buffer under 1 MB).
DOT_ROWS = 16


def position_in_runs(ids: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... counting up inside each run of equal consecutive values."""
    head = np.ones(len(ids), dtype=bool)
    head[1:] = ids[1:] != ids[:-1]
    first = np.flatnonzero(head)
    return np.arange(len(ids)) - np.repeat(first, np.diff(np.append(first, len(ids))))


def row_blocks(indptr: np.ndarray, values: np.ndarray,
                fill: float) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield (first row, row lengths, padded 2-D block of values) for groups of CSR rows.

    Rows are short (at most `candidates` or `max_terms` entries), so padding them into
    a rectangle lets numpy sort or partition every row at once without a global sort.
    """
    lengths = np.diff(indptr)
    if len(values) == 0:
        return
    step = max(1, CHUNK_ENTRIES // max(int(lengths.max()), 1))
    for row in range(0, len(lengths), step):
        end = min(row + step, len(lengths))
        size = lengths[row:end]
        width = int(size.max()) if len(size) else 0
        if width == 0:
            continue
        block = np.full((end - row, width), fill)
        flat = np.arange(indptr[row], indptr[end])
        block[np.repeat(np.arange(end - row), size), flat - np.repeat(indptr[row:end], size)] = values[flat]
        yield row, size, block


def order_in_rows(indptr: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Permutation sorting the entries of every CSR-style row by key; rows stay in place."""
    pieces = [np.zeros(0, dtype=np.int64)]
    for row, size, block in row_blocks(indptr, keys, np.inf):
        order = np.argsort(block, axis=1, kind="stable")  # padding (+inf) sorts last
        real = np.arange(block.shape[1]) < size[:, None]
        pieces.append((indptr[row:row + len(size), None] + order)[real])
    return np.concatenate(pieces)


def best_in_rows(indptr: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest finite values in each CSR-style row, in position order.

    Ties at the cut go to the earliest positions, so the choice depends on the row alone,
    never on which other rows share its block (argpartition alone would leave it to
    the block's layout, and so to the archive's size).
    """
    lengths = np.diff(indptr)
    if len(values) == 0 or lengths.max() <= k:
        return np.flatnonzero(np.isfinite(values))
    pieces = [np.zeros(0, dtype=np.int64)]
    for row, size, block in row_blocks(indptr, values, -np.inf):
        real = np.arange(block.shape[1]) < size[:, None]
        if block.shape[1] > k:
            kth = -np.partition(-block, k - 1, axis=1)[:, k - 1:k]  # each row's k-th largest value
            above = block > kth
            tied = block == kth
            # Among values equal to the k-th, the first ones fill the k places.
            chosen = above | (tied & (np.cumsum(tied, axis=1) <= k - above.sum(axis=1, keepdims=True)))
        else:
            chosen = real
        chosen &= real & np.isfinite(block)
        pieces.append((indptr[row:row + len(size), None] + np.arange(block.shape[1]))[chosen])
    return np.concatenate(pieces)


def row_dots(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dot products of matrix rows `rows[k]` and `cols[k]`, for every k at once."""
    if len(rows) == 0:
        return np.zeros(0)
    return np.asarray(matrix[rows].multiply(matrix[cols]).sum(axis=1)).ravel()


def pair_dots(left: sp.csr_matrix, right: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dot products of `left` row `rows[k]` and `right` row `cols[k]`, for every k at once.

    For a `left` with long rows asked about many pairs per row (row_dots copies both
    rows of every pair, here the left rows are laid out once per block).

    Each block of DOT_ROWS rows of `left` is laid out densely (its words in any distinct
    columns), and each pair's dot product is then one gather per entry of its `right`
    row: no elementwise sparse product, which would sort and merge every pair.  A sum
    runs in the order of the `right` row's entries, so a pair's value never depends on
    the other pairs asked for.
    """
    dots = np.zeros(len(rows))
    if len(rows) == 0 or left.nnz == 0 or right.nnz == 0:
        return dots
    order = np.argsort(rows, kind="stable")
    rows, cols = rows[order], cols[order]
    picked = right[cols]
    sizes = np.diff(picked.indptr)
    width = DOT_ROWS * int(np.diff(left.indptr).max()) + 1  # each row's last column stays 0
    # One small buffer, zeroed once and cleaned after each block: a fresh one each time
    # costs more in page faults than the arithmetic.
    dense = np.zeros(DOT_ROWS * width)
    where = np.full(left.shape[1], -1, dtype=np.int32)  # a word's column in the block (int32: fits in cache)
    at_pair = np.repeat((rows % DOT_ROWS) * width, sizes)  # where each entry's left row starts
    values = np.zeros(picked.nnz)
    blocks = rows // DOT_ROWS
    starts = np.flatnonzero(np.concatenate(([True], blocks[1:] != blocks[:-1])))
    for first, last in zip(starts, np.append(starts[1:], len(rows))):
        row = int(blocks[first]) * DOT_ROWS
        a, b = left.indptr[row], left.indptr[min(row + DOT_ROWS, left.shape[0])]
        words = left.indices[a:b]
        where[words] = np.arange(b - a)  # a word's last position in the block: distinct per word
        at = np.repeat(np.arange(min(DOT_ROWS, left.shape[0] - row)) * width,
                       np.diff(left.indptr[row:row + DOT_ROWS + 1])) + where[words]
        dense[at] = left.data[a:b]
        c, d = picked.indptr[first], picked.indptr[last]
        column = where[picked.indices[c:d]]
        # A word the left row lacks reads the row's last column, which stays 0.
        values[c:d] = dense[at_pair[c:d] + np.where(column >= 0, column, width - 1)] * picked.data[c:d]
        dense[at] = 0.0
        where[words] = -1
    dots[order] = np.bincount(np.repeat(np.arange(len(rows)), sizes), weights=values, minlength=len(rows))
    return dots
