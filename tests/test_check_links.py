"""`sitegen check` names the line of the story BODY that holds a broken link, whatever the
form of the link: the Markdown parser's own tokens say where each link is."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check import check
from generator.config.options import BuildOptions
from generator.errors import BuildError
from tests.conftest import BUILD_TIME

REL = "content/articles/2023/11/tautan.md"
# The summary and the title mention the broken URLs too: a search of the file's text
# would blame the front matter.
FRONT = """---
title: "Tautan ke /kota/2023/11/hilang/ dan ../hilang/"
date: 2023-11-02
section: kota
summary: "Lihat /kota/2023/11/hilang/, ../hilang/, /kota/2023/11/berita lama/ dan [x][ref]"
---

Paragraf pembuka tanpa tautan.

"""


@pytest.mark.parametrize("body, link", [
    ("Baca [beritanya](/kota/2023/11/hilang/) di sini.", "/kota/2023/11/hilang/"),
    ("Baca [beritanya](../hilang/) di sini.", "../hilang/"),
    ("Baca [beritanya](</kota/2023/11/berita lama/>) di sini.", "/kota/2023/11/berita%20lama/"),
    ("Baca [beritanya](/kota/2023/11/%C3%BCber/) di sini.", "/kota/2023/11/%C3%BCber/"),
    ("Baca [beritanya](/kota/2023/11/über/) di sini.", "/kota/2023/11/%C3%BCber/"),
    ("Baca [beritanya][ref] di sini.\n\n[ref]: /kota/2023/11/hilang/", "/kota/2023/11/hilang/"),
    ("Baca <https://example.org/kota/2023/11/hilang/> di sini.", "https://example.org/kota/2023/11/hilang/"),
    ('Baca <a href="/kota/2023/11/hilang/">beritanya</a> di sini.', "/kota/2023/11/hilang/"),
    ("Baris satu,\nbaris dua dengan [tautan](/kota/2023/11/hilang/).", "/kota/2023/11/hilang/"),
    ("| a | b |\n|---|---|\n| x | [tautan](/kota/2023/11/hilang/) |", "/kota/2023/11/hilang/"),
])
def test_a_broken_link_is_reported_at_its_body_line(body: str, link: str, basic_site: Path) -> None:
    text = FRONT + body + "\n"
    (basic_site / REL).write_text(text)
    marker = "[ref]" if "[ref]:" in body else ("hilang" if "hilang" in body else "ber")
    lines = text.split("\n")
    expected = next(n for n, line in enumerate(lines, 1) if n > FRONT.count("\n") and marker in line)
    with pytest.raises(BuildError) as info:
        check(BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME))
    [diag] = [d for d in info.value.diagnostics if "names no page" in d.message]
    assert (diag.path, diag.line, diag.message) == (REL, expected, f"link to {link} names no page or file of the site")
    assert diag.source_line == lines[expected - 1]


def test_a_broken_link_under_a_base_path_is_reported_at_its_body_line(basic_site: Path) -> None:
    text = FRONT + "Satu.\n\nBaca [beritanya](/kota/2023/11/hilang/) di sini.\n"
    (basic_site / REL).write_text(text)
    expected = text.split("\n").index("Baca [beritanya](/kota/2023/11/hilang/) di sini.") + 1
    with pytest.raises(BuildError) as info:
        check(BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME,
                           base_url="https://user.github.io/warta/"))
    [diag] = [d for d in info.value.diagnostics if "names no page" in d.message]
    assert (diag.path, diag.line) == (REL, expected)
    assert diag.message == "link to /warta/kota/2023/11/hilang/ names no page or file of the site"


def test_a_page_body_link_is_reported_at_its_line(basic_site: Path) -> None:
    page = basic_site / "content/pages/tentang.md"
    text = page.read_text() + "\n\n[Redaksi](../redaksi/)\n"
    page.write_text(text)
    with pytest.raises(BuildError) as info:
        check(BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME))
    [diag] = [d for d in info.value.diagnostics if "names no page" in d.message]
    assert (diag.path, diag.line) == ("content/pages/tentang.md", text.split("\n").index("[Redaksi](../redaksi/)") + 1)
