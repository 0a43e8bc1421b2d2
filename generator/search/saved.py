"""Saved first screens: for the words most frequent in the newest stories, the newest
stories that hold them, written at build time into pagefind/saved.json.

The search page shows such a list at once, labelled as the newest stories holding the
words, while the live search (Pagefind, every shard) runs; the live list then replaces
it. No index needs loading for it, so it appears as fast on 100,000 stories as on 100.

Honest by construction: a word is saved only when at least KEEP of the newest WINDOW
stories hold it, and its list is every one of those stories newer than its last entry,
so a list (and the intersection of two lists up to the newer of their last entries) is
exactly the start of what the live search ordered "Terbaru" gives. Words are matched
the way Pagefind matches them: Snowball stems for the site's language, a query's last
word also as the start of a longer stem (list "p"), the others as whole stems ("e").
Only the newest WINDOW article pages are read, so the cost does not grow with the archive,
and a page whose fingerprint is unchanged since the last build is not read again: what it
was found by is kept in `.sitegen/` (`Known`), so publishing one story reads one page.

Counts: each saved stem also carries "n", the number of stories a one-word search for it
finds over the whole archive, summed over the shards from Pagefind's own index
(counts.py), so the page can show the complete count before the live search ends. Up to
ARCHIVE more stems, the archive's commonest (from each shard's most frequent words) that
the newest stories lack, are saved with their count and what list the window gives.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import unicodedata
from collections import Counter, defaultdict
from itertools import chain
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from generator.related.stems import algorithm
from generator.search.counts import IndexFormatError, ShardIndex, ShardWords
from generator.related.stopwords import STOP_WORDS

SAVED_FILE = "saved.json"  # in pagefind/, beside shards.json
FORMAT = 1
WINDOW = 1000  # newest stories read
WORDS = 120  # stems saved, the most frequent in the window
ARCHIVE = 40  # and at most this many of the archive's commonest stems besides
KEEP = 30  # newest stories kept per stem: enough for ten after intersecting two words
SHOWN = ("title", "date", "section", "image", "image_alt")  # the metadata a result shows

_BODY = re.compile(r"<article\b[^>]*\bdata-pagefind-body\b[^>]*>(.*?)</article>", re.S)
# What Pagefind leaves out of a body: marked parts, and elements it skips by default.
_DROP = re.compile(r"<(script|style|footer|nav|form|svg|noscript|template)\b.*?</\1>"
                   r"|<(\w+)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\2>", re.S)
_TAG = re.compile(r"<[^>]+>")
_META = re.compile(r'<span data-pagefind-meta="(\w+)"[^>]*>(.*?)</span>', re.S)
_SORT = re.compile(r'<span data-pagefind-sort="date"[^>]*>(\d+)</span>')
_WORD = re.compile(r"[^\W_]+")  # letters and digits together, as Pagefind keeps "covid19" one word


@dataclass(frozen=True)
class Story:
    """What a saved result shows, and the words the story is found by."""

    url: str  # site path, "2024/05/banjir-di-kota/"
    stamp: int  # Unix time, Pagefind's "date" sort
    meta: tuple[tuple[str, str], ...]  # Pagefind metadata (title, date, section, image, image_alt, …)
    words: frozenset[str]  # lowercase, diacritics removed


# A page's story as the cache keeps it: (fingerprint, url, stamp, meta, words joined by
# spaces), plain builtins only, as everything .sitegen/ holds (generator/output/safeload.py).
# One string of words, not a set of them: loading and checking 1,000 pages' sets took 0.19 s.
Known = Mapping[str, tuple[str, str, int, tuple[tuple[str, str], ...], str]]
CACHE_FORMAT = 2  # of the cache's value: {"format", "stemmer", "stems", "pages"}


def fold(text: str) -> str:
    """Lowercase without diacritics, as Pagefind normalises text and queries."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    if decomposed.isascii():  # most of an Indonesian page: no combining mark to drop
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_story(page: str, text: str) -> Story | None:
    """The story of one built article page (`page` relative to the output), or None."""
    body = _BODY.search(text)
    sort = _SORT.search(text)
    if body is None or sort is None:
        return None
    meta = {name: html.unescape(_TAG.sub("", value)).strip() for name, value in _META.findall(body.group(1))}
    indexed = html.unescape(_TAG.sub(" ", _DROP.sub(" ", body.group(1))))
    # Pagefind searches every metadata value too (kept in an ignored block): title,
    # section, reporters, tags, even the date and the picture's address.
    words = frozenset(_WORD.findall(fold(" ".join([indexed, *meta.values()]))))
    url = page[:-len("index.html")] if page.endswith("index.html") else page
    return Story(url, int(sort.group(1)), tuple(sorted(meta.items())), words)


def stemmer_id(language: str) -> str:
    """What a word's stem depends on besides the word: the Snowball algorithm and its version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("snowballstemmer")
    except PackageNotFoundError:
        release = ""
    return f"{algorithm(language) or ''} {release}"


class _Stems:
    """Snowball stems of words, looked up in `known` (from an earlier build) before stemming."""

    def __init__(self, language: str, known: Mapping[str, str] | None) -> None:
        self.language = language
        self.known = known or {}
        self.used: dict[str, str] = {}  # every word stemmed or looked up here: the memo kept for next time
        self._stemmer: object | None = None
        self._loaded = False

    def __call__(self, word: str) -> str:
        stem = self.used.get(word)
        if stem is None:
            stem = self.known.get(word)
            if stem is None:
                stem = self._stem(word)
            self.used[word] = stem
        return stem

    def _stem(self, word: str) -> str:
        if not self._loaded:
            name = algorithm(self.language)
            if name:
                import snowballstemmer  # as related/stems.py loads it: only when a build writes this file

                self._stemmer = snowballstemmer.stemmer(name)
            self._loaded = True
        return self._stemmer.stemWord(word) if self._stemmer is not None else word  # type: ignore[attr-defined]


def saved_lists(stories: Iterable[Story], language: str, common: Sequence[str] = (),
                counter: Callable[[list[str]], Mapping[str, int]] | None = None,
                stems: Mapping[str, str] | None = None) -> dict[str, object]:
    """The saved.json document for `stories` (any order): words, their lists and the stories.

    `common` are the archive's stems, commonest first; `counter` gives each saved stem's
    whole-archive count of a one-word search (no counts without it); `stems` are words'
    stems known from an earlier build (`saved_file` keeps them), looked up before stemming.
    """
    return _lists(stories, common, counter, _Stems(language, stems))


def _lists(stories: Iterable[Story], common: Sequence[str],
           counter: Callable[[list[str]], Mapping[str, int]] | None, stem: _Stems) -> dict[str, object]:
    newest = sorted(stories, key=lambda s: (-s.stamp, s.url))[:WINDOW]
    # The set union and map run in C: a loop over every story's every word took 0.1 s.
    stem_of = {w: stem(w) for w in set().union(*(s.words for s in newest))}
    own = [frozenset(map(stem_of.__getitem__, story.words)) for story in newest]
    held = Counter(chain.from_iterable(own))  # stem -> stories holding it
    vocabulary = sorted(held)

    def prefixed(stem: str) -> list[int]:
        lo = bisect.bisect_left(vocabulary, stem)
        hi = bisect.bisect_left(vocabulary, stem + "\uffff")
        return sorted(set().union(*(holding[v] for v in vocabulary[lo:hi])))

    frequent = sorted((s for s, n in held.items()
                       if n >= KEEP and s not in STOP_WORDS and s.isalpha() and len(s) >= 3),
                      key=lambda s: (-held[s], s))[:WORDS]
    chosen = set(frequent)
    for s in common:  # the archive's commonest words, whatever the newest stories hold
        if len(frequent) >= WORDS + ARCHIVE:
            break
        if s not in chosen and s not in STOP_WORDS and s.isalpha() and len(s) >= 3 and stem(s) == s:
            frequent.append(s)
            chosen.add(s)
    # A word of the archive that fewer than KEEP of the newest stories hold gets its count
    # only: the page then shows the newest shard's results, as for any other word.
    # Which stories hold a stem, only for the stems a list is made of (the saved ones and the
    # longer stems they start): listing every stem's stories took 0.1 s.
    listed = [s for s in frequent if held.get(s, 0) >= KEEP]
    holding: dict[str, list[int]] = {v: [] for s in listed for v in vocabulary[
        bisect.bisect_left(vocabulary, s):bisect.bisect_left(vocabulary, s + "\uffff")]}
    needed = holding.keys()
    for i, stems in enumerate(own):
        for v in stems & needed:
            holding[v].append(i)
    lists = [{"p": prefixed(s)[:KEEP], "e": holding[s][:KEEP]} if held.get(s, 0) >= KEEP
             else {"p": [], "e": []} for s in frequent]
    if counter is not None:
        counts = counter(frequent)
        for s, entry in zip(frequent, lists):
            entry["n"] = counts[s]
    number = {s: n for n, s in enumerate(frequent)}
    forms = {w: number[stem_of[w]] for w in sorted(stem_of)
             if stem_of[w] in number and w not in STOP_WORDS and w.isalpha() and len(w) >= 3}
    for s in frequent[WORDS:]:
        forms.setdefault(s, number[s])  # a stem typed as it is stems to itself (checked above)
    used = sorted({i for entry in lists for key in ("p", "e") for i in entry[key]})
    position = {i: n for n, i in enumerate(used)}
    for entry in lists:
        for key in ("p", "e"):
            entry[key] = [position[i] for i in entry[key]]
        if entry["e"] == entry["p"]:
            del entry["e"]  # the page reads a missing "e" as "p"
    return {"format": FORMAT, "keep": KEEP, "words": forms, "lists": lists,
            "stories": [{"url": newest[i].url, "meta": {k: v for k, v in newest[i].meta if k in SHOWN}}
                        for i in used]}


def read_cache(value: object, language: str) -> tuple[Known, Mapping[str, str]]:
    """The well-formed pages and the stems (for this language's stemmer) of a cache value
    written from `cache_value`; anything else is dropped: pages are read again, words stemmed again."""
    if not isinstance(value, dict) or value.get("format") != CACHE_FORMAT:
        return {}, {}
    pages, stems = value.get("pages"), value.get("stems")
    good: dict[str, tuple[str, str, int, tuple[tuple[str, str], ...], str]] = {}
    for page, entry in (pages.items() if isinstance(pages, dict) else ()):
        if isinstance(page, str) and isinstance(entry, tuple) and len(entry) == 5 \
                and isinstance(entry[0], str) and isinstance(entry[1], str) and type(entry[2]) is int \
                and isinstance(entry[3], tuple) and all(isinstance(m, tuple) and len(m) == 2
                                                        and all(isinstance(x, str) for x in m) for m in entry[3]) \
                and isinstance(entry[4], str):
            good[page] = entry
    if value.get("stemmer") != stemmer_id(language) or not isinstance(stems, dict) \
            or not all(isinstance(w, str) and isinstance(s, str) for w, s in stems.items()):
        stems = {}
    return good, stems


def cache_value(pages: Known, stems: Mapping[str, str], language: str) -> dict[str, object]:
    """What `.sitegen/` keeps for the next build's saved.json: the pages read, the stems found."""
    return {"format": CACHE_FORMAT, "stemmer": stemmer_id(language), "stems": dict(stems), "pages": dict(pages)}


def saved_file(root: Path, pages: Sequence[tuple[str, int]], language: str, base: Path | None = None,
               fingerprints: Mapping[str, str] | None = None, known: Known | None = None,
               shards: Sequence[tuple[str, Path, ShardWords | None, frozenset[str]]] = (),
               stems: Mapping[str, str] | None = None) -> tuple[bytes, Known, dict[str, ShardWords], dict[str, str]]:
    """pagefind/saved.json for the article `pages` ((path, Unix time)) of the output in `root`,
    the stories it was made from, for `known` next time, what it read of each shard, and
    the stems of the words it looked up (for `stems` next time: words seen before are not
    stemmed again).

    `shards` are (name, bundle folder, what an earlier build read of that bundle if it is
    unchanged, the result ids the page hides in it): the counts and the archive's common
    words come from them.

    A page whose fingerprint (`fingerprints`, page -> digest of what it is built from)
    equals the one `known` holds for it is taken from `known` instead of being read.
    """
    newest = sorted(pages, key=lambda p: (-p[1], p[0]))[:WINDOW]
    stories = []
    kept: dict[str, tuple[str, str, int, tuple[tuple[str, str], ...], str]] = {}
    for page, _ in newest:
        digest = (fingerprints or {}).get(page)
        was = (known or {}).get(page)
        if digest is not None and was is not None and was[0] == digest:
            stories.append(Story(was[1], was[2], was[3], frozenset(was[4].split())))
            kept[page] = was
            continue
        path = root / page
        if not path.is_file() and base is not None:
            path = base / page
        story = read_story(page, path.read_text(encoding="utf-8", errors="replace"))
        if story is not None:
            stories.append(story)
            if digest is not None:
                kept[page] = (digest, story.url, story.stamp, story.meta, " ".join(sorted(story.words)))
    indexes = {name: ShardIndex(folder, was, hidden) for name, folder, was, hidden in shards}
    words: dict[str, ShardWords] = {}
    common: list[str] = []
    try:
        total: dict[str, int] = defaultdict(int)
        for index in indexes.values():
            for word, n in index.top():
                total[word] += n
        # Common: held by at least KEEP stories, as a recent word must be by KEEP of the newest.
        common = sorted((w for w in total if total[w] >= KEEP), key=lambda w: (-total[w], w))
    except IndexFormatError:
        indexes = {}  # an index this sitegen cannot read: saved lists without counts

    def count(stems: list[str]) -> Mapping[str, int]:
        for name, index in indexes.items():
            words[name] = index.words(stems)  # only the stems saved now are kept: the state stays small
        return {s: sum(shard.counts[s] for shard in words.values()) for s in stems}

    stem = _Stems(language, stems)
    try:
        document = _lists(stories, common, count if indexes else None, stem)
    except IndexFormatError:
        words = {}
        document = _lists(stories, common, None, stem)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(), kept, words, stem.used
