"""The link reader (output/links.py) finds, in any text, the attributes and the markup the
plain algorithm finds: every attribute of the start tags read in turn, joined by blanks,
in the page lowered with scripts, styles, comments and text areas left out. Its faster
form (one match per wanted attribute, each start tag read once per process, no lowered
copy of the page) must not change what a build's link check sees."""

from __future__ import annotations

import html
import random
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.output import links

# The plain algorithm (generator/output/links.py at 5702ccd).
ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
WANTED = frozenset({"href", "src", "srcset", "id", "name"})


def plain_attributes(text: str) -> list[tuple[str, str]]:
    found = []
    for name, double, single, bare in ATTRIBUTE.findall(" ".join(re.findall(r"<[a-zA-Z][^>]*>", text))):
        name = name.lower()
        if name in WANTED:
            value = double or single or bare
            found.append((name, html.unescape(value) if "&" in value else value))
    return found


def plain_markup(text: str) -> str:
    for opening, closing in links._RAW:
        if opening not in text:
            continue
        lowered = text.lower()
        kept, start = [], 0
        while (begin := lowered.find(opening, start)) >= 0:
            inside = lowered.find(">", begin) + 1 if opening != "<!--" else begin
            end = lowered.find(closing, max(inside, begin + len(opening)))
            kept.append(text[start:inside])
            start = len(text) if end < 0 else end
        kept.append(text[start:])
        text = "".join(kept)
    return text


TAG_PIECES = ["<", ">", '"', "'", " ", "\n", "=", "/", "`", "a", "href", "HREF", "src", "srcset", "Src", "id",
              "iD", "name", "İd", "ſrc", "hrefx", "xhref", "<a ", "<p ", "&amp;", "\u00a0", "K", '="v"', "='w'",
              "=u", "<a href=", "<b id='", '<img srcset="/a.jpg 1x, /b.jpg 2x">']
RAW_PIECES = ["<script", "<SCRIPT", "</script", "</ScRiPt>", "<style", "</STYLE", "<!--", "-->", "<textarea",
              "</TEXTAREA", ">", "<", "a", " ", "K", "<a href=x>", "-", "!"]


def test_random_tags_give_the_attributes_the_plain_reading_gives() -> None:
    rng = random.Random(22)
    for _ in range(40_000):
        text = "".join(rng.choice(TAG_PIECES) for _ in range(rng.randint(0, 40)))
        assert links._attributes(text) == plain_attributes(text), repr(text)


def test_tags_read_before_are_read_again_as_one_text_when_a_value_runs_on() -> None:
    links._attributes('<a href="/x/">')  # remembered alone
    text = '<p title="open><a href="/x/"><b id="z">'  # the title's value runs to the next quote
    assert links._attributes(text) == plain_attributes(text) == [("id", "z")]


def test_random_raw_text_is_left_out_as_the_plain_reading_leaves_it() -> None:
    rng = random.Random(23)
    for _ in range(40_000):
        text = "".join(rng.choice(RAW_PIECES) for _ in range(rng.randint(0, 30)))
        assert links._markup_only(text) == plain_markup(text), repr(text)


def test_a_page_with_dotted_capital_i_before_an_open_comment_is_read_to_its_end() -> None:
    # Positions used to be found in the lowered page, where each İ is two characters: this
    # page made the reader loop for ever.
    code = ("from urllib.parse import urlsplit\nfrom generator.output.links import page_links\n"
            "r = page_links('<a href=\"/a/\">İİİİ<!--', '/p/', 'p/index.html', urlsplit('https://example.org/'))\n"
            "print([link for link, _, _ in r.links])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "['/a/']", result.stderr


def plain_page_links(text: str, page_url: str, page_rel: str, base) -> links.PageLinks:
    """page_links at 1f377a3: each attribute's value split and looked up on every page."""
    found: dict[str, tuple[str, str, str]] = {}
    ids: set[str] = set()
    for name, value in plain_attributes(plain_markup(text)):
        if name in ("id", "name"):
            ids.add(value)
            continue
        urls = [part.strip().split(" ")[0] for part in value.split(",") if part.strip()] \
            if name == "srcset" else [value.strip()]
        for url in urls:
            if not url or url in found:
                continue
            if url.startswith("#"):
                found[url] = (url, page_rel, unquote(url[1:]))
                continue
            target = links.target_of(url, page_url, base)
            if target is not None:
                found[url] = (url, target, unquote(urlsplit(url).fragment))
    return links.PageLinks(tuple(found.values()), frozenset(ids))


LINK_PIECES = ["<a href=", "<img src=", "<img srcset=", "<source srcset=", "<p id=", "<a name=", '"', "'", " ", ">",
               "/", "/a/", "/b/#c", "#isi", "#", "../x", "x.jpg", " 480w", ", ", ",", "//example.org/y",
               "https://example.org/z/", "https://other.org/", "mailto:a@b", "%20", "&amp;", "?q=1", "/dok/",
               "<!--", "-->", "<script>", "</script>", "\n", "z"]


def test_random_pages_give_the_links_and_ids_the_plain_reading_gives() -> None:
    rng = random.Random(24)
    bases = [urlsplit("https://example.org/"), urlsplit("https://example.org/dok/")]
    for _ in range(20_000):
        text = "".join(rng.choice(LINK_PIECES) for _ in range(rng.randint(0, 30)))
        base = rng.choice(bases)
        page_url = rng.choice(["/", "/a/b/", "/dok/c/"])
        assert links.page_links(text, page_url, "p/index.html", base) == \
            plain_page_links(text, page_url, "p/index.html", base), repr(text)
