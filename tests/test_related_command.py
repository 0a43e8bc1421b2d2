"""`sitegen related PATH` explains an article's related list to an editor."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import REPO


def test_related_command_lists_scores_tags_and_terms(capsys: pytest.CaptureFixture[str]) -> None:
    article = REPO / "content/articles/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur.md"
    assert main(["related", str(article), "--source", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("related articles for content/articles/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur.md:")
    first = out.splitlines()[1]
    assert "1. content/articles/" in first and "score" in first and "[listed]" in first
    assert "shared tags:" in out and "banjir" in out and "shared terms:" in out
    assert out.count("[listed]") == 5


def test_related_command_refuses_a_file_that_is_not_an_article(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["related", str(REPO / "content/articles/2023/11/banjir-rendam-tiga-kecamatan.md"),
                   "--source", str(REPO)])
    err = capsys.readouterr().err
    assert status == 1
    assert "not an article of this site" in err
    assert "did you mean 'content/articles/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur.md'?" in err
