"""The complete counts of saved words (pagefind/saved.json "n", counted at build time from
Pagefind's own index) equal what the page's live search ends with, for every saved word,
on an archive whose shards have several index chunks, words that straddle chunks and a
recent word that older shards lack (Pagefind then matches a shorter word there)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.search.counts import read_bundle
from tests.browser import serve
from tests.conftest import build_into

ARTICLES = 2400
RECENT = 400  # the newest stories hold "pandemi"; older ones "pande" and "pan" instead
CORE = ("pasar jembatan sekolah listrik sungai hujan warga kota desa nelayan petani harga beras "
        "jalan kereta pelabuhan gunung hutan pantai musim banjir").split()
_SYLLABLES = "ba be bi bo bu da de di do du ka ke ki ko ku la li lu ma me mi mo mu na ni nu ra ri ru sa si su ta ti tu".split()


def filler(rng: random.Random, count: int) -> list[str]:
    """Made-up words, many sharing their first letters, so that index chunks split runs of them."""
    words: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if not any(word.startswith(w) or w.startswith(word) for w in CORE + ["pan", "pande", "pandemi"]):
            words.add(word)
    return sorted(words)


def make_archive(root: Path) -> Path:
    """ARTICLES stories over 2021 to late 2023 with a large vocabulary, in shards of 150 to 500."""
    rng = random.Random(2024)
    vocabulary = filler(rng, 3000)
    (root / "content/articles").mkdir(parents=True)
    (root / "site.toml").write_text(
        'title = "Warta Uji"\nbase_url = "https://example.org/"\nlanguage = "id"\ntimezone = "Asia/Jakarta"\n\n'
        '[sections]\nkota = "Kota"\nsains = "Sains"\n\n[related]\ncount = 2\n\n'
        '[search]\nshard_threshold = 500\nrecent_shard = 150\n', encoding="utf-8")
    for i in range(ARTICLES):
        when = date(2021, 1, 1) + timedelta(days=i * 1000 // ARTICLES)
        words = rng.sample(CORE, 5) + rng.sample(vocabulary, 40) + [rng.choice(vocabulary[:60]) for _ in range(5)]
        words += ["pandemi"] if i >= ARTICLES - RECENT else (["pande"] if i % 3 else ["pan"])
        if i % 7 == 0:
            words.append("banjir-banjir")  # a hyphenated word, as Indonesian doubles words
        rng.shuffle(words)
        folder = root / "content/articles" / str(when.year)
        folder.mkdir(exist_ok=True)
        tag = rng.choice(vocabulary[:30])  # words found only as a tag, in the metadata
        (folder / f"kabar-{i:04d}.md").write_text(
            f"---\ntitle: Kabar {i} {words[0]}\ndate: {when.isoformat()} {8 + i % 10:02d}:{i % 60:02d}\n"
            f"section: {'kota' if i % 2 else 'sains'}\nreporter: Wartawan {i % 7}\ntags: [uji, {tag}]\n---\n\n"
            f"Warga {' '.join(words)} pagi ini.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive built with search."""
    root = tmp_path_factory.mktemp("counts")
    site = make_archive(root / "site")
    report = build_into(site, root / "public", search=True)
    assert len(report.search.shards) >= 5 and report.search.pages == ARTICLES
    return root / "public"


def saved_counts(out: Path) -> dict[str, int]:
    """Each saved word (one typed form per stem) and its precomputed count."""
    saved = json.loads((out / "pagefind/saved.json").read_text(encoding="utf-8"))
    first: dict[int, str] = {}
    for word, number in saved["words"].items():
        first.setdefault(number, word)
    return {word: saved["lists"][number]["n"] for number, word in sorted(first.items())}


@pytest.mark.slow
def test_the_archive_exercises_chunks_and_shorter_words(archive: Path) -> None:
    shards = [s["bundle"] for s in json.loads((archive / "pagefind/shards.json").read_text())["shards"]]
    bundles = [read_bundle(archive / "pagefind" / name) for name in shards]
    assert max(len(b.chunks) for b in bundles) >= 3  # several chunks: which one loads matters
    counts = saved_counts(archive)
    # "pandemi" is in the newest stories only; older shards answer with "pande" or "pan".
    assert counts["pandemi"] > RECENT
    assert len(counts) >= 120


@pytest.mark.slow
@pytest.mark.browser
def test_every_saved_count_equals_the_count_the_live_search_ends_with(browser, archive: Path) -> None:
    counts = saved_counts(archive)
    with serve(archive) as url:
        page = browser.new_page(locale="id-ID")
        live: dict[str, int] = {}
        early: dict[str, int] = {}
        for word in counts:
            # A new page for each word, as a reader arrives from the masthead box: in a page
            # that has searched before, Pagefind keeps the index chunks earlier queries
            # loaded, and a later query can find words in them too (docs/search.md).
            page.goto(url + "cari/?q=" + word)
            page.wait_for_function("performance.getEntriesByName('sitegen-search:shown')"
                                   ".some(m => m.detail.stage === 'complete')")
            marks = page.evaluate("performance.getEntriesByName('sitegen-search:shown').map(m => m.detail)")
            live[word] = marks[-1]["count"]
            early[word] = marks[0].get("total")
        page.close()
    assert live == counts
    # The count was on screen before the complete list, in the page's first mark.
    assert early == counts
