"""Precision@5 of the related-articles engine against baselines, on two synthetic corpora.

Run from the repository root:

    .venv/bin/python benchmarks/related_quality.py [N] [SEEDS] [--corpus newsroom|topic] [--first-seed S]

N synthetic articles (default 3000) are generated for SEEDS seeds (default 3, starting
at --first-seed, default 0) by benchmarks/topic_corpus.py (hidden topics, tidy tags)
or benchmarks/newsroom_corpus.py (sibling stories, untagged and mis-tagged stories,
affixed word forms, briefs).  A listed article is a hit when it was written from the
same topic (story).  Precision is hits / listed, over all lists; "full" is the share of
articles whose list has `count` entries.

Baselines: Hugo-style "related by tags" (score = number of shared tags, ties broken by
newest first), and plain TF-IDF cosine over the whole text with and without Snowball
stems (benchmarks/text_baselines.py).  Two ablations of the engine (text weight 0,
tags weight 0) show what each strong signal brings on its own; a third (neighbours
weight 0) what the round of feedback brings.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import newsroom_corpus  # noqa: E402
import topic_corpus  # noqa: E402
from text_baselines import tfidf_lists  # noqa: E402

from generator.config.related import RelatedConfig
from generator.content.model import Article  # noqa: E402
from generator.related.engine import compute_related  # noqa: E402


def tags_baseline(articles: list[Article], count: int = 5) -> dict[str, tuple[str, ...]]:
    """Hugo-like: most shared tags first, then newest; articles sharing no tag are not listed."""
    names: dict[str, int] = {}
    rows, cols = [], []
    for row, article in enumerate(articles):
        for tag in set(article.tags):
            rows.append(row)
            cols.append(names.setdefault(tag, len(names)))
    tags = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(articles), len(names)))
    shared = (tags @ tags.T).tocsr()
    newest = np.array([a.date.timestamp() for a in articles])
    result = {}
    for i, article in enumerate(articles):
        start, end = shared.indptr[i], shared.indptr[i + 1]
        js, counts = shared.indices[start:end], shared.data[start:end]
        keep = js != i
        js, counts = js[keep], counts[keep]
        order = np.lexsort((js, -newest[js], -counts))[:count]
        result[article.source] = tuple(articles[j].source for j in js[order])
    return result


def score(lists: dict[str, tuple[str, ...]], topic: dict[str, int], count: int) -> tuple[float, float]:
    """Return (precision of listed articles, share of articles with a full list)."""
    hits = listed = full = 0
    for source, related in lists.items():
        hits += sum(topic[r] == topic[source] for r in related)
        listed += len(related)
        full += len(related) == count
    return hits / max(listed, 1), full / max(len(lists), 1)


def main() -> None:
    """Print precision@5 and full-list share for the engine, two ablations and the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=3000, help="articles per corpus")
    parser.add_argument("seeds", type=int, nargs="?", default=3, help="how many seeds")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--corpus", choices=("newsroom", "topic"), default="topic")
    parser.add_argument("--no-baselines", action="store_true", help="the engine and its ablations only")
    args = parser.parse_args()
    n, seeds = args.n, range(args.first_seed, args.first_seed + args.seeds)
    make_corpus = newsroom_corpus.make_corpus if args.corpus == "newsroom" else topic_corpus.make_corpus
    config = RelatedConfig()
    # The ablations show what each strong signal brings on its own (tags only means no
    # feedback either: the feedback compares words).
    variants = {"engine (defaults)": config,
                "engine, tags only (text = 0)": replace(config, text=0.0, neighbours=0.0),
                "engine, text only (tags = 0)": replace(config, tags=0.0),
                "engine, no feedback (neighbours = 0)": replace(config, neighbours=0.0)}
    baselines = {"tags-only baseline": lambda articles: tags_baseline(articles, config.count),
                 "TF-IDF, no stems": lambda articles: tfidf_lists(articles, stem=False),
                 "TF-IDF, Snowball stems": lambda articles: tfidf_lists(articles, stem=True)}
    if args.no_baselines:
        baselines = {}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in [*variants, *baselines]}
    for seed in seeds:
        articles, topics = make_corpus(n, seed=seed)
        topic = {a.source: t for a, t in zip(articles, topics)}
        for name, variant in variants.items():
            started = time.perf_counter()
            lists = compute_related(articles, variant)
            elapsed = time.perf_counter() - started
            results[name].append(score(lists, topic, config.count))
            print(f"seed {seed}: {name:<36} p@5 {results[name][-1][0]:.4f} "
                  f"full {results[name][-1][1]:.1%} ({elapsed:.2f} s)")
        for name, baseline in baselines.items():
            results[name].append(score(baseline(articles), topic, config.count))
            print(f"seed {seed}: {name:<36} p@5 {results[name][-1][0]:.4f} full {results[name][-1][1]:.1%}")
    print(f"\nmean over seeds {', '.join(map(str, seeds))} of {n} articles ({args.corpus} corpus):")
    for name, rows in results.items():
        precision, full = np.mean(np.array(rows), axis=0)
        print(f"  {name:<36} precision@5 {precision:.3f}   full lists {full:.1%}")


if __name__ == "__main__":
    main()
