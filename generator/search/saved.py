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
"""

from __future__ import annotations

import bisect
import html
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from generator.related.stems import algorithm
from generator.related.stopwords import STOP_WORDS

SAVED_FILE = "saved.json"  # in pagefind/, beside shards.json
FORMAT = 1
WINDOW = 1000  # newest stories read
WORDS = 120  # stems saved, the most frequent in the window
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


# A page's story as the cache keeps it: (fingerprint, url, stamp, meta, words), plain
# builtins only, as everything .sitegen/ holds (generator/output/safeload.py).
Known = Mapping[str, tuple[str, str, int, tuple[tuple[str, str], ...], frozenset[str]]]


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


def saved_lists(stories: Iterable[Story], language: str) -> dict[str, object]:
    """The saved.json document for `stories` (any order): words, their lists and the stories."""
    newest = sorted(stories, key=lambda s: (-s.stamp, s.url))[:WINDOW]
    name = algorithm(language)
    import snowballstemmer  # as related/stems.py loads it: only when a build writes this file

    stemmer = snowballstemmer.stemmer(name) if name else None
    stem_of: dict[str, str] = {}
    for story in newest:
        for w in story.words:
            if w not in stem_of:
                stem_of[w] = stemmer.stemWord(w) if stemmer else w
    stems = [frozenset(stem_of[w] for w in s.words) for s in newest]
    holding: dict[str, list[int]] = defaultdict(list)
    for i, own in enumerate(stems):
        for s in own:
            holding[s].append(i)
    vocabulary = sorted(holding)

    def prefixed(stem: str) -> list[int]:
        lo = bisect.bisect_left(vocabulary, stem)
        hi = bisect.bisect_left(vocabulary, stem + "\uffff")
        return sorted(set().union(*(holding[v] for v in vocabulary[lo:hi])))

    frequent = sorted((s for s, ids in holding.items()
                       if len(ids) >= KEEP and s not in STOP_WORDS and s.isalpha() and len(s) >= 3),
                      key=lambda s: (-len(holding[s]), s))[:WORDS]
    lists = [{"p": prefixed(s)[:KEEP], "e": holding[s][:KEEP]} for s in frequent]
    number = {s: n for n, s in enumerate(frequent)}
    forms = {w: number[stem_of[w]] for w in sorted(stem_of)
             if stem_of[w] in number and w not in STOP_WORDS and w.isalpha() and len(w) >= 3}
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


def read_known(value: object) -> Known:
    """The well-formed entries of a `Known` read from the cache (anything else is dropped and read again)."""
    if not isinstance(value, dict):
        return {}
    good: dict[str, tuple[str, str, int, tuple[tuple[str, str], ...], frozenset[str]]] = {}
    for page, entry in value.items():
        if isinstance(page, str) and isinstance(entry, tuple) and len(entry) == 5 \
                and isinstance(entry[0], str) and isinstance(entry[1], str) and type(entry[2]) is int \
                and isinstance(entry[3], tuple) and all(isinstance(m, tuple) and len(m) == 2
                                                        and all(isinstance(x, str) for x in m) for m in entry[3]) \
                and isinstance(entry[4], frozenset) and all(isinstance(w, str) for w in entry[4]):
            good[page] = entry
    return good


def saved_file(root: Path, pages: Sequence[tuple[str, int]], language: str, base: Path | None = None,
               fingerprints: Mapping[str, str] | None = None, known: Known | None = None) -> tuple[bytes, Known]:
    """pagefind/saved.json for the article `pages` ((path, Unix time)) of the output in `root`,
    and the stories it was made from, for `known` next time.

    A page whose fingerprint (`fingerprints`, page -> digest of what it is built from)
    equals the one `known` holds for it is taken from `known` instead of being read.
    """
    newest = sorted(pages, key=lambda p: (-p[1], p[0]))[:WINDOW]
    stories = []
    kept: dict[str, tuple[str, str, int, tuple[tuple[str, str], ...], frozenset[str]]] = {}
    for page, _ in newest:
        digest = (fingerprints or {}).get(page)
        was = (known or {}).get(page)
        if digest is not None and was is not None and was[0] == digest:
            story: Story | None = Story(*was[1:])
        else:
            path = root / page
            if not path.is_file() and base is not None:
                path = base / page
            story = read_story(page, path.read_text(encoding="utf-8", errors="replace"))
        if story is not None:
            stories.append(story)
            if digest is not None:
                kept[page] = (digest, story.url, story.stamp, story.meta, story.words)
    document = json.dumps(saved_lists(stories, language), ensure_ascii=False, separators=(",", ":")).encode()
    return document, kept
