"""No text of a story is left out of its page without a word: deep nesting renders, or a
build and a check fail naming the file and line (markdown-it skips whatever lies deeper
than its nesting limit, with no error of its own).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.markdown import render_markdown
from generator.errors import BuildError
from tests.conftest import copy_site

TARGET = "content/articles/2023/11"
HEAD = "---\ntitle: Bersarang\ndate: 2023-11-01\nsection: kota\nsummary: Ringkas.\n---\n"  # the body starts on line 7


def nested_list(depth: int) -> str:
    return "".join("  " * level + f"- tingkat{level}\n" for level in range(depth))


def run(command: str, site: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    status = main([command, "--source", str(site), *extra])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_a_list_ten_levels_deep_keeps_the_rest_of_the_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = copy_site("basic", tmp_path)
    body = ("Awal.\n\n" + nested_list(12) + "\n## Subjudul penting\n\nSisa berita.\n\n"
            + "> " * 25 + "kutipan terdalam\n\nPenutup.\n")
    (site / TARGET / "bersarang.md").write_text(HEAD + body)
    status, output = run("build", site, capsys, "--out", str(tmp_path / "public"), "--no-search", "--quiet")
    assert status == 0, output
    html = (tmp_path / "public/kota/2023/11/bersarang/index.html").read_text()
    for text in [f"tingkat{level}" for level in range(12)] + ["Subjudul penting", "Sisa berita.",
                                                               "kutipan terdalam", "Penutup."]:
        assert text in html, text


@pytest.mark.parametrize("body, line", [
    ("Awal.\n\n" + nested_list(60) + "\n## Subjudul\n\nSisa berita.\n", 9 + 49),  # tingkat49: fifty lists are a hundred levels
    ("Awal.\n\n" + "> " * 150 + "kutipan\n", 9),
    ("Awal.\n\n" + "> - 1. " * 1000 + "kutipan\n", 9),  # far deeper than Python's stack would allow
    ("Awal.\n\n" + nested_list(1000), 9 + 49),  # tingkat49: fifty lists are a hundred levels
    ("Awal.\n\n| a | b |\n|---|---|\n| 1 | 2 | tiga |\n", 11),
], ids=["list-60", "quote-150", "mixed-1000", "list-1000", "table-extra-cell"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_text_that_would_be_left_out_fails_with_its_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, line: int, command: str) -> None:
    site = copy_site("basic", tmp_path)
    (site / TARGET / "bersarang.md").write_text(HEAD + body)
    extra = ("--out", str(tmp_path / "public"), "--no-search") if command == "build" else ()
    status, output = run(command, site, capsys, *extra)
    assert status == 1, output
    assert f"{TARGET}/bersarang.md:{line}: error: " in output
    assert "left out of the page" in output and "Traceback" not in output
    assert not (tmp_path / "public").exists()


def test_a_standalone_page_is_checked_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = copy_site("basic", tmp_path)
    (site / "content/pages").mkdir(exist_ok=True)
    (site / "content/pages/dalam.md").write_text("---\ntitle: Dalam\n---\nSatu.\n\n" + "> " * 120 + "dua\n")
    status, output = run("check", site, capsys)
    assert status == 1 and "content/pages/dalam.md:6: error: lists or block quotes nested" in output, output


WORDS = re.compile(r"kata\d+")


@pytest.mark.parametrize("shape", [
    lambda n: "".join("  " * i + f"- kata{i}\n" for i in range(n)) + "\nkata9999\n",
    lambda n: "".join("   " * i + f"{i + 1}. kata{i}\n" for i in range(n)) + "\nkata9999\n",
    lambda n: "".join("\t" * i + f"* kata{i}\n" for i in range(n)) + "\nkata9999\n",
    lambda n: "".join("> " * i + f"kata{i}\n\n" for i in range(n)) + "kata9999\n",
    lambda n: "> - " * n + "kata0\n\nkata9999\n",
    lambda n: "[" * n + "kata0" + "](u)" * n + " *" * n + "kata1" + "*" * n + "\n\nkata9999\n",
    lambda n: "![kata0 " * n + "x" + "](y)" * n + " [kata1 [kata2](b)](c)\n\nkata9999\n",
], ids=["bullets", "ordered", "tabs", "quotes", "quoted-list", "brackets-emphasis", "images-links"])
def test_every_word_is_rendered_or_the_body_is_refused(shape) -> None:  # type: ignore[no-untyped-def]
    for depth in (1, 5, 10, 11, 19, 20, 21, 30, 49, 50, 51, 99, 100, 101, 150, 400):
        text = shape(depth)
        try:
            html = render_markdown(text, path="a.md", first_line=7)
        except BuildError as exc:
            [diag] = exc.diagnostics[:1]
            assert diag.path == "a.md" and diag.line is not None and diag.line >= 7
            continue
        assert sorted(WORDS.findall(html)) == sorted(WORDS.findall(text)), (depth, text[:200])
