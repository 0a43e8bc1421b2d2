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
    # Lead photos, so that results carry thumbnails as a newsroom's do (40 shared, as in
    # docs/performance.md).
    run([sys.executable, str(generator), str(site), "--articles", str(articles), "--images", "40"])


def run(command: list[str]) -> None:
    """Run a command with this checkout's generator package; stop with its output if it fails."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def _digest(site: Path) -> str:
    """What the built output depends on: the bytes of the site's, the generator's and the theme's files."""
    h = hashlib.sha256()
    for root in (site, REPO / "generator", REPO / "themes"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and ".sitegen" not in path.parts and "__pycache__" not in path.parts:
                # Contents, not times: another checkout of the same commit reuses the build.
                h.update(f"{path.relative_to(root)}\0".encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
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
        clean = ["--clean"] if rebuild else []
        run([sys.executable, "-m", "generator", "build", "--source", str(site), "--out", str(out), "--quiet", *clean])
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
_META = re.compile(r'<span data-pagefind-meta="\w+"[^>]*>([^<]*)</span>')
_WORD = re.compile(r"[^\W\d_]{4,}")


def story_words(out: Path) -> list[frozenset[str]]:
    """The words (4+ letters, lowercase) of each indexed story's body in a built site."""
    stories = []
    for path in sorted(out.rglob("*.html")):
        if "pagefind" in path.relative_to(out).parts[:1]:
            continue
        match = _BODY.search(path.read_text(encoding="utf-8", errors="replace"))
        if match:
            # Pagefind searches every metadata value as well (title, section, tags, date, …).
            metas = " ".join(_META.findall(match.group(1)))
            text = html.unescape(_TAG.sub(" ", _DROP.sub(" ", match.group(1))) + " " + metas)
            stories.append(frozenset(_WORD.findall(text.lower())))
    return stories


@dataclass(frozen=True)
class Query:
    """A query of one class, and how many stories match it."""

    label: str  # "common", "medium 2 words", …
    text: str
    # Stories matching as Pagefind matches: every word by its stem, the last one also as
    # the start of a longer stem.
    stories: int


class _Matcher:
    """Which stories a query of stems matches, the way Pagefind does (the last one as a prefix too)."""

    def __init__(self, stories: list[frozenset[str]]) -> None:
        self.postings: dict[str, set[int]] = collections.defaultdict(set)
        for i, stems in enumerate(stories):
            for s in stems:
                self.postings[s].add(i)
        self.vocabulary = sorted(self.postings)

    def stories(self, stems: list[str]) -> set[int]:
        """Ids of the stories matching all `stems`."""
        *exact, last = stems
        lo = bisect.bisect_left(self.vocabulary, last)
        hi = bisect.bisect_left(self.vocabulary, last + "\uffff")
        found = set().union(*(self.postings[s] for s in self.vocabulary[lo:hi]))
        for s in exact:
            found &= self.postings.get(s, set())
        return found


def _stemmed(stories: list[frozenset[str]], language: str) -> tuple[list[frozenset[str]], dict[str, str]]:
    """The stories as sets of stems (Snowball's, as Pagefind stems), and how to spell each in a query."""
    from generator.related.stems import algorithm

    name = algorithm(language)
    stemmer = __import__("snowballstemmer").stemmer(name) if name else None
    stem = {w: stemmer.stemWord(w) if stemmer else w for w in {w for words in stories for w in words}}
    spellings: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for words in stories:
        for w in words:
            spellings[stem[w]][w] += 1
    # A reader types the root ("beli", not "berbelii") where the text has it on its own.
    spelling = {s: s if s in forms else min(forms, key=lambda w: (-forms[w], w)) for s, forms in spellings.items()}
    return [frozenset(stem[w] for w in words) for words in stories], spelling


def pick_queries(stories: list[frozenset[str]], per_class: int = 1, language: str = "id") -> list[Query]:
    """One- and two-word queries per class (common, medium, rare), from the stories' own words."""
    from generator.related.stopwords import STOP_WORDS

    stems, spelling = _stemmed(stories, language)
    matcher = _Matcher(stems)
    df = {s: len(ids) for s, ids in matcher.postings.items()}
    n = len(stories)
    candidates = [s for s, c in df.items() if spelling[s] not in STOP_WORDS and s not in STOP_WORDS and c >= 2]
    # Ranked by exact counts first (cheap), then the front of each ranking by what Pagefind
    # would match: a stem that begins many longer ones matches far more stories than it is in.
    common = sorted((s for s in candidates if df[s] <= COMMON_MAX * n), key=lambda s: (-df[s], s))[:30]
    ranked = {"common": sorted((s for s in common if len(matcher.stories([s])) <= COMMON_MAX * n),
                               key=lambda s: (-len(matcher.stories([s])), s))}
    for label, target in (("medium", TARGETS["medium"] * n), ("rare", max(RARE_MIN_STORIES, TARGETS["rare"] * n))):
        near = sorted((s for s in candidates if df[s] >= RARE_MIN_STORIES or label != "rare"),
                      key=lambda s: (abs(df[s] - target), s))[:200]
        ranked[label] = sorted(near, key=lambda s: (abs(len(matcher.stories([s])) - target), s))
    queries: list[Query] = []
    for label, ranking in ranked.items():
        ones = ranking[:per_class]
        queries += [Query(label, spelling[s], len(matcher.stories([s]))) for s in ones]
        for s in ones:
            # The partner is never another query of the class, so no pair comes twice.
            partner = _partner(s, stems, matcher.postings[s], set(ranking), STOP_WORDS | set(ones))
            if partner:
                queries.append(Query(f"{label} 2 words", f"{spelling[s]} {spelling[partner]}",
                                     len(matcher.stories([s, partner]))))
    return queries


def _partner(stem: str, stories: list[frozenset[str]], holding: set[int], same_class: set[str],
             stop: frozenset[str] | set[str]) -> str | None:
    """The stem of the same class found most often beside `stem` (a reader's second word)."""
    beside = collections.Counter(s for i in holding for s in stories[i] if s != stem and s not in stop)
    pool = [s for s in beside if s in same_class] or list(beside)
    return max(pool, key=lambda s: (beside[s], s)) if pool else None
