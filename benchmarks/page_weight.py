"""What a built archive weighs: bytes per story, per kind of file and page, and per part of a page.

    .venv/bin/python benchmarks/page_weight.py --articles 10000 [--images 40] [--no-search] [--work DIR]
    .venv/bin/python benchmarks/page_weight.py --site PUBLIC --articles N   # measure a built folder
    .venv/bin/python benchmarks/page_weight.py --articles 10000 --before      # the whitespace cut undone

Makes the corpus with benchmarks/archive_corpus.py (reused from --work when it is there),
builds it with `sitegen build --future --clean` (with the search index unless --no-search),
then prints, as Markdown tables:

- the output by kind (pages, search index, resized photos, ...): files and bytes, and the
  bytes per story, with the largest archive of this shape that fits GitHub Pages' 1 GB;
- HTML pages by kind (article, home, section, tag, person, archive month, other): count,
  median and mean bytes;
- the parts of article and listing pages: the <head> (meta tags), JSON-LD, <picture>
  markup, the related list, the masthead and menu, the footer, inline scripts, and the
  whitespace at line starts and ends that compact_html (generator/render/compact.py) removes
  (0 once the build removes it).

--before builds with the whitespace cut switched off (compaction a no-op, JSON-LD with
blanks after ',' and ':'), for the size before it, from the same code and theme.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = Path(__file__).resolve().parent / "archive_corpus.py"
GIB = 1024 ** 3

from generator.output.limits import format_size, kind_of, output_sizes  # noqa: E402
from generator.render.compact import compact_html  # noqa: E402

PARTS = {
    "head (meta tags, JSON-LD included)": re.compile(r"<head>.*?</head>", re.S),
    "JSON-LD": re.compile(r'<script type="application/ld\+json">.*?</script>', re.S),
    "picture markup": re.compile(r"<picture>.*?</picture>", re.S),
    "related list": re.compile(r"<aside class=\"related\".*?</aside>", re.S),
    "masthead and menu": re.compile(r"<header class=\"masthead\">.*?</header>", re.S),
    "site footer": re.compile(r"<footer class=\"site-footer\".*?</footer>", re.S),
    "inline scripts": re.compile(r"<script>(?!</script>).*?</script>", re.S),
}
AFTER = "import sys; from generator.cli import main; sys.exit(main(sys.argv[1:]))"
# The build as it was before the whitespace cut: the workers are forked, so they inherit the patch.
BEFORE = """import sys
import generator.render.renderer as renderer
renderer.compact_page = lambda text, fragments: text
made = renderer.make_environment
def indented_json(*args, **kwargs):
    env = made(*args, **kwargs)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True}
    return env
renderer.make_environment = indented_json
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def page_kind(rel: str, sections: set[str]) -> str:
    """article, home, section, tag, person, archive or other, from the page's path."""
    parts = rel.split("/")
    if rel == "index.html":
        return "home"
    if parts[0] in sections and len(parts) == 5 and not parts[3].isdigit():
        return "article"
    if parts[0] in sections:
        return "section listing"
    return {"tag": "tag listing", "orang": "person listing", "arsip": "archive listing"}.get(parts[0], "other")


def whitespace(text: str) -> int:
    """Bytes compact_html would remove (0 for a page the build already compacted)."""
    return len(text.encode()) - len(compact_html(text).encode())


def measure(public: Path, articles: int) -> str:
    """The report's Markdown tables."""
    sizes = output_sizes(public)
    total = sum(sizes.values())
    kinds: dict[str, list[int]] = {}
    for rel, size in sizes.items():
        entry = kinds.setdefault(kind_of(rel), [0, 0])
        entry[0] += 1
        entry[1] += size
    per_story = total / articles
    lines = [f"Output: {len(sizes):,} files, {format_size(total)} ({total:,} bytes) for {articles:,} stories: "
             f"{per_story / 1024:.1f} kB per story; GitHub Pages' 1 GB holds about "
             f"{int(GIB / per_story):,} stories of this shape.", "",
             "| kind | files | bytes | share |", "|---|---|---|---|"]
    for kind, (count, size) in sorted(kinds.items(), key=lambda k: -k[1][1]):
        lines.append(f"| {kind} | {count:,} | {format_size(size)} | {100 * size / total:.1f}% |")
    # Article pages are SECTION/YYYY/MM/SLUG/index.html; the listings' first segments are not sections.
    sections = {rel.split("/")[0] for rel in sizes if re.fullmatch(r"[^/]+/\d{4}/\d{2}/[^/]+/index\.html", rel)}
    sections -= {"arsip", "tag", "orang"}
    by_page: dict[str, list[int]] = {}
    part_sums: dict[str, dict[str, int]] = {"article": {}, "listing": {}}
    for rel in sorted(sizes):
        if not rel.endswith(".html"):
            continue
        kind = page_kind(rel, sections)
        by_page.setdefault(kind, []).append(sizes[rel])
        group = "article" if kind == "article" else "listing" if kind.endswith("listing") or kind == "home" else None
        if group is None:
            continue
        text = (public / rel).read_text(encoding="utf-8")
        sums = part_sums[group]
        sums["all"] = sums.get("all", 0) + len(text.encode())
        for name, pattern in PARTS.items():
            sums[name] = sums.get(name, 0) + sum(len(m.encode()) for m in pattern.findall(text))
        sums["whitespace"] = sums.get("whitespace", 0) + whitespace(text)
    lines += ["", "| page kind | pages | median | mean |", "|---|---|---|---|"]
    for kind, values in sorted(by_page.items(), key=lambda k: -sum(k[1])):
        lines.append(f"| {kind} | {len(values):,} | {statistics.median(values) / 1024:.1f} kB | "
                     f"{statistics.fmean(values) / 1024:.1f} kB |")
    for name in ("feed.xml", "sitemap.xml", "sitemap-news.xml", "latest.json"):
        if name in sizes:
            lines.append(f"| {name} | 1 | {sizes[name] / 1024:.1f} kB | |")
    lines += ["", "| part of the page | article pages | listing pages |", "|---|---|---|"]
    for name in [*PARTS, "whitespace"]:
        cells = []
        for group in ("article", "listing"):
            sums = part_sums[group]
            cells.append(f"{100 * sums.get(name, 0) / sums['all']:.1f}%" if sums.get("all") else "-")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--images", type=int, default=40, help="shared lead photos of the corpus")
    parser.add_argument("--no-search", action="store_true", help="build without the search index")
    parser.add_argument("--work", type=Path, default=None, help="work folder (corpus reused; default: a temporary one)")
    parser.add_argument("--site", type=Path, default=None, help="measure this built folder instead of building")
    parser.add_argument("--before", action="store_true", help="build without the whitespace cut")
    args = parser.parse_args()
    if args.site is not None:
        print(measure(args.site, args.articles))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="page-weight-"))
    site = work / f"archive-{args.articles}-{args.images}"
    if not (site / "site.toml").exists():
        subprocess.run([sys.executable, str(CORPUS), str(site), "--articles", str(args.articles),
                        "--images", str(args.images)], check=True, stdout=subprocess.DEVNULL)
    public = work / ("public-before" if args.before else "public")
    build = ["build", "--source", str(site), "--out", str(public), "--future", "--clean", "--quiet"] \
        + (["--no-search"] if args.no_search else [])
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BEFORE if args.before else AFTER, *build], check=True, cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    print(f"Built in {time.perf_counter() - start:.1f} s{' without the whitespace cut' if args.before else ''}.")
    print(measure(public, args.articles))


if __name__ == "__main__":
    main()
