"""Sitemaps: split by count and by measured size, absolute locs, a two-day news window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config.site import SiteConfig
from generator.content.model import Article
from generator.plan.sitemaps import SitemapEntry, news_language, render_news_sitemap, render_robots, render_sitemaps

WIB = timezone(timedelta(hours=7))
BASE = "https://arsip.example.org/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
BUILD_TIME = datetime(2023, 11, 9, 16, 30, tzinfo=timezone.utc)


def entries(count: int) -> list[SitemapEntry]:
    return [SitemapEntry(f"/nasional/2023/11/berita-{i}/", datetime(2023, 11, 1 + i, 9, 0, tzinfo=WIB))
            for i in range(count)]


def parse(xml: str) -> ElementTree.Element:
    return ElementTree.fromstring(xml.encode("utf-8"))


def locs(root: ElementTree.Element, kind: str = "url") -> list[str]:
    return [el.text or "" for el in root.findall(f"{SM}{kind}/{SM}loc")]


def make_config(base_url: str = BASE, language: str = "id") -> SiteConfig:
    return SiteConfig(source=Path("/site"), title="Warta Arsip", base_url=base_url, language=language)


def make_article(slug: str, date: datetime, title: str | None = None) -> Article:
    return Article(source=f"content/articles/{slug}.md", slug=slug, url=f"/nasional/2023/11/{slug}/",
                   title=title or f"Judul {slug}", date=date, section="nasional", body="", body_line=1)


def test_small_site_gets_a_single_urlset() -> None:
    files = render_sitemaps(entries(3), BASE)
    assert list(files) == ["sitemap.xml"]
    root = parse(files["sitemap.xml"])
    assert root.tag == f"{SM}urlset"
    assert locs(root) == [f"https://arsip.example.org/nasional/2023/11/berita-{i}/" for i in range(3)]
    assert [el.text for el in root.iter(f"{SM}lastmod")][0] == "2023-11-01T09:00:00+07:00"


def test_entry_without_lastmod_has_no_lastmod_element() -> None:
    root = parse(render_sitemaps([SitemapEntry("/", None)], BASE)["sitemap.xml"])
    assert locs(root) == ["https://arsip.example.org/"]
    assert root.find(f"{SM}url/{SM}lastmod") is None


def test_empty_site_still_gets_a_valid_urlset() -> None:
    root = parse(render_sitemaps([], BASE)["sitemap.xml"])
    assert root.tag == f"{SM}urlset" and len(root) == 0


def test_too_many_urls_split_into_an_index_and_parts() -> None:
    given = entries(7)
    files = render_sitemaps(given, BASE, max_urls=3)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = parse(files["sitemap.xml"])
    assert index.tag == f"{SM}sitemapindex"
    assert locs(index, "sitemap") == [f"https://arsip.example.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    seen: list[str] = []
    for n in (1, 2, 3):
        part = parse(files[f"sitemap-{n}.xml"])
        assert part.tag == f"{SM}urlset"
        assert 1 <= len(locs(part)) <= 3
        seen.extend(locs(part))
    assert seen == [f"https://arsip.example.org{e.path}" for e in given]  # each once, in order
    # Each index entry carries the newest lastmod of its part.
    assert [el.text for el in index.findall(f"{SM}sitemap/{SM}lastmod")] == [
        "2023-11-03T09:00:00+07:00", "2023-11-06T09:00:00+07:00", "2023-11-07T09:00:00+07:00"]


def test_index_lastmod_is_the_newest_even_when_parts_are_unsorted() -> None:
    older = datetime(2020, 1, 1, tzinfo=timezone.utc)
    newer = datetime(2023, 1, 1, tzinfo=WIB)
    given = [SitemapEntry("/a/", older), SitemapEntry("/b/", newer), SitemapEntry("/c/", None)]
    index = parse(render_sitemaps(given, BASE, max_urls=2)["sitemap.xml"])
    assert [el.text for el in index.findall(f"{SM}sitemap/{SM}lastmod")] == ["2023-01-01T00:00:00+07:00"]
    assert len(index.findall(f"{SM}sitemap")) == 2  # the last part has no dates, so no lastmod


def test_parts_split_by_encoded_size() -> None:
    # Paths get percent-encoded, but the base URL is used as configured: a non-ASCII
    # one makes counting characters instead of UTF-8 bytes overshoot the limit.
    base = "https://arsip.example.org/" + "é" * 40 + "/"
    given = [SitemapEntry(f"/berita/{i}/", datetime(2023, 11, 9, tzinfo=WIB)) for i in range(20)]
    single = render_sitemaps(given, base)["sitemap.xml"]
    max_bytes = len(single.encode("utf-8")) // 4
    files = render_sitemaps(given, base, max_bytes=max_bytes)
    parts = {name: xml for name, xml in files.items() if name != "sitemap.xml"}
    assert len(parts) >= 4
    seen: list[str] = []
    for name in sorted(parts, key=lambda n: int(n.split("-")[1].split(".")[0])):
        assert len(parts[name].encode("utf-8")) <= max_bytes
        seen.extend(locs(parse(parts[name])))
    assert seen == [base.rstrip("/") + e.path for e in given]


def test_non_ascii_paths_are_percent_encoded_once() -> None:
    given = [SitemapEntry("/berita/café/", None), SitemapEntry("/berita/caf%C3%A9/", None)]
    assert locs(parse(render_sitemaps(given, BASE)["sitemap.xml"])) == [
        "https://arsip.example.org/berita/caf%C3%A9/"] * 2


def test_part_filled_exactly_to_max_bytes_is_not_split() -> None:
    given = entries(4)
    exact = len(render_sitemaps(given, BASE)["sitemap.xml"].encode("utf-8"))
    assert list(render_sitemaps(given, BASE, max_bytes=exact)) == ["sitemap.xml"]
    assert len(render_sitemaps(given, BASE, max_bytes=exact - 1)) == 3  # index + 2 parts


def test_entry_larger_than_max_bytes_is_an_error() -> None:
    with pytest.raises(ValueError, match="exceeds max_bytes"):
        render_sitemaps(entries(2), BASE, max_bytes=200)


def test_sub_path_base_url_is_kept_in_every_loc() -> None:
    base = "https://user.github.io/arsip/"
    files = render_sitemaps(entries(5), base, max_urls=2)
    all_locs = locs(parse(files["sitemap.xml"]), "sitemap")
    for name, xml in files.items():
        if name != "sitemap.xml":
            all_locs.extend(locs(parse(xml)))
    assert len(all_locs) == 3 + 5
    assert all(loc.startswith("https://user.github.io/arsip/") for loc in all_locs)
    assert "https://user.github.io/arsip/sitemap-1.xml" in all_locs


def test_loc_is_xml_escaped() -> None:
    xml = render_sitemaps([SitemapEntry("/cari/a&b/", None)], BASE)["sitemap.xml"]
    assert "a&amp;b" in xml
    assert locs(parse(xml)) == ["https://arsip.example.org/cari/a&b/"]


def test_naive_lastmod_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_sitemaps([SitemapEntry("/", datetime(2023, 11, 9))], BASE)


def test_news_sitemap_keeps_only_the_48_hours_before_build_time_newest_first() -> None:
    articles = [
        make_article("kemarin", BUILD_TIME - timedelta(hours=20)),
        make_article("terlalu-lama", BUILD_TIME - timedelta(hours=48, seconds=1)),
        make_article("masa-depan", BUILD_TIME + timedelta(minutes=1)),
        make_article("tepat-48-jam", BUILD_TIME - timedelta(hours=48)),
        make_article("barusan", (BUILD_TIME - timedelta(minutes=5)).astimezone(WIB)),
    ]
    root = parse(render_news_sitemap(articles, make_config(), BUILD_TIME, publication_name="Warta"))
    assert root.tag == f"{SM}urlset"
    assert locs(root) == [f"https://arsip.example.org/nasional/2023/11/{slug}/"
                          for slug in ("barusan", "kemarin", "tepat-48-jam")]
    first = root.find(f"{SM}url/{NEWS}news")
    assert first is not None
    assert first.findtext(f"{NEWS}publication/{NEWS}name") == "Warta"
    assert first.findtext(f"{NEWS}publication/{NEWS}language") == "id"
    assert first.findtext(f"{NEWS}publication_date") == "2023-11-09T23:25:00+07:00"
    assert first.findtext(f"{NEWS}title") == "Judul barusan"


def test_news_sitemap_is_capped_at_1000_newest() -> None:
    articles = [make_article(f"b{i}", BUILD_TIME - timedelta(minutes=i)) for i in range(1005)]
    root = parse(render_news_sitemap(articles[::-1], make_config(), BUILD_TIME, publication_name="Warta"))
    got = locs(root)
    assert len(got) == 1000
    assert got == [f"https://arsip.example.org/nasional/2023/11/b{i}/" for i in range(1000)]


def test_news_sitemap_escapes_titles_and_names() -> None:
    hostile = '</news:title><script>alert(1)</script> & "x" ]]>'
    xml = render_news_sitemap([make_article("a", BUILD_TIME, title=hostile)], make_config(),
                              BUILD_TIME, publication_name="A & B <Media>")
    assert "<script>" not in xml
    news = parse(xml).find(f"{SM}url/{NEWS}news")
    assert news is not None
    assert news.findtext(f"{NEWS}title") == hostile
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "A & B <Media>"


def test_empty_news_sitemap_is_a_valid_urlset() -> None:
    root = parse(render_news_sitemap([], make_config(), BUILD_TIME, publication_name="Warta"))
    assert root.tag == f"{SM}urlset" and len(root) == 0


def test_news_sitemap_keeps_sub_path_base_url() -> None:
    config = make_config("https://user.github.io/arsip/")
    root = parse(render_news_sitemap([make_article("a", BUILD_TIME)], config, BUILD_TIME,
                                     publication_name="Warta"))
    assert locs(root) == ["https://user.github.io/arsip/nasional/2023/11/a/"]


@pytest.mark.parametrize("tag, code", [("id", "id"), ("id-ID", "id"), ("en_US", "en"), ("zh-CN", "zh-cn"),
                                       ("zh-TW", "zh-tw"), ("zh-Hant", "zh-tw"), ("zh", "zh")])
def test_news_language_is_a_bare_iso_639_code_except_chinese(tag: str, code: str) -> None:
    assert news_language(tag) == code


def test_robots_allows_all_and_names_both_sitemaps() -> None:
    assert render_robots("https://user.github.io/arsip/") == (
        "User-agent: *\n"
        "Allow: /\n"
        "\n"
        "Sitemap: https://user.github.io/arsip/sitemap.xml\n"
        "Sitemap: https://user.github.io/arsip/sitemap-news.xml\n")


@settings(deadline=None, max_examples=300)
@given(paths=st.lists(st.text(alphabet=st.sampled_from(list("az09/_.~-:%&<>'\" éİ\x01\ud7ff")), max_size=12)
                      .map(lambda s: "/" + s), max_size=6),
       base=st.sampled_from(["https://x.org", "https://x.org/", "https://x.org/arsip&lama/", "http://[::1]:8000"]),
       dated=st.booleans())
def test_the_fast_path_for_plain_paths_writes_what_quoting_and_escaping_would(
        paths: list[str], base: str, dated: bool) -> None:
    from generator.plan.sitemaps import _url_fragment, _url_fragments

    when = datetime(2023, 11, 9, 14, 30, tzinfo=timezone(timedelta(hours=7))) if dated else None
    entries = [SitemapEntry(path=p, lastmod=when) for p in paths]
    assert _url_fragments(base, entries) == [_url_fragment(base, e) for e in entries]
