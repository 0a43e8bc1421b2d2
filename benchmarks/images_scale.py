"""How much of a build the responsive photos cost, on a synthetic archive with images.

    .venv/bin/python benchmarks/images_scale.py [--articles 10000] [--images 200] [--runs 2]
        [--work "$WORK"] [--textured]

Makes the archive with benchmarks/archive_corpus.py OUT --articles N --images M (lead
photos of 1600x1067 in content/media; --textured repaints them with photo-like noise,
which encodes several times slower than the flat colours the corpus script draws), then
builds it without the search index (`--no-search`), each build in a fresh process:

- cold: no `.sitegen/` at all and no output (every variant is made, everything parsed);
- cached: `.sitegen/` kept (variants and parse results), the output deleted (`--clean`):
  every file is written again, but no photo is resized;
- no-op: the same build again, nothing changed;
- edit: one article's text changed.

For each it prints the median wall time of the build, the `images` stage (making the
variants missing from the cache, in worker processes) and the `copy` stage (copying
originals and variants into the output), from the build's own stage timings. It also
times `probe` (reading and hashing each photo, done while parsing) on its own.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "archive_corpus.py"

# One build in a fresh interpreter; prints its stage timings, CPU seconds (this process and
# its workers, whole build and making variants) and file count as JSON.
DRIVER = """
import json, resource, sys, time
from datetime import datetime, timezone
from pathlib import Path
import generator.build as build_module
import generator.output.write as write_module
from generator.config.options import BuildOptions

def cpu():
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))

images_cpu = [0.0]
real = write_module.make_variants
def measured(*args, **kwargs):
    start = cpu()
    try:
        return real(*args, **kwargs)
    finally:
        images_cpu[0] += cpu() - start
write_module.make_variants = measured
source, out, clean = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
start, start_cpu = time.perf_counter(), cpu()
report = build_module.build(BuildOptions(source=source, out=out, search=False, clean=clean,
                                         build_time=datetime(2030, 1, 1, tzinfo=timezone.utc)))
print(json.dumps({"wall": time.perf_counter() - start, "cpu": cpu() - start_cpu, "images_cpu": images_cpu[0],
                  "timings": report.timings, "written": report.written}))
"""


def make_site(work: Path, articles: int, images: int, textured: bool) -> Path:
    site = work / f"site-{articles}-{images}{'-textured' if textured else ''}"
    if not site.exists():
        subprocess.run([sys.executable, str(CORPUS), str(site), "--articles", str(articles),
                        "--images", str(images)], check=True, stdout=subprocess.DEVNULL)
        if textured:
            texture(site / "content" / "media")
    return site


def texture(media: Path) -> None:
    """Repaint every photo with smooth gradients plus grain, closer to a real photo's entropy."""
    from PIL import Image, ImageFilter

    for index, path in enumerate(sorted(media.glob("*.jpg"))):
        rng = random.Random(index)
        with Image.open(path) as img:
            size = img.size
        small = Image.new("RGB", (32, 22))
        small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(32 * 22)])
        base = small.resize(size, Image.Resampling.BICUBIC)
        noise = Image.effect_noise(size, 40).convert("RGB")
        Image.blend(base, noise, 0.25).filter(ImageFilter.SMOOTH).save(path, quality=85)


def run_build(site: Path, out: Path, clean: bool) -> dict:
    result = subprocess.run([sys.executable, "-c", DRIVER, str(site), str(out), "1" if clean else "0"],
                            cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def stage(result: dict, name: str) -> float:
    return sum(seconds for stage_name, seconds in result["timings"] if stage_name == name)


def scenario(label: str, runs: int, prepare, site: Path, out: Path, clean: bool) -> tuple:
    results = []
    for _ in range(runs):
        prepare()
        results.append(run_build(site, out, clean))
    wall = statistics.median(r["wall"] for r in results)
    images = statistics.median(stage(r, "images") for r in results)
    copy = statistics.median(stage(r, "copy") for r in results)
    cpu = statistics.median(r["cpu"] for r in results)
    images_cpu = statistics.median(r["images_cpu"] for r in results)
    written = results[-1]["written"]
    print(f"  {label}: build {wall:.2f} s ({cpu:.1f} s CPU), images {images:.2f} s ({images_cpu:.1f} s CPU), "
          f"copy {copy:.2f} s, {written} files written "
          "(runs: " + ", ".join(f"{r['wall']:.2f}" for r in results) + ")", flush=True)
    return label, wall, images, copy, written, cpu, images_cpu


def time_probe(site: Path) -> tuple[int, float]:
    from generator.content import photos as images

    photos = sorted((site / "content" / "media").glob("*.jpg"))
    images._PROBED.clear()
    start = time.perf_counter()
    for path in photos:
        images.probe(path)
    return len(photos), time.perf_counter() - start


def time_variants(site: Path, sample: int, textured: bool) -> tuple[int, float, float]:
    """CPU and wall seconds per photo to make all its variants, in this process (one core).

    CPU time does not depend on what else the machine runs, unlike the builds' wall times.
    With `textured`, copies of the photos are repainted with photo-like noise first.
    """
    import tempfile

    from generator.config.site import SiteConfig
    from generator.content.model import Image
    from generator.content.photos import probe
    from generator.images.make import make_photo_variants
    from generator.images.variants import Planned, responsive

    photos = sorted((site / "content" / "media").glob("*.jpg"))[:sample]
    config = SiteConfig(source=site, title="x", base_url="https://example.org/")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if textured:
            for photo in photos:
                shutil.copy(photo, folder / photo.name)
            texture(folder)
            photos = sorted(folder.glob("*.jpg"))
        cache = folder / "cache"
        cache.mkdir()
        cpu = wall = 0.0
        for photo in photos:
            info = probe(photo)
            image = Image(src=photo.name, url=f"/media/{photo.name}", file=str(photo), width=info.width,
                          height=info.height, digest=info.digest, alpha=info.alpha)
            plan = responsive(image, config.images)
            items = [Planned(rel=v.url, name=v.name, path=cache / v.name, source=photo, width=v.width,
                                    height=v.height, ext=v.ext, alpha=False, origin="", line=None)
                     for v in plan.webp + plan.fallback]
            start_cpu, start = time.process_time(), time.perf_counter()
            make_photo_variants(items, config.images)
            cpu += time.process_time() - start_cpu
            wall += time.perf_counter() - start
    return len(photos), cpu / len(photos), wall / len(photos)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-images-bench")
    parser.add_argument("--textured", action="store_true", help="photo-like noise instead of flat colours")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(REPO))
    site = make_site(args.work, args.articles, args.images, args.textured)
    out = args.work / "public"
    cache = site / ".sitegen"
    articles = sorted((site / "content" / "articles").rglob("*.md"))
    victim = articles[len(articles) // 2]
    original = victim.read_text(encoding="utf-8")

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    def cached() -> None:
        shutil.rmtree(out, ignore_errors=True)

    def edit() -> None:
        victim.write_text(original + f"\nKalimat tambahan {time.monotonic_ns()}.\n", encoding="utf-8")

    print(f"{args.articles} articles, {args.images} photos{' (textured)' if args.textured else ''}, "
          f"{args.runs} runs each", flush=True)
    rows = []
    try:
        rows.append(scenario("cold (no .sitegen/, no output)", args.runs, cold, site, out, True))
        rows.append(scenario("cached variants, clean output (--clean)", args.runs, cached, site, out, True))
        rows.append(scenario("no-op rebuild", args.runs, lambda: None, site, out, False))
        rows.append(scenario("rebuild after editing one article", args.runs, edit, site, out, False))
    finally:
        victim.write_text(original, encoding="utf-8")
    variants = list((out / "media" / "_v").iterdir())
    count, probe_seconds = time_probe(site)
    size = sum(p.stat().st_size for p in variants)
    print(f"\n{len(variants)} variant files ({size / 1048576:.1f} MB) of {count} photos; "
          f"probing (read + hash + header) {count} photos: {probe_seconds:.2f} s")
    kinds = [("the corpus' photos", False)] + ([] if args.textured else [("photo-like noise", True)])
    for name, repaint in kinds:
        count, cpu, wall = time_variants(site, 20, repaint)
        print(f"making the 6 variants of one 1600x1067 photo ({name}, mean of {count}, one core): "
              f"{cpu:.3f} s CPU, {wall:.3f} s wall")
    print("\n| build | wall | images stage (wall) | share | CPU | images stage (CPU) | share | copy stage | "
          "files written |\n|---|---|---|---|---|---|---|---|---|")
    for label, wall, images, copy, written, cpu, images_cpu in rows:
        print(f"| {label} | {wall:.1f} s | {images:.2f} s | {100 * images / wall:.0f} % | {cpu:.1f} s | "
              f"{images_cpu:.2f} s | {100 * images_cpu / max(cpu, 1e-9):.0f} % | {copy:.2f} s | {written} |")


if __name__ == "__main__":
    main()
