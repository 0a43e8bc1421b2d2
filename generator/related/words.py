"""Words of a story for the related engine: markup stripped, stop words dropped, words hashed and counted in numpy."""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from generator.content.model import Article
from generator.related.stems import Stems
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
TOKEN_BATCH = 500
# Title and summary say what the story is about more densely than the body does.
_HEADLINE_WEIGHT = 2

TermCounts = tuple[np.ndarray, np.ndarray]  # an article's distinct word hashes (sorted) and their counts


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


def text_key(article: Article, stemmer: str) -> bytes:
    """Names what an article's words are counted from: its headline, summary and body, and the stemmer."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"stems:{stemmer}\0".encode())
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


def count_words(articles: Sequence[Article], stems: Stems) -> list[TermCounts]:
    """Each article's non-stop words, stemmed, as (sorted distinct stem hashes, counts).

    Words are tokenised in batches: one numpy pass over many articles' bytes beats
    a pass per article. Stop words are dropped as written, before stemming; each
    distinct word of a batch goes to `stems` once.
    """
    stop_text = b" ".join(word.encode() for word in sorted(STOP_WORDS))
    table = _power_table(len(stop_text) + 1)
    stop = _stop_table(_hash_words(stop_text, table)[2])
    counted: list[TermCounts] = []
    for start in range(0, len(articles), TOKEN_BATCH):
        pieces = [_article_bytes(a) for a in articles[start:start + TOKEN_BATCH]]
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
        unique, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        at, size = starts[first], lengths[first]
        hashes = stems.apply(unique, np.bincount(inverse, minlength=len(unique)),
                             lambda k: buf[at[k]:at[k] + size[k]])[inverse]
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
