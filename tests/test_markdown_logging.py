"""Story bodies render without markdown-it's per-rule debug records, to the same HTML."""

from __future__ import annotations

import logging

import pytest
from markdown_it import MarkdownIt

from generator.content.markdown import render_markdown

BODY = "# Judul\n\nParagraf *satu* dengan [tautan](https://example.org/).\n\n- a\n- b\n\n> kutipan\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"


def test_rendering_a_body_makes_no_markdown_it_debug_records(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    html = render_markdown(BODY)
    assert not [r for r in caplog.records if r.name.startswith("markdown_it")]
    assert html == MarkdownIt("commonmark", {"html": True}).enable("table").render(BODY)
