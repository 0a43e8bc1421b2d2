"""Wall time, CPU time and memory of the related-articles step alone.

Run from the repository root:

    .venv/bin/python benchmarks/related_speed.py 10000
    .venv/bin/python benchmarks/related_speed.py 100000 --runs 3
    .venv/bin/python benchmarks/related_speed.py 10000 --corpus newsroom

Builds N synthetic articles (benchmarks/topic_corpus.py: ~300-word Markdown bodies,
four tags, one reporter and one editor each; or --corpus newsroom), then times `compute_related` alone
`--runs` times (default 3) and prints each run and the median, wall-clock and CPU
(CPU time shows the cost when other processes share the two cores).  Memory is the peak
resident set size of the whole process (articles included) while the related step
runs: the kernel's high-water mark is reset just before it where Linux allows, and
`/usr/bin/time -v` around the script gives the same figure as an upper bound.  Each run
also prints a digest of all the lists, so two commits can be compared for identical output.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import newsroom_corpus  # noqa: E402
import topic_corpus  # noqa: E402

from generator.config.related import RelatedConfig
from generator.related.engine import compute_related  # noqa: E402


def _status_mb(field: str) -> float | None:
    """A memory figure from /proc/self/status in MB, or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) so it covers only what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def lists_digest(related: dict[str, tuple[str, ...]]) -> str:
    """A short digest of every list: equal digests mean a change to the engine moved no list."""
    return hashlib.sha256(repr(sorted(related.items())).encode()).hexdigest()[:16]


def main() -> None:
    """Generate the corpus, time compute_related, print seconds and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", choices=("topic", "newsroom"), default="topic")
    args = parser.parse_args()

    started = time.perf_counter()
    make_corpus = newsroom_corpus.make_corpus if args.corpus == "newsroom" else topic_corpus.make_corpus
    articles, _ = make_corpus(args.n, seed=args.seed)
    print(f"generated {len(articles)} articles in {time.perf_counter() - started:.1f} s "
          f"({os.cpu_count()} CPUs); RSS with articles loaded: {_status_mb('VmRSS'):.0f} MB")
    config = RelatedConfig()
    times, cpus, peaks = [], [], []
    for run in range(args.runs):
        gc.collect()
        reset = _reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        related = compute_related(articles, config)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = _status_mb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        full = sum(len(v) == config.count for v in related.values()) / max(len(related), 1)
        times.append(elapsed)
        cpus.append(cpu)
        peaks.append(peak or 0.0)
        print(f"run {run + 1}: compute_related {elapsed:.2f} s wall ({cpu:.2f} s CPU), "
              f"peak RSS {peak:.0f} MB, "
              f"full lists {full:.1%}, lists digest {lists_digest(related)}")
        del related
    print(f"median of {args.runs}: {statistics.median(times):.2f} s wall "
          f"({statistics.median(cpus):.2f} s CPU) for {args.n} articles; "
          f"max peak RSS {max(peaks):.0f} MB; process ru_maxrss "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
