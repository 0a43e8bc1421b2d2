"""Unit tests of the front matter parser and the content schema."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.config.options import BuildOptions
from generator.config.site import load_config
from generator.content.frontmatter import decode_source, parse_front_matter
from generator.content.parse import parse_article
from generator.errors import BuildError
from tests.conftest import BUILD_TIME, SITES


@pytest.fixture(scope="module")
def config():
    return load_config(BuildOptions(source=SITES / "basic", out=Path("/nonexistent"), build_time=BUILD_TIME))


def test_lines_of_keys_nested_keys_and_list_items_are_recorded() -> None:
    fm = parse_front_matter("---\ntitle: A\ntags:\n  - x\n  - y\nimage:\n  src: a.jpg\n---\nBody\n", "a.md")
    assert fm.lines == {"title": 2, "tags": 3, "tags.0": 4, "tags.1": 5, "image": 6, "image.src": 7}
    assert fm.body == "Body\n" and fm.body_line == 9


def test_timestamps_stay_text_so_dates_are_parsed_in_one_place() -> None:
    fm = parse_front_matter("---\ndate: 2023-11-09 14:30:00\n---\n", "a.md")
    assert fm.data["date"] == "2023-11-09 14:30:00"


def test_crlf_and_bom_are_normalised() -> None:
    assert decode_source(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\n", "a.md") == "---\ntitle: A\n---\n"


def test_closing_line_may_be_three_dots() -> None:
    assert parse_front_matter("---\ntitle: A\n...\nBody", "a.md").body == "Body"


def test_date_without_offset_is_in_site_timezone(config) -> None:
    article = parse_article("content/articles/a.md", "---\ntitle: A\ndate: 2023-11-09 14:30\nsection: kota\n---\n", config)
    assert article.date == datetime(2023, 11, 9, 14, 30, tzinfo=timezone(timedelta(hours=7)))
    assert article.date.utcoffset() == timedelta(hours=7)


def test_date_with_offset_keeps_it(config) -> None:
    article = parse_article("content/articles/a.md", "---\ntitle: A\ndate: 2023-11-09T14:30:00+09:00\nsection: kota\n---\n", config)
    assert article.date.utcoffset() == timedelta(hours=9)


def test_date_only_means_midnight_in_site_timezone(config) -> None:
    article = parse_article("content/articles/a.md", "---\ntitle: A\ndate: 2023-11-09\nsection: kota\n---\n", config)
    assert article.date.isoformat() == "2023-11-09T00:00:00+07:00"


def test_url_follows_the_permalink_pattern(config) -> None:
    article = parse_article("content/articles/2023/banjir-besar.md", "---\ntitle: A\ndate: 2023-01-05\nsection: kota\n---\n", config)
    assert article.url == "/kota/2023/01/banjir-besar/"


def test_bundle_slug_comes_from_its_folder(config) -> None:
    article = parse_article("content/articles/2023/pasar/index.md", "---\ntitle: A\ndate: 2023-01-05\nsection: kota\n---\n", config)
    assert article.slug == "pasar"


def test_summary_is_derived_from_the_first_paragraph(config) -> None:
    text = "---\ntitle: A\ndate: 2023-01-05\nsection: kota\n---\n## Sub\n\nParagraf **pertama** di\nsini.\n\nKedua.\n"
    article = parse_article("content/articles/a.md", text, config)
    assert article.summary == "Paragraf pertama di sini."
    assert article.summary_derived


def test_single_reporter_string_becomes_a_tuple(config) -> None:
    text = "---\ntitle: A\ndate: 2023-01-05\nsection: kota\nreporter: Ani\neditor: [Budi, Citra]\n---\n"
    article = parse_article("content/articles/a.md", text, config)
    assert article.reporters == ("Ani",) and article.editors == ("Budi", "Citra")


def test_every_problem_in_one_file_is_reported_together(config) -> None:
    text = "---\ntitle: 5\ndate: kemarin\nsection: kota\nfoo: 1\n---\n"
    with pytest.raises(BuildError) as info:
        parse_article("content/articles/a.md", text, config)
    assert [d.line for d in info.value.diagnostics] == [2, 3, 5]
