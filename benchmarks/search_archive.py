"""The archive side of benchmarks/search_latency.py: build (or reuse) a searchable archive,
and pick query words from its own text by document frequency.

The corpus comes from benchmarks/archive_corpus.py (this repository's generator), or is
any site folder given with --site. The build is this checkout's `python -m generator
build` (search included); it is reused while the corpus, the generator and the theme are
unchanged (a digest of their files is kept beside the output).
"""

from __future__ import annotations

import bisect
import collections
import hashlib
import html
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
SITE_TOML = """title = "Arsip Uji"
base_url = "https://example.org/arsip/"
language = "id"
timezone = "Asia/Jakarta"
"""

# Fraction of the stories holding a word, per query class; common takes the most
# frequent words of the archive (below COMMON_MAX), the others the nearest to the target.
COMMON_MAX = 0.95
TARGETS = {"medium": 0.03, "rare": 0.003}
RARE_MIN_STORIES = 3


def make_corpus(site: Path, articles: int) -> None:
    """Write `articles` generated stories into `site` with this repository's corpus generator."""
    generator = REPO / "benchmarks/archive_corpus.py"
    if not generator.is_file():
        sys.exit(f"{generator} is missing: give an existing site folder with --site")
    run([sys.executable, str(generator), str(site), "--articles", str(articles)])


def run(command: list[str]) -> None:
    """Run a command with this checkout's generator package; stop with its output if it fails."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def _digest(site: Path) -> str:
    """What the built output depends on: the site's files, the generator's and the theme's."""
    h = hashlib.sha256()
    for root in (site, REPO / "generator", REPO / "themes"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and ".sitegen" not in path.parts and "__pycache__" not in path.parts:
                stat = path.stat()
                h.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return h.hexdigest()


def archive(work: Path, articles: int | None, site: Path | None = None, rebuild: bool = False) -> Path:
    """The built output folder of the archive, built now unless an identical build is there."""
    if site is None:
        assert articles is not None
        site = work / f"site-{articles}"
        if not (site / "content/articles").is_dir():
            print(f"making {articles} stories into {site}", flush=True)
            make_corpus(site, articles)
    if not (site / "site.toml").is_file():
        (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    out = work / f"out-{site.name}"
    stamp = work / f"out-{site.name}.digest"
    digest = _digest(site)
    if rebuild or not stamp.is_file() or stamp.read_text() != digest or not (out / "pagefind").is_dir():
        print(f"building {site} into {out} with search", flush=True)
        run([sys.executable, "-m", "generator", "build", "--source", str(site), "--out", str(out), "--quiet"])
        stamp.write_text(digest)
    else:
        print(f"reusing {out} (built from the same site, generator and theme)", flush=True)
    return out


def search_page_path(site: Path) -> tuple[str, str]:
    """(the base path the site is served under, the search page's path) from its site.toml."""
    config = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))
    prefix = urlsplit(config.get("base_url", "/")).path or "/"
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    return prefix, prefix + config.get("paths", {}).get("search", "cari") + "/"


_BODY = re.compile(r"<article\b[^>]*data-pagefind-body[^>]*>(.*?)</article>", re.S)
# What Pagefind leaves out of a body: marked parts, and elements it skips by default
# (a story's tag list is in a <footer>).
_DROP = re.compile(r"<(script|style|footer|nav|form|svg|noscript|template)\b.*?</\1>"
                   r"|<(\w+)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\2>", re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]{4,}")


def story_words(out: Path) -> list[frozenset[str]]:
    """The words (4+ letters, lowercase) of each indexed story's body in a built site."""
    stories = []
    for path in sorted(out.rglob("*.html")):
        if "pagefind" in path.relative_to(out).parts[:1]:
            continue
        match = _BODY.search(path.read_text(encoding="utf-8", errors="replace"))
        if match:
            text = html.unescape(_TAG.sub(" ", _DROP.sub(" ", match.group(1))))
            stories.append(frozenset(_WORD.findall(text.lower())))
    return stories


@dataclass(frozen=True)
class Query:
    """A query of one class, and how many stories match it."""

    label: str  # "common", "medium 2 words", …
    text: str
    # Stories holding its words, the last one also as the start of a longer word, as
    # Pagefind matches (it also stems, so its counts are a little higher).
    stories: int


class _Matcher:
    """Which stories a query matches, the way Pagefind does (the last word as a prefix too)."""

    def __init__(self, stories: list[frozenset[str]]) -> None:
        self.postings: dict[str, set[int]] = collections.defaultdict(set)
        for i, words in enumerate(stories):
            for w in words:
                self.postings[w].add(i)
        self.vocabulary = sorted(self.postings)

    def stories(self, words: list[str]) -> set[int]:
        """Ids of the stories matching all `words`."""
        *exact, last = words
        lo = bisect.bisect_left(self.vocabulary, last)
        hi = bisect.bisect_left(self.vocabulary, last + "\uffff")
        found = set().union(*(self.postings[w] for w in self.vocabulary[lo:hi]))
        for w in exact:
            found &= self.postings.get(w, set())
        return found


def pick_queries(stories: list[frozenset[str]], per_class: int = 1) -> list[Query]:
    """One- and two-word queries per class (common, medium, rare), from the stories' own words."""
    from generator.related.stopwords import STOP_WORDS

    matcher = _Matcher(stories)
    df = {w: len(ids) for w, ids in matcher.postings.items()}
    n = len(stories)
    candidates = [w for w, c in df.items() if w not in STOP_WORDS and c >= 2]
    # Ranked by exact counts first (cheap), then the front of each ranking by what Pagefind
    # would match: a word that begins many longer words matches far more stories than it is in.
    common = sorted((w for w in candidates if df[w] <= COMMON_MAX * n), key=lambda w: (-df[w], w))[:30]
    ranked = {"common": sorted((w for w in common if len(matcher.stories([w])) <= COMMON_MAX * n),
                               key=lambda w: (-len(matcher.stories([w])), w))}
    for label, target in (("medium", TARGETS["medium"] * n), ("rare", max(RARE_MIN_STORIES, TARGETS["rare"] * n))):
        near = sorted((w for w in candidates if df[w] >= RARE_MIN_STORIES or label != "rare"),
                      key=lambda w: (abs(df[w] - target), w))[:200]
        ranked[label] = sorted(near, key=lambda w: (abs(len(matcher.stories([w])) - target), w))
    queries: list[Query] = []
    for label, words in ranked.items():
        ones = words[:per_class]
        queries += [Query(label, w, len(matcher.stories([w]))) for w in ones]
        for w in ones:
            # The partner is never another query of the class, so no pair comes twice.
            partner = _partner(w, stories, matcher.postings[w], set(words), STOP_WORDS | set(ones))
            if partner:
                queries.append(Query(f"{label} 2 words", f"{w} {partner}", len(matcher.stories([w, partner]))))
    return queries


def _partner(word: str, stories: list[frozenset[str]], holding: set[int], same_class: set[str],
             stop: frozenset[str] | set[str]) -> str | None:
    """The word of the same class found most often beside `word` (a reader's second word)."""
    beside = collections.Counter(w for i in holding for w in stories[i] if w != word and w not in stop)
    pool = [w for w in beside if w in same_class] or list(beside)
    return max(pool, key=lambda w: (beside[w], w)) if pool else None
