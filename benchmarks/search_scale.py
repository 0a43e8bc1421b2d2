"""Time and memory of the Pagefind search index at archive scale.

Run from the repository root (each size takes minutes; 50,000 takes the longest):

    .venv/bin/python benchmarks/search_scale.py 10000
    .venv/bin/python benchmarks/search_scale.py 10000 50000 --thresholds 10000,2500 --unsharded

For each size N:

1. makes a corpus with `benchmarks/archive_corpus.py WORK/corpus-N --articles N` (kept
   and reused by later runs);
2. builds it with `/usr/bin/time -v python -m generator build --no-search --clean` (this
   checkout's code): the rest of the build, wall time and peak memory;
3. times the index step alone on that output, once per shard threshold: this script
   plans the shards from the parsed articles and calls `generator.search.pagefind.index_site`,
   which runs Pagefind once per shard and reads each run's peak resident memory from
   the kernel (os.wait4); `/usr/bin/time -v` around the whole script bounds it too.
   `--unsharded` adds a run with the threshold set to N (one Pagefind run for all).

Writes WORK/search_scale.json (one record per run) and prints a Markdown table.
Machines here are shared and noisy: quote these as single runs, not as medians.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.config.options import BuildOptions
from generator.config.search import SearchConfig
from generator.config.site import load_config  # noqa: E402
from generator.content.discover import discover
from generator.content.parse import load_content  # noqa: E402
from generator.search.incremental import index_site  # noqa: E402
from generator.search.shards import plan_layout  # noqa: E402
from generator.urls import output_path  # noqa: E402

MAKE_CORPUS = Path(__file__).resolve().parent / "archive_corpus.py"


def sh(command: list[str]) -> str:
    """Run a command, fail loudly, return its stderr (where /usr/bin/time writes)."""
    # This checkout's generator package, whichever sitegen the environment has installed.
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout + result.stderr


def time_v(text: str) -> tuple[float, int]:
    """(wall seconds, peak resident bytes) from `/usr/bin/time -v` output."""
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    assert wall and rss, text[-2000:]
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return seconds, int(rss.group(1)) * 1024


def corpus(work: Path, articles: int, make_corpus: Path) -> Path:
    site = work / f"corpus-{articles}"
    if not (site / "content/articles").is_dir():
        print(f"making {articles} articles: {make_corpus} {site} --articles {articles}", flush=True)
        sh([sys.executable, str(make_corpus), str(site), "--articles", str(articles)])
    return site


def measure(work: Path, articles: int, thresholds: list[int], unsharded: bool, make_corpus: Path) -> list[dict]:
    site = corpus(work, articles, make_corpus)
    out = work / f"out-{articles}"
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "generator", "build", "--source", str(site),
               "--out", str(out), "--no-search", "--clean", "--quiet"]
    print("rest of build:", " ".join(command), flush=True)
    build_wall, build_rss = time_v(sh(command))
    config = load_config(BuildOptions(source=site, out=out, build_time=_now()))
    content = load_content(discover(site), config, drafts=False)
    runs = sorted(set(thresholds + ([articles] if unsharded else [])), reverse=True)
    records = []
    for threshold in runs:
        shutil.rmtree(out / "pagefind", ignore_errors=True)
        # The newest year's runs as large as the sealed shards: every run is at most `threshold`.
        tuned = dataclasses.replace(config, search=SearchConfig(shard_threshold=threshold, recent_shard=threshold))
        shards = plan_layout([(str(output_path(a.url)), a.date.astimezone(config.tz)) for a in content.articles],
                             threshold, threshold).shards
        print(f"index step: {articles} articles, shard_threshold {threshold} "
              f"({len(shards)} Pagefind run{'s' if len(shards) != 1 else ''})", flush=True)
        start = time.perf_counter()
        report = index_site(out, tuned, content.articles)
        wall = time.perf_counter() - start
        record = {
            "articles": articles, "shard_threshold": threshold, "shards": len(shards),
            "largest_shard": max(len(s.pages) for s in shards),
            "pages_indexed": report.pages, "index_seconds": round(wall, 1),
            "index_peak_mb": round((report.peak_memory or 0) / 1e6), "index_mb": round(report.index_bytes / 1e6, 1),
            "rest_of_build_seconds": round(build_wall, 1), "rest_of_build_peak_mb": round(build_rss / 1e6),
            "machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}",
        }
        print(json.dumps(record), flush=True)
        records.append(record)
    return records


def _now():
    from datetime import datetime, timezone
    return datetime(2025, 1, 1, tzinfo=timezone.utc)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def table(records: list[dict]) -> str:
    lines = ["| articles | shard_threshold | Pagefind runs (largest) | index step | Pagefind peak | index size "
             "| rest of build (--no-search) | its peak |",
             "|---|---|---|---|---|---|---|---|"]
    for r in records:
        lines.append(f"| {r['articles']:,} | {r['shard_threshold']:,} | {r['shards']} ({r['largest_shard']:,}) "
                     f"| {r['index_seconds']} s | {r['index_peak_mb']:,} MB | {r['index_mb']} MB "
                     f"| {r['rest_of_build_seconds']} s | {r['rest_of_build_peak_mb']:,} MB |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="+", help="numbers of articles, e.g. 10000 50000")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-search-bench",
                        help="folder for corpora, outputs and results (default: %(default)s)")
    parser.add_argument("--thresholds", default=str(SearchConfig().shard_threshold),
                        help="comma-separated shard_threshold values to index with (default: the default)")
    parser.add_argument("--unsharded", action="store_true", help="also index all articles in one Pagefind run")
    parser.add_argument("--make-corpus", type=Path, default=MAKE_CORPUS, help="default: %(default)s")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    thresholds = [int(t) for t in args.thresholds.split(",") if t]
    results = args.work / "search_scale.json"
    records = json.loads(results.read_text()) if results.exists() else []
    for size in args.sizes:
        fresh = measure(args.work, size, thresholds, args.unsharded, args.make_corpus)
        done = {(r["articles"], r["shard_threshold"]) for r in fresh}
        records = [r for r in records if (r["articles"], r["shard_threshold"]) not in done] + fresh
        results.write_text(json.dumps(records, indent=1) + "\n")
    print(table(sorted(records, key=lambda r: (r["articles"], -r["shard_threshold"]))))
    print(f"\nresults: {results}")


if __name__ == "__main__":
    main()
