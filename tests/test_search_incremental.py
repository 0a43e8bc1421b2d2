"""Search indexed incrementally: only shards whose pages changed are indexed again, and the
index never finds an edited or deleted story by its old words."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.build import STORIES_KEY
from generator.output.cache import BuildCache
from generator.search.incremental import IndexState, ShardState, read_state
from tests.browser import serve
from tests.conftest import build_into
from tests.test_search import open_page, result_links, write_site

# 2022: two stories (one sealed shard); 2023: three on three days, cut into runs of two
# (recent_shard = 2): 2023-1 holds May and June, 2023-2 (the recent shard) October.
STORIES = [
    {"slug": "kebun-kelapa", "date": "2022-03-04 09:00", "section": "kota",
     "title": "Kebun Kelapa Warga", "body": "Warga memetik kelapa di kebun desa."},
    {"slug": "hujan-meteor", "date": "2022-08-12 21:00", "section": "sains",
     "title": "Hujan Meteor Terlihat", "body": "Langit cerah, hujan meteor mudah diamati dari bukit kapur."},
    {"slug": "jalan-baru", "date": "2023-05-20 10:00", "section": "kota",
     "title": "Jalan Baru ke Pelabuhan", "body": "Truk kopra lewat jalan baru."},
    {"slug": "pasar-ikan", "date": "2023-06-11 07:00", "section": "kota",
     "title": "Pasar Ikan Dipugar", "body": "Pedagang ikan pindah sementara ke lapangan."},
    {"slug": "teleskop", "date": "2023-10-02 08:00", "section": "sains",
     "title": "Sekolah Dapat Teleskop", "body": "Murid mengamati bulan dengan teleskop."},
]
NEW = ("---\ntitle: Gerhana Bulan Total\ndate: 2023-11-05 19:00\nsection: sains\nreporter: Sari Lestari\n"
       "tags: [uji]\n---\n\nGerhana bulan total terlihat dari alun-alun, warga membawa teropong.\n")


def story(site: Path, slug: str, year: str) -> Path:
    return site / "content/articles" / year / f"{slug}.md"


def make(tmp_path: Path) -> tuple[Path, Path]:
    site = write_site(tmp_path / "s", STORIES, threshold=10, recent=2)
    out = tmp_path / "public"
    report = build_into(site, out, search=True)
    assert report.search.shards == ("2023-2", "2023-1", "2022-1")
    return site, out


def inodes(out: Path, name: str) -> dict[str, int]:
    folder = out / "pagefind" / name
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def indexed_urls(out: Path) -> set[str]:
    """The page URLs every fragment of every bundle under out/pagefind names."""
    urls = set()
    for path in (out / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        urls.add(json.loads(data[len(b"pagefind_dcd"):])["url"])
    return urls


def searchable(out: Path) -> dict[str, str]:
    """URL -> indexed text of every page a search can return: each bundle's fragments less
    the result ids shards.json hides."""
    listing = json.loads((out / "pagefind/shards.json").read_text())
    hidden = {i for s in listing["shards"] for i in s.get("hidden", [])}
    found: dict[str, str] = {}
    for path in (out / "pagefind").rglob("*.pf_fragment"):
        if path.name[:-len(".pf_fragment")] not in hidden:
            data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            assert data["url"] not in found, data["url"]  # one version of each story
            found[data["url"]] = data["content"]
    return found


def test_a_new_story_reindexes_only_the_recent_shard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, out = make(tmp_path)
    kept = {name: inodes(out, name) for name in ("2023-1", "2022-1")}
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    report = build_into(site, out, search=True)
    assert report.search.indexed == ("2023-2",) and report.search.pages == 6
    assert report.search.summary().endswith("(3 shards, 1 re-indexed (2023-2), Pagefind peak "
                                            f"{report.search.summary().split('Pagefind peak ')[1]}")
    # The other shards' folders were not touched: the same files, not copies.
    assert {name: inodes(out, name) for name in kept} == kept
    listed = json.loads((out / "pagefind/shards.json").read_text())["shards"]
    assert [(s["name"], s["pages"]) for s in listed] == [("2023-2", 2), ("2023-1", 2), ("2022-1", 2)]
    assert "/sains/2023/11/gerhana/" in indexed_urls(out)
    # Nothing changed: nothing is indexed, and the summary has no search line.
    assert build_into(site, out, search=True).search is None
    assert main(["build", "--source", str(site), "--out", str(out)]) == 0
    assert "Search index" not in capsys.readouterr().out


def test_a_recent_shard_that_overflows_splits_alone(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    story(site, "gerhana-2", "2023").write_text(NEW.replace("2023-11-05", "2023-11-06"), encoding="utf-8")
    report = build_into(site, out, search=True)
    assert report.search.shards == ("2023-3", "2023-2", "2023-1", "2022-1")
    assert sorted(report.search.indexed) == ["2023-2", "2023-3"]


def test_a_correction_in_the_newest_year_reindexes_its_shard_and_its_old_words_are_gone(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    kept = inodes(out, "2023-2")
    path = story(site, "jalan-baru", "2023")
    path.write_text(path.read_text().replace("Truk kopra", "Bus kota"), encoding="utf-8")
    report = build_into(site, out, search=True)
    assert report.search.indexed == ("2023-1",)  # not sealed: no overlay, its own shard again
    assert inodes(out, "2023-2") == kept
    words = b"".join(gzip.decompress(p.read_bytes()) for p in (out / "pagefind/2023-1").rglob("*.pf_fragment"))
    assert b"Bus kota" in words and b"kopra" not in words


def test_a_deleted_story_reindexes_only_its_shard(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    story(site, "pasar-ikan", "2023").unlink()
    report = build_into(site, out, search=True)
    assert report.search.indexed == ("2023-1",) and report.search.pages == 4
    assert "/kota/2023/06/pasar-ikan/" not in indexed_urls(out)


def test_a_story_moving_into_a_new_year_seals_the_old_one(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", STORIES, threshold=10, recent=2)
    out = tmp_path / "public"
    build_into(site, out, search=True, future=True)  # a story in 2024 is after the tests' clock
    story(site, "tahun-baru", "2024").parent.mkdir()
    story(site, "tahun-baru", "2024").write_text(NEW.replace("2023-11-05", "2024-01-01"), encoding="utf-8")
    report = build_into(site, out, search=True, future=True)
    # 2023 is sealed now and packed whole; 2022 stays as it was.
    assert report.search.shards == ("2024-1", "2023-1", "2022-1")
    assert sorted(report.search.indexed) == ["2023-1", "2024-1"]


def test_incremental_builds_equal_a_clean_build_outside_the_index(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    build_into(site, out, search=True)
    path = story(site, "jalan-baru", "2023")
    path.write_text(path.read_text().replace("Truk kopra", "Bus kota"), encoding="utf-8")
    story(site, "kebun-kelapa", "2022").unlink()
    path = story(site, "hujan-meteor", "2022")
    path.write_text(path.read_text().replace("bukit kapur", "puncak gunung"), encoding="utf-8")
    build_into(site, out, search=True)
    clean = tmp_path / "clean"
    build_into(site, clean, search=True, clean=True)

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and not p.relative_to(root).as_posix().startswith("pagefind/")}

    assert files(out) == files(clean)
    # What a reader can find (the overlay's versions, not the hidden ones) is the clean index's.
    assert searchable(out) == searchable(clean) and len(searchable(out)) == 5


def test_the_stored_state_is_checked_before_any_name_becomes_a_path() -> None:
    good = IndexState(10, 2, (ShardState("2023-1", "2023-05-20", "0" * 32, 2, 100),))
    assert read_state(good.to_json()) == good
    for name in ("../../etc", "2023-1/..", "x", "2023-1\n"):
        bad = good.to_json()
        bad["shards"][0][0] = name
        assert read_state(bad) is None, name
    for broken in (None, [], {"format": 2}, {**good.to_json(), "threshold": True},
                   {**good.to_json(), "shards": [["2023-1", "2023-13-40", "0" * 32, 2, 100]]},
                   {**good.to_json(), "shards": [["2023-1", "2023-05-20", "../x", 2, 100]]},
                   {**good.to_json(), "shards": [["2023-1", "2023-05-20", "0" * 32, -1, 100]]}):
        assert read_state(broken) is None, broken


def test_a_crafted_manifest_only_makes_the_index_built_whole(tmp_path: Path) -> None:
    site, out = make(tmp_path)
    cache = BuildCache(site, out)
    manifest = cache.load_manifest()
    assert manifest is not None and read_state(manifest.search) is not None
    manifest.search["shards"][0][0] = "../../victim"
    cache.save_manifest(manifest)
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim/keep.txt").write_text("x")
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    report = build_into(site, out, search=True)
    assert sorted(report.search.indexed) == ["2022-1", "2023-1", "2023-2"]
    assert (tmp_path / "victim/keep.txt").read_text() == "x"


def test_a_related_list_moving_does_not_reindex_a_story_but_rebuilds_its_page() -> None:
    from generator.output.files import page_fingerprints
    from generator.output.fingerprint import Fingerprinter
    from generator.plan.pages import Page

    def prints(article: str, related: tuple[str, ...]) -> tuple[str, str | None]:
        page = Page(url="/a/", template="article.html", source="a.md",
                    context={"article": article, "related": related, "tag_urls": {}})
        return page_fingerprints(page, "s", Fingerprinter())

    (page_x, indexed_x), (page_yz, indexed_yz) = prints("A", ("x",)), prints("A", ("y", "z"))
    assert indexed_x == indexed_yz and page_x != page_yz
    assert prints("B", ())[1] != prints("A", ())[1]
    listing = Page(url="/kota/", template="section.html", source="kota", context={"related": ("x",)})
    assert page_fingerprints(listing, "s", Fingerprinter())[1] is None  # not indexed


@pytest.mark.browser
def test_chromium_finds_a_new_story_and_not_an_edited_story_s_old_words(browser, tmp_path: Path) -> None:
    site, out = make(tmp_path)
    with serve(out) as url:
        page, problems = open_page(browser, url + "cari/?q=kapur")
        assert result_links(page) == ["/sains/2022/08/hujan-meteor/"]
        page.close()
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    path = story(site, "hujan-meteor", "2022")
    path.write_text(path.read_text().replace("bukit kapur", "puncak gunung"), encoding="utf-8")
    report = build_into(site, out, search=True)
    assert sorted(report.search.indexed) == ["2023-2", "corrections"]  # the sealed 2022-1 kept
    with serve(out) as url:
        page, problems = open_page(browser, url + "cari/?q=gerhana")
        assert result_links(page) == ["/sains/2023/11/gerhana/"]
        page.locator("#search-q").fill("kapur")
        page.locator("[data-search-empty]").wait_for(state="visible")
        assert result_links(page) == []
        page.locator("#search-q").fill("gunung")
        page.wait_for_function("document.querySelector('[data-search-count]')?.dataset.searchCount === '1'")
        assert result_links(page) == ["/sains/2022/08/hujan-meteor/"]
        assert problems == []
        page.close()


def test_a_new_story_enters_the_saved_lists_of_its_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import saved

    monkeypatch.setattr(saved, "KEEP", 2)  # two stories make a word frequent in this small site
    site, out = make(tmp_path)

    def newest(word: str) -> list[str] | None:
        doc = json.loads((out / "pagefind/saved.json").read_text())
        number = doc["words"].get(word)
        return None if number is None else [doc["stories"][i]["url"] for i in doc["lists"][number]["p"]]

    assert newest("bulan") is None  # only the telescope story holds it
    assert newest("kota") == ["kota/2023/06/pasar-ikan/", "kota/2023/05/jalan-baru/"]  # the section is searched
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    report = build_into(site, out, search=True)
    assert report.search.indexed == ("2023-2",)  # an incremental build, one shard indexed again
    assert newest("bulan") == ["sains/2023/11/gerhana/", "sains/2023/10/teleskop/"]
    assert newest("warga") == ["sains/2023/11/gerhana/", "kota/2022/03/kebun-kelapa/"]


def test_saved_lists_read_only_the_pages_that_changed_and_equal_a_clean_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import saved

    monkeypatch.setattr(saved, "KEEP", 2)
    site, out = make(tmp_path)
    read: list[str] = []
    reader = saved.read_story
    monkeypatch.setattr(saved, "read_story", lambda page, text: read.append(page) or reader(page, text))
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    story(site, "pasar-ikan", "2023").write_text(
        story(site, "pasar-ikan", "2023").read_text(encoding="utf-8").replace("lapangan", "lapangan bola"),
        encoding="utf-8")
    build_into(site, out, search=True)
    assert sorted(read) == ["kota/2023/06/pasar-ikan/index.html", "sains/2023/11/gerhana/index.html"]
    clean = tmp_path / "clean"
    build_into(site, clean, search=True, clean=True)
    assert (out / "pagefind/saved.json").read_bytes() == (clean / "pagefind/saved.json").read_bytes()


def test_a_crafted_saved_stories_cache_is_read_as_empty() -> None:
    from generator.search.saved import cache_value, read_cache

    good = ("f" * 32, "kota/x/", 1, (("title", "X"),), "banjir warga")
    value = cache_value({"kota/x/index.html": good}, {"banjir": "banjir"}, "id")
    assert read_cache(value, "id") == ({"kota/x/index.html": good}, {"banjir": "banjir"})
    assert read_cache(value, "en") == ({"kota/x/index.html": good}, {})  # another stemmer: no stems
    for page in (("f", "u", "1", (), ""),  # a stamp that is not an int
                 ("f", "u", 1, (), frozenset({"banjir"})),  # words not one string
                 ("f", "u", 1, (("title",),), "")):  # metadata not pairs
        assert read_cache({**value, "pages": {"a": page}}, "id")[0] == {}
    assert read_cache({**value, "stems": {"banjir": 1}}, "id") == ({"kota/x/index.html": good}, {})
    assert read_cache({**value, "format": 1}, "id") == ({}, {})  # an older layout
    assert read_cache({"kota/x/index.html": good}, "id") == ({}, {})
    assert read_cache(["not", "a", "dict"], "id") == ({}, {})


def test_saved_stems_are_kept_for_the_window_and_equal_stemming_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import saved

    monkeypatch.setattr(saved, "KEEP", 2)
    site, out = make(tmp_path)
    cache = BuildCache(site, out)
    value = cache.load_pickle(cache.stories_path, STORIES_KEY)
    _, stems = saved.read_cache(value, "id")
    assert stems["warga"] == "warga" and stems["memetik"] == "petik"  # every word of the window, stemmed once
    stemmed: list[str] = []
    real = saved._Stems._stem
    monkeypatch.setattr(saved._Stems, "_stem", lambda self, word: stemmed.append(word) or real(self, word))
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    build_into(site, out, search=True)
    # Only the new story's words unseen before are stemmed: "warga" and "bulan" are known.
    assert "gerhana" in stemmed and "warga" not in stemmed and "bulan" not in stemmed
    # A stem that does not fit the word (a crafted cache) would change the lists: a cache of
    # another stemmer is not used, and a build without stems writes what one with them does.
    with_stems = (out / "pagefind/saved.json").read_bytes()
    clean = tmp_path / "clean"
    build_into(site, clean, search=True, clean=True)
    assert (clean / "pagefind/saved.json").read_bytes() == with_stems
    value = cache.load_pickle(cache.stories_path, STORIES_KEY)
    cache.save_pickle(cache.stories_path, STORIES_KEY, {**value, "stemmer": "english 0", "stems": {
        w: "x" for w in value["stems"]}})
    story(site, "gerhana", "2023").write_text(NEW.replace("teropong", "teropong bintang"), encoding="utf-8")
    build_into(site, out, search=True)
    build_into(site, clean, search=True, clean=True)
    assert (out / "pagefind/saved.json").read_bytes() == (clean / "pagefind/saved.json").read_bytes()


def test_counts_read_only_the_bundles_indexed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import counts, saved

    monkeypatch.setattr(saved, "KEEP", 2)
    site, out = make(tmp_path)
    doc = json.loads((out / "pagefind/saved.json").read_text())
    # Every saved word carries its whole-archive count: "kota" is the section of three stories.
    assert doc["lists"][doc["words"]["kota"]]["n"] == 3
    opened: list[str] = []
    reader = counts._Reader
    monkeypatch.setattr(counts, "_Reader", lambda folder, *hidden: opened.append(folder.name) or reader(folder, *hidden))
    edited = story(site, "pasar-ikan", "2023")
    edited.write_text(edited.read_text(encoding="utf-8").replace("lapangan", "lapangan bola"), encoding="utf-8")
    report = build_into(site, out, search=True)
    # The shard indexed again is read; the others' counts come from the manifest.
    assert report.search.indexed == ("2023-1",) and opened == ["2023-1"]
    clean = tmp_path / "clean"
    build_into(site, clean, search=True, clean=True)
    assert (out / "pagefind/saved.json").read_bytes() == (clean / "pagefind/saved.json").read_bytes()


def test_a_kept_shard_counts_a_newly_saved_word_from_its_stored_chunk_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.search import counts, saved

    monkeypatch.setattr(saved, "KEEP", 2)
    site, out = make(tmp_path)
    state = read_state(BuildCache(site, out).load_manifest().search)
    assert state.words["2022-1"].chunks  # each shard's chunk list is kept with its counts
    metadata: list[str] = []
    opened: list[str] = []
    bundle, reader = counts.read_bundle, counts._Reader
    monkeypatch.setattr(counts, "read_bundle", lambda folder: metadata.append(folder.name) or bundle(folder))
    monkeypatch.setattr(counts, "_Reader", lambda folder, *a: opened.append(folder.name) or reader(folder, *a))
    story(site, "gerhana", "2023").write_text(NEW, encoding="utf-8")
    assert build_into(site, out, search=True).search.indexed == ("2023-2",)
    # The new story's words are newly saved: every kept shard counts them (one chunk each),
    # finding the chunk from the stored list; only the bundle indexed again has its metadata read.
    assert sorted(opened) == ["2022-1", "2023-1", "2023-2"] and metadata == ["2023-2"]
    clean = tmp_path / "clean"
    build_into(site, clean, search=True, clean=True)
    assert (out / "pagefind/saved.json").read_bytes() == (clean / "pagefind/saved.json").read_bytes()


def test_a_crafted_counts_state_is_counted_again() -> None:
    base = IndexState(10, 2, (ShardState("2023-1", "2023-05-20", "a" * 32, 2, 10),)).to_json()
    good = read_state({**base, "words": {"2023-1": {"top": [["kota", 2]], "counts": {"kota": 2}}}})
    assert good is not None and good.words["2023-1"].counts == {"kota": 2}
    chunked = read_state({**base, "words": {"2023-1": {"top": [], "counts": {}, "chunks": [["a", "k", "id_4f2a"]]}}})
    assert chunked is not None and chunked.words["2023-1"].chunks == (("a", "k", "id_4f2a"),)
    for chunks in ([["a", "k", "../../x"]], [["a", "k"]], "id_4f2a"):  # a name that is no file name; not a list
        state = read_state({**base, "words": {"2023-1": {"top": [], "counts": {"kota": 2}, "chunks": chunks}}})
        assert state is not None and state.words["2023-1"].chunks == () and state.words["2023-1"].counts == {"kota": 2}
    for words in ({"2023-1": {"top": [["kota", -1]], "counts": {}}}, {"2023-1": {"top": [], "counts": {"kota": "2"}}},
                  {"9999-9": {"top": [], "counts": {}}}, ["not", "a", "dict"]):
        state = read_state({**base, "words": words})
        assert state is not None and state.words == {}  # the shards are kept; only the counts are read again
