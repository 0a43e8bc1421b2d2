"""The search page answers progressively: a saved list of the newest stories for the
archive's frequent words, else the newest shard's results, first; then the whole
archive's, and the final list is the one a plain Pagefind search gives."""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import threading
import time
from datetime import date, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from tests.browser import serve
from tests.conftest import build_into
from tests.test_search import open_page, result_links

ARTICLES = 3000  # "a few thousand stories" (issue 24): a dozen and more shards
KEMARAU = ARTICLES // 50  # stories holding "kemarau" (every 50th)
BANJIR = ARTICLES // 3  # and "banjir" (every third)
GERHANA = range(7, ARTICLES // 2, 40)  # "gerhana" only in the older half: none in the newest shards
WORDS = ("pasar jembatan sekolah listrik sungai hujan warga kota desa nelayan petani harga beras "
         "jalan kereta pelabuhan gunung hutan pantai musim").split()

# Records every state the page goes through, with the results shown at that moment.
WATCH_STATES = """
window.__states = [];
new MutationObserver(() => {
  const state = document.documentElement.getAttribute('data-search-state');
  if (state) window.__states.push([state, document.querySelectorAll('.search-result').length]);
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-search-state']});
"""

# Pagefind's own API, without the page: one index, and the same shards merged by mergeIndex.
PLAIN = """async ([single, shards, term]) => {
  const pf = await import(single + 'pagefind.js');
  const one = pf.createInstance({basePath: single, baseUrl: '/'});
  await one.init();
  const a = await one.search(term);
  const merged = pf.createInstance({basePath: shards[0], baseUrl: '/'});
  await merged.init();
  for (const path of shards.slice(1)) await merged.mergeIndex(path);
  const b = await merged.search(term);
  const urls = await Promise.all(b.results.slice(0, 20).map(r => r.data().then(d => d.url)));
  return {single: a.results.map(r => r.id), merged: b.results.map(r => r.id), urls};
}"""


def make_archive(root: Path, count: int = ARTICLES) -> Path:
    """`count` stories over 2021 to late 2023; "banjir" in every third, "kemarau" in every 50th,
    "gerhana" in every 40th of the older half."""
    rng = random.Random(24)
    (root / "content/articles").mkdir(parents=True)
    (root / "site.toml").write_text(
        'title = "Warta Uji"\nbase_url = "https://example.org/"\nlanguage = "id"\ntimezone = "Asia/Jakarta"\n\n'
        '[sections]\nkota = "Kota"\nsains = "Sains"\n\n[related]\ncount = 2\n', encoding="utf-8")
    for i in range(count):
        when = date(2021, 1, 1) + timedelta(days=i * 1000 // count)  # up to late September 2023
        year, month, mday = when.year, when.month, when.day
        words = rng.sample(WORDS, 6) + (["banjir"] * rng.randint(1, 4) if i % 3 == 0 else []) \
            + (["kemarau"] if i % 50 == 49 else [])
        rng.shuffle(words)
        folder = root / "content/articles" / str(year)
        folder.mkdir(exist_ok=True)
        (folder / f"kabar-{i:04d}.md").write_text(
            f"---\ntitle: Kabar {i} {words[0]}\ndate: {year}-{month:02d}-{mday:02d} {8 + i % 10:02d}:{i % 60:02d}\n"
            f"section: {'kota' if i % 2 else 'sains'}\nreporter: Wartawan {i % 7}\ntags: [uji]\n---\n\n"
            f"Warga {' '.join(words)}{' gerhana' if i in GERHANA else ''} pagi ini.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive built twice into one folder: sharded (public/) and as one index (single/)."""
    root = tmp_path_factory.mktemp("progressive")
    site = make_archive(root / "site")
    with (site / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[search]\nshard_threshold = 500\nrecent_shard = 150\n")
    served = root / "served"
    report = build_into(site, served, search=True)
    assert len(report.search.shards) >= 4 and report.search.pages == ARTICLES
    single = root / "single"
    toml = (site / "site.toml").read_text().replace("recent_shard = 150", f"recent_shard = {ARTICLES}")
    (site / "site.toml").write_text(toml)
    assert build_into(site, single, search=True).search.shards == ()
    shutil.copytree(single / "pagefind", served / "single-index")
    return served


@pytest.mark.slow
@pytest.mark.browser
def test_results_appear_newest_shard_first_then_complete(browser, archive: Path) -> None:
    # "kemarau" is in too few of the newest stories to have a saved list: the newest
    # shard's results come first (under its complete count, as a common word of the archive).
    with serve(archive) as url:
        page = browser.new_page(locale="id-ID")
        page.add_init_script(WATCH_STATES)
        page.goto(url + "cari/?q=kemarau")
        page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
        states = page.evaluate("window.__states")
        names = [state for state, _ in states]
        assert names[0] == "searching" and "partial" in names and names[-1] == "complete"
        assert names.index("partial") < names.index("complete")
        partial_shown = states[names.index("partial")][1]
        assert partial_shown > 0  # the newest shard's results were on screen before the rest
        status = page.locator("[data-search-status]").inner_text()
        count = int(page.locator("[data-search-count]").get_attribute("data-search-count"))
        assert "saved" not in names
        assert status == f"Ditemukan {count:,} berita".replace(",", ".") and count == KEMARAU
        # The page marks each list it shows, for benchmarks that must not read its layout.
        page.wait_for_function("performance.getEntriesByName('sitegen-search:shown').length >= 2")
        marks = page.evaluate("performance.getEntriesByName('sitegen-search:shown').map(m => m.detail)")
        assert [m["stage"] for m in marks][-1] == "complete" and marks[0]["stage"] != "complete"
        assert marks[-1]["count"] == KEMARAU and marks[-1]["links"] == result_links(page, 10)
        page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_word_the_newest_shard_lacks_shows_the_first_older_shards_results_before_the_rest(
        browser, archive: Path) -> None:
    with serve(archive) as url:
        page = browser.new_page(locale="id-ID")
        page.goto(url + "cari/?q=gerhana")
        links = result_links(page, 10)
        marks = shown_marks(page, 3)
        stages = [(m["stage"], len(m["links"])) for m in marks if m["stage"] != "count"]
        # The newest shard found nothing; the first older shard holding the word is shown
        # while the oldest ones are still searched, then the complete list.
        assert stages[0] == ("partial", 0) and stages[1][0] == "partial" and stages[1][1] > 0
        assert stages[-1] == ("complete", 10) and marks[-1]["count"] == len(GERHANA)
        assert len(links) == 10
        page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_final_list_equals_a_plain_pagefind_search(browser, archive: Path) -> None:
    shards = [f"/pagefind/{s['bundle']}" for s in json.loads((archive / "pagefind/shards.json").read_text())["shards"]]
    with serve(archive) as url:
        page, problems = open_page(browser, url + "cari/?q=banjir")
        shown = result_links(page, 10)
        page.locator("[data-search-more]").click()
        page.wait_for_function("document.querySelectorAll('.search-result').length === 20")
        shown = [page.locator(".search-result-title a").nth(i).get_attribute("href") for i in range(20)]
        plain = page.evaluate(PLAIN, ["/single-index/", shards, "banjir"])
        # The same stories as one index finds, and in the order Pagefind itself merges the shards.
        assert sorted(plain["merged"]) == sorted(plain["single"]) and len(plain["single"]) == BANJIR
        assert shown == plain["urls"]
        assert int(page.locator("[data-search-count]").get_attribute("data-search-count")) == len(plain["single"])
        assert problems == []
        page.close()


def shown_marks(page, least: int) -> list[dict]:
    """The page's "sitegen-search:shown" marks, once there are at least `least`."""
    page.wait_for_function(f"performance.getEntriesByName('sitegen-search:shown').length >= {least}")
    return page.evaluate("performance.getEntriesByName('sitegen-search:shown').map(m => m.detail)")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("query", ["banjir", "banjir pasar", "Pasar Banjir"])
def test_a_saved_list_shows_at_once_and_is_the_start_of_the_newest_first_list(browser, archive: Path,
                                                                               query: str) -> None:
    with serve(archive) as url:
        page = browser.new_page(locale="id-ID")
        page.add_init_script(WATCH_STATES)
        page.goto(url + "cari/?q=" + query.replace(" ", "+"))
        page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
        names = [state for state, _ in page.evaluate("window.__states")]
        assert names[:2] == ["searching", "saved"] and names[-1] == "complete"
        saved = shown_marks(page, 2)[0]
        assert saved["stage"] == "saved" and 1 <= len(saved["links"]) <= 10
        # Ordered "Terbaru", the live search's complete list starts with the saved list.
        page.select_option("select[data-sort]", "newest")
        marks = shown_marks(page, 4)
        again = [m for m in marks[2:] if m["stage"] == "saved"]
        newest = [m for m in marks[2:] if m["stage"] == "complete"][-1]
        assert again and again[0]["links"] == saved["links"]
        assert newest["links"][:len(saved["links"])] == saved["links"]
        if query == "banjir":
            assert len(saved["links"]) == 10 and newest["count"] == BANJIR
        page.close()


def watch_saved_texts(page) -> None:
    """Record the status line's text while the page shows a saved list."""
    page.add_init_script("""
      window.__texts = [];
      new MutationObserver(() => {
        if (document.documentElement.dataset.searchState === 'saved')
          window.__texts.push(document.querySelector('[data-search-status]').textContent);
      }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});""")


@pytest.mark.slow
@pytest.mark.browser
def test_the_saved_list_says_what_it_is_until_the_complete_list_replaces_it(browser, archive: Path) -> None:
    # Two words: no count is saved for them; the number found so far grows instead.
    with serve(archive) as url:
        page = browser.new_page(locale="id-ID")
        watch_saved_texts(page)
        page.goto(url + "cari/?q=banjir+pasar")
        page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
        texts = page.evaluate("window.__texts")
        assert texts and all(t.startswith("Berita terbaru yang memuat “banjir pasar” (daftar tersimpan)") for t in texts)
        # While the older shards are searched, the count found so far grows on screen.
        counts = [int(t.split("arsip: ")[1].split(" ")[0]) for t in texts if "sejauh ini" in t]
        final = int(page.locator("[data-search-count]").get_attribute("data-search-count"))
        assert counts and counts == sorted(counts) and counts[-1] < final
        assert page.locator("[data-search-status]").inner_text() == f"Ditemukan {final:,} berita".replace(",", ".")
        page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_saved_word_shows_its_complete_count_at_once_and_the_ranking_s_progress(browser, archive: Path) -> None:
    with serve(archive) as url:
        page = browser.new_page(locale="id-ID")
        watch_saved_texts(page)
        page.goto(url + "cari/?q=banjir")
        page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
        texts = page.evaluate("window.__texts")
        number = f"{BANJIR:,}".replace(",", ".")
        told = f"Ditemukan {number} berita untuk “banjir”, dihitung dari seluruh arsip."
        assert texts and all(t.startswith(told) for t in texts), texts
        shards = len(json.loads((archive / "pagefind/shards.json").read_text())["shards"])
        done = [int(t.split("disusun (")[1].split(" ")[0]) for t in texts]
        assert done[0] == 0 and done == sorted(done) and done[-1] < shards and len(set(done)) > 1
        assert all(f"dari {shards} bagian arsip" in t for t in texts)
        assert page.locator("[data-search-status]").inner_text() == f"Ditemukan {BANJIR:,} berita".replace(",", ".")
        page.close()


class _SlowHandler(SimpleHTTPRequestHandler):
    """Serves like GitHub Pages (max-age=600), holding back chosen files, logging what it sent."""

    delays: dict[str, float] = {}
    served: list[tuple[float, str]]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self) -> None:
        time.sleep(self.delays.get(self.path.split("?", 1)[0].rsplit("/", 1)[-1], 0))
        super().do_GET()
        self.served.append((time.monotonic(), self.path))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a file still held back does not hold up the test's end


@contextlib.contextmanager
def serve_slowly(root: Path, delays: dict[str, float]) -> Iterator[tuple[str, list[tuple[float, str]]]]:
    """Serve `root` with each file named in `delays` sent that many seconds late; yields the
    base URL and the log of (time sent, path)."""
    served: list[tuple[float, str]] = []
    handler = type("Handler", (_SlowHandler,), {"delays": delays, "served": served})
    server = _Server(("127.0.0.1", 0), partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", served
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_newest_bundles_set_up_files_are_fetched_beside_pagefind_js_and_read_once(browser,
                                                                                        archive: Path) -> None:
    # Pagefind fetches its worker, then pagefind-entry.json, then the WebAssembly and the
    # metadata, each after the one before. The page asks for them as soon as the shard list
    # is in: with pagefind.js held back, all four are sent before it, and the worker then
    # reads them from the browser's cache (each sent once).
    newest = "/pagefind/" + json.loads((archive / "pagefind/shards.json").read_text())["shards"][0]["bundle"]
    with serve_slowly(archive, {"pagefind.js": 1.0}) as (url, served):
        page = browser.new_page(locale="id-ID")
        page.goto(url + "cari/?q=kemarau")
        links = result_links(page, 10)
        page.close()
    sent = {path.split("?", 1)[0]: when for when, path in served}
    paths = [path.split("?", 1)[0] for _, path in served]
    setup = [newest + name for name in ("pagefind-worker.js", "pagefind-entry.json", "wasm.id.pagefind")]
    meta = [p for p in paths if p.startswith(newest + "pagefind.") and p.endswith(".pf_meta")]
    assert len(meta) == 1 and all(paths.count(p) == 1 for p in setup + meta), paths
    assert all(sent[p] < sent[newest + "pagefind.js"] for p in setup + meta)
    assert len(links) == 10


@pytest.mark.slow
@pytest.mark.browser
def test_the_search_does_not_wait_for_the_pages_other_scripts(browser, archive: Path) -> None:
    # search.js is an async module: sitegen.js (relative dates, deferred) held back for
    # 20 s does not hold back the search, whose results are complete long before.
    with serve_slowly(archive, {"sitegen.js": 20.0}) as (url, served):
        page = browser.new_page(locale="id-ID")
        page.goto(url + "cari/?q=kemarau", wait_until="commit")
        result_links(page, 10)
        assert not any(path.endswith("/sitegen.js") for _, path in served)
        page.close()
