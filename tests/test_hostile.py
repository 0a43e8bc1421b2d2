"""Hostile text in front matter and site.toml never runs as script or breaks markup.

Every field a newsroom types (headline, summary, caption, credit, alt text, tags,
reporter and editor names, dateline, the site's and a section's title) is filled with
text built to break out of HTML, JSON-LD, XML and JSON. The site is built twice, once
with that text and once with harmless text that makes the same slugs (so every page has
the same path): each HTML page must parse into exactly the same tree of elements and
attribute names, and each sink must give the original text back when read by a parser
of its own kind (html.parser, json, feedparser, ElementTree, Pagefind's index).

Raw HTML in Markdown bodies is trusted (newsroom staff), except with --safe.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from generator.cli import main
from generator.content.slugs import slugify
from tests.conftest import build_into, copy_site

NASTY = "<script>alert(1)</script> \"dq\" 'sq' </script> ]]> <!-- --> &amp; &lt;b&gt; {{ x }} <img src=x onerror=alert(2)>"
FIELDS = ("title", "summary", "reporter", "editor", "tag1", "tag2", "dateline", "alt", "caption", "credit",
          "page", "site", "section")
HOSTILE = {name: f"{name.upper()} {NASTY}" for name in FIELDS}
# Harmless text with the same slug as the hostile one, so both sites have the same files.
BENIGN = {name: slugify(text).replace("-", " ") for name, text in HOSTILE.items()}
ARTICLE = "kota/2023/11/jahat/index.html"
BODY = "Paragraf biasa.\n\n<script>alert('badan')</script>\n"


def q(text: str) -> str:
    """A YAML (and TOML) double-quoted string holding `text` exactly."""
    return json.dumps(text, ensure_ascii=False)


def make_site(tmp: Path, words: dict[str, str]) -> Path:
    site = copy_site("basic", tmp)
    toml = (site / "site.toml").read_text()
    toml = toml.replace('title = "Warta Uji"', f"title = {q(words['site'])}", 1)
    toml = toml.replace('kota = "Kota"', f"kota = {q(words['section'])}")
    (site / "site.toml").write_text(toml)
    (site / "content/articles/2023/11/jahat.md").write_text(
        f"---\ntitle: {q(words['title'])}\ndate: 2023-11-08 10:00\nsection: kota\n"
        f"reporter: {q(words['reporter'])}\neditor: {q(words['editor'])}\n"
        f"tags: [{q(words['tag1'])}, {q(words['tag2'])}]\nsummary: {q(words['summary'])}\n"
        f"dateline: {q(words['dateline'])}\nimage:\n  src: /media/jembatan.jpg\n  alt: {q(words['alt'])}\n"
        f"  caption: {q(words['caption'])}\n  credit: {q(words['credit'])}\n---\n{BODY}")
    (site / "content/pages/tentang.md").write_text(f"---\ntitle: {q(words['page'])}\n---\nTentang kami.\n")
    return site


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    build_into(make_site(tmp, HOSTILE), tmp / "public", search=True)
    return tmp / "public"


@pytest.fixture(scope="module")
def benign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("benign")
    build_into(make_site(tmp, BENIGN), tmp / "public", search=True)  # as the hostile one: same search page
    return tmp / "public"


class Tree(HTMLParser):
    """The element structure of a page, its text, its attribute values and its scripts."""

    def __init__(self) -> None:
        super().__init__()  # convert_charrefs: text and attribute values come back unescaped
        self.shape: list[tuple[str, ...]] = []
        self.text: list[str] = []
        self.values: list[str] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append(("start", tag, *sorted(name for name, _ in attrs)))
        self.values += [value for _, value in attrs if value]
        if tag == "script":
            self._script = {name: value or "" for name, value in attrs}
            self.scripts.append((self._script, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.shape.append(("end", tag))
        self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.shape.append(("comment",))


def parse(path: Path) -> Tree:
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    tree.close()
    return tree


def html_pages(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if not p.relative_to(root).as_posix().startswith("pagefind/"))


def test_both_sites_have_the_same_pages(hostile: Path, benign: Path) -> None:
    assert html_pages(hostile) == html_pages(benign)
    assert ARTICLE in html_pages(hostile)


def test_hostile_text_never_changes_the_structure_of_a_page(hostile: Path, benign: Path) -> None:
    for rel in html_pages(benign):
        assert parse(hostile / rel).shape == parse(benign / rel).shape, rel


def test_no_script_runs_but_the_theme_s_own(hostile: Path) -> None:
    for rel in html_pages(hostile):
        tree = parse(hostile / rel)
        for attrs, text in tree.scripts:
            kind = attrs.get("type", "")
            if "src" in attrs:
                assert not text.strip() and attrs["src"].endswith(".js"), rel
            elif kind == "application/ld+json":
                assert "alert" not in text or "\\u003cscript" in text, rel
            elif rel == ARTICLE and "alert('badan')" in text:
                continue  # the raw HTML of the Markdown body: trusted, kept (see the --safe test)
            else:
                assert kind == "text/pagefind-template", (rel, attrs, text[:80])
        assert "alert(2)" not in " ".join(n for s in tree.shape for n in s[2:]), rel  # no onerror attribute


def test_every_field_is_shown_as_the_text_that_was_written(hostile: Path) -> None:
    tree = parse(hostile / ARTICLE)
    text = "".join(tree.text)
    for field in ("title", "summary", "reporter", "editor", "tag1", "tag2", "caption", "credit", "site", "section"):
        assert HOSTILE[field] in text, field
    assert HOSTILE["dateline"].upper() in text.upper()
    assert HOSTILE["alt"] in tree.values  # the img alt, given back whole by the parser
    assert f"{HOSTILE['title']} | {HOSTILE['site']}" in text  # <title>
    assert HOSTILE["page"] in "".join(parse(hostile / "tentang/index.html").text)


def test_json_ld_is_not_closed_early_and_gives_the_text_back(hostile: Path) -> None:
    raw = (hostile / ARTICLE).read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S)
    assert len(blocks) == 2  # the NewsArticle and its BreadcrumbList
    for block in blocks:
        assert "</script" not in block.lower() and "<!--" not in block and "<" not in block
    data = json.loads(blocks[0])
    assert json.loads(blocks[1])["itemListElement"][-1]["name"] == HOSTILE["title"]
    assert data["headline"] == HOSTILE["title"]
    assert data["description"] == HOSTILE["summary"]
    assert [a["name"] for a in data["author"]] == [HOSTILE["reporter"]]
    assert [e["name"] for e in data["editor"]] == [HOSTILE["editor"]]
    assert data["keywords"] == [HOSTILE["tag1"], HOSTILE["tag2"]]
    assert data["image"]["caption"] == HOSTILE["caption"]
    assert data["image"]["creditText"] == HOSTILE["credit"]
    assert data["articleSection"] == HOSTILE["section"]
    assert data["publisher"]["name"] == HOSTILE["site"]


@pytest.mark.parametrize("feed", ["feed.xml", "kota/feed.xml"])
def test_feeds_give_the_text_back(hostile: Path, feed: str) -> None:
    ET.parse(hostile / feed)  # well-formed XML
    parsed = feedparser.parse((hostile / feed).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title in (HOSTILE["site"], f"{HOSTILE['section']} | {HOSTILE['site']}")
    [entry] = [e for e in parsed.entries if e.link.endswith("/kota/2023/11/jahat/")]
    assert entry.title == HOSTILE["title"]
    assert entry.summary == HOSTILE["summary"]
    assert entry.author_detail.name == HOSTILE["reporter"]
    assert [c.name for c in entry.contributors] == [HOSTILE["editor"]]
    terms = {(t.term, t.label) for t in entry.tags}
    assert (HOSTILE["tag1"], HOSTILE["tag1"]) in terms and ("kota", HOSTILE["section"]) in terms


def test_sitemaps_parse_and_give_the_title_back(hostile: Path) -> None:
    ET.parse(hostile / "sitemap.xml")
    news = ET.parse(hostile / "sitemap-news.xml").getroot()
    ns = {"n": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert HOSTILE["title"] in [t.text for t in news.iterfind(".//n:title", ns)]
    assert {t.text for t in news.iterfind(".//n:name", ns)} == {HOSTILE["site"]}


def test_latest_json_gives_the_text_back(hostile: Path) -> None:
    data = json.loads((hostile / "latest.json").read_text(encoding="utf-8"))
    item = next(i for i in data["items"] if i["url"] == "/kota/2023/11/jahat/")
    assert item["title"] == HOSTILE["title"] and item["section"] == HOSTILE["section"]


def test_html_fed_to_pagefind_escapes_meta_and_filters(hostile: Path) -> None:
    class Marks(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.found: list[tuple[str, str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            self.open.append(f"meta:{a['data-pagefind-meta']}" if "data-pagefind-meta" in a
                             else f"filter:{a['data-pagefind-filter']}" if "data-pagefind-filter" in a else "")

        def handle_endtag(self, tag: str) -> None:
            if self.open:
                self.open.pop()

        def handle_data(self, data: str) -> None:
            if self.open and self.open[-1]:
                self.found.append((self.open[-1], data))

    marks = Marks()
    marks.feed((hostile / ARTICLE).read_text(encoding="utf-8"))
    found = set(marks.found)
    for mark, field in [("meta:title", "title"), ("meta:image_alt", "alt"), ("filter:reporter", "reporter"),
                        ("filter:tag", "tag1"), ("filter:tag", "tag2")]:
        assert (mark, HOSTILE[field]) in found, mark
    assert any(mark.startswith("meta:section") and text == HOSTILE["section"] for mark, text in found)


def test_pagefind_index_holds_the_original_text(hostile: Path) -> None:
    """The search page shows what Pagefind stored: the text as written, never markup."""
    fragments = []
    for path in (hostile / "pagefind/fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragments.append(json.loads(data[len(b"pagefind_dcd"):]))
    [fragment] = [f for f in fragments if f["url"].endswith("/kota/2023/11/jahat/")]
    assert fragment["meta"]["title"] == HOSTILE["title"]
    assert fragment["meta"]["image_alt"] == HOSTILE["alt"]
    # Pagefind 1.5 decodes character references in filter text once more than in meta
    # text ("&amp;" typed by a reporter comes back as "&"); either way it is text, which
    # the search page's filter list shows as text.
    def as_filter(text: str) -> set[str]:
        return {text, html.unescape(text)}

    [reporter] = fragment["filters"]["reporter"]
    assert reporter in as_filter(HOSTILE["reporter"])
    tags = sorted(fragment["filters"]["tag"])
    assert tags[0] in as_filter(HOSTILE["tag1"]) and tags[1] in as_filter(HOSTILE["tag2"])


def test_control_characters_in_a_body_keep_feeds_well_formed(basic_site: Path, tmp_path: Path) -> None:
    # Front matter refuses them, written as YAML escapes too (tests/bad_input/escaped-*.md);
    # a body's first paragraph, the summary when none is written, can still hold them.
    (basic_site / "content/articles/2023/11/kontrol.md").write_text(
        '---\ntitle: Kontrol\ndate: 2023-11-08\nsection: kota\n---\nBel\a dan \x1b escape \x0b nol.\n')
    build_into(basic_site, tmp_path / "p")
    for name in ("feed.xml", "kota/feed.xml", "sitemap-news.xml", "sitemap.xml"):
        ET.parse(tmp_path / "p" / name)
    assert not feedparser.parse((tmp_path / "p/feed.xml").read_bytes()).bozo
    json.loads((tmp_path / "p/latest.json").read_text())
    Tree().feed((tmp_path / "p/kota/2023/11/kontrol/index.html").read_text())


def test_raw_html_in_a_body_is_kept_but_escaped_with_safe(basic_site: Path, tmp_path: Path) -> None:
    (basic_site / "content/articles/2023/11/skrip.md").write_text(
        "---\ntitle: Skrip\ndate: 2023-11-08\nsection: kota\nsummary: Ringkas.\n---\n"
        "Paragraf.\n\n<script>alert('badan')</script>\n\n<p onclick=\"alert(3)\">klik</p>\n")
    args = ["build", "--source", str(basic_site), "--quiet", "--no-search"]
    assert main(args + ["--out", str(tmp_path / "trusted")]) == 0
    assert main(args + ["--out", str(tmp_path / "safe"), "--safe"]) == 0

    trusted = parse(tmp_path / "trusted/kota/2023/11/skrip/index.html")
    assert any("alert('badan')" in text for _, text in trusted.scripts)
    assert ("start", "p", "onclick") in trusted.shape

    safe_html = (tmp_path / "safe/kota/2023/11/skrip/index.html").read_text()
    safe = parse(tmp_path / "safe/kota/2023/11/skrip/index.html")
    assert not any("alert" in text for _, text in safe.scripts)
    assert not any("onclick" in shape for shape in safe.shape)
    # Shown as text, not run; as text, its quotes are typographic like any other text's.
    assert "&lt;script&gt;alert(‘badan’)&lt;/script&gt;" in safe_html
    assert "<script>alert(‘badan’)</script>" in "".join(safe.text)
