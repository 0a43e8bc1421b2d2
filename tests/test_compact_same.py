"""compact_html gives, for any text, what the plain algorithm gives: each token found in
turn, the blanks around line breaks between tokens made one line break."""

from __future__ import annotations

import random
import re

from generator.render import compact
from generator.render.compact import compact_html

# The plain algorithm compact_html started as (generator/render/compact.py at c0a1b4d).
TOKEN = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>|<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
                   re.S | re.I)
BREAK = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")


def plain(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in TOKEN.finditer(text):
        if match.start() > pos:
            out.append(BREAK.sub("\n", text[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(BREAK.sub("\n", text[pos:]))
    return "".join(out)


PIECES = ["<", ">", '"', "'", " ", "  ", "\n", "\t", "\r", "\f", "\v", "\0", "a", "p", "=", "/",
          "<pre>", "</pre>", "<PRE >", "</PrE >", "<textarea>", "</textarea>", "<script>", "</script>",
          "<style>", "</style >", "<!--", "-->", '<a href="x>y">', "<p class='a\nb'>", "\u00a0"]


def test_random_texts_compact_as_the_plain_algorithm_does() -> None:
    rng = random.Random(22)
    for _ in range(60_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        assert compact_html(text) == plain(text), repr(text)


def test_an_indented_page_compacts_as_the_plain_algorithm_does() -> None:
    page = ("<!doctype html>\n<html>\n  <head>\n    <script>\n  var a = 1;\n    </script>\n  </head>\n"
            "  <body>\n    <pre>\n  kept\n    </pre>\n    <p title=\"a\n  b\">teks   \n\n   lagi</p>\t\n"
            "    <!-- a\n   comment -->\n  <textarea>\n x\n</textarea>\n  </body>\n</html>\n")
    assert compact_html(page) == plain(page)
    assert compact_html(page + "\0") == plain(page + "\0")  # a NUL in the page takes the slower path


FRAGMENT_PIECES = PIECES + ["<article class=\"card\">", "</article>", "<a href=\"/x/\">", "</a>", "x", "\n  ",
                            "<p>", "</p>", "<h3>", "\ue000"]


def test_a_page_compacts_the_same_with_its_closed_fragments_put_back_compacted() -> None:
    rng = random.Random(25)
    used = 0
    for _ in range(30_000):
        fragments = ["".join(rng.choice(FRAGMENT_PIECES) for _ in range(rng.randint(0, 12)))
                     for _ in range(rng.randint(1, 4))]
        around = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12))) for _ in range(len(fragments) + 1)]
        text = around[0] + "".join(f + a for f, a in zip(fragments, around[1:]))
        shown = [c for c in map(compact.closed, fragments) if c is not None]
        if rng.random() < 0.1:
            rng.shuffle(shown)  # out of order: some are not found after the one before
        if rng.random() < 0.1:
            shown.append(compact.Closed("<b>not there</b>", "<b>not there</b>"))
        used += bool(shown)
        assert compact.compact_page(text, shown) == plain(text), (text, shown)
    assert used > 10_000  # closed fragments were found in most pages, not only the plain path taken


def test_a_fragment_that_could_pair_with_the_page_around_it_is_not_closed() -> None:
    for html in ["<pre>", "</script>", "<!-- a", "a -->", "a < b", "<p>x</p><STYLE>", " \n ", "<b>\ue000</b>"]:
        assert compact.closed(html) is None, html
    assert compact.closed("\n  <p>a\n   b</p>\n") == compact.Closed("<p>a\n   b</p>", "<p>a\nb</p>")
