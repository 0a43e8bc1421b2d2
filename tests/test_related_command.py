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


def _story(site: Path, name: str, date: str, title: str, body: str) -> str:
    rel = f"content/articles/{name}.md"
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: \"{title}\"\ndate: {date}\nsection: nasional\nreporter: Rina Wulandari\n"
                    f"tags: [banjir, jakarta]\n---\n\n{body}\n", encoding="utf-8")
    return rel


@pytest.fixture
def three_stories(tmp_path: Path) -> Path:
    """Three flood stories, one of them scheduled for 2099: the build shows only two."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.toml").write_text('title = "Uji"\nbase_url = "https://example.org/"\n'
                                    '[sections.nasional]\ntitle = "Nasional"\n', encoding="utf-8")
    flood = "Banjir merendam permukiman warga di bantaran Kali Ciliwung setelah hujan deras semalaman."
    _story(site, "banjir-kampung-melayu", "2023-11-09 14:30", "Banjir Rendam Kampung Melayu", flood)
    _story(site, "banjir-bidara-cina", "2023-11-10 09:00", "Banjir Rendam Bidara Cina", flood)
    _story(site, "banjir-masa-depan", "2099-01-01 08:00", "Banjir Rendam Cawang", flood)
    return site


def test_related_command_lists_only_what_the_build_publishes(three_stories: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    story = three_stories / "content/articles/banjir-kampung-melayu.md"
    assert main(["related", str(story), "--source", str(three_stories)]) == 0
    out = capsys.readouterr().out
    assert "banjir-bidara-cina.md" in out
    assert "banjir-masa-depan.md" not in out  # scheduled for 2099: on no list the build writes
    assert main(["related", str(story), "--source", str(three_stories), "--future"]) == 0
    assert "banjir-masa-depan.md" in capsys.readouterr().out  # --future previews it, as the build does


def test_related_command_says_a_scheduled_story_is_not_published_yet(three_stories: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    story = three_stories / "content/articles/banjir-masa-depan.md"
    assert main(["related", str(story), "--source", str(three_stories)]) == 1
    err = capsys.readouterr().err
    assert "content/articles/banjir-masa-depan.md" in err and "scheduled story" in err and "2099-01-01" in err
