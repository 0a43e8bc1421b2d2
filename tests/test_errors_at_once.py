"""One run reports all that can be known: a site.toml mistake does not hide the content's
errors, and a story's front-matter error does not hide the broken links of the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check import check
from generator.config.options import BuildOptions
from generator.errors import BuildError
from tests.conftest import BUILD_TIME, build_into

BAD_DATE = "content/articles/2023/10/gerhana-bulan-terlihat.md"
LINKING = "content/articles/2023/11/jembatan-baru-dibuka.md"


def break_site(site: Path, config_line: str) -> None:
    """One mistake of each kind: site.toml, a front matter, a link in another story."""
    (site / "site.toml").write_text((site / "site.toml").read_text().replace("per_page = 1", config_line))
    story = site / BAD_DATE
    story.write_text(story.read_text().replace("date: 2023-10-29 03:14", "date: 2023-13-45"))
    with (site / LINKING).open("a") as handle:
        handle.write("\nBaca [ini](/kota/2023/11/tidak-ada/).\n")


def reported(run) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(BuildError) as info:
        run()
    return sorted(f"{d.path}: {d.message}" for d in info.value.diagnostics if d.severity == "error")


EVERY_KIND = [
    f"{BAD_DATE}: invalid date '2023-13-45': month must be in 1..12",
    f"{LINKING}: link to /kota/2023/11/tidak-ada/ names no page or file of the site",
    "site.toml: unknown key 'per_pages'",
]


def test_check_reports_a_config_a_front_matter_and_a_link_error_in_one_run(basic_site: Path) -> None:
    break_site(basic_site, "per_page = 1\nper_pages = 3")
    options = BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME)
    assert reported(lambda: check(options)) == EVERY_KIND


def test_build_reports_them_all_too_and_writes_nothing(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    break_site(basic_site, "per_page = 1\nper_pages = 3")
    assert reported(lambda: build_into(basic_site, out)) == EVERY_KIND
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_a_config_mistake_that_moves_addresses_still_lets_the_content_errors_through(basic_site: Path) -> None:
    # With a wrong permalink the site's addresses are unknown: links cannot be judged, stories can.
    break_site(basic_site, 'per_page = 1\npermalink = "/{sektion}/{slug}/"')
    options = BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME)
    errors = reported(lambda: check(options))
    assert f"{BAD_DATE}: invalid date '2023-13-45': month must be in 1..12" in errors
    assert any(e.startswith("site.toml: ") and "sektion" in e for e in errors)
    assert not any("tidak-ada" in e for e in errors)


def test_a_config_mistake_fails_the_build_even_when_nothing_else_changed(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    config = basic_site / "site.toml"
    config.write_text("per_pages = 3\n" + config.read_text())  # before the tables
    assert reported(lambda: build_into(basic_site, out)) == ["site.toml: unknown key 'per_pages'"]
