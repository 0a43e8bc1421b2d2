"""site.toml validation: every problem named with its line and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import BuildError
from tests.conftest import build_into


def config_errors(site: Path, text: str, tmp_path: Path) -> list[str]:
    (site / "site.toml").write_text(text)
    with pytest.raises(BuildError) as info:
        build_into(site, tmp_path / "public")
    return [d.format().splitlines()[0] + (f" [{d.hint}]" if d.hint else "") for d in info.value.diagnostics]


def test_toml_syntax_error_names_the_line(basic_site: Path, tmp_path: Path) -> None:
    errors = config_errors(basic_site, 'title = "A"\nbase_url = "https://x.org/"\nper_page = \n', tmp_path)
    assert errors == ["site.toml:3:12: error: invalid TOML: Invalid value"]


def test_unknown_key_suggests_the_right_one(basic_site: Path, tmp_path: Path) -> None:
    errors = config_errors(basic_site, 'title = "A"\nbase_url = "https://x.org/"\nlanguge = "id"\n', tmp_path)
    assert errors == ["site.toml:3: error: unknown key 'languge' [did you mean 'language'?]"]


def test_bad_values_are_all_reported(basic_site: Path, tmp_path: Path) -> None:
    text = ('title = "A"\nbase_url = "example.org"\nlanguage = "xx-nope"\ntimezone = "Asia/Jakarta2"\n'
            'permalink = "/{section}/{yr}/{slug}/"\nper_page = "ten"\n')
    errors = config_errors(basic_site, text, tmp_path)
    assert "site.toml:2: error: base_url must be an absolute http(s) URL, not 'example.org'" in errors
    assert any(e.startswith("site.toml:3: error: unknown language 'xx-nope'") for e in errors)
    assert any(e.startswith("site.toml:4: error: unknown timezone 'Asia/Jakarta2'") for e in errors)
    assert any(e.startswith("site.toml:5: error: unknown permalink field '{yr}' (did you mean 'year'?)") for e in errors)
    assert "site.toml:6: error: 'per_page' must be a whole number, not a string" in errors


def test_missing_required_keys(basic_site: Path, tmp_path: Path) -> None:
    errors = config_errors(basic_site, 'language = "id"\n', tmp_path)
    # Diagnostics of one line come in a fixed order (by message), whatever order they were found in.
    assert errors == ["site.toml:1: error: missing required key 'base_url'",
                      "site.toml:1: error: missing required key 'title'"]


def test_unknown_key_in_a_section_table(basic_site: Path, tmp_path: Path) -> None:
    text = 'title = "A"\nbase_url = "https://x.org/"\n[sections.kota]\ntitle = "Kota"\ndescripton = "x"\n'
    errors = config_errors(basic_site, text, tmp_path)
    assert errors[0] == "site.toml:5: error: unknown key 'descripton' in section 'kota' [did you mean 'description'?]"


def test_unknown_key_in_related_table(basic_site: Path, tmp_path: Path) -> None:
    text = 'title = "A"\nbase_url = "https://x.org/"\n[related]\ncont = 3\n'
    errors = config_errors(basic_site, text, tmp_path)
    assert errors == ["site.toml:4: error: unknown key 'cont' in [related] [did you mean 'count'?]"]


def test_base_url_from_the_command_line_wins(basic_site: Path, tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "p", base_url="https://user.github.io/arsip")
    assert 'href="/arsip/static/style.css"' in (tmp_path / "p/index.html").read_text()


def test_missing_site_toml(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no site.toml"):
        build_into(tmp_path, tmp_path / "out")
