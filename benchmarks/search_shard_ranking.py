"""How much sharding changes search results: one index against merged shards.

Run from the repository root after `benchmarks/search_scale.py N` has built WORK/out-N:

    .venv/bin/python benchmarks/search_shard_ranking.py 10000 --work "$WORK" --threshold 2500

Indexes WORK/out-N twice with `generator.search.pagefind.index_site`: sharded with
`shard_threshold` THRESHOLD (kept as WORK/out-N/pagefind-sharded/) and as one index
(WORK/out-N/pagefind/). Then, in Chromium (Debian's package, through Playwright), runs
the same queries with Pagefind's JS API against the single index and against the shards
merged with `mergeIndex`, as the search page does, and compares result counts, the top
result and the overlap of the top 3 and top 10. Queries are corpus words drawn with a
fixed seed from three document-frequency bands (rare, middling, common) plus two-word
queries.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import random
import re
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.config.options import BuildOptions
from generator.config.search import SearchConfig
from generator.config.site import load_config  # noqa: E402
from generator.content.discover import discover
from generator.content.parse import load_content  # noqa: E402
from generator.search.incremental import index_site  # noqa: E402
from tests.browser import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402

COMPARE = """async ([single, sharded, queries]) => {
  const one = await import(single + 'pagefind.js');
  await one.options({bundlePath: single});
  const merged = await import(sharded[0] + 'pagefind.js');
  await merged.options({bundlePath: sharded[0]});
  for (const path of sharded.slice(1)) await merged.mergeIndex(path);
  const top = (r) => Promise.all(r.results.slice(0, 10).map(x => x.data().then(d => d.url)));
  const out = [];
  for (const q of queries) {
    const a = await one.search(q), b = await merged.search(q);
    out.push({q, na: a.results.length, nb: b.results.length, ua: await top(a), ub: await top(b)});
  }
  return out;
}"""


def queries(corpus: Path, seed: int) -> list[str]:
    df: collections.Counter[str] = collections.Counter()
    for path in sorted((corpus / "content/articles").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1].lower()
        df.update(set(re.findall(r"[a-z]{5,}", body)))
    rng = random.Random(seed)

    def pick(lo: int, hi: int, n: int) -> list[str]:
        words = sorted(w for w, c in df.items() if lo <= c <= hi)
        return rng.sample(words, min(n, len(words)))

    found = pick(5, 30, 10) + pick(60, 400, 10) + pick(1500, 5000, 5)
    return found + [" ".join(pick(60, 400, 2)) for _ in range(5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-search-bench")
    parser.add_argument("--threshold", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    site, out = args.work / f"corpus-{args.articles}", args.work / f"out-{args.articles}"
    config = load_config(BuildOptions(source=site, out=out, build_time=datetime(2025, 1, 1, tzinfo=timezone.utc)))
    articles = load_content(discover(site), config, drafts=False).articles
    for folder in ("pagefind", "pagefind-sharded"):
        shutil.rmtree(out / folder, ignore_errors=True)
    sharded = index_site(out, dataclasses.replace(config, search=SearchConfig(shard_threshold=args.threshold,
                                                                            recent_shard=args.threshold)), articles)
    (out / "pagefind").rename(out / "pagefind-sharded")
    index_site(out, dataclasses.replace(config, search=SearchConfig(shard_threshold=len(articles),
                                                              recent_shard=len(articles))), articles)
    bundles = [f"/arsip/pagefind-sharded/{name}/" for name in sharded.shards]
    asked = queries(site, args.seed)
    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium is needed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with serve(out, "/arsip/") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "cari/")
        rows = page.evaluate(COMPARE, ["/arsip/pagefind/", bundles, asked])
        browser.close()
    for r in rows:
        print(f"{r['q']!r:28} results {r['na']:5} / {r['nb']:5}   top-10 overlap {len(set(r['ua']) & set(r['ub'])):2}"
              f"   same top result {r['ua'][:1] == r['ub'][:1]}")
    n = len(rows)
    same_count = sum(r["na"] == r["nb"] for r in rows)
    top1 = sum(r["ua"][:1] == r["ub"][:1] for r in rows)
    top3 = sum(len(set(r["ua"][:3]) & set(r["ub"][:3])) / max(1, min(3, r["na"])) for r in rows) / n
    top10 = sum(len(set(r["ua"]) & set(r["ub"])) / max(1, min(10, r["na"])) for r in rows) / n
    print(f"\n{args.articles} articles, {len(bundles)} shards (shard_threshold {args.threshold}) against one index, "
          f"{n} queries: same result count {same_count}/{n}, same top result {top1}/{n}, "
          f"mean top-3 overlap {top3:.2f}, mean top-10 overlap {top10:.2f}")


if __name__ == "__main__":
    main()
