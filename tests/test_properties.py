"""Property-based tests: whatever the input, sitegen answers with diagnostics, never a crash.

- `parse_front_matter` and `parse_article` raise nothing but BuildError, on any text and
  on text shaped like front matter (keys, nesting, lists, anchors, tags, odd characters).
- A build of a small random site (titles, tags, sections and people drawn with odd
  Unicode, quotes and markup) either succeeds with every internal link resolving, or
  fails with BuildError carrying diagnostics.

Kept small for CI: a few dozen examples each, no deadline (the machine may be busy).
"""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.config.options import BuildOptions
from generator.config.site import load_config
from generator.content.frontmatter import parse_front_matter
from generator.content.parse import parse_article
from generator.errors import BuildError
from tests.conftest import BUILD_TIME, SITES, build_into, copy_site
from tests.crawl import broken_links

QUICK = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUILDS = settings(max_examples=25, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

ODD = ["<script>alert(1)</script>", "</script>", "]]>", '"quoted"', "it's", "a: b", "- item", "#hash",
       "&amp;", "{{ x }}", "😀", "Straße", "İstanbul", "e\u0301", "\u202eevil", "日本語", "\u00a0", "\t",
       "\u2028", "\x85", "\x07", "\ufeff", "null", "~", "yes", "0x1F", "1e400", ".inf", "2023-02-30",
       "*alias", "&anchor", "!!python/object", "!!binary", "|", ">", "---", "...", "%", "@", "`"]
TEXT = st.one_of(st.text(max_size=30), st.sampled_from(ODD),
                 st.lists(st.sampled_from(ODD) | st.text(max_size=5), max_size=4).map(" ".join))
KEYS = st.sampled_from(["title", "date", "updated", "section", "reporter", "editor", "tags", "summary",
                        "image", "dateline", "slug", "draft", "related", "extra", "src", "alt"]) | st.text(max_size=8)


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Text shaped like front matter: `---`, lines of keys, values, nesting and lists, `---`, a body."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        indent = draw(st.sampled_from(["", "", "  ", "    ", "\t", "- ", "  - "]))
        key = draw(KEYS)
        value = draw(st.one_of(TEXT, st.sampled_from(["", "[a, b]", "{a: 1}", "&x [1]", "*x", "[", "{",
                                                        "'unclosed", '"unclosed', "2023-11-09 14:30+07:30",
                                                        "10" * 20, "!!set {a}", "[[[[]]]]"])))
        lines.append(f"{indent}{key}:{draw(st.sampled_from([' ', '', '  ']))}{value}")
    opening = draw(st.sampled_from(["---\n", "---\n", "--- \n", "\n---\n", ""]))
    closing = draw(st.sampled_from(["---\n", "...\n", "---", ""]))
    return opening + "\n".join(lines) + "\n" + closing + draw(TEXT)


@pytest.fixture(scope="module")
def config():
    return load_config(BuildOptions(source=SITES / "basic", out=Path("/nonexistent"), build_time=BUILD_TIME))


@QUICK
@given(st.text())
def test_parse_front_matter_raises_only_build_errors_on_any_text(text: str) -> None:
    try:
        parse_front_matter(text, "a.md")
    except BuildError as exc:
        assert exc.diagnostics


@QUICK
@given(yamlish())
def test_parse_front_matter_raises_only_build_errors_on_yamlish_text(text: str) -> None:
    try:
        fm = parse_front_matter(text, "a.md")
    except BuildError as exc:
        assert exc.diagnostics and all(d.path == "a.md" for d in exc.diagnostics)
    else:
        assert isinstance(fm.data, dict)


@QUICK
@given(st.one_of(st.text(), yamlish()))
def test_parse_article_raises_only_build_errors(config, text: str) -> None:
    try:
        parse_article("content/articles/2023/11/a.md", text, config)
    except BuildError as exc:
        assert exc.diagnostics


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar holding `text`, with characters YAML cannot take raw escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" else c for c in quoted)


# Text with at least one visible word, as a valid title, tag or name needs.
WORDS = st.tuples(TEXT, st.sampled_from(["Berita", "ani", "X", "日本", "<b>", '"q"', "</script>"])).map(" ".join)
NAMES = st.one_of(st.sampled_from(["Sari Lestari", "sari lestari", "SARI LESTARI", "Ani", "Ani!", "Dodi",
                                   "<b>Ani</b>", "O'Brien", '"Ani"', "Ань", "😀", "Ani & Budi"]), WORDS)
# Mostly declared sections; now and then one that is unknown, not URL-safe or taken.
SECTIONS = st.sampled_from(["kota"] * 6 + ["sains"] * 4 + ["ekonomi", "Kota", "kota besar", "<script>", "..", "tag"])


@st.composite
def article(draw: st.DrawFn, number: int) -> str:
    when = BUILD_TIME - timedelta(minutes=draw(st.integers(0, 60 * 24 * 400)))
    fields = {
        "title": draw(WORDS | NAMES),
        "date": when.strftime("%Y-%m-%d %H:%M") + draw(st.sampled_from(["", "", "+07:30", "Z", "-03:00"])),
        "section": draw(SECTIONS),
        "reporter": draw(st.lists(NAMES, max_size=3)),
        "editor": draw(NAMES),
        "tags": draw(st.lists(WORDS | NAMES, max_size=4)),
        "summary": draw(TEXT),
        "dateline": draw(TEXT),
    }
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(yaml_string(v) for v in value)}]")
        elif draw(st.booleans()) or key in ("title", "date", "section"):
            lines.append(f"{key}: {yaml_string(value) if key != 'date' else value}")
    if draw(st.booleans()):
        lines += ["image:", "  src: /media/jembatan.jpg", f"  alt: {yaml_string(draw(TEXT))}",
                  f"  caption: {yaml_string(draw(TEXT))}"]
    lines += ["---", draw(st.sampled_from(["Isi.", "Isi [tautan](/kota/) dan **tebal**.", "", "<i>html</i>"]))]
    return "\n".join(lines) + "\n"


@st.composite
def small_site(draw: st.DrawFn) -> tuple[bool, list[str]]:
    with_sections = draw(st.booleans())
    return with_sections, [draw(article(n)) for n in range(draw(st.integers(1, 4)))]


@BUILDS
@given(small_site())
def test_a_random_small_site_builds_with_working_links_or_reports_diagnostics(site_spec: tuple[bool, list[str]]) -> None:
    with_sections, articles = site_spec
    with tempfile.TemporaryDirectory() as tmp:
        site = copy_site("basic", Path(tmp))
        if not with_sections:
            toml = (site / "site.toml").read_text()
            (site / "site.toml").write_text(toml.split("\n[sections]")[0] + "\n")
        for n, text in enumerate(articles):
            (site / f"content/articles/2023/11/acak-{n}.md").write_text(text, encoding="utf-8")
        out = Path(tmp) / "public"
        try:
            build_into(site, out, jobs=1)
        except BuildError as exc:
            event("diagnostics")
            assert exc.diagnostics
            assert all(d.format() for d in exc.diagnostics)
            assert not out.exists()
        else:
            event("built")
            # Built without the search index (it is slow): the search page's links into
            # /pagefind/ are the only ones allowed to name no file.
            assert [link for link in broken_links(out, "https://example.org/")
                    if "-> /pagefind/" not in link] == []
