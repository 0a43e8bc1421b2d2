"""Feeds, sitemaps, structured data and head metadata of the sample archive,
built for https://example.github.io/arsip/ as GitHub Pages serves a project site."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser

from tests.crawl import resolve

BASE = "https://example.github.io/arsip/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False
        self.texts: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.append((a.get("property") or a["name"], a.get("content", "")))
        if tag == "link":
            self.links.append(a)
        self._in_jsonld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False


def head(path: Path) -> HeadParser:
    parser = HeadParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def all_feeds(root: Path) -> list[Path]:
    return sorted(root.rglob("feed.xml"))


def test_every_feed_parses_and_every_entry_is_complete(sample_public_subpath: Path) -> None:
    feeds = all_feeds(sample_public_subpath)
    tags = len(list((sample_public_subpath / "tag").glob("*/index.html")))
    people = len(list((sample_public_subpath / "orang").glob("*/index.html")))
    assert len(feeds) == 7 + tags + people  # the site, six sections, each tag and each person
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        assert feed.feed.get("updated_parsed"), path
        assert any(l.rel == "self" and l.href.startswith(BASE) for l in feed.feed.links), path
        assert feed.entries, path
        for entry in feed.entries:
            assert entry.id.startswith(BASE) and entry.title and entry.link.startswith(BASE)
            assert entry.published_parsed and entry.updated_parsed
            assert entry.get("authors"), entry.id
            assert resolve(sample_public_subpath, "/arsip/", entry.link.removeprefix("https://example.github.io")).is_file()


def test_feed_ids_are_stable_across_builds(sample_public: Path, sample_public_subpath: Path) -> None:
    a = feedparser.parse((sample_public_subpath / "feed.xml").read_bytes())
    b = feedparser.parse((sample_public_subpath / "feed.xml").read_bytes())
    assert [e.id for e in a.entries] == [e.id for e in b.entries]


def test_sitemap_locs_are_absolute_and_name_existing_files(sample_public_subpath: Path) -> None:
    tree = ET.parse(sample_public_subpath / "sitemap.xml")
    locs = [el.text or "" for el in tree.getroot().iter(f"{SM}loc")]
    assert len(locs) > 50
    for loc in locs:
        assert loc.startswith(BASE), loc
        target = resolve(sample_public_subpath, "/arsip/", loc.removeprefix("https://example.github.io"))
        assert target is not None and target.is_file(), loc
    # Not in the sitemap: the 404 page and the search page (noindex: results are not content).
    html_pages = [p for p in sample_public_subpath.rglob("*.html")
                  if p.name != "404.html" and p.parent.name != "cari"]
    assert len(locs) == len(html_pages)
    assert all(el.text for el in tree.getroot().iter(f"{SM}lastmod"))


def test_robots_points_at_the_sitemaps(sample_public_subpath: Path) -> None:
    robots = (sample_public_subpath / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots
    assert (sample_public_subpath / ".nojekyll").is_file()
    ET.parse(sample_public_subpath / "sitemap-news.xml")


def test_404_page_is_noindex_and_links_work_from_any_depth(sample_public_subpath: Path) -> None:
    html = (sample_public_subpath / "404.html").read_text()
    assert '<meta name="robots" content="noindex">' in html
    hrefs = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert hrefs and all(h.startswith(("/arsip/", "#")) for h in hrefs), hrefs


def article_pages(root: Path) -> list[Path]:
    return [p for p in root.rglob("index.html") if 'data-pagefind-body' in p.read_text(encoding="utf-8")
            and "/tentang/" not in p.as_posix()]


def test_json_ld_matches_the_page(sample_public_subpath: Path) -> None:
    pages = article_pages(sample_public_subpath)
    assert len(pages) == 27
    for path in pages:
        parsed = head(path)
        [raw, trail] = parsed.jsonld
        data = json.loads(raw)
        html = path.read_text(encoding="utf-8")
        assert data["@type"] == "NewsArticle"
        assert f"<h1 data-pagefind-ignore>{data['headline']}</h1>" in html.replace("&#39;", "'").replace("&quot;", '"')
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", data["datePublished"])
        assert data["dateModified"] >= data["datePublished"]
        assert f'<time datetime="{data["datePublished"]}"' in html
        rel = path.relative_to(sample_public_subpath).as_posix().removesuffix("index.html")
        assert data["url"] == BASE + rel
        reporters = re.findall(r'<a href="/arsip/orang/[^"]+/" rel="author">([^<]+)</a>', html)
        if reporters:
            assert [a["name"] for a in data["author"]] == reporters
            assert all(a["@type"] == "Person" and a["url"].startswith(BASE + "orang/") for a in data["author"])
        image = data["image"]
        assert image["@type"] == "ImageObject" and image["url"].startswith(BASE)
        credit = re.search(r'<span class="credit"[^>]*>([^<]+)</span>', html).group(1)
        assert image["creditText"] == credit


def test_article_head_has_open_graph_and_twitter_card(sample_public_subpath: Path) -> None:
    for path in article_pages(sample_public_subpath):
        meta = dict(head(path).meta)
        props = [k for k, _ in head(path).meta]
        assert meta["og:type"] == "article"
        assert meta["og:image"].startswith(BASE)
        assert meta["twitter:card"] == "summary_large_image"
        assert re.match(r"\d{4}-\d\d-\d\dT", meta["article:published_time"])
        assert meta["article:section"]
        assert props.count("article:tag") >= 1
        canonical = [l["href"] for l in head(path).links if l.get("rel") == "canonical"]
        assert canonical == [BASE + path.relative_to(sample_public_subpath).as_posix().removesuffix("index.html")]


def test_every_page_has_canonical_and_description(sample_public_subpath: Path) -> None:
    for path in sample_public_subpath.rglob("*.html"):
        if path.name == "404.html" or path.parent.name == "cari":  # noindex pages have no canonical
            continue
        parsed = head(path)
        meta = dict(parsed.meta)
        assert meta.get("description"), path
        assert [l for l in parsed.links if l.get("rel") == "canonical"], path


def test_article_breadcrumbs_are_home_then_section_in_the_page_and_its_json_ld(sample_public_subpath: Path) -> None:
    for path in article_pages(sample_public_subpath):
        trail = json.loads(head(path).jsonld[1])
        html = path.read_text(encoding="utf-8")
        assert trail["@type"] == "BreadcrumbList"
        items = trail["itemListElement"]
        assert [i["position"] for i in items] == [1, 2, 3] and items[0] == {
            "@type": "ListItem", "position": 1, "name": "Beranda", "item": BASE}
        nav = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S).group(1)
        shown = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)
        assert [(BASE + href.removeprefix("/arsip/"), name) for href, name in shown] == [
            (i["item"], i["name"]) for i in items[:2]]
        rel = path.relative_to(sample_public_subpath).as_posix().removesuffix("index.html")
        assert items[2]["item"] == BASE + rel
