"""A newsroom's day of publications, in the Pages workflow's conditions.

    .venv/bin/python benchmarks/publish_day.py --articles 10000 [--no-search] [--work DIR]

Each publication runs as the workflow does: a fresh `git clone` of the archive (every file a
new mtime), the workflow's cache (`.sitegen/` and `public/`) restored, `sitegen build`,
the cache saved again. The day: the first publication (no cache), then one new story, a
correction to a year-old story, and a new tag on an existing story, each committed to the
archive first. Printed per step: wall time and peak memory of the build (/usr/bin/time -v),
files written, the cache's size, and how long copying the cache in and out took (a stand-in
for actions/cache's restore and save, which also compress and upload it).

The corpus comes from benchmarks/archive_corpus.py, like the other benchmarks here; the
work folder is a temporary one unless --work names one (it is reused between runs).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "archive_corpus.py"
CACHED = (".sitegen", "public")
GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.org",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.org")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True)


def make_archive(origin: Path, articles: int) -> None:
    """The corpus as a git repository, as a newsroom keeps it."""
    subprocess.run([sys.executable, str(CORPUS), str(origin), "--articles", str(articles)],
                   check=True, stdout=subprocess.DEVNULL)
    (origin / ".gitignore").write_text(".sitegen/\npublic/\n")
    git("init", "-q", "-b", "main", cwd=origin)
    git("add", "-A", cwd=origin)
    git("commit", "-q", "-m", "archive", cwd=origin)


def stories(origin: Path) -> list[Path]:
    return sorted((origin / "content" / "articles").rglob("*.md"))


def new_story(origin: Path) -> str:
    newest = stories(origin)[-1]
    text = newest.read_text(encoding="utf-8")
    target = newest.with_name("cerita-baru-hari-ini.md")
    target.write_text(re.sub(r'(?m)^title: .*$', 'title: "Cerita Baru Hari Ini"', text, count=1), encoding="utf-8")
    return "one new story"


def correction(origin: Path) -> str:
    files = stories(origin)
    old = files[len(files) // 2]  # well inside the archive: about a year old at 10,000 stories
    old.write_text(old.read_text(encoding="utf-8") + "\nRalat: nama narasumber telah diperbaiki.\n", encoding="utf-8")
    return "a correction to an old story"


def new_tag(origin: Path) -> str:
    story = stories(origin)[-2]
    text = story.read_text(encoding="utf-8")
    if re.search(r"(?m)^tags: \[", text):
        text = re.sub(r"(?m)^tags: \[", "tags: [tag-baru-sekali, ", text, count=1)
    else:
        text = text.replace("\n---\n", "\ntags: [tag-baru-sekali]\n---\n", 1)
    story.write_text(text, encoding="utf-8")
    return "a new tag"


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6 if folder.exists() else 0.0


def publish(origin: Path, runner: Path, saved: Path, search: bool) -> dict[str, float | str]:
    """One workflow run; its figures."""
    shutil.rmtree(runner.parent, ignore_errors=True)
    runner.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", str(origin), str(runner), cwd=runner.parent)
    start = time.perf_counter()
    for name in CACHED:
        if (saved / name).exists():
            shutil.copytree(saved / name, runner / name, symlinks=True)
    restore = time.perf_counter() - start
    command = [sys.executable, "-m", "generator", "build", "--source", str(runner)] + ([] if search else ["--no-search"])
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) // 1024
    written = re.search(r"(\d+) files written", result.stdout)
    # "Search index: … (12 shards, 1 re-indexed (2024-9), …)", or a single index, or no line.
    line = re.search(r"^Search index: .*$", result.stdout, re.M)
    shards = re.search(r"\((\d+) shards, (\d+) re-indexed(?: \(([^)]*)\))?", line.group(0)) if line else None
    indexed = (f"{shards.group(2)} of {shards.group(1)}" + (f" ({shards.group(3)})" if shards.group(3) else "")
               if shards else ("1 of 1" if line and "unchanged" not in line.group(0) else "0")) if search else "-"
    start = time.perf_counter()
    shutil.rmtree(saved, ignore_errors=True)
    for name in CACHED:
        shutil.copytree(runner / name, saved / name, symlinks=True)
    save = time.perf_counter() - start
    return {"wall": wall, "rss": rss, "written": written.group(1) if written else "0 (nothing changed)",
            "indexed": indexed,
            "cache": size_mb(saved / ".sitegen") + size_mb(saved / "public"), "restore": restore, "save": save}


def show(row: tuple[str, dict[str, float | str]]) -> None:
    """Print one publication's row of the table at once."""
    label, r = row
    print(f"| {label} | {r['wall']:.1f} s | {r['rss']} MB | {r['written']} | {r['indexed']} | {r['cache']:.0f} MB "
          f"| {r['restore']:.1f} s | {r['save']:.1f} s |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--no-search", action="store_true", help="build without the Pagefind index")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sitegen-day-"))
    origin = work / f"archive-{args.articles}"
    if not origin.exists():
        make_archive(origin, args.articles)
    else:  # back to the archive as made: the day's changes are made again
        first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=origin, check=True,
                               capture_output=True, text=True).stdout.split()[0]
        git("reset", "-q", "--hard", first, cwd=origin)
    runner, saved = work / "runner" / "site", work / "actions-cache"
    shutil.rmtree(saved, ignore_errors=True)
    # Each row is printed as its publication finishes: at 100,000 stories the first one
    # alone takes most of an hour.
    print(f"{args.articles} articles, search {'off' if args.no_search else 'on'}; work folder {work}", flush=True)
    print("| publication | build wall | peak RSS | files written | shards indexed | cache (.sitegen + public) "
          "| restore | save |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    show(("first publication", publish(origin, runner, saved, not args.no_search)))
    show(("the same commit again", publish(origin, runner, saved, not args.no_search)))
    for change in (new_story, correction, new_tag):
        label = change(origin)
        git("add", "-A", cwd=origin)
        git("commit", "-q", "-m", label, cwd=origin)
        show((label, publish(origin, runner, saved, not args.no_search)))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
