"""Corrections overlay: an edited or deleted story of a sealed shard is indexed into a small
overlay bundle, its old version hidden by result id, instead of indexing its shard again;
what a reader finds equals a clean build's."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from generator.output.cache import BuildCache
from generator.search import incremental
from generator.search.incremental import IndexState, ShardState, read_state
from generator.search.overlay import OVERLAY, Patch, Sealed, diff, page_url, result_ids, within_limit
from generator.search.shards import Shard
from tests.browser import serve
from tests.conftest import build_into
from tests.test_search import open_page, result_links, write_site
from tests.test_search_incremental import NEW, inodes, make, searchable, story
from tests.test_search_progressive import make_archive


def listing(out: Path) -> dict:
    return json.loads((out / "pagefind/shards.json").read_text())


def hidden_ids(out: Path) -> dict[str, list[str]]:
    return {s["name"]: s["hidden"] for s in listing(out)["shards"] if s.get("hidden")}


def correct(site: Path, slug: str, year: str, old: str, new: str) -> None:
    path = story(site, slug, year)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_diff_names_the_stale_versions_and_the_current_ones() -> None:
    shard = Shard("2022-1", (date(2022, 1, 1), 0), ("a", "b", "new"), date(2022, 1, 1), date(2022, 2, 1))
    base = {"a": "1" * 16, "b": "2" * 16, "gone": "3" * 16}
    fingerprints = {"a": "1" * 16 + "ffff", "b": "9" * 20, "new": "4" * 20}
    assert diff(shard, base, fingerprints) == Patch(frozenset({"b", "gone"}), frozenset({"b", "new"}))
    assert diff(shard, base, fingerprints).size == 3


def test_the_overlay_bound_folds_the_shards_with_the_most_changes_first() -> None:
    def patch(n: int) -> Patch:
        return Patch(frozenset(f"p{i}" for i in range(n)), frozenset())

    kept, folded = within_limit({"2019-1": patch(5), "2020-1": patch(2), "2021-1": patch(4)}, limit=6)
    assert folded == ["2019-1"] and sorted(kept) == ["2020-1", "2021-1"]
    assert within_limit({"2019-1": patch(3)}, limit=6) == ({"2019-1": patch(3)}, [])


def test_a_page_maps_to_the_url_pagefind_records() -> None:
    assert page_url("kota/2022/03/a/index.html") == "/kota/2022/03/a/"
    assert page_url("x.html") == "/x.html"


def test_the_stored_overlay_state_is_read_back_strictly() -> None:
    good = IndexState(10, 2, (ShardState("2022-1", "2022-03-04", "0" * 32, 2, 100),),
                      {"2022-1": Sealed({"a/index.html": "0" * 16}, {"a/index.html": "id_0123abc"})},
                      ("1" * 32, 1, 50))
    assert read_state(good.to_json()) == good
    broken = []
    for change in (
            lambda d: d["sealed"]["2022-1"]["hidden"].update({"a/index.html": "../../x"}),  # not an id
            lambda d: d["sealed"]["2022-1"]["hidden"].update({"b/index.html": "id_0123abc"}),  # not in the base
            lambda d: d["sealed"]["2022-1"]["base"].update({"a/index.html": "xyz"}),  # not a fingerprint
            lambda d: d["sealed"].update({"../2022-1": {"base": {}, "hidden": {}}}),  # not a shard
            lambda d: d["sealed"].update({"2022-1": {"base": {}}}),
            lambda d: d.update({"sealed": []}),
            lambda d: d.update({"overlay": ["1" * 32, 1]}),
            lambda d: d.update({"overlay": ["x", 1, 50]}),
            lambda d: d.update({"overlay": ["1" * 32, True, 50]})):
        data = json.loads(json.dumps(good.to_json()))
        change(data)
        broken.append(read_state(data))
    assert broken == [None] * len(broken)


def test_a_correction_to_a_sealed_story_goes_to_the_overlay_and_its_old_version_is_hidden(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    sealed = {name: inodes(out, name) for name in ("2022-1", "2023-1", "2023-2")}
    old_id = result_ids(out / "pagefind/2022-1", {"sains/2022/08/hujan-meteor/index.html"})
    fragment = out / "pagefind/2022-1/fragment" / f"{old_id['sains/2022/08/hujan-meteor/index.html']}.pf_fragment"
    assert json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["url"] == \
        "/sains/2022/08/hujan-meteor/"
    correct(site, "hujan-meteor", "2022", "bukit kapur", "puncak gunung")
    report = build_into(site, out, search=True)
    assert report.search.indexed == (OVERLAY,) and report.search.pages == 5
    assert {name: inodes(out, name) for name in sealed} == sealed  # no shard indexed again, none copied
    assert hidden_ids(out) == {"2022-1": list(old_id.values())}
    assert listing(out)["overlay"]["bundle"] == "corrections/" and listing(out)["overlay"]["pages"] == 1
    found = searchable(out)
    assert "puncak gunung" in found["/sains/2022/08/hujan-meteor/"] and "kapur" not in "".join(found.values())
    # A second correction of the same story replaces the overlay's version; the hidden id stays.
    correct(site, "hujan-meteor", "2022", "puncak gunung", "lereng bukit")
    assert build_into(site, out, search=True).search.indexed == (OVERLAY,)
    assert hidden_ids(out) == {"2022-1": list(old_id.values())}
    assert "lereng bukit" in searchable(out)["/sains/2022/08/hujan-meteor/"]


def test_a_deleted_sealed_story_is_hidden_without_running_pagefind(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    story(site, "kebun-kelapa", "2022").unlink()
    report = build_into(site, out, search=True)
    assert report.search.indexed == () and report.search.pages == 4
    assert "/kota/2022/03/kebun-kelapa/" not in searchable(out) and "overlay" not in listing(out)


def test_a_shard_hiding_the_same_results_keeps_its_counts_and_equals_counting_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import counts, saved

    monkeypatch.setattr(saved, "KEEP", 2)  # two stories make a word saved, with its count, in this small site
    docs = []
    for run, cached in (("kept", True), ("counted", False)):
        site, out = make(tmp_path / run)
        correct(site, "hujan-meteor", "2022", "bukit kapur", "puncak gunung")
        build_into(site, out, search=True)
        assert hidden_ids(out)  # 2022-1 hides the old version from now on
        story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
        state = read_state(BuildCache(site, out).load_manifest().search)
        stored = set(state.words["2022-1"].counts)
        counted: list[str] = []
        count = counts._Reader.count
        monkeypatch.setattr(counts._Reader, "count", lambda self, stem: (
            counted.append(stem) if self.bundle.folder.name == "2022-1" else None) or count(self, stem))
        if not cached:  # the same build without the counts the manifest keeps: every bundle read again
            monkeypatch.setattr(incremental, "read_words", lambda data, names: {})
        assert build_into(site, out, search=True).search.indexed == ("2023-2",)
        # Hiding the same ids as when its counts were made, the sealed shard counts only the
        # words newly saved (the new story's), not those it has counts for.
        assert stored and (not set(counted) & stored) is cached
        docs.append((out / "pagefind/saved.json").read_bytes())
        monkeypatch.undo()
        monkeypatch.setattr(saved, "KEEP", 2)
    assert docs[0] == docs[1] and json.loads(docs[0])["lists"]


def test_a_correction_undone_empties_the_overlay(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    before = searchable(out)
    correct(site, "hujan-meteor", "2022", "bukit kapur", "puncak gunung")
    build_into(site, out, search=True)
    correct(site, "hujan-meteor", "2022", "puncak gunung", "bukit kapur")
    report = build_into(site, out, search=True)
    assert report.search.indexed == ()
    assert not (out / "pagefind" / OVERLAY).exists() and hidden_ids(out) == {} and searchable(out) == before


def test_past_the_bound_the_shard_is_indexed_again_and_the_overlay_folded(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    stories = [{"slug": f"cerita-{n}", "date": f"2022-0{n + 1}-10 09:00", "section": "kota",
                "title": f"Cerita {n}", "body": f"Warga desa {n} memanen padi."} for n in range(6)]
    stories += [{"slug": "jalan-baru", "date": "2023-05-20 10:00", "section": "kota", "title": "Jalan Baru",
                 "body": "Truk kopra lewat jalan baru."}]
    site = write_site(tmp_path / "s", stories, threshold=10, recent=2)
    out = tmp_path / "public"
    assert build_into(site, out, search=True).search.shards == ("2023-1", "2022-1")
    monkeypatch.setattr(incremental, "LIMIT", 1)
    correct(site, "cerita-1", "2022", "memanen padi", "menanam jagung")
    assert build_into(site, out, search=True).search.indexed == (OVERLAY,)  # one change: within the bound
    correct(site, "cerita-2", "2022", "memanen padi", "menanam jagung")
    report = build_into(site, out, search=True)
    assert report.search.indexed == ("2022-1",)  # two: past it
    assert not (out / "pagefind" / OVERLAY).exists() and hidden_ids(out) == {}
    clean = tmp_path / "clean"
    build_into(site, clean, search=True, clean=True)
    assert searchable(out) == searchable(clean)


def test_a_settings_change_indexes_everything_again_without_an_overlay(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    correct(site, "hujan-meteor", "2022", "bukit kapur", "puncak gunung")
    build_into(site, out, search=True)
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('title = "Warta Uji"', 'title = "Warta Baru"'), encoding="utf-8")
    report = build_into(site, out, search=True)
    assert sorted(report.search.indexed) == ["2022-1", "2023-1", "2023-2"]
    assert not (out / "pagefind" / OVERLAY).exists() and hidden_ids(out) == {}


# A generated archive with several sealed shards, built, corrected and deleted into, then
# compared in Chromium with a clean build of the same content.
STORIES = 600  # 2021 to late 2023: about 220 a year
KEMARAU = [i for i in range(STORIES) if i % 50 == 49]  # the stories holding "kemarau"


def kabar(site: Path, i: int) -> Path:
    return next((site / "content/articles").glob(f"*/kabar-{i:04d}.md"))


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(incremental output after corrections, clean output of the same content)."""
    root = tmp_path_factory.mktemp("overlay")
    site = make_archive(root / "site", STORIES)
    with (site / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[search]\nshard_threshold = 120\nrecent_shard = 100\n")
    out = root / "public"
    first = build_into(site, out, search=True)
    sealed = [name for name in first.search.shards if not name.startswith("2023-")]
    assert len(sealed) >= 2
    # 49 (2021): "kemarau" becomes "gempa"; 349 (2022) gets "gempa" too; 99 (2021) is deleted.
    path = kabar(site, 49)
    path.write_text(path.read_text(encoding="utf-8").replace("kemarau", "gempa"), encoding="utf-8")
    path = kabar(site, 349)
    path.write_text(path.read_text(encoding="utf-8").replace(" pagi ini.", " gempa susulan pagi ini."),
                    encoding="utf-8")
    kabar(site, 99).unlink()
    report = build_into(site, out, search=True)
    assert report.search.indexed == (OVERLAY,)
    assert len(hidden_ids(out)) == 2  # two sealed shards hide a version each (or two)
    clean = root / "clean"
    assert OVERLAY not in build_into(site, clean, search=True, clean=True).search.indexed
    return out, clean


def search_all(page, url: str, query: str, newest: bool = False, year: str = "") -> tuple[list[str], int]:
    """Every result link the page shows for `query` (pressing "more" until done), and its count."""
    page.goto(url + "cari/?q=" + query)
    result_links(page)
    if newest:
        page.select_option("select[data-sort]", "newest")
    if year:
        page.get_by_label("Tahun").select_option(year)
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
    more = page.locator("[data-search-more]")
    while more.is_visible():
        before = page.locator(".search-result").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {before}")
    count = page.locator("[data-search-count]")
    return result_links(page), int(count.get_attribute("data-search-count")) if count.count() else 0


@pytest.mark.slow
@pytest.mark.browser
def test_chromium_finds_corrections_by_their_new_words_only_and_equals_a_clean_build(browser, corrected) -> None:
    out, clean = corrected
    with serve(out) as url, serve(clean) as clean_url:
        page, problems = open_page(browser, url)
        other, _ = open_page(browser, clean_url)
        for query, newest, year in [("gempa", False, ""), ("gempa", True, ""), ("kemarau", False, ""),
                                    ("kemarau", True, ""), ("banjir", True, ""), ("kemarau", True, "2022"),
                                    ("gempa", False, "2021")]:
            links, count = search_all(page, url, query, newest, year)
            expected, expected_count = search_all(other, clean_url, query, newest, year)
            assert count == expected_count == len(expected), (query, newest, year)
            # "Terbaru" is one exact order; by relevance the overlay's scores come from its own
            # small bundle, so the same stories may come in another order.
            assert (links if newest else sorted(links)) == (expected if newest else sorted(expected)), query
        # By its new words, a corrected story is found; by its removed words, not; a deleted one, never.
        links, count = search_all(page, url, "gempa")
        assert count == 2 and any("kabar-0049" in link for link in links)
        links, count = search_all(page, url, "kemarau", newest=True)
        assert count == len(KEMARAU) - 2
        assert not any("kabar-0049" in link or "kabar-0099" in link for link in links)
        assert [link for link in links if "kabar-0349" in link]  # its new version, in its place by date
        links, count = search_all(page, url, "gempa", year="2021")
        assert count == 1 and "kabar-0049" in links[0]
        assert problems == []
        page.close()
        other.close()


@pytest.mark.slow
@pytest.mark.browser
def test_saved_counts_stay_exact_with_the_overlay(browser, corrected) -> None:
    # A saved word's whole-archive count leaves out the versions the page hides and counts
    # the overlay's: "banjir" lost story 99 (deleted), as a clean build's count says.
    out, clean = corrected

    def counts(folder: Path) -> dict[str, int]:
        doc = json.loads((folder / "pagefind/saved.json").read_text(encoding="utf-8"))
        return {word: doc["lists"][number]["n"] for word, number in doc["words"].items()}

    mine, theirs = counts(out), counts(clean)
    shared = set(mine) & set(theirs)
    assert "banjir" in shared and "warga" in shared
    assert {w: mine[w] for w in shared} == {w: theirs[w] for w in shared}
    assert mine["banjir"] == STORIES // 3 - 1
    with serve(out) as url:
        page, problems = open_page(browser, url)
        for word in ("banjir", "warga"):
            assert search_all(page, url, word)[1] == mine[word], word
        assert problems == []
        page.close()
