"""benchmarks/search_latency.py runs from end to end: a tiny archive built with search,
timed in real Chromium, with figures for every query class on a cold and a warm cache."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import chromium_path
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from search_archive import pick_queries  # noqa: E402

STORIES = 240
CLASSES = ("common", "common 2 words", "medium", "medium 2 words", "rare", "rare 2 words")


def write_site(site: Path, stories: int, seed: int = 3) -> None:
    """A site of `stories` short stories whose words follow a Zipf-like law (a few in most)."""
    rng = random.Random(seed)
    syllables = ["ba", "ka", "la", "ma", "na", "pa", "ra", "sa", "ta", "wa", "ri", "tu", "go", "de"]
    vocabulary = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(3000)})
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    (site / "content/articles").mkdir(parents=True)
    (site / "site.toml").write_text('title = "Arsip Kecil"\nbase_url = "https://example.org/kecil/"\n'
                                    'language = "id"\ntimezone = "Asia/Jakarta"\n', encoding="utf-8")
    for i in range(stories):
        words = rng.choices(vocabulary, weights, k=120)
        body = "\n\n".join(" ".join(words[j:j + 40]).capitalize() + "." for j in range(0, 120, 40))
        (site / f"content/articles/cerita-{i:04d}.md").write_text(
            f"---\ntitle: Cerita {i} {words[0]} {words[1]}\ndate: 2023-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+07:00\n"
            f"section: kota\n---\n\n{body}\n", encoding="utf-8")


def test_query_classes_go_from_common_to_rare_words_of_the_archive() -> None:
    # "semua" is in every story (boilerplate, not a reader's query), "umum" in 90 %. "buka"
    # is in 3 stories, but Pagefind also matches it in the 60 holding "bukaan", so it is
    # no rare word although it would come first of the words in 3 stories.
    stories = [frozenset({"semua", f"kata{i % 40:02d}", f"langka{i % 400:03d}"} | ({"umum"} if i % 10 else set())
                         | ({"buka"} if i < 3 else set()) | ({"bukaan"} if 500 <= i < 560 else set()))
               for i in range(1000)]
    by_label = {q.label: q for q in pick_queries(stories)}
    assert by_label["common"].text == "umum" and by_label["common"].stories == 900
    assert by_label["medium"].stories == 25  # each kataNN is in 25 stories, nearest to 3 % of 1000
    assert by_label["rare"].text.startswith("langka")  # in 2 or 3 stories; 0.3 % of 1000 is 3
    assert by_label["rare"].stories == 3
    for label in ("common", "medium", "rare"):
        words = by_label[f"{label} 2 words"].text.split()
        assert len(words) == 2 and words[0] == by_label[label].text and words[1] != words[0]


def test_the_benchmark_reports_figures_for_every_query_class_cold_and_warm(tmp_path: Path) -> None:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed")
    site = tmp_path / "kecil"
    write_site(site, STORIES)
    work = tmp_path / "work"
    result = subprocess.run(
        [sys.executable, "benchmarks/search_latency.py", "--site", str(site), "--work", str(work),
         "--label", "tiny", "--chromium", executable],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = json.loads((work / "search_latency-tiny.json").read_text())
    seen = {(r["query"]["label"], r["sample"]["cache"]): r for r in rows}
    assert set(seen) == {(label, cache) for label in CLASSES for cache in ("cold", "warm")}
    for (label, cache), row in seen.items():
        sample = row["sample"]
        assert sample["hits"] >= 1, (label, cache, sample)
        assert sample["first_ms"] > 0 and sample["complete_ms"] > 0, (label, cache, sample)
        assert 0 < sample["count_ms"] <= sample["complete_ms"], (label, cache, sample)
        # Each query is sent once Chromium's start-up of the new tab's window is over.
        assert sample["settled_s"] is not None and 0 < sample["settled_s"] < 10, (label, cache, sample)
        if cache == "cold":
            assert sample["requests"] >= 5 and sample["kilobytes"] > 10, (label, sample)
        assert len(sample["final_top"]) == min(10, sample["hits"])
        assert sample["timed_by"] == "marks"  # the page's own marks, no layout read by the probe
    for label in CLASSES:  # the warm cache answers from disk what the cold one fetched
        assert seen[(label, "warm")]["sample"]["requests"] < seen[(label, "cold")]["sample"]["requests"]
    report = (work / "search_latency-tiny.md").read_text()
    assert f"{STORIES} stories" in report
    for label in CLASSES:
        assert any(line.startswith(f"| {label} | ") and " s | " in line for line in report.splitlines()), label

    # The same output and queries again, as a comparison of two pages on one index runs
    # them: no build (--out), no story read (--queries-of), the query sent at once.
    again = subprocess.run(
        [sys.executable, "benchmarks/search_latency.py", "--site", str(site), "--work", str(work),
         "--out", str(work / "out-kecil"), "--queries-of", "tiny", "--no-settle", "--label", "again",
         "--chromium", executable], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    rows_again = json.loads((work / "search_latency-again.json").read_text())
    assert [r["query"] for r in rows_again] == [r["query"] for r in rows]
    assert all(r["sample"]["settled_s"] is None for r in rows_again)
    assert "output out-kecil" in (work / "search_latency-again.md").read_text()


def test_the_probe_reads_no_layout() -> None:
    # Reading layout while the page works forces style and layout passes that the page
    # would not do, and slowed the very searches it timed (issue 24).
    from search_browser import DONE, FINAL, PROBE

    for script in (PROBE, DONE, FINAL):
        for reader in ("getClientRects", "getBoundingClientRect", "offsetWidth", "offsetHeight", "offsetTop",
                       "getComputedStyle", "innerText", "scrollHeight", "clientWidth"):
            assert reader not in script, reader
