"""What sitegen prints never carries a terminal's control sequences from content or file
names: an ESC in a file or folder name, a body line or a YAML escape is shown as \\x1b,
a bidirectional override as \\u202e, so nothing can retitle the window, clear the screen
or reorder what the editor reads.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.config.options import BuildOptions
from generator.errors import Diagnostic
from generator.serve.preview import Preview
from tests.conftest import BUILD_TIME, copy_site

TARGET = "content/articles/2023/11"
TITLE_SEQUENCE = "\x1b]0;pwned\x07"
CLEAR_SCREEN = "\x1b[2J"
# What a terminal acts on: C0 controls but tab and line feed, DEL, C1, bidi controls, separators.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def story(title: str, date: str, slug: str) -> str:
    return (f"---\ntitle: {title}\ndate: {date}\nsection: kota\nslug: {slug}\ntags: [jembatan, transportasi]\n"
            "---\nJembatan sepanjang 40 meter itu mulai dipakai warga pada Kamis pagi.\n")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The basic site with two stories whose folder and file names hold escape sequences."""
    site = copy_site("basic", tmp_path)
    folder = site / TARGET / f"map{CLEAR_SCREEN}"
    folder.mkdir()
    (folder / f"jadwal{TITLE_SEQUENCE}.md").write_text(story("Jembatan terjadwal", "2099-11-09 14:30", "jadwal"))
    (site / TARGET / f"terkait{TITLE_SEQUENCE}\u202e.md").write_text(story("Jembatan kedua", "2023-11-05", "terkait"))
    return site


def printed(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert not RAW.search(text), repr(text)
    return text


def test_build_and_check_summaries_show_file_names_escaped(site: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--source", str(site), "--out", str(tmp_path / "public"), "--no-search"]) == 0
    text = printed(capsys)
    assert f"({TARGET}/map\\x1b[2J/jadwal\\x1b]0;pwned\\x07.md) goes live" in text
    assert main(["check", "--source", str(site)]) == 0
    assert "map\\x1b[2J/jadwal\\x1b]0;pwned\\x07.md" in printed(capsys)


def test_related_shows_file_names_escaped(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["related", str(site / TARGET / "jembatan-baru-dibuka.md"), "--source", str(site), "--future"]) == 0
    text = printed(capsys)
    assert f"{TARGET}/terkait\\x1b]0;pwned\\x07\\u202e.md  score" in text
    assert f"{TARGET}/map\\x1b[2J/jadwal\\x1b]0;pwned\\x07.md  score" in text


def test_diagnostics_show_file_names_and_quoted_lines_escaped(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = copy_site("basic", tmp_path)
    folder = site / TARGET / f"map{CLEAR_SCREEN}"
    folder.mkdir()
    # No slug: the file name makes one, which is not URL-safe.
    bad_name = folder / f"judul{TITLE_SEQUENCE}.md"
    bad_name.write_text("---\ntitle: Judul\ndate: 2023-11-01\nsection: kota\n---\nIsi.\n")
    (site / TARGET / "kunci.md").write_text('---\ntitle: "Kunci\\e]0;pwned\\a"\ndate: 2023-11-01\nsection: kota\n'
                                            '---\nIsi.\n')
    commands = [["build", "--out", str(tmp_path / "public"), "--no-search"], ["check"]]
    for command in commands:
        assert main(command + ["--source", str(site)]) == 1
        text = printed(capsys)
        assert f"{TARGET}/map\\x1b[2J/judul\\x1b]0;pwned\\x07.md:" in text
        assert f"{TARGET}/kunci.md:2:8: error: control character U+001B ESCAPE in the front matter" in text
    # A body line quoted under a diagnostic (found once the front matter is right).
    bad_name.unlink()
    (site / TARGET / "kunci.md").write_text(
        "---\ntitle: Tabel\ndate: 2023-11-01\nsection: kota\n---\n| a | b |\n|---|---|\n"
        f"| 1 | 2 | {CLEAR_SCREEN}tiga\u202e |\n")
    for command in commands:
        assert main(command + ["--source", str(site)]) == 1
        text = printed(capsys)
        assert f"{TARGET}/kunci.md:8: error: table row has more cells than the header row (2)" in text
        assert "    | 1 | 2 | \\x1b[2Jtiga\\u202e |" in text


def test_the_caret_stays_under_its_column_after_escapes() -> None:
    text = Diagnostic("a.md", "bad", line=1, column=8, source_line="\x1b[2J x y").format()
    shown, caret = text.splitlines()[1:3]
    assert shown == "    \\x1b[2J x y" and caret.index("^") == shown.index("y")
    text = Diagnostic("a.md\x1b[2J", "line one\nline two\n    indented", hint="x\x9by").format()
    assert text.splitlines() == ["a.md\\x1b[2J: error: line one\\nline two", "    indented", "    hint: x\\x9by"]


def test_serve_shows_changed_file_names_escaped(site: Path) -> None:
    options = BuildOptions(source=site, out=site / "public", build_time=BUILD_TIME, search=False)
    preview = Preview(options, port=0, watch=False, clock=lambda: BUILD_TIME, stdout=io.StringIO(),
                      stderr=io.StringIO())
    preview.start()
    try:
        assert preview.wait_ready(120)
        changed = site / TARGET / f"terkait{TITLE_SEQUENCE}\u202e.md"
        assert preview.rebuild([str(changed)])
        changed.write_text("---\ntitle: Rusak\n")  # the front matter is never closed
        assert not preview.rebuild([str(changed)])
    finally:
        preview.stop()
    text = preview.stdout.getvalue() + preview.stderr.getvalue()  # type: ignore[attr-defined]
    assert not RAW.search(text), repr(text)
    assert f"Changed {TARGET}/terkait\\x1b]0;pwned\\x07\\u202e.md: built" in text
    assert f"{TARGET}/terkait\\x1b]0;pwned\\x07\\u202e.md:1: error: front matter is not closed" in text
