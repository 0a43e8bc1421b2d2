"""Every story as sparse, IDF-weighted vectors of tags, terms and people, plus its section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.content.model import Article
from generator.related.rows import CHUNK_ENTRIES, best_in_rows
from generator.related.stems import Stems
from generator.related.words import TOKEN_BATCH, TermCounts, count_words, text_key

# sqrt(coherence) is rounded to this many steps of 1 (see _earned).
COHERENCE_STEPS = 32


@dataclass(frozen=True)
class Signals:
    """The archive as matrices, rows in canonical (source) order."""

    articles: tuple[Article, ...]
    tags: sp.csr_matrix  # IDF-weighted, rows L2-normalised
    text: sp.csr_matrix
    people: sp.csr_matrix
    section: np.ndarray  # section id per row
    timestamp: np.ndarray  # seconds since the epoch per row
    eligible: np.ndarray  # may be listed at all (not a draft)
    sealed: np.ndarray  # in the sealed part of the archive, whose counts set the weights
    tag_df: np.ndarray  # the document frequency each weight was taken from (see effective_df)
    term_df: np.ndarray
    term_keys: np.ndarray  # each term's word hash: the same term in any build of the archive
    tag_names: tuple[str, ...]
    term_names: tuple[str, ...]
    people_names: tuple[str, ...]


def _term_rows(articles: tuple[Article, ...], stems: Stems, cache: dict[bytes, TermCounts] | None = None,
               want_names: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Count the non-stop words of every article as (row, term id, count) triples.

    Term ids follow hash order, whatever article a word first appears in: ties between
    equally weighted terms are then broken the same way whatever else the archive
    holds. `cache` maps text_key() to earlier counts; it is updated to hold exactly
    the articles given.
    """
    keys = [text_key(a, stems.name) for a in articles] if cache is not None else []
    counted: list[TermCounts | None] = [cache.get(k) for k in keys] if cache is not None else [None] * len(articles)
    missing = [i for i, c in enumerate(counted) if c is None]
    for i, counts in zip(missing, count_words([articles[i] for i in missing], stems)):
        counted[i] = counts
    names = stems.spelling() if want_names else None
    if cache is not None:
        cache.clear()
        cache.update(zip(keys, counted))  # type: ignore[arg-type]
    if not articles:
        return (np.zeros(0, dtype=np.int32),) * 3 + ([], np.zeros(0, dtype=np.uint64))
    # Batch by batch, never all hashes at once: np.unique over the archive's 15 million
    # (row, word) pairs at 100,000 articles would hold several copies of them.
    step = TOKEN_BATCH * 10
    batches = [counted[b:b + step] for b in range(0, len(counted), step)]
    vocabulary = np.unique(np.concatenate(
        [np.unique(np.concatenate([c[0] for c in batch])) for batch in batches]))  # type: ignore[index]
    sizes = np.array([len(c[0]) for c in counted], dtype=np.int64)  # type: ignore[index]
    ids = np.empty(int(sizes.sum()), dtype=np.int32)
    start = 0
    for batch in batches:
        hashes = np.concatenate([c[0] for c in batch])  # type: ignore[index]
        ids[start:start + len(hashes)] = np.searchsorted(vocabulary, hashes)
        start += len(hashes)
    rows = np.repeat(np.arange(len(articles), dtype=np.int32), sizes)
    counts = np.concatenate([c[1] for c in counted])  # type: ignore[index]
    spelled = [names[h] for h in vocabulary.tolist()] if names is not None else [""] * len(vocabulary)
    # Each article's hashes are sorted, so (row, id) pairs already come in order.
    return rows, ids, counts, spelled, vocabulary


def _feature_rows(lists: list[set[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(row, feature id, 1) triples for small per-article sets such as tags."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    ids: list[int] = []
    for row, features in enumerate(lists):
        for feature in sorted(features):
            rows.append(row)
            ids.append(vocabulary.setdefault(feature, len(vocabulary)))
    return (np.array(rows, dtype=np.int64), np.array(ids, dtype=np.int64),
            np.ones(len(rows), dtype=np.int64), list(vocabulary))


def make_signals(articles: Sequence[Article], config: RelatedConfig, words: dict[bytes, TermCounts] | None = None,
             want_names: bool = False) -> Signals:
    """Vectorise the archive; rows follow source order so input order never matters."""
    ordered = tuple(sorted(articles, key=lambda a: (a.source, a.slug)))
    n = len(ordered)
    sealed = sealed_rows(ordered)
    # The triples go to _matrix in a list it empties, so they are freed as it goes.
    stems = Stems(config.language, config.stem, spell=want_names)
    rows, ids, counts, spelled, term_keys = _term_rows(ordered, stems, words, want_names)
    text, term_names, term_df = _matrix(sealed, [rows, ids, counts], spelled, keep=config.max_terms, log_tf=True)
    del rows, ids, counts
    rows, ids, counts, spelled = _feature_rows([{t.strip().casefold() for t in a.tags if t.strip()} for a in ordered])
    tags, tag_names, tag_df = _matrix(sealed, [rows, ids, counts], spelled)
    rows, ids, counts, spelled = _feature_rows([{p for p in (*a.reporters, *a.editors) if p} for a in ordered])
    people, people_names, _ = _matrix(sealed, [rows, ids, counts], spelled)
    del rows, ids, counts
    # A tag or byline counts for as much as its stories' words agree (see _earned).
    tags, people = _earned(tags, text, sealed), _earned(people, text, sealed)
    section_ids: dict[str, int] = {}
    return Signals(
        articles=ordered, tags=tags, text=text, people=people,
        section=np.array([section_ids.setdefault(a.section, len(section_ids)) for a in ordered],
                         dtype=np.int64),
        timestamp=np.array([a.date.timestamp() for a in ordered], dtype=np.float64),
        eligible=np.array([not a.draft for a in ordered], dtype=bool),
        sealed=sealed, tag_df=tag_df, term_df=term_df, term_keys=term_keys,
        tag_names=tag_names, term_names=term_names, people_names=people_names,
    )


def sealed_rows(ordered: Sequence[Article]) -> np.ndarray:
    """Which rows are in the sealed part of the archive: its oldest seal_size(n) stories.

    Oldest by date, then path; rows are in path order.
    """
    by_age = sorted(range(len(ordered)), key=lambda i: (ordered[i].date.timestamp(), ordered[i].source))
    sealed = np.zeros(len(ordered), dtype=bool)
    sealed[by_age[:seal_size(len(ordered))]] = True
    return sealed


def seal_size(n: int) -> int:
    """The largest step of the ladder floor(2^(j/8)) that is at most n (0 for none).

    The sealed part grows in steps of about 9 %, so the weights move once every
    ~900 stories at 10,000, not with every story.
    """
    size, j = 0, 0
    while (step := int(2 ** (j / 8))) <= n:
        size, j = step, j + 1
    return size


def coherence(features: sp.csr_matrix, text: sp.csr_matrix, sealed: np.ndarray | None = None) -> np.ndarray:
    """Mean text cosine between two articles carrying each feature (0 for a feature on one article).

    With `sealed`, a feature carried by two sealed articles or more is judged on those
    alone, so stories added after the seal leave it as it was. With unit text rows x_i,
    the sum over a feature's articles s satisfies |s|^2 = m + sum over ordered pairs
    of x_i.x_j, so no pair is ever formed.
    """
    everywhere = _coherence(features, text)
    if sealed is None:
        return everywhere
    within = _coherence(sp.diags(sealed.astype(np.float64)) @ features, text)
    old = np.diff(sp.csc_matrix(sp.diags(sealed.astype(np.float64)) @ features).indptr)
    return np.where(old >= 2, within, everywhere)


def _coherence(features: sp.csr_matrix, text: sp.csr_matrix) -> np.ndarray:
    features = sp.csr_matrix(features)
    features.eliminate_zeros()
    pattern = sp.csc_matrix(sp.csr_matrix((np.ones(features.nnz), features.indices, features.indptr),
                                          shape=features.shape))
    carriers = np.diff(pattern.indptr)
    squares = np.zeros(features.shape[1])
    start = 0
    while start < features.shape[1]:  # groups of features whose postings add up to a bounded size
        end = int(np.searchsorted(pattern.indptr, pattern.indptr[start] + CHUNK_ENTRIES // 64, side="right"))
        end = max(end - 1, start + 1)
        sums = (pattern[:, start:end].T @ text).tocsr()
        squares[start:end] = np.bincount(np.repeat(np.arange(end - start), np.diff(sums.indptr)),
                                         weights=sums.data ** 2, minlength=end - start)
        start = end
    pairs = carriers * (carriers - 1.0)
    return np.where(pairs > 0, (squares - carriers) / np.maximum(pairs, 1), 0.0).clip(0, 1)


def _earned(features: sp.csr_matrix, text: sp.csr_matrix, sealed: np.ndarray) -> sp.csr_matrix:
    """Scale each feature so that sharing it is worth what it typically means in text.

    Two stories sharing feature f then score about idf-share x coherence(f): a story tag
    whose stories are about one event keeps much of its weight, a desk-wide tag, a beat
    reporter or a tag put on half the archive keeps almost none, whatever the tagging
    habits of the newsroom. Rows keep their IDF norm, so a story's weak tags do not
    make its strong ones count for less.
    """
    # Rounded to 1/32: a story joining a large tag's sealed stories' neighbourhood
    # moves its coherence far less than a step, so the tag's weight stays as it was.
    factor = np.round(np.sqrt(coherence(features, text, sealed)) * COHERENCE_STEPS) / COHERENCE_STEPS
    scaled = sp.csr_matrix((features.data * factor[features.indices], features.indices, features.indptr),
                           shape=features.shape)
    scaled.eliminate_zeros()
    return scaled


def _matrix(sealed: np.ndarray, triples: list[np.ndarray], names: list[str],
            keep: int | None = None, log_tf: bool = False) -> tuple[sp.csr_matrix, tuple[str, ...], np.ndarray]:
    """Build an IDF-weighted, row-normalised matrix from [rows, features, counts] triples.

    Also returns each feature's effective document frequency (effective_df).

    `triples` is emptied: the caller's arrays can then be freed here, as soon as they
    are filtered (at 100,000 articles they are a few hundred MB).
    """
    rows, cols, counts = triples
    triples.clear()
    n = len(sealed)
    # In slices: bincount (like searchsorted across dtypes) would copy int32 ids to int64 whole.
    df = np.zeros(len(names), dtype=np.int64)
    old = np.zeros(len(names), dtype=np.int64)
    for start in range(0, len(cols), CHUNK_ENTRIES):
        piece = cols[start:start + CHUNK_ENTRIES]
        df += np.bincount(piece, minlength=len(names))
        old += np.bincount(piece[sealed[rows[start:start + CHUNK_ENTRIES]]], minlength=len(names))
    effective = effective_df(df, old)
    # ln(1 + S/df) over the sealed part (S stories): a feature on 30% of articles weighs
    # ~1.5, a rare one up to ~11 at 100,000 articles, and one on every article still
    # weighs a little, so a two-article site can relate its two flood stories.
    idf = np.log1p(max(int(sealed.sum()), 1) / effective)
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
    matrix = sp.csr_matrix((weight, cols, indptr), shape=(n, len(names)))  # no COO copy on the way
    matrix.sort_indices()
    return matrix, tuple(names), effective


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
