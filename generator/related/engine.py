"""Related articles: for each story, the stories that share the most distinctive things.

Scoring (see docs/related.md for the newsroom version).  Every article becomes three
sparse, length-normalised vectors -- tags, salient terms of its text, people
(reporters and editors) -- plus its section.  Tags, terms and people are weighted by
inverse document frequency, so sharing a tag that sits on 30% of the archive counts
for little and sharing a rare one counts for a lot.  The score of a pair is

    tags * cos(tags) + text * cos(terms) + section * [same section] + people * cos(people)

with the weights from `RelatedConfig`.

Speed.  Scoring every pair is quadratic, so candidates are found through an inverted
index instead: each article "queries" with its most telling tags and terms (weight per
posting looked up) until their posting lists add up to `candidates` articles, as one
sparse matrix product per chunk of rows.  The best `rescore` candidates by that
partial score are then re-scored exactly on all four signals and the list is cut from
those.  Work and memory are therefore bounded by articles x `candidates`, whatever
the shape of the archive.  Words are hashed in numpy rather than looked up one by one
in a dict, which is what makes tokenising 100,000 articles take seconds.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, fields, replace
from typing import Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from generator.errors import BuildError, Diagnostic, suggest
from generator.content.model import Article
from generator.config.related import RelatedConfig
from generator.related.stopwords import STOP_WORDS

# Markup that must not become words: HTML tags, link targets, bare URLs, entities and
# code.  Each pattern runs only when its trigger is in the text: one alternation over
# every character costs more than all the tokenising.
_MARKUP = (
    ("<", re.compile(r"<[^>]*>")),
    ("](", re.compile(r"\]\([^)]*\)")),
    ("://", re.compile(r"\S+://\S+")),
    ("&", re.compile(r"&#?\w+;")),
    ("`", re.compile(r"`[^`]*`")),
)
_WORD = re.compile(r"[^\W\d_]{2,}")
# After markup removal every ASCII byte that is not a letter becomes a space; bytes of
# multi-byte UTF-8 letters (only present in text that went through _WORD) stay.
_LETTERS = bytes(c if 97 <= c <= 122 or c >= 128 else 32 for c in range(256))
_HASH_BASE = np.uint64(0x100000001B3)  # odd, so distinct short words hash apart
_HASH_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))
_HASH_MIX = np.uint64(0x9E3779B97F4A7C15)
_STOP_SLOTS = 1 << 14  # a power of two well above the number of stop words
# Articles tokenised together; bounds the transient arrays to a few tens of MB.
_TOKEN_BATCH = 500
# Title and summary say what the story is about more densely than the body does.
_HEADLINE_WEIGHT = 2
# Rows per sparse product are chosen so one chunk yields at most this many entries;
# smaller chunks lower the peak memory of ranking at no cost in speed that benchmarks/
# related_speed.py can tell apart.
_CHUNK_ENTRIES = 500_000
# Scores equal to this many decimals are ties, so float noise never decides an order.
_SCORE_DECIMALS = 9

TermCounts = tuple[np.ndarray, np.ndarray]  # an article's distinct word hashes (sorted) and their counts


@dataclass(frozen=True)
class Explanation:
    """Why one article was (or nearly was) listed as related to another."""

    source: str
    slug: str
    title: str
    score: float  # the sum of the four weighted components below
    tags: float
    text: float
    section: float
    people: float
    shared_tags: tuple[str, ...]  # most telling first
    shared_terms: tuple[str, ...]  # most telling first
    shared_people: tuple[str, ...]
    pinned: bool  # listed because the front matter pins it
    listed: bool  # False for runners-up that did not make the list


@dataclass(frozen=True)
class _Signals:
    """The archive as matrices, rows in canonical (source) order."""

    articles: tuple[Article, ...]
    tags: sp.csr_matrix  # IDF-weighted, rows L2-normalised
    text: sp.csr_matrix
    people: sp.csr_matrix
    section: np.ndarray  # section id per row
    timestamp: np.ndarray  # seconds since the epoch per row
    eligible: np.ndarray  # may be listed at all (not a draft)
    tag_names: tuple[str, ...]
    term_names: tuple[str, ...]
    people_names: tuple[str, ...]


@dataclass(frozen=True)
class _Ranked:
    """Scored candidate pairs, grouped by row and best first within a row."""

    row: np.ndarray
    col: np.ndarray
    tags: np.ndarray
    text: np.ndarray
    section: np.ndarray
    people: np.ndarray
    score: np.ndarray


def compute_related(articles: Sequence[Article], config: RelatedConfig,
                    words: dict[bytes, TermCounts] | None = None) -> dict[str, tuple[str, ...]]:
    """Map every article's source to the sources of its related articles, best first.

    `words` caches each article's word counts between builds (see _term_rows).
    """
    _check_config(config)
    signals = _signals(articles, config, words)
    pins = _resolve_pins(signals.articles)
    ranked = _rank(signals, config, 0, len(signals.articles), extra=_most_pins(pins, config))
    bounds = np.searchsorted(ranked.row, np.arange(len(signals.articles) + 1))
    result: dict[str, tuple[str, ...]] = {}
    for i, article in enumerate(signals.articles):
        computed = ranked.col[bounds[i]:bounds[i + 1]].tolist()
        chosen = _assemble(i, pins[i], computed, signals, config)
        result[article.source] = tuple(signals.articles[j].source for j in chosen)
    return result


def explain_related(articles: Sequence[Article], config: RelatedConfig, source: str) -> list[Explanation]:
    """Explain the related list of the article at `source`, then the runners-up."""
    _check_config(config)
    signals = _signals(articles, config, want_names=True)
    sources = [a.source for a in signals.articles]
    try:
        i = sources.index(source)
    except ValueError:
        raise BuildError([Diagnostic(source, "no article with this path",
                                     hint=suggest(source, sources))]) from None
    pins = _resolve_pins(signals.articles)[i]
    # Rank without the score floor so runners-up below it can be shown too; the
    # order is the same, so the listed part matches compute_related exactly.
    ranked = _rank(signals, replace(config, min_score=0.0), i, i + 1,
                   extra=min(len(pins), config.count) + config.count)
    above = ranked.score >= config.min_score
    chosen = _assemble(i, pins, ranked.col[above].tolist(), signals, config)
    runners = [j for j in ranked.col.tolist() if j not in chosen][:config.count]
    exact = _score_pairs(signals, config, np.full(len(chosen) + len(runners), i),
                         np.array(chosen + runners, dtype=np.int64))
    pinned = set(pins)
    return [_explain(signals, i, j, k, exact, pinned=j in pinned, listed=k < len(chosen))
            for k, j in enumerate(chosen + runners)]


def format_explanations(source: str, explanations: Sequence[Explanation]) -> str:
    """Render explain_related's answer as plain text for `sitegen related PATH`."""
    lines = [f"related articles for {source}:"]
    if not explanations:
        lines.append("  (none: no other article shares a distinctive tag or term)")
    for number, e in enumerate(explanations, 1):
        mark = "pinned" if e.pinned else ("listed" if e.listed else "not listed")
        lines.append(f"{number:>3}. {e.source}  score {e.score:.3f}  [{mark}]")
        lines.append(f"       tags {e.tags:.3f} + text {e.text:.3f} + section {e.section:.3f}"
                     f" + people {e.people:.3f}")
        for label, shared in (("shared tags", e.shared_tags), ("shared terms", e.shared_terms),
                              ("shared people", e.shared_people)):
            if shared:
                lines.append(f"       {label}: {', '.join(shared)}")
    return "\n".join(lines)


def _check_config(config: RelatedConfig) -> None:
    problems = config.problems()
    if problems:
        raise ValueError("; ".join(message for _, message in problems))


def _most_pins(pins: list[list[int]], config: RelatedConfig) -> int:
    # Pinned articles are dropped from the computed part, so rank enough to refill.
    return min(max((len(p) for p in pins), default=0), config.count)


def _assemble(i: int, pins: list[int], computed: list[int], signals: _Signals,
              config: RelatedConfig) -> list[int]:
    """Pinned first in their order, then computed ones, without repeats, self or drafts."""
    chosen: list[int] = []
    for j in pins + computed:
        if len(chosen) == config.count:
            break
        if j != i and signals.eligible[j] and j not in chosen:
            chosen.append(j)
    return chosen


def _resolve_pins(articles: tuple[Article, ...]) -> list[list[int]]:
    """Turn each article's pinned slugs into row numbers, or fail listing every bad slug."""
    by_slug: dict[str, int] = {}
    for row, article in enumerate(articles):
        by_slug.setdefault(article.slug, row)
    problems: list[Diagnostic] = []
    pins: list[list[int]] = []
    for article in articles:
        rows = []
        for slug in article.related:
            if slug in by_slug:
                rows.append(by_slug[slug])
            else:
                problems.append(Diagnostic(
                    article.source, f"related article '{slug}' does not exist",
                    line=article.related_line,
                    hint=suggest(slug, by_slug) or "pin articles by their slug (a draft needs --drafts)"))
        pins.append(rows)
    if problems:
        raise BuildError(problems)
    return pins


# --- turning articles into vectors -------------------------------------------------

def _plain(text: str) -> bytes:
    """Lower-cased text with markup removed; ASCII punctuation and digits remain for later."""
    text = text.lower()
    for trigger, pattern in _MARKUP:
        if trigger in text:
            text = pattern.sub(" ", text)
    if text.isascii():
        return text.encode("ascii")
    # Rare non-ASCII copy (curly quotes, accented names) goes through the Unicode-aware
    # regex; what comes out is only words and spaces.
    return " ".join(_WORD.findall(text)).encode("utf-8")


def _article_bytes(article: Article) -> bytes:
    """Body, then headline and summary repeated to count double, as plain bytes."""
    head = _plain(article.title + "\n" + article.summary)
    return b" ".join([_plain(article.body)] + [head] * _HEADLINE_WEIGHT)


def _hash_words(buf: bytes,
                table: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, length and a 64-bit polynomial hash of every run of non-space bytes in `buf`.

    Hashing in numpy instead of building a Python string per word is what keeps
    tokenising 100,000 articles to seconds: no per-word object, no dict look-up.
    A word's hash is (prefix[end] - prefix[start]) / BASE**start, modulo 2**64.
    """
    text = np.frombuffer(buf, dtype=np.uint8)
    letter = np.concatenate(([False], text != 32, [False]))
    edges = np.flatnonzero(letter[1:] != letter[:-1])
    starts, ends = edges[::2], edges[1::2]
    if len(starts) == 0:
        return starts, ends - starts, np.zeros(0, dtype=np.uint64)
    powers, inverse = table
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        prefix = np.zeros(len(text) + 1, dtype=np.uint64)
        np.cumsum(text * powers[:len(text)], out=prefix[1:])
        hashes = (prefix[ends] - prefix[starts]) * inverse[starts]
        hashes ^= hashes >> np.uint64(29)
        hashes *= _HASH_MIX
    return starts, ends - starts, hashes


def _power_table(size: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < size."""
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(size, _HASH_BASE, dtype=np.uint64))
        inverse = np.cumprod(np.full(size, _HASH_INVERSE, dtype=np.uint64))
    one = np.ones(1, dtype=np.uint64)
    return np.concatenate((one, powers[:-1])), np.concatenate((one, inverse[:-1]))


def _stop_table(hashes: np.ndarray) -> list[np.ndarray]:
    """Direct-mapped tables holding every stop-word hash; later tables take collisions."""
    tables: list[np.ndarray] = []
    left = np.unique(hashes)
    while len(left):
        table = np.zeros(_STOP_SLOTS, dtype=np.uint64)  # no word hashes to 0 in practice
        slot = left & np.uint64(_STOP_SLOTS - 1)
        _, first = np.unique(slot, return_index=True)
        table[slot[first]] = left[first]
        tables.append(table)
        left = np.delete(left, first)
    return tables


def _is_stop(hashes: np.ndarray, tables: list[np.ndarray]) -> np.ndarray:
    """Membership test by one gather per table: far cheaper than a binary search per word."""
    slot = hashes & np.uint64(_STOP_SLOTS - 1)
    found = np.zeros(len(hashes), dtype=bool)
    for table in tables:
        found |= table[slot] == hashes
    return found


def text_key(article: Article) -> bytes:
    """Names what an article's words are counted from: its headline, summary and body."""
    h = hashlib.blake2b(digest_size=16)
    for part in (article.title, article.summary, article.body):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.digest()


def pack_words(words: dict[bytes, TermCounts]) -> tuple[list[bytes], np.ndarray, np.ndarray, np.ndarray]:
    """The word-count cache as four objects: pickling 20,000 small arrays costs ten times more."""
    keys = list(words)
    sizes = np.array([len(words[k][0]) for k in keys], dtype=np.int64)
    empty = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32))
    hashes = np.concatenate([words[k][0] for k in keys] or [empty[0]])
    counts = np.concatenate([words[k][1] for k in keys] or [empty[1]])
    return keys, sizes, hashes, counts


def unpack_words(packed: tuple[list[bytes], np.ndarray, np.ndarray, np.ndarray]) -> dict[bytes, TermCounts]:
    """The word-count cache from pack_words(); the arrays are views into the packed ones."""
    keys, sizes, hashes, counts = packed
    ends = np.cumsum(sizes).tolist()
    starts = [0] + ends[:-1]
    return {key: (hashes[a:b], counts[a:b]) for key, a, b in zip(keys, starts, ends)}


def _count_words(articles: Sequence[Article], names: dict[int, str] | None) -> list[TermCounts]:
    """Each article's non-stop words as (sorted distinct word hashes, counts).

    Words are tokenised in batches: one numpy pass over many articles' bytes beats
    a pass per article. With `names`, the spelling of each new hash is recorded.
    """
    stop_text = b" ".join(word.encode() for word in sorted(STOP_WORDS))
    table = _power_table(len(stop_text) + 1)
    stop = _stop_table(_hash_words(stop_text, table)[2])
    counted: list[TermCounts] = []
    for start in range(0, len(articles), _TOKEN_BATCH):
        pieces = [_article_bytes(a) for a in articles[start:start + _TOKEN_BATCH]]
        buf = b" ".join(pieces).translate(_LETTERS)
        begins = np.cumsum([0] + [len(p) + 1 for p in pieces[:-1]])
        if len(buf) > len(table[0]):  # batches are alike, so this rarely runs twice
            table = _power_table(len(buf) + len(buf) // 4)
        starts, lengths, hashes = _hash_words(buf, table)
        # Stop words and one-letter leftovers ("e" of "e-KTP") go before any counting.
        wanted = (lengths >= 2) & ~_is_stop(hashes, stop)
        starts, lengths, hashes = starts[wanted], lengths[wanted], hashes[wanted]
        words_before = np.searchsorted(starts, np.append(begins, len(buf)))
        owner = np.repeat(np.arange(len(pieces)), np.diff(words_before))
        if names is not None:
            unique, first = np.unique(hashes, return_index=True)
            for value, k in zip(unique.tolist(), first.tolist()):
                if value not in names:
                    names[value] = buf[starts[k]:starts[k] + lengths[k]].decode("utf-8")
        order = np.lexsort((hashes, owner))
        owner, hashes = owner[order], hashes[order]
        head = np.ones(len(hashes), dtype=bool)
        head[1:] = (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])
        firsts = np.flatnonzero(head)
        counts = np.diff(np.append(firsts, len(hashes))).astype(np.int32)
        bounds = np.searchsorted(owner[firsts], np.arange(len(pieces) + 1))
        distinct = hashes[firsts]
        counted += [(distinct[bounds[k]:bounds[k + 1]], counts[bounds[k]:bounds[k + 1]])
                    for k in range(len(pieces))]
    return counted


def _term_rows(articles: tuple[Article, ...], cache: dict[bytes, TermCounts] | None = None,
               want_names: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Count the non-stop words of every article as (row, term id, count) triples.

    Term ids follow hash order, whatever article a word first appears in: ties between
    equally weighted terms are then broken the same way whatever else the archive
    holds. `cache` maps text_key() to earlier counts; it is updated to hold exactly
    the articles given.
    """
    keys = [text_key(a) for a in articles] if cache is not None else []
    counted: list[TermCounts | None] = [cache.get(k) for k in keys] if cache is not None else [None] * len(articles)
    missing = [i for i, c in enumerate(counted) if c is None]
    names: dict[int, str] | None = {} if want_names else None
    for i, counts in zip(missing, _count_words([articles[i] for i in missing], names)):
        counted[i] = counts
    if cache is not None:
        cache.clear()
        cache.update(zip(keys, counted))  # type: ignore[arg-type]
    if not articles:
        return (np.zeros(0, dtype=np.int32),) * 3 + ([],)
    # Batch by batch, never all hashes at once: np.unique over the archive's 15 million
    # (row, word) pairs at 100,000 articles would hold several copies of them.
    step = _TOKEN_BATCH * 10
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
    return rows, ids, counts, spelled


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


def _signals(articles: Sequence[Article], config: RelatedConfig, words: dict[bytes, TermCounts] | None = None,
             want_names: bool = False) -> _Signals:
    """Vectorise the archive; rows follow source order so input order never matters."""
    ordered = tuple(sorted(articles, key=lambda a: (a.source, a.slug)))
    n = len(ordered)
    # The triples go to _matrix in a list it empties, so they are freed as it goes.
    rows, ids, counts, spelled = _term_rows(ordered, words, want_names)
    text, term_names = _matrix(n, [rows, ids, counts], spelled, keep=config.max_terms, log_tf=True)
    del rows, ids, counts
    rows, ids, counts, spelled = _feature_rows([{t.strip().casefold() for t in a.tags if t.strip()} for a in ordered])
    tags, tag_names = _matrix(n, [rows, ids, counts], spelled)
    rows, ids, counts, spelled = _feature_rows([{p for p in (*a.reporters, *a.editors) if p} for a in ordered])
    people, people_names = _matrix(n, [rows, ids, counts], spelled)
    del rows, ids, counts
    section_ids: dict[str, int] = {}
    return _Signals(
        articles=ordered, tags=tags, text=text, people=people,
        section=np.array([section_ids.setdefault(a.section, len(section_ids)) for a in ordered],
                         dtype=np.int64),
        timestamp=np.array([a.date.timestamp() for a in ordered], dtype=np.float64),
        eligible=np.array([not a.draft for a in ordered], dtype=bool),
        tag_names=tag_names, term_names=term_names, people_names=people_names,
    )


def _matrix(n: int, triples: list[np.ndarray], names: list[str],
            keep: int | None = None, log_tf: bool = False) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """Build an IDF-weighted, row-normalised matrix from [rows, features, counts] triples.

    `triples` is emptied: the caller's arrays can then be freed here, as soon as they
    are filtered (at 100,000 articles they are a few hundred MB).
    """
    rows, cols, counts = triples
    triples.clear()
    # In slices: bincount (like searchsorted across dtypes) would copy int32 ids to int64 whole.
    df = np.zeros(len(names), dtype=np.int64)
    for start in range(0, len(cols), _CHUNK_ENTRIES):
        df += np.bincount(cols[start:start + _CHUNK_ENTRIES], minlength=len(names))
    # ln(1 + n/df): a feature on 30% of articles weighs ~1.5, a rare one up to ~11 at
    # 100,000 articles, and one on every article still weighs a little, so a
    # two-article site can relate its two flood stories.
    idf = np.log1p(n / np.maximum(df, 1))
    # In place and in slices: at 100,000 articles each temporary the size of the triples
    # is over 100 MB, and this step sets the peak memory of a build.
    mask = (df >= 2)[cols]  # a feature on one article only can never be shared
    rows, cols = rows[mask], cols[mask]
    weight = counts[mask].astype(np.float64)
    del mask, counts
    if log_tf:
        np.log(weight, out=weight)
        weight += 1
    for start in range(0, len(weight), _CHUNK_ENTRIES):
        weight[start:start + _CHUNK_ENTRIES] *= idf[cols[start:start + _CHUNK_ENTRIES]]
    # Rows arrive sorted, so their boundaries form the CSR index.
    indptr = np.searchsorted(rows, np.arange(n + 1, dtype=rows.dtype))
    if keep is not None:
        top = _best_in_rows(indptr, weight, keep)
        rows, cols, weight = rows[top], cols[top], weight[top]
        del top
        indptr = np.searchsorted(rows, np.arange(n + 1, dtype=rows.dtype))
    norms = np.sqrt(np.bincount(rows, weights=weight * weight, minlength=n))
    weight /= norms[rows]
    matrix = sp.csr_matrix((weight, cols, indptr), shape=(n, len(names)))  # no COO copy on the way
    matrix.sort_indices()
    return matrix, tuple(names)


# --- finding and ranking candidates -------------------------------------------------

def _query(signals: _Signals, config: RelatedConfig) -> tuple[sp.csr_matrix, sp.csr_matrix]:
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
    order = _order_in_rows(combined.indptr, -value)
    cols, vals = combined.indices[order], combined.data[order]
    spent = np.cumsum(df[cols])
    lengths = np.diff(combined.indptr)
    before = np.repeat(np.concatenate(([0], spent))[combined.indptr[:-1]], lengths)
    within = spent - before <= config.candidates
    rows = np.repeat(np.arange(combined.shape[0]), lengths)
    query = sp.csr_matrix((vals[within], (rows[within], cols[within])), shape=combined.shape)
    return query, postings


def _rank(signals: _Signals, config: RelatedConfig, first: int, last: int, extra: int) -> _Ranked:
    """Score and order the candidates of rows first..last-1; keep count + extra per row."""
    keep = config.count + extra
    query, postings = _query(signals, config)
    # A chunk's product has at most rows x candidates entries; everything after it is
    # chunk-sized too, so memory does not grow with the archive beyond the matrices.
    step = max(1, _CHUNK_ENTRIES // config.candidates)
    pieces = [_rank_chunk(signals, config, query[start:min(start + step, last)], postings,
                          start, keep)
              for start in range(first, last, step)]
    if not pieces:
        empty = np.zeros(0)
        return _Ranked(empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty, empty, empty)
    return _Ranked(*(np.concatenate([getattr(p, f.name) for p in pieces]) for f in fields(_Ranked)))


def _rank_chunk(signals: _Signals, config: RelatedConfig, query: sp.csr_matrix,
                postings: sp.csr_matrix, first: int, keep: int) -> _Ranked:
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
    best = _best_in_rows(product.indptr, s, max(config.rescore, 3 * config.count))
    scored = _score_pairs(signals, config, r[best], c[best])
    scored = _Ranked(*(getattr(scored, f.name)[scored.score >= config.min_score]
                       for f in fields(_Ranked)))
    # Ties: closer in time first (the same news cycle), then newer, then by path (rows
    # are numbered in path order).
    gap = np.abs(signals.timestamp[scored.col] - signals.timestamp[scored.row])
    order = np.lexsort((scored.col, -signals.timestamp[scored.col], gap,
                        -np.round(scored.score, _SCORE_DECIMALS), scored.row))
    scored = _Ranked(*(getattr(scored, f.name)[order] for f in fields(_Ranked)))
    top = _position_in_runs(scored.row) < keep
    return _Ranked(*(getattr(scored, f.name)[top] for f in fields(_Ranked)))


def _position_in_runs(ids: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... counting up inside each run of equal consecutive values."""
    head = np.ones(len(ids), dtype=bool)
    head[1:] = ids[1:] != ids[:-1]
    first = np.flatnonzero(head)
    return np.arange(len(ids)) - np.repeat(first, np.diff(np.append(first, len(ids))))


def _row_blocks(indptr: np.ndarray, values: np.ndarray,
                fill: float) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield (first row, row lengths, padded 2-D block of values) for groups of CSR rows.

    Rows are short (at most `candidates` or `max_terms` entries), so padding them into
    a rectangle lets numpy sort or partition every row at once without a global sort.
    """
    lengths = np.diff(indptr)
    if len(values) == 0:
        return
    step = max(1, _CHUNK_ENTRIES // max(int(lengths.max()), 1))
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


def _order_in_rows(indptr: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Permutation sorting the entries of every CSR-style row by key; rows stay in place."""
    pieces = [np.zeros(0, dtype=np.int64)]
    for row, size, block in _row_blocks(indptr, keys, np.inf):
        order = np.argsort(block, axis=1, kind="stable")  # padding (+inf) sorts last
        real = np.arange(block.shape[1]) < size[:, None]
        pieces.append((indptr[row:row + len(size), None] + order)[real])
    return np.concatenate(pieces)


def _best_in_rows(indptr: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest finite values in each CSR-style row, in position order.

    Ties at the cut go to the earliest positions, so the choice depends on the row alone,
    never on which other rows share its block (argpartition alone would leave it to
    the block's layout, and so to the archive's size).
    """
    lengths = np.diff(indptr)
    if len(values) == 0 or lengths.max() <= k:
        return np.flatnonzero(np.isfinite(values))
    pieces = [np.zeros(0, dtype=np.int64)]
    for row, size, block in _row_blocks(indptr, values, -np.inf):
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


def _row_dots(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dot products of matrix rows `rows[k]` and `cols[k]`, for every k at once."""
    if len(rows) == 0:
        return np.zeros(0)
    return np.asarray(matrix[rows].multiply(matrix[cols]).sum(axis=1)).ravel()


def _score_pairs(signals: _Signals, config: RelatedConfig, rows: np.ndarray,
                 cols: np.ndarray) -> _Ranked:
    """Exact weighted components and total for each (row, col) pair."""
    tags = config.tags * _row_dots(signals.tags, rows, cols)
    text = config.text * _row_dots(signals.text, rows, cols)
    section = config.section * (signals.section[rows] == signals.section[cols]).astype(np.float64)
    people = config.people * _row_dots(signals.people, rows, cols)
    return _Ranked(rows, cols, tags, text, section, people, tags + text + section + people)


def _explain(signals: _Signals, i: int, j: int, k: int, exact: _Ranked, *, pinned: bool,
             listed: bool) -> Explanation:
    article = signals.articles[j]
    own_tags = {t.strip().casefold(): t for t in signals.articles[i].tags}
    return Explanation(
        source=article.source, slug=article.slug, title=article.title,
        score=float(exact.score[k]), tags=float(exact.tags[k]), text=float(exact.text[k]),
        section=float(exact.section[k]), people=float(exact.people[k]),
        shared_tags=tuple(own_tags.get(t, t) for t in _shared(signals.tags, signals.tag_names, i, j)),
        shared_terms=_shared(signals.text, signals.term_names, i, j, limit=10),
        shared_people=_shared(signals.people, signals.people_names, i, j),
        pinned=pinned, listed=listed,
    )


def _shared(matrix: sp.csr_matrix, names: tuple[str, ...], i: int, j: int,
            limit: int | None = None) -> tuple[str, ...]:
    """Features both rows carry, the biggest contributors to their dot product first."""
    product = matrix[i].multiply(matrix[j]).tocoo()
    order = np.lexsort((product.col, -product.data))
    return tuple(names[product.col[o]] for o in order[:limit])
