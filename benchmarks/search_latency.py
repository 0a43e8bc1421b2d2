"""What a reader waits for on the search page: time to first results and to the complete count.

Run from the repository root (building 10,000 stories with search takes minutes; later
runs reuse the build while the corpus, generator and theme are unchanged):

    .venv/bin/python benchmarks/search_latency.py 10000 --work "$WORK"
    .venv/bin/python benchmarks/search_latency.py --site path/to/site --work "$WORK"
    .venv/bin/python benchmarks/search_latency.py 100000 --work "$WORK" --out OTHER_OUT

(--out times an output folder built elsewhere as it is, without building: e.g. the same
index under another version of the search page, to compare pages on one index.)

1. Makes WORK/site-N with `benchmarks/archive_corpus.py WORK/site-N --articles N
   --images 40` (or takes --site) and builds it with search (search_archive.py).
2. Picks queries from the built stories' own text by document frequency: common (the
   archive's most frequent words, stop words aside), medium (in ~3 % of the stories) and
   rare (~0.3 %, at least 3), each alone and with the word most often found beside it.
3. Serves the output on 127.0.0.1 with a server that logs every request and sends
   GitHub Pages' `Cache-Control: max-age=600`, and opens `search page?q=QUERY` in
   Chromium (search_browser.py): once in a new browser context (cold cache), then again
   in the same context (warm cache).
4. Prints a Markdown table and writes WORK/search_latency-LABEL.json and .md.

Times are from the start of the navigation to the search page, sent once Chromium is quiet
after opening the tab (its new window's own start-up over: search_browser.py; --no-settle
sends it at once); requests and bytes are every request the server answered for that
page until the search was over and the count had stayed for 1.5 s (response bodies only,
uncompressed: GitHub Pages would gzip the HTML and scripts).
One run each on a shared machine: quote them as single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search_archive import REPO, Query, archive, pick_queries, search_page_path, story_words  # noqa: E402
from search_browser import Sample, launch, search_cold_and_warm, serve_logged  # noqa: E402


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value / 1000:.2f} s"


def table(rows: list[tuple[Query, Sample]]) -> str:
    """The samples as a Markdown table, one row per query and cache."""
    lines = ["| class | query | stories matching | hits | cache | first results | complete count | complete list "
             "| requests | transferred | long tasks > 200 ms (longest) | early top 10 in final top 10 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for query, s in rows:
        longest = "no observer" if s.longest_task_ms is None else f"{s.longest_task_ms:.0f} ms"
        overlap = "— (one ranking)" if s.early_overlap is None else \
            f"{s.early_overlap}/{min(10, len(s.final_top))} ({s.early_stage or 'early'})"
        lines.append(f"| {query.label} | {query.text} | {query.stories:,} | "
                     f"{'—' if s.hits is None else f'{s.hits:,}'} | {s.cache} | {_ms(s.first_ms)} | "
                     f"{_ms(s.count_ms)} | {_ms(s.complete_ms)} | {s.requests} | {s.kilobytes:,.0f} kB | {s.long_tasks} ({longest}) | "
                     f"{overlap} |")
    return "\n".join(lines)


def summary(rows: list[tuple[Query, Sample]]) -> str:
    """The slowest cold first-results and complete times of one- and two-word queries."""
    parts = []
    for words in (1, 2):
        cold = [s for q, s in rows if s.cache == "cold" and len(q.text.split()) == words]
        firsts = [s.first_ms for s in cold if s.first_ms is not None]
        if firsts:
            parts.append(f"{words}-word queries, cold: first results at most {_ms(max(firsts))} "
                         f"(median {_ms(statistics.median(firsts))}), complete count at most "
                         f"{_ms(max(s.count_ms or s.complete_ms or 0 for s in cold))}, complete list at most "
                         f"{_ms(max(s.complete_ms or 0 for s in cold))}")
    long = sum(s.long_tasks for _, s in rows)
    return "; ".join(parts) + f"; {long} long task(s) over 200 ms in all."


def commit() -> str:
    """This checkout's commit (with '+changes' when the work tree differs)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the archive, time the queries in Chromium, print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int, nargs="?", help="stories to generate, e.g. 10000")
    parser.add_argument("--site", type=Path, help="an existing site folder to build instead of a generated one")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-search-latency"),
                        help="folder for the corpus, the build and the results (default: %(default)s)")
    parser.add_argument("--per-class", type=int, default=1, help="one-word queries per class (default: 1)")
    parser.add_argument("--label", default="run", help="names the result files (default: %(default)s)")
    parser.add_argument("--out", type=Path,
                        help="time this built output folder as it is, without building (the site folder, --site or "
                             "WORK/site-N, gives its base path)")
    parser.add_argument("--queries-of", metavar="LABEL",
                        help="time the queries of an earlier run (WORK/search_latency-LABEL.json) instead of "
                             "picking them from the stories again")
    parser.add_argument("--no-settle", action="store_true",
                        help="send each query as soon as its tab is open, without waiting for Chromium's own "
                             "start-up of the new window to end (as this benchmark did before)")
    parser.add_argument("--rebuild", action="store_true", help="build again from scratch (--clean), even if an identical build is there")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium",
                        help="the Chromium executable (default: %(default)s)")
    args = parser.parse_args(argv)
    if (args.articles is None) == (args.site is None):
        parser.error("give a number of stories or --site, not both")
    args.work.mkdir(parents=True, exist_ok=True)
    measured = "commit " + commit()
    site = args.site.resolve() if args.site else args.work / f"site-{args.articles}"
    if args.out is not None:
        out = args.out.resolve()
        if not (out / "pagefind").is_dir() or not (site / "site.toml").is_file():
            parser.error(f"--out needs a built output with pagefind/ and its site's site.toml in {site}")
        # What is timed is that folder's page and index, whatever this checkout's code is.
        measured = f"output {out.name}"
    else:
        out = archive(args.work, args.articles, args.site.resolve() if args.site else None, args.rebuild)
    if args.queries_of:
        # The queries of an earlier run on the same archive: reading 100,000 stories to pick
        # them again takes minutes, and a comparison wants the same queries anyway.
        rows = json.loads((args.work / f"search_latency-{args.queries_of}.json").read_text(encoding="utf-8"))
        queries = list(dict.fromkeys(Query(**row["query"]) for row in rows))
        archive_size = f"the archive of run {args.queries_of}"
    else:
        stories = story_words(out)
        queries = pick_queries(stories, args.per_class)
        archive_size = f"{len(stories):,} stories"
    print(f"{archive_size}; queries: " + ", ".join(f"{q.label}: {q.text!r}" for q in queries), flush=True)
    from playwright.sync_api import sync_playwright

    prefix, search_page = search_page_path(site)
    rows: list[tuple[Query, Sample]] = []
    load_before = os.getloadavg()[0]
    with serve_logged(out, prefix) as (base, log), sync_playwright() as p:
        browser = launch(p, args.chromium)
        page_url = base + search_page[len(prefix):]
        try:
            for query in queries:
                for sample in search_cold_and_warm(browser, page_url, query.text, log, settle=not args.no_settle):
                    print(f"  {query.label:16} {query.text!r:28} {sample.cache}: first {_ms(sample.first_ms)}, "
                          f"count {_ms(sample.count_ms)}, complete {_ms(sample.complete_ms)}, {sample.hits} hits, {sample.requests} requests",
                          flush=True)
                    rows.append((query, sample))
        finally:
            browser.close()
    # The machine's load is part of the figure: other jobs slow the browser down.
    sent = "at once" if args.no_settle else "once Chromium was quiet after opening the tab"
    report = (f"{archive_size}, {measured}, Chromium cold and warm cache, query sent {sent}, "
              f"load average {load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at the end\n\n"
              f"{table(rows)}\n\n{summary(rows)}\n")
    print("\n" + report)
    (args.work / f"search_latency-{args.label}.md").write_text(report, encoding="utf-8")
    (args.work / f"search_latency-{args.label}.json").write_text(json.dumps(
        [{"query": asdict(q), "sample": asdict(s)} for q, s in rows], indent=1) + "\n", encoding="utf-8")
    print(f"results: {args.work}/search_latency-{args.label}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
