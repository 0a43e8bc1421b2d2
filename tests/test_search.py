"""Search: the Pagefind command line, sharding, failures, markup, and the search page in Chromium."""

from __future__ import annotations

import gzip
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.cli import main
from generator.config.options import BuildOptions
from generator.config.site import load_config
from generator.content.discover import discover
from generator.content.parse import load_content
from generator.errors import BuildError
from generator.images.variants import thumb_image
from generator.search import incremental
from generator.search import pagefind as search
from generator.search.incremental import index_site
from generator.search.pagefind import (
    SearchReport,
    find_article_pages,
    index_language,
    pagefind_command,
    run_pagefind,
)
from generator.search.shards import plan_layout
from tests.browser import serve
from tests.conftest import BUILD_TIME, REPO, build_into

JAKARTA = ZoneInfo("Asia/Jakarta")
SUBPATH = "https://example.github.io/arsip/"
# A word of the sample archive that occurs in the body of one story only, not its headline.
BODY_WORD = "blencong"
BODY_WORD_URL = "/arsip/budaya/2023/11/dalang-muda-solo-bawakan-wayang-berbahasa-indonesia/"


# --- Helpers ----------------------------------------------------------------------------

def write_site(root: Path, stories: list[dict[str, str]], threshold: int | None = None,
               recent: int | None = None) -> Path:
    """A small site: `stories` are dicts with slug, date, section, title, body (and reporter)."""
    root.mkdir(parents=True, exist_ok=True)
    toml = ('title = "Warta Uji"\nbase_url = "https://example.org/"\nlanguage = "id"\n'
            'timezone = "Asia/Jakarta"\n\n[sections]\nkota = "Kota"\nsains = "Sains"\n')
    if threshold is not None or recent is not None:
        toml += "\n[search]\n" + (f"shard_threshold = {threshold}\n" if threshold else "") \
            + (f"recent_shard = {recent}\n" if recent else "")
    (root / "site.toml").write_text(toml, encoding="utf-8")
    for story in stories:
        folder = root / "content/articles" / story["date"][:4]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{story['slug']}.md").write_text(
            f"---\ntitle: {story['title']}\ndate: {story['date']}\nsection: {story['section']}\n"
            f"reporter: {story.get('reporter', 'Sari Lestari')}\ntags: [uji]\n---\n\n{story['body']}\n",
            encoding="utf-8")
    return root


TWO_YEARS = [
    {"slug": "kebun-kelapa-warga", "date": "2022-03-04 09:00", "section": "kota",
     "title": "Kebun Kelapa Warga Panen Raya", "body": "Warga memetik kelapa muda di kebun desa. Kelapa dijual ke pasar."},
    {"slug": "hujan-meteor", "date": "2022-08-12 21:00", "section": "sains",
     "title": "Hujan Meteor Terlihat Jelas", "body": "Langit cerah membuat hujan meteor mudah diamati."},
    {"slug": "jalan-baru", "date": "2023-05-20 10:00", "section": "kota",
     "title": "Jalan Baru Menuju Pelabuhan", "body": "Truk pengangkut kopra dan kelapa kini lewat jalan baru."},
    {"slug": "teleskop-sekolah", "date": "2023-11-02 08:00", "section": "sains",
     "title": "Sekolah Dapat Teleskop", "body": "Murid mengamati bulan dengan teleskop sumbangan alumni."},
]


def config_for(site: Path, **options: object):
    return load_config(BuildOptions(source=site, out=site / "public", build_time=BUILD_TIME, **options))  # type: ignore[arg-type]


def articles_of(site: Path):
    return load_content(discover(site), config_for(site), drafts=False).articles


def entries(spec: dict[tuple[int, int], int]) -> list[tuple[str, datetime]]:
    """(page, date) entries: `spec` maps (year, month) to a number of pages."""
    found = []
    for (year, month), count in spec.items():
        for n in range(count):
            found.append((f"s/{year}/{month:02d}/a{n}/index.html", datetime(year, month, 1 + n % 28, 12, tzinfo=JAKARTA)))
    return found


# --- The command line and the sharding plan ---------------------------------------------------

def test_command_runs_the_packaged_binary_with_one_language(tmp_path: Path) -> None:
    command = pagefind_command(tmp_path / "site", tmp_path / "out/pagefind", "id")
    assert command[:3] == [sys.executable, "-m", "pagefind_bin"]
    assert command[command.index("--site") + 1] == str(tmp_path / "site")
    assert command[command.index("--output-path") + 1] == str(tmp_path / "out/pagefind")
    assert command[command.index("--force-language") + 1] == "id"
    assert index_language("id-ID") == "id" and index_language("en_GB") == "en" and index_language("jv") == "jv"


def layout_of(spec: dict[tuple[int, int], int], threshold: int, recent: int) -> list[tuple[str, int]]:
    return [(s.name, len(s.pages)) for s in plan_layout(entries(spec), threshold, recent).shards]


def test_an_archive_within_recent_shard_is_one_index() -> None:
    layout = plan_layout(entries({(2022, 1): 3, (2023, 5): 4}), threshold=2, recent=7)
    assert [(s.name, s.folder) for s in layout.shards] == [("", "pagefind")]
    assert sorted(layout.shards[0].pages) == sorted(p for p, _ in entries({(2022, 1): 3, (2023, 5): 4}))
    assert plan_layout([], threshold=7, recent=7).shards == ()


def test_sealed_years_are_packed_oldest_first_and_the_newest_year_cut_into_runs_of_days() -> None:
    spec = {(2019, 1): 2, (2020, 6): 2, (2021, 3): 3, (2022, 2): 5, (2023, 9): 5}
    # entries() puts page n of a month on day n+1: 2023's five pages are five days.
    assert layout_of(spec, threshold=5, recent=2) == [
        ("2023-3", 1), ("2023-2", 2), ("2023-1", 2), ("2022-1", 5), ("2021-1", 3), ("2019-1", 4)]
    every = [p for s in plan_layout(entries(spec), 5, 2).shards for p in s.pages]
    assert sorted(every) == sorted(p for p, _ in entries(spec)) and len(set(every)) == len(every)


def test_a_sealed_year_larger_than_the_threshold_is_cut_at_month_ends() -> None:
    spec = {(2023, 1): 2, (2023, 2): 2, (2023, 3): 3, (2023, 4): 7, (2024, 6): 1}
    layout = plan_layout(entries(spec), threshold=4, recent=1)
    assert all(len(s.pages) <= 4 for s in layout.shards)
    # Newest first; April (7 pages) is cut by day.
    assert [(s.name, len(s.pages)) for s in layout.shards] == [
        ("2024-1", 1), ("2023-5", 3), ("2023-4", 4), ("2023-3", 3), ("2023-2", 4)][:1] + [
        (s.name, len(s.pages)) for s in layout.shards[1:]]
    months = [{p.split("/")[2] for p in s.pages} for s in layout.shards]
    assert months[-1] == {"01", "02"} and months[-2] == {"03"} and months[1] == months[2] == {"04"}
    every = [p for s in layout.shards for p in s.pages]
    assert sorted(every) == sorted(p for p, _ in entries(spec))


def test_years_follow_the_site_timezone(tmp_path: Path) -> None:
    # 2023-12-31 20:00 in New York is already 2024 in Jakarta.
    site = write_site(tmp_path / "s", [
        {"slug": "a", "date": "2023-12-31T20:00:00-05:00", "section": "kota", "title": "Satu", "body": "Isi."},
        {"slug": "b", "date": "2023-06-01 10:00", "section": "kota", "title": "Dua", "body": "Isi."},
    ], recent=1)
    config = config_for(site)
    layout = plan_layout([(a.url, a.date.astimezone(config.tz)) for a in articles_of(site)], 10, 1)
    assert [s.name for s in layout.shards] == ["2024-1", "2023-1"]


def test_pages_found_by_their_markers_give_the_planned_layout(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS, recent=2)
    out = tmp_path / "public"
    build_into(site, out)
    config = config_for(site)
    found = plan_layout(find_article_pages(out, config.tz), 10, 2)
    planned = plan_layout([(a.url.strip("/") + "/index.html", a.date.astimezone(config.tz))
                           for a in articles_of(site)], 10, 2)
    assert [s.name for s in found.shards] == ["2023-1", "2022-1"] and found == planned


# --- Configuration ----------------------------------------------------------------------------

def config_errors(site: Path, extra: str) -> list[str]:
    text = (site / "site.toml").read_text() + extra
    (site / "site.toml").write_text(text)
    with pytest.raises(BuildError) as info:
        config_for(site)
    return [d.format().splitlines()[0] + (f" [{d.hint}]" if d.hint else "") for d in info.value.diagnostics]


def test_search_keys_are_validated(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS)
    errors = config_errors(site, '\n[search]\nshard_treshold = 5\n')
    assert errors == ["site.toml:11: error: unknown key 'shard_treshold' in [search] [did you mean 'shard_threshold'?]"]
    site = write_site(tmp_path / "t", TWO_YEARS)
    assert config_errors(site, '\n[search]\nshard_threshold = 0\n') == [
        "site.toml:11: error: [search] shard_threshold must be at least 1"]
    site = write_site(tmp_path / "u", TWO_YEARS)
    assert config_errors(site, '\n[search]\nshard_threshold = "many"\n') == [
        "site.toml:11: error: [search] shard_threshold must be a whole number, not a string"]
    site = write_site(tmp_path / "w", TWO_YEARS)
    assert config_errors(site, '\n[search]\nrecent_shard = 0\n') == [
        "site.toml:11: error: [search] recent_shard must be at least 1"]
    site = write_site(tmp_path / "v", TWO_YEARS)
    assert config_errors(site, '\n[paths]\nsearch = "Cari Berita"\n') == [
        "site.toml:11: error: [paths] search 'Cari Berita' is not URL-safe [use lowercase letters, digits and hyphens]"]


def test_defaults() -> None:
    config = config_for(REPO)
    assert config.paths.search == "cari"
    assert config.search.shard_threshold == 10_000 and config.search.recent_shard == 1_000


# --- Failures ------------------------------------------------------------------------------------

def test_pagefind_on_a_missing_folder_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        run_pagefind(pagefind_command(tmp_path / "missing", tmp_path / "out", "id"), "a missing folder")
    [diag] = info.value.diagnostics
    assert diag.path == "pagefind"
    assert diag.message.startswith("Pagefind failed (exit status 1) indexing a missing folder:")
    assert "not able to build an index" in diag.message
    assert diag.message.count("not able to build an index") == 1  # repeated lines are shown once
    assert "--no-search" in (diag.hint or "")


def test_a_failing_binary_stops_the_build_without_a_traceback(basic_site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    failing = [sys.executable, "-c", "import sys; print('indexing...'); sys.stderr.write('Error: disk on fire\\n'); sys.exit(3)"]
    monkeypatch.setattr(search, "pagefind_command", lambda site, bundle, language: failing)
    out = tmp_path / "public"
    # A first build: nothing is written.
    assert main(["build", "--source", str(basic_site), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "pagefind: error: Pagefind failed (exit status 3) indexing 3 articles:\n    Error: disk on fire" in err
    assert "Traceback" not in err
    assert not out.exists()
    # Over an existing site (built without the index): it stays as it was.
    assert main(["build", "--source", str(basic_site), "--out", str(out), "--no-search", "--quiet"]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["build", "--source", str(basic_site), "--out", str(out)]) == 1
    assert "Error: disk on fire" in capsys.readouterr().err
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "basic") == ["public"]  # no scratch left


def test_the_scratch_folder_is_removed_when_pagefind_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS, recent=2)
    out = tmp_path / "public"
    build_into(site, out)
    monkeypatch.setattr(search, "pagefind_command", lambda site, bundle, language: [sys.executable, "-c", "raise SystemExit(2)"])
    with pytest.raises(BuildError) as info:
        index_site(out, config_for(site), articles_of(site))
    assert "shard 2023-1" in info.value.diagnostics[0].message and "(no output)" in info.value.diagnostics[0].message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "s"]  # the scratch folder is gone


def test_missing_article_pages_are_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError) as info:
        index_site(tmp_path / "empty", config_for(site), articles_of(site))
    assert info.value.diagnostics[0].message.startswith("4 article pages to index were not written")


def test_without_the_binary_the_hint_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS)
    real = incremental.importlib.util.find_spec
    monkeypatch.setattr(incremental.importlib.util, "find_spec", lambda name: None if name == "pagefind_bin" else real(name))
    with pytest.raises(BuildError) as info:
        index_site(tmp_path, config_for(site), articles_of(site))
    assert "pip install pagefind-bin" in (info.value.diagnostics[0].hint or "")


# --- What the build writes ------------------------------------------------------------------------

def test_index_report_and_summary_line(basic_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    assert main(["build", "--source", str(basic_site), "--out", str(out)]) == 0
    [last] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Search index:")]
    files = sum(1 for p in (out / "pagefind").rglob("*") if p.is_file())
    assert re.fullmatch(rf"Search index: 3 pages, {files} files written, \d+(\.\d)? (kB|MB), in \d+\.\d\ds"
                        r"( \(Pagefind peak \d+(\.\d)? (kB|MB)\))?\.", last), last
    assert (out / "pagefind/pagefind.js").is_file() and (out / "pagefind/shards.json").is_file()
    assert not [p for p in tmp_path.iterdir() if ".search-" in p.name]


def test_a_relative_output_folder_works(basic_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pagefind runs in a scratch folder of its own: the paths it gets must be absolute.
    monkeypatch.chdir(basic_site)
    assert main(["build", "--out", "public", "--quiet"]) == 0
    assert (basic_site / "public/pagefind/pagefind-entry.json").is_file()


def test_index_site_counts_pages_size_and_memory(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS)
    out = tmp_path / "public"
    build_into(site, out)
    report = index_site(out, config_for(site), articles_of(site))
    assert isinstance(report, SearchReport)
    assert report.pages == 4 and report.shards == () and report.indexed == ("",)
    assert report.index_bytes == sum(p.stat().st_size for p in (out / "pagefind").rglob("*") if p.is_file())
    assert report.seconds > 0
    if sys.platform.startswith("linux"):
        assert report.peak_memory is not None and report.peak_memory > 1_000_000


def test_a_sharded_build_writes_one_bundle_per_shard_and_a_list_the_page_reads(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS, recent=2)
    out = tmp_path / "public"
    report = build_into(site, out, search=True)
    assert report.search.shards == ("2023-1", "2022-1") and report.search.pages == 4
    assert report.search.indexed == ("2023-1", "2022-1")
    for name in ("2023-1", "2022-1"):
        assert (out / f"pagefind/{name}/pagefind-entry.json").is_file()
    assert not (out / "pagefind/pagefind-entry.json").exists()
    listed = json.loads((out / "pagefind/shards.json").read_text())["shards"]
    assert [(s["bundle"], s["pages"], s["first"], s["last"]) for s in listed] == [
        ("2023-1/", 2, "2023-05-20", "2023-11-02"), ("2022-1/", 2, "2022-03-04", "2022-08-12")]
    html = (out / "cari/index.html").read_text()
    assert 'data-index="/pagefind/"' in html and '<script type="module" src="/static/search.js" async></script>' in html
    assert "2023-1" not in html  # the page reads the layout at run time: it does not change with it


def test_a_site_without_articles_has_no_index_and_says_so(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", [])
    out = tmp_path / "public"
    report = build_into(site, out, search=True)
    assert report.search.pages == 0 and not (out / "pagefind").exists()
    html = (out / "cari/index.html").read_text()
    assert "Pencarian belum tersedia" in html and "search.js" not in html


def test_only_article_pages_carry_the_index_markers(sample_public_subpath: Path) -> None:
    root = sample_public_subpath
    marked = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                    if "data-pagefind-body" in p.read_text(encoding="utf-8"))
    config = config_for(REPO)
    articles = articles_of(REPO)
    assert marked == sorted(a.url.strip("/") + "/index.html" for a in articles)
    assert "tentang/index.html" not in marked  # standalone pages are deliberately not searchable
    story = next(a for a in articles if a.reporters and a.tags and a.image)
    html = (root / story.url.strip("/") / "index.html").read_text(encoding="utf-8")
    hidden = html[html.index("<div hidden data-pagefind-ignore>"):html.index("</article>")]
    assert f'<span data-pagefind-filter="year">{story.date.astimezone(config.tz).year}</span>' in hidden
    # The date sorts, and as metadata ("stamp") places a corrected story's overlay result by date.
    assert (f'<span data-pagefind-sort="date" data-pagefind-meta="stamp">{int(story.date.timestamp())}</span>'
            in hidden)
    # Results show a thumbnail: the small variant, not the original photo.
    thumb = thumb_image(story.image, config.images)
    assert thumb is not None and "/_v/" in thumb.url and thumb.width is not None and thumb.width <= 480
    assert f'<span data-pagefind-meta="image">/arsip{thumb.url}</span>' in hidden
    assert '<span data-pagefind-meta="image_alt">' in hidden and '<span data-pagefind-meta="date">' in hidden
    assert '<span data-pagefind-meta="title">' in hidden
    assert '<span data-pagefind-meta="section" data-pagefind-filter="section">' in hidden
    assert hidden.count('data-pagefind-filter="reporter"') == len(story.reporters)
    assert hidden.count('data-pagefind-filter="tag"') == len(story.tags)
    assert '<aside class="related" data-related data-pagefind-ignore="all"' in html  # lends no image
    # Every page has the masthead search box, a plain GET form to the search page.
    home = (root / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" role="search" action="/arsip/cari/" method="get">' in home
    page = (root / "cari/index.html").read_text(encoding="utf-8")
    assert 'data-index="/arsip/pagefind/"' in page and 'data-base="/arsip/"' in page
    assert '<script type="module" src="/arsip/static/search.js" async></script>' in page
    assert '<link rel="preload" href="/arsip/pagefind/shards.json" as="fetch" crossorigin>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "/cari/" not in (root / "sitemap.xml").read_text(encoding="utf-8")


# --- In the browser ---------------------------------------------------------------------------------

def open_page(browser, url: str, requests: list[str] | None = None):
    page = browser.new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    problems: list[str] = []
    if requests is not None:
        page.on("request", lambda req: requests.append(req.url))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, problems


def result_links(page, expected: int | None = None) -> list[str]:
    """Hrefs of the rendered results, once the search is complete."""
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
    links = page.locator(".search-result-title a")
    assert expected is None or links.count() == expected
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def count_of(page) -> int:
    return int(page.locator("[data-search-count]").get_attribute("data-search-count"))


@pytest.mark.browser
def test_masthead_box_leads_to_results_with_the_body_word_and_focus_moves_to_them(browser, site_url: str) -> None:
    page, problems = open_page(browser, site_url)
    page.fill("#site-search-q", BODY_WORD)
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/arsip/cari/\?q=" + BODY_WORD + "$"))
    assert result_links(page, 1) == [BODY_WORD_URL]
    assert page.locator("#search-q").input_value() == BODY_WORD
    assert page.evaluate("document.activeElement.matches('[data-search-results]')")
    assert page.locator("[data-search-results]").get_attribute("aria-live") == "polite"
    assert page.locator("[data-search-status]").inner_text() == "Ditemukan 1 berita"
    first = page.locator(".search-result").first
    assert re.fullmatch(r"\w+, \d{1,2} \w+ \d{4} \d{2}\.\d{2}\s\w+", first.locator(".search-result-date").inner_text())
    assert BODY_WORD in first.locator(".search-result-excerpt mark").first.inner_text().lower()
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_the_search_page_barely_shifts_while_results_arrive(browser, site_url: str, size: tuple[int, int]) -> None:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    # Entries are buffered from the start of the navigation, before any result arrives.
    page.add_init_script("window.__shifts = 0; new PerformanceObserver(l => { for (const e of l.getEntries())"
                         " if (!e.hadRecentInput) window.__shifts += e.value; })"
                         ".observe({type: 'layout-shift', buffered: true});")
    page.goto(site_url + "cari/?q=banjir")
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
    page.wait_for_timeout(500)
    shifts = page.evaluate("window.__shifts")
    assert shifts < 0.01, f"cumulative layout shift {shifts:.4f} on the search page at {size}"
    page.close()


@pytest.mark.browser
def test_typing_in_the_search_page_finds_the_story_and_keeps_q_in_the_url(browser, site_url: str) -> None:
    page, problems = open_page(browser, site_url + "cari/")
    page.locator("#search-q").press_sequentially(BODY_WORD, delay=20)
    page.wait_for_url(re.compile(r"\?q=" + BODY_WORD + "$"))
    assert result_links(page, 1) == [BODY_WORD_URL]
    assert page.evaluate("document.activeElement.id") == "search-q"  # typing keeps the focus in the box
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()


@pytest.mark.browser
def test_a_search_page_opened_without_a_query_sets_up_pagefind_before_the_reader_types(
        browser, site_url: str) -> None:
    # The set-up (script, worker, WebAssembly, index metadata) is what a first search
    # waited for; done at once, it is over by the time a query is typed (issue 24).
    page, problems = open_page(browser, site_url + "cari/")
    page.wait_for_function("performance.getEntriesByType('resource').some(r => r.name.endsWith('/pagefind-worker.js'))")
    assert page.evaluate("document.documentElement.dataset.searchState") is None  # nothing searched
    fetched = page.evaluate("performance.getEntriesByType('resource').map(r => new URL(r.name).pathname)")
    # The shard list and saved lists come from the page's preloads, fetched once each.
    assert fetched.count("/arsip/pagefind/shards.json") == 1 and fetched.count("/arsip/pagefind/saved.json") == 1
    page.locator("#search-q").press_sequentially(BODY_WORD, delay=20)
    assert result_links(page, 1) == [BODY_WORD_URL]
    assert problems == []
    page.close()


@pytest.mark.browser
def test_results_show_thumbnail_date_and_excerpt(browser, site_url: str) -> None:
    page, problems = open_page(browser, site_url + "cari/?q=banjir")
    links = result_links(page, 5)
    assert len(links) == 5 and all(link.startswith("/arsip/") for link in links)
    with_image = page.locator(".search-result:has(img.search-result-thumb)")
    assert with_image.count() >= 1
    src = with_image.first.locator("img").get_attribute("src")
    assert src.startswith("/arsip/") and "/_v/" in src and with_image.first.locator("img").get_attribute("alt")
    assert page.locator(".search-result-date").count() == 5
    # The date as every other page of the site writes it (issue 19): weekday, month name, time, zone.
    assert re.fullmatch(r"\w+, \d{1,2} \w+ \d{4} \d{2}\.\d{2}\s\w+", page.locator(".search-result-date").first.inner_text())
    assert page.locator(".search-result-excerpt mark").count() >= 5
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()


def wait_for_count(page, count: int) -> None:
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete' && "
                           f"document.querySelector('[data-search-count]')?.dataset.searchCount === '{count}'")


@pytest.mark.browser
def test_a_section_filter_narrows_results_to_that_section(browser, site_url: str) -> None:
    page, problems = open_page(browser, site_url + "cari/?q=banjir")
    before = result_links(page, 5)
    assert {link.split("/")[2] for link in before} == {"nasional", "ekonomi", "teknologi"}
    section = page.get_by_label("Rubrik")
    assert section.evaluate("el => el.tagName") == "SELECT"
    section.select_option("Nasional")
    wait_for_count(page, 3)
    after = result_links(page, 3)
    assert {link.split("/")[2] for link in after} == {"nasional"}
    assert problems == []
    page.close()


@pytest.mark.browser
def test_newest_first_sorts_results_by_date(browser, site_url: str) -> None:
    page, problems = open_page(browser, site_url + "cari/?q=banjir")
    result_links(page, 5)
    page.get_by_label("Urutkan").select_option("newest")
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
    stamps = page.evaluate("""async () => {
        const links = [...document.querySelectorAll('.search-result-title a')].map(a => a.href);
        const html = await Promise.all(links.map(u => fetch(u).then(r => r.text())));
        return html.map(t => +t.match(/data-pagefind-sort="date"[^>]*>(\\d+)</)[1]);
    }""")
    assert len(stamps) == 5 and stamps == sorted(stamps, reverse=True)
    assert problems == []
    page.close()


@pytest.mark.browser
def test_a_query_without_matches_shows_the_empty_state(browser, site_url: str) -> None:
    page, problems = open_page(browser, site_url + "cari/?q=zyxwvutqq")
    page.locator(".search-empty").wait_for(state="visible")
    assert "Tidak ada berita yang cocok" in page.locator(".search-empty").inner_text()
    assert page.locator("[data-search-status]").inner_text() == "Tidak ditemukan berita untuk “zyxwvutqq”"
    assert page.locator(".search-result").count() == 0
    # A new search that matches hides it again.
    page.locator("#search-q").fill("banjir")
    page.locator(".search-empty").wait_for(state="hidden")
    assert problems == []
    page.close()


@pytest.mark.browser
def test_search_page_has_no_axe_violations_with_results_and_a_filter_chosen(browser, site_url: str) -> None:
    from tests.test_browser import axe_violations

    page, problems = open_page(browser, site_url + "cari/?q=banjir")
    result_links(page, 5)
    assert axe_violations(page) == []
    page.get_by_label("Rubrik").select_option("Nasional")
    wait_for_count(page, 3)
    assert axe_violations(page) == []
    assert problems == []
    page.close()


@pytest.mark.browser
def test_a_sharded_archive_is_searched_as_one(browser, tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS, recent=2)
    out = tmp_path / "public"
    report = build_into(site, out, base_url=SUBPATH, search=True)
    assert report.search.shards == ("2023-1", "2022-1")
    with serve(out, "/arsip/") as url:
        fetched: list[str] = []
        page, problems = open_page(browser, url + "cari/?q=kelapa", fetched)
        links = result_links(page, 2)
        # One list across both shards, by relevance: "kelapa" in the 2022 headline and body
        # outranks one mention in a 2023 body, although 2023 is searched first.
        assert links == ["/arsip/kota/2022/03/kebun-kelapa-warga/", "/arsip/kota/2023/05/jalan-baru/"]
        assert page.locator("[data-search-status]").inner_text() == "Ditemukan 2 berita"
        years = page.get_by_label("Tahun").evaluate("el => [...el.options].map(o => o.value)")
        assert years == ["", "2023", "2022"]
        assert any("/pagefind/2022-1/" in u for u in fetched) and any("/pagefind/2023-1/" in u for u in fetched)
        # A year leaves the other shards out entirely.
        fetched.clear()
        page.get_by_label("Tahun").select_option("2022")
        wait_for_count(page, 1)
        assert result_links(page, 1) == ["/arsip/kota/2022/03/kebun-kelapa-warga/"]
        assert not any("/pagefind/2023-1/" in u for u in fetched)
        page.wait_for_load_state("networkidle")
        assert problems == []
        page.close()


def test_a_build_without_the_index_says_so_on_the_search_page_instead_of_loading_missing_files(
        tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", TWO_YEARS)
    out = tmp_path / "public"
    build_into(site, out, search=False)
    html = (out / "cari/index.html").read_text()
    assert "Pencarian belum tersedia" in html and "pagefind" not in html
    assert not (out / "pagefind").exists()
    build_into(site, out, search=True)  # the same site with its index: the page loads it
    html = (out / "cari/index.html").read_text()
    assert 'data-index="/pagefind/"' in html and (out / "pagefind/pagefind.js").is_file()


# --- Reproducible output ----------------------------------------------------------------

@pytest.mark.slow
def test_two_clean_builds_give_the_same_index_but_for_pagefinds_filter_order(tmp_path: Path) -> None:
    """Everything under pagefind/ is byte for byte the same in two clean builds, sharded,
    into folders with other names (other scratch folders fed to Pagefind, other mtimes),
    except the files Pagefind writes in a HashMap's order (docs/guarantees.md): the
    filters, the meta file naming them and the entry naming that; and those hold the same
    bytes in another order."""
    from tests.test_faults import UNORDERED, index_problems, make_big_site, reproducible, snapshot

    site = make_big_site(tmp_path, 120)
    with (site / "site.toml").open("a") as toml:
        toml.write("\n[search]\nshard_threshold = 50\nrecent_shard = 30\n")
    outs = [tmp_path / "a" / "public", tmp_path / "b" / "site"]
    for out in outs:
        report = build_into(site, out, search=True, clean=True)
        assert len(report.search.shards) >= 2 and index_problems(out) == []
    first, second = (snapshot(out) for out in outs)
    assert reproducible(first) == reproducible(second)
    assert any(rel.startswith("pagefind/") and rel.endswith(".pf_fragment") for rel in reproducible(first))

    def unordered(files: dict[str, bytes]) -> dict[str, list[bytes]]:
        """Per bundle, the filter files' bytes, each sorted: equal when only the order differs."""
        found: dict[str, list[bytes]] = {}
        for rel, data in files.items():
            if UNORDERED.fullmatch(rel) and rel.endswith(".pf_filter"):
                found.setdefault(rel.split("/filter/")[0], []).append(bytes(sorted(gzip.decompress(data))))
        return {bundle: sorted(parts) for bundle, parts in found.items()}

    assert unordered(first) == unordered(second) != {}
