"""The related stage of one build after one change, alone, in a fresh process.

    .venv/bin/python benchmarks/related_step.py --articles 10000 [--runs 3] [--change story] [--work DIR] [--again]

Generates the archive (benchmarks/archive_corpus.py), reads its stories as a build reads
them, and runs the first publication's related stage into a cache folder. Then makes the
change (--change: `story`, one new story; `correction`, a sentence added to a year-old
story; `tag`, a new tag on a recent story; as benchmarks/publish_day.py makes them) and,
--runs times, copies that cache and runs the stage a build runs next in a new Python
process: `generator.build.related_lists` with the site's BuildCache, timed wall and CPU
from before numpy and scipy are imported to after the caches are written. The article
record digests a build takes from its parse cache are made before the clock starts.
Each run prints the lists' digest, checked against a clean ranking of the changed
archive. To compare two commits, run it with PYTHONPATH naming each checkout in turn,
on one --work folder each, then alternate calls with --again (which reuses the work
folder's first publication and change) and --runs 1.

The stories travel between the processes as a pickle in the work folder, which is the
benchmark's own (a temporary one unless --work names one).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH, which may name other code

import publish_day  # noqa: E402

LATER = datetime(2040, 1, 1, tzinfo=timezone.utc)  # the archive runs past any clock
CHANGES = {"story": publish_day.new_story, "correction": publish_day.correction, "tag": publish_day.new_tag}


def read(site: Path, into: Path) -> None:
    """The site's published stories and related settings, pickled into `into`."""
    from generator import pipeline
    from generator.config.options import BuildOptions

    loaded = pipeline.load(BuildOptions(source=site, out=site / "public", build_time=LATER))
    stories = pipeline.read(loaded, 2).content.articles
    into.write_bytes(pickle.dumps((loaded.config.related, stories), protocol=pickle.HIGHEST_PROTOCOL))


def stage(stories: Path, folder: Path, clean: bool = False) -> None:
    """One related stage on the cache in `folder`; prints wall and CPU seconds and the lists' digest."""
    from generator.output.fingerprint import Fingerprinter

    config, articles = pickle.loads(stories.read_bytes())
    fp = Fingerprinter()
    for article in articles:
        fp.record_digest(article)  # a build has these from its parse cache
    wall, cpu = time.perf_counter(), time.process_time()
    from generator.build import related_lists
    from generator.output.cache import BuildCache

    site = type("Site", (), {"related": config})
    content = type("Content", (), {"articles": articles})
    lists = related_lists(content, site, BuildCache(folder, folder / "public"), fp, clean)  # type: ignore[arg-type]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    digest = hashlib.sha256(repr(sorted(lists.items())).encode()).hexdigest()[:16]
    print(f"{wall:.3f} {cpu:.3f} {digest}")


def run(*args: str) -> list[str]:
    """This script in a new process; its printed figures."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return done.stdout.split()


def main() -> None:
    """Make the archive and its first related stage, then time the stage after the change."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--change", choices=sorted(CHANGES), default="story")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--again", action="store_true", help="reuse the work folder's first publication and change")
    parser.add_argument("--stage", nargs=2, metavar=("STORIES", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--clean", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        stage(Path(args.stage[0]), Path(args.stage[1]), args.clean)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="related-step-"))
    site, first = work / "site", work / "first"
    if not args.again:
        if not site.exists():
            publish_day.make_archive(site, args.articles)
        shutil.rmtree(first, ignore_errors=True)
        read(site, work / "before.pickle")
        print("first publication's related stage:", *run("--stage", str(work / "before.pickle"), str(first)))
        print("change:", CHANGES[args.change](site))
        (work / "change.txt").write_text(args.change)
        read(site, work / "after.pickle")
        publish_day.git("checkout", "-q", ".", cwd=site)  # the archive as generated, for the next call
        publish_day.git("clean", "-q", "-fd", "content", cwd=site)
    change = (work / "change.txt").read_text()
    clean = run("--clean", "--stage", str(work / "after.pickle"), str(work / "clean"))
    walls, cpus = [], []
    for number in range(args.runs):
        copy = work / "run"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(first, copy)
        wall, cpu, digest = run("--stage", str(work / "after.pickle"), str(copy))
        walls.append(float(wall))
        cpus.append(float(cpu))
        same = "the clean lists" if digest == clean[2] else f"NOT the clean lists ({clean[2]})"
        print(f"run {number + 1}: related stage {wall} s wall, {cpu} s CPU; lists {digest}, {same}")
    print(f"median of {args.runs}: {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
          f"({args.articles} stories, {change}); clean ranking of the changed archive {clean[0]} s wall")


if __name__ == "__main__":
    main()
