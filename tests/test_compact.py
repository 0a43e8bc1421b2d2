"""compact_html: the indentation of templates leaves the output, and the page renders the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import renderer
from generator.render.compact import compact_html
from tests.browser import serve
from tests.conftest import REPO, build_into

# Every element's box and the page's text, as Chromium lays the page out.
LAYOUT = """() => [document.body.innerText,
  [...document.querySelectorAll('body *')].map(e => { const r = e.getBoundingClientRect();
    return [e.tagName, Math.round(r.x * 10), Math.round(r.y * 10), Math.round(r.width * 10), Math.round(r.height * 10)]; })]"""


def test_line_breaks_with_their_indentation_become_one_line_break_and_words_stay_apart() -> None:
    assert compact_html("<ul>\n    <li>a\n      b</li>  \n\n  <li>c</li>\n</ul>\n") == "<ul>\n<li>a\nb</li>\n<li>c</li>\n</ul>\n"
    assert compact_html("<a>x</a>\n  <a>y</a>") == "<a>x</a>\n<a>y</a>"  # the gap between inline elements stays


@pytest.mark.parametrize("kept", [
    "<pre>\n  x\n      y\n</pre>", "<textarea>\n  a\n</textarea>", "<script>\n  var a = 1;\n</script>",
    "<style>\n  p { color: red }\n</style>", '<img alt="two\n   lines">', "<!-- a\n   b -->",
    '<a title="a > b\n   c">x</a>', "<PRE class=x>\n  y</PRE>",
])
def test_raw_elements_tags_and_comments_are_kept_as_written(kept: str) -> None:
    assert compact_html(f"<div>\n  {kept}\n  </div>") == f"<div>\n{kept}\n</div>"


def test_compacting_twice_changes_nothing_more() -> None:
    text = "<main>\n  <p>a   b\n\t c</p>\n  <pre> q\n  r</pre>\n</main>\n"
    assert compact_html(compact_html(text)) == compact_html(text)


@pytest.mark.browser
def test_a_compacted_site_renders_as_the_indented_one(tmp_path: Path, browser, monkeypatch) -> None:
    compacted = tmp_path / "compact"
    build_into(REPO, compacted, future=True)
    monkeypatch.setattr(renderer, "compact_page", lambda text, fragments: text)  # the workers are forked: they see it
    indented = tmp_path / "indented"
    build_into(REPO, indented, future=True, clean=True)
    pages = ["", "nasional/", "nasional/2023/11/warga-kampung-melayu-bersihkan-lumpur/", "tag/banjir/", "cari/"]
    assert (compacted / "index.html").stat().st_size < (indented / "index.html").stat().st_size
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        layouts = []
        for root in (compacted, indented):
            with serve(root) as url:
                for path in pages:
                    page.goto(url + path, wait_until="networkidle")  # latest.json fills a box
                    layouts.append(page.evaluate(LAYOUT))
        half = len(pages)
        for path, mine, theirs in zip(pages, layouts[:half], layouts[half:]):
            assert mine == theirs, f"/{path} at {width}px"
    page.close()
