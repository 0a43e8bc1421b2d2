"""Per-page render cost: one process renders and writes a fixed page mix, timed and profiled.

    .venv/bin/python benchmarks/render_profile.py [--articles 1000] [--work DIR] [--top 25]

It makes a synthetic archive of N articles with benchmarks/archive_corpus.py (once, kept
in the work folder), runs the pipeline up to the plan (load, read, related lists, plan)
as `sitegen build` does, then renders and writes every page of the site in plan order with the build's own worker
function (`output/write.py:_render_chunk`), in this one process, as one render worker
would (with the garbage collector's thresholds a build sets, generator/collector.py).
Feeds and sitemaps are text made at plan time: their cost is that planning step
(timed again here) plus the write.

Three passes, each with a new renderer (cold card and date caches, as in a worker):

1. timed: CPU milliseconds (time.process_time) of each page, printed per kind
   (article, listing, home, feed, sitemap, other) as median and mean;
2. timed by stage, without a profiler (which doubles some costs and not others): the CPU
   of the template (Jinja, cards included), the Markdown body, the compaction, the link
   reading, the folders and the file writes of each page, as a mean per article and per
   listing page;
3. under cProfile: where the CPU goes, each function's own time put in one area (Jinja
   template code, markdown-it, Babel, picture/image markup, escaping, writing and the
   filesystem, ...). A built-in (str.join, a dict method) counts for the area of the
   function that called it.

The output digest printed tells whether two commits write the same pages, byte for byte.
The figures docs/performance.md quotes come from this script at the commit it names.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.collector import tune_collection  # noqa: E402
from generator.config.options import BuildOptions  # noqa: E402
from generator.output.files import Output  # noqa: E402
from generator.output import write  # noqa: E402
from generator.output.write import _render_chunk  # noqa: E402
from generator.pipeline import Plan, front_half  # noqa: E402
from generator.plan.pages import Page, plan_feeds, plan_sitemaps  # noqa: E402
from generator.render import renderer as renderer_module  # noqa: E402
from generator.render.renderer import Renderer  # noqa: E402
from generator.urls import output_path  # noqa: E402

CORPUS = REPO / "benchmarks" / "archive_corpus.py"
BUILD_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)  # fixed: the same pages every run
LISTINGS = {"section.html", "tag.html", "person.html", "archive_month.html", "archive_year.html"}
KINDS = ("article", "listing", "home", "feed", "sitemap", "other")


def make_site(folder: Path, articles: int) -> Path:
    """The benchmark archive of `articles` stories and 20 shared lead photos (made once)."""
    if not (folder / "site.toml").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, str(CORPUS), str(folder), "--articles", str(articles),
                        "--images", "20", "--image-width", "800"], check=True, stdout=subprocess.DEVNULL)
    return folder


def kind_of(page: Page) -> str:
    """The kind of page, for the per-kind figures."""
    if page.template == "article.html":
        return "article"
    if page.template in LISTINGS:
        return "listing"
    if page.template == "home.html":
        return "home"
    if page.url.endswith("feed.xml"):
        return "feed"
    if page.source.startswith("sitemap"):
        return "sitemap"
    return "other"


def worker(planned: Plan, out: Path) -> tuple[Any, ...]:
    """What a render worker holds: a new renderer (templates compiled, as the build does
    before forking) and the pages; `out` is emptied."""
    renderer = Renderer(planned.loaded.theme, planned.config, planned.site, safe=False)
    renderer.compile_templates()
    outputs = [Output(rel=str(output_path(p.url)), fingerprint="", page=p) for p in planned.pages]
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # Then the folders known to exist, and the base URL the page links are read against.
    return renderer, out, out, outputs, {out}, urlsplit(planned.config.base_url)


def render_one(position: int, shared: tuple[Any, ...]) -> None:
    """Render and write one page as a worker does."""
    ((rel, problems, _links),) = _render_chunk([position], shared)
    if problems:
        raise SystemExit(f"{rel}: {problems[0]}")


def plan_text(planned: Plan) -> dict[str, float]:
    """CPU ms per page of making the feeds' and sitemaps' text (done at plan time)."""
    site, config = planned.site, planned.config
    start = time.process_time()
    feeds = plan_feeds(site, config)
    feed_ms = (time.process_time() - start) * 1000 / len(feeds)
    start = time.process_time()
    maps = plan_sitemaps(planned.pages, site, config, BUILD_TIME)
    map_ms = (time.process_time() - start) * 1000 / sum(kind_of(p) == "sitemap" for p in maps)
    return {"feed": feed_ms, "sitemap": map_ms}


def timed_pass(planned: Plan, out: Path) -> dict[str, list[float]]:
    """CPU ms of rendering and writing each page, by kind; feeds and sitemaps include their planning."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    shared = worker(planned, out)
    for position, page in enumerate(planned.pages):
        start = time.process_time()
        render_one(position, shared)
        times[kind_of(page)].append((time.process_time() - start) * 1000)
    extra = plan_text(planned)
    for kind, ms in extra.items():
        times[kind] = [t + ms for t in times[kind]]
    return times


# --- where the time goes ----------------------------------------------------------------

# (stage, module, function): the functions a worker calls for each page, timed in place.
# (Earlier commits compacted with compact_html: whichever the renderer has is timed.)
STAGES = [("template", renderer_module, "render_template"), ("markdown", renderer_module, "render_markdown"),
          ("compaction", renderer_module, "compact_page"), ("compaction", renderer_module, "compact_html"),
          ("links", write, "page_links"), ("folders", write, "make_folder")]


@contextlib.contextmanager
def stage_clocks(spent: dict[str, float]) -> Iterator[None]:
    """Add the CPU seconds of each stage's calls to `spent` while in the block (and of
    Path.write_bytes as "write")."""
    active: set[str] = set()  # a stage calling itself (make_folder makes parents) is timed once

    def clocked(stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            if stage in active:
                return func(*args, **kwargs)
            active.add(stage)
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                spent[stage] = spent.get(stage, 0.0) + time.process_time() - start
                active.discard(stage)
        return run

    saved = [(module, name, getattr(module, name)) for _, module, name in STAGES if hasattr(module, name)]
    saved.append((Path, "write_bytes", Path.write_bytes))
    for stage, module, name in STAGES:
        if hasattr(module, name):
            setattr(module, name, clocked(stage, getattr(module, name)))
    Path.write_bytes = clocked("write", Path.write_bytes)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for module, name, func in saved:
            setattr(module, name, func)


def stage_pass(planned: Plan, out: Path) -> dict[str, dict[str, float]]:
    """Mean CPU ms per page of each stage, for the article and the listing pages."""
    shared = worker(planned, out)
    totals: dict[str, dict[str, float]] = {"article": {}, "listing": {}}
    counts = {kind: 0 for kind in totals}
    spent: dict[str, float] = {}
    with stage_clocks(spent):
        for position, page in enumerate(planned.pages):
            kind = kind_of(page)
            before = dict(spent)
            render_one(position, shared)
            if kind in totals:
                counts[kind] += 1
                for stage, seconds in spent.items():
                    totals[kind][stage] = totals[kind].get(stage, 0.0) + seconds - before.get(stage, 0.0)
    return {kind: {stage: 1000 * s / max(counts[kind], 1) for stage, s in table.items()}
            for kind, table in totals.items()}


AREAS = [  # (area, a test on (filename, function name)), first match wins
    ("escaping", lambda f, n: "markupsafe" in f or n in ("<built-in method markupsafe._speedups.escape>",
                                                         "<built-in method markupsafe._speedups.soft_str>")),
    ("writing/filesystem", lambda f, n: f.endswith(("pathlib.py", "genericpath.py", "posixpath.py"))
        or any(k in n for k in ("posix.", "io.open", "_io.BufferedWriter", "_io.FileIO", "_io.TextIOWrapper"))),
    ("markdown-it", lambda f, n: "markdown_it" in f or "mdit_py_plugins" in f or "linkify" in f),
    ("markdown (sitegen's hooks)", lambda f, n: "generator/content/" in f),
    ("Babel dates", lambda f, n: "babel" in f or "zoneinfo" in f or "pytz" in f),
    ("picture/image markup", lambda f, n: "generator/images/" in f or "urllib/parse" in f),
    ("Jinja template code", lambda f, n: f.endswith((".html", ".xml", ".txt")) or "<template>" in f),
    ("Jinja runtime", lambda f, n: "jinja2" in f),
    ("feeds/sitemaps (plan)", lambda f, n: "generator/plan/" in f),
    ("structured data (seo)", lambda f, n: "generator/render/seo" in f or "json/" in f),
    ("sitegen render", lambda f, n: "generator/render/" in f or "generator/output/" in f
        or "generator/dates" in f or "generator/urls" in f),
]


# Standard library helpers used by every area (logging calls in markdown-it, the string
# formatter of Markup.format, ...): like built-ins, they count for their caller's area.
PASS_THROUGH = ("/logging/", "/string.py", "/collections/", "/functools.py", "/re/", "/enum.py",
                "/typing.py", "/abc.py", "/copy.py", "/dataclasses.py", "/_collections_abc.py")


def area_of(func: tuple[str, int, str]) -> str | None:
    """The area of a profiled function; None for a built-in or standard helper, which
    takes its caller's area."""
    filename, _, name = func
    for area, test in AREAS:
        if test(filename, name):
            return area
    if filename == "~" or filename.endswith(PASS_THROUGH) or any(p in filename for p in PASS_THROUGH):
        return None
    return "other Python"


def areas(stats: pstats.Stats) -> dict[str, float]:
    """Own time (seconds) per area; built-ins are charged to their callers' areas."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}

    def charge(func: Any, seconds: float, depth: int = 0) -> None:
        area = area_of(func)
        if area is None and depth < 8:
            callers = table.get(func, (0, 0, 0, 0, {}))[4]
            spread = sum(c[2] for c in callers.values())
            if spread > 0:
                for caller, entry in callers.items():
                    charge(caller, seconds * entry[2] / spread, depth + 1)
                return
        totals[area or "other built-ins"] = totals.get(area or "other built-ins", 0.0) + seconds

    for func, (_, _, own, _, _) in table.items():
        charge(func, own)
    return totals


def tree_digest(root: Path) -> str:
    """A digest of every file below `root`, names and bytes: the same output gives the same digest."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def profile_pass(planned: Plan, out: Path) -> pstats.Stats:
    """The same render under cProfile (feed and sitemap planning included)."""
    shared = worker(planned, out)
    profiler = cProfile.Profile()
    profiler.enable()
    for position in range(len(planned.pages)):
        render_one(position, shared)
    plan_text(planned)
    profiler.disable()
    return pstats.Stats(profiler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-render-profile")
    parser.add_argument("--top", type=int, default=25, help="functions to list by own time")
    args = parser.parse_args()
    # The collector runs as in `sitegen build` (generator/collector.py), whose render workers
    # are forked with its thresholds: with Python's default ones it walks the whole plan
    # every few pages, which a build's worker does not.
    tune_collection()
    site = make_site(args.work / f"site-{args.articles}", args.articles)
    out = args.work / "out"
    options = BuildOptions(source=site, out=out, build_time=BUILD_TIME, search=False, jobs=1)
    planned = front_half(options, jobs=1)
    counts = {kind: sum(kind_of(p) == kind for p in planned.pages) for kind in KINDS}
    print(f"{args.articles} articles, {len(planned.pages)} pages: "
          + ", ".join(f"{counts[k]} {k}" for k in KINDS), flush=True)

    times = timed_pass(planned, out)
    every = [t for kind in KINDS for t in times[kind]]
    print("\nCPU ms per page (render + write; feeds and sitemaps: their planning + write)")
    print(f"{'kind':<10}{'pages':>7}{'median':>9}{'mean':>9}{'total s':>9}")
    for kind in KINDS:
        if times[kind]:
            print(f"{kind:<10}{len(times[kind]):>7}{statistics.median(times[kind]):>9.3f}"
                  f"{statistics.fmean(times[kind]):>9.3f}{sum(times[kind]) / 1000:>9.2f}")
    mix = [statistics.median(times[k]) for k in ("article", "listing", "home", "feed", "sitemap") if times[k]]
    print(f"{'all':<10}{len(every):>7}{statistics.median(every):>9.3f}{statistics.fmean(every):>9.3f}"
          f"{sum(every) / 1000:>9.2f}")
    print(f"median over the mix (medians of article, listing, home, feed, sitemap): {statistics.median(mix):.3f} ms")
    print(f"output digest (pages only): {tree_digest(out)}")

    stages = stage_pass(planned, out)
    print("\nCPU ms per page by stage, without a profiler (mean)")
    for kind, table in stages.items():
        print(f"  {kind:<9}" + ", ".join(f"{stage} {ms:.3f}" for stage, ms in sorted(table.items(), key=lambda kv: -kv[1]))
              + f"; sum {sum(table.values()):.3f}")

    stats = profile_pass(planned, out)
    totals = areas(stats)
    whole = sum(totals.values())
    print(f"\nWhere the time goes under cProfile ({whole:.2f} s profiled, own time by area)")
    for area, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {area:<30}{seconds:>7.2f} s {100 * seconds / whole:>5.1f} %")
    others = [(own, func) for func, (_, _, own, _, _) in stats.stats.items()  # type: ignore[attr-defined]
              if area_of(func) == "other Python"]
    if others:
        print("  other Python, largest: " + ", ".join(
            f"{Path(f[0]).name}:{f[2]} {own:.2f} s" for own, f in sorted(others, reverse=True)[:6]))
    print(f"\nTop {args.top} functions by own time")
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
