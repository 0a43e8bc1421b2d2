"""Every story as sparse, IDF-weighted vectors of tags, terms and people, plus its section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.content.model import Article
from generator.related.rows import CHUNK_ENTRIES
from generator.related.state import Rows
from generator.related.stems import Stems
from generator.related.textrows import Counted, text_keys, update_text
from generator.related.weights import document_counts, effective_df, idf_of, weigh_rows
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
    counted: Counted | None = None  # what the text matrix was made from, when words were cached


def _term_rows(articles: tuple[Article, ...], stems: Stems, cache: dict[bytes, TermCounts] | None = None,
               want_names: bool = False,
               keys: list[bytes] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Count the non-stop words of every article as (row, term id, count) triples.

    Term ids follow hash order, whatever article a word first appears in: ties between
    equally weighted terms are then broken the same way whatever else the archive
    holds. `cache` maps text_key() to earlier counts; it is updated to hold exactly
    the articles given. `keys` are the articles' text keys, when known.
    """
    if keys is None:
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
                 want_names: bool = False, previous: tuple[Counted, Rows] | None = None,
                 record: Callable[[Article], bytes] | None = None) -> Signals:
    """Vectorise the archive; rows follow source order so input order never matters.

    With `words` (the word-count cache) and `previous` (what the last text matrix was
    made from, and its rows as word hashes and weights), the text matrix is updated
    rather than made again (textrows.py); `record` gives an article's record digest,
    which stands for its text key when it is the last build's.
    """
    ordered = tuple(sorted(articles, key=lambda a: (a.source, a.slug)))
    n = len(ordered)
    timestamp = np.array([a.date.timestamp() for a in ordered], dtype=np.float64)
    sealed = _sealed(timestamp)
    stems = Stems(config.language, config.stem, spell=want_names)
    keys = records = None
    made = None
    if words is not None and not want_names:
        records = [record(a) for a in ordered] if record is not None else [b""] * n
        keys = text_keys(ordered, stems, records, None if previous is None else previous[0])
        if previous is not None:
            made = update_text(ordered, sealed, keys, *previous, words, lambda some: count_words(some, stems),
                               config.max_terms)
    if made is not None:
        text, counted = made[0].matrix, made[1]
        term_keys, count, sealed_count = made[0].vocabulary, made[0].count, made[0].sealed_count
        term_df, term_names = effective_df(count, sealed_count), ("",) * len(term_keys)
        words.clear()  # type: ignore[union-attr]
        words.update(zip(keys, counted))  # type: ignore[union-attr, arg-type]
    else:
        # The triples go to _matrix in a list it empties, so they are freed as it goes.
        rows, ids, counts, spelled, term_keys = _term_rows(ordered, stems, words, want_names, keys)
        text, term_names, term_df, count, sealed_count = _matrix(sealed, [rows, ids, counts], spelled,
                                                                 keep=config.max_terms, log_tf=True)
        del rows, ids, counts
    rows, ids, counts, spelled = _feature_rows([{t.strip().casefold() for t in a.tags if t.strip()} for a in ordered])
    tags, tag_names, tag_df, _, _ = _matrix(sealed, [rows, ids, counts], spelled)
    rows, ids, counts, spelled = _feature_rows([{p for p in (*a.reporters, *a.editors) if p} for a in ordered])
    people, people_names, _, _, _ = _matrix(sealed, [rows, ids, counts], spelled)
    del rows, ids, counts
    # A tag or byline counts for as much as its stories' words agree (see _earned).
    tags, people = _earned(tags, text, sealed), _earned(people, text, sealed)
    section_ids: dict[str, int] = {}
    return Signals(
        articles=ordered, tags=tags, text=text, people=people,
        section=np.array([section_ids.setdefault(a.section, len(section_ids)) for a in ordered],
                         dtype=np.int64),
        timestamp=timestamp,
        eligible=np.array([not a.draft for a in ordered], dtype=bool),
        sealed=sealed, tag_df=tag_df, term_df=term_df, term_keys=term_keys,
        tag_names=tag_names, term_names=term_names, people_names=people_names,
        counted=None if keys is None or records is None else Counted(
            sources=[a.source for a in ordered], keys=keys, records=records, sealed=sealed, vocabulary=term_keys,
            count=count, sealed_count=sealed_count),
    )


def sealed_rows(ordered: Sequence[Article]) -> np.ndarray:
    """Which rows are in the sealed part of the archive: its oldest seal_size(n) stories.

    Oldest by date, then path; rows are in path order.
    """
    return _sealed(np.array([a.date.timestamp() for a in ordered], dtype=np.float64))


def _sealed(timestamp: np.ndarray) -> np.ndarray:
    """sealed_rows() from the rows' timestamps: rows in path order break ties by path."""
    by_age = np.lexsort((np.arange(len(timestamp)), timestamp))
    sealed = np.zeros(len(timestamp), dtype=bool)
    sealed[by_age[:seal_size(len(timestamp))]] = True
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


def _matrix(sealed: np.ndarray, triples: list[np.ndarray], names: list[str], keep: int | None = None,
            log_tf: bool = False) -> tuple[sp.csr_matrix, tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    """Build an IDF-weighted, row-normalised matrix from [rows, features, counts] triples.

    Also returns each feature's effective document frequency (effective_df), and its
    document counts in all and in the sealed part.

    `triples` is emptied: the caller's arrays can then be freed here, as soon as they
    are filtered (at 100,000 articles they are a few hundred MB).
    """
    rows, cols, counts = triples
    triples.clear()
    df, old = document_counts(sealed, rows, cols, len(names))
    effective = effective_df(df, old)
    indptr, cols, weight = weigh_rows(len(sealed), rows, cols, counts, df, idf_of(effective, sealed), keep, log_tf)
    matrix = sp.csr_matrix((weight, cols, indptr), shape=(len(sealed), len(names)))  # no COO copy on the way
    matrix.sort_indices()
    return matrix, tuple(names), effective, df, old
