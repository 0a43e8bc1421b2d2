"""`sitegen build` fails on the broken internal links `check` reports (#fragments included),
or warns with `[links] broken = "warn"` / `--broken-links warn`; incremental builds keep
checking what an edit elsewhere can break."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import BuildError
from tests.conftest import build_into

STORY = "content/articles/2023/11/tautan.md"
TARGET = "content/articles/2023/11/sasaran.md"


def story(body: str, title: str = "Tautan") -> str:
    return f"---\ntitle: \"{title}\"\ndate: 2023-11-02\nsection: kota\n---\n\nPembuka.\n\n{body}\n"


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def errors_of(site: Path, out: Path, **options: object) -> list[str]:
    with pytest.raises(BuildError) as info:
        build_into(site, out, **options)
    return [f"{d.path}:{d.line}: {d.message}" for d in info.value.diagnostics if d.severity == "error"]


def test_a_broken_link_fails_the_build_at_its_line_and_the_old_output_stays(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = snapshot(out)
    (basic_site / STORY).write_text(story("Baca [beritanya](/kota/2023/11/hilang/)."))
    assert errors_of(basic_site, out) == [
        f"{STORY}:9: link to /kota/2023/11/hilang/ names no page or file of the site"]
    assert snapshot(out) == before


def test_a_fragment_must_name_an_id_of_its_page(basic_site: Path, tmp_path: Path) -> None:
    # The archive page has an id per year ("y2023"); the story's own page has the theme's "isi".
    (basic_site / STORY).write_text(story("[Arsip](/arsip/#y2023), [isi](#isi) dan [atas](#top)."))
    build_into(basic_site, tmp_path / "good")
    (basic_site / STORY).write_text(story("[Arsip](/arsip/#y1999) dan [kutipan](#kutipan)."))
    assert errors_of(basic_site, tmp_path / "bad") == [
        f"{STORY}:9: link to #kutipan: its page has no element with id 'kutipan'",
        f"{STORY}:9: link to /arsip/#y1999: its page has no element with id 'y1999'"]


def test_warn_mode_builds_and_reports_the_link_on_every_build(basic_site: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (basic_site / STORY).write_text(story("Baca [beritanya](/kota/2023/11/hilang/)."))
    with (basic_site / "site.toml").open("a") as handle:
        handle.write('\n[links]\nbroken = "warn"\n')
    args = ["build", "--source", str(basic_site), "--out", str(tmp_path / "public"), "--no-search", "--quiet"]
    for _ in range(2):  # the second build has nothing to do, and still says it
        assert main(args) == 0
        assert f"{STORY}:9: warning: link to /kota/2023/11/hilang/" in capsys.readouterr().err
    # The command line overrides site.toml, even when nothing changed.
    assert main([*args, "--broken-links", "error"]) == 1
    assert f"{STORY}:9: error: link to /kota/2023/11/hilang/" in capsys.readouterr().err


def test_the_command_line_can_make_broken_links_warnings(basic_site: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (basic_site / STORY).write_text(story("Baca [beritanya](/kota/2023/11/hilang/)."))
    args = ["build", "--source", str(basic_site), "--out", str(tmp_path / "public"), "--no-search", "--quiet"]
    assert main(args) == 1
    assert main([*args, "--broken-links", "warn"]) == 0
    assert "warning: link to /kota/2023/11/hilang/" in capsys.readouterr().err
    assert main(["check", "--source", str(basic_site), "--broken-links", "warn", "--quiet"]) == 0


def test_removing_a_story_breaks_the_unchanged_stories_that_link_to_it(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    (basic_site / TARGET).write_text(story("Isi sasaran.", title="Sasaran"))
    (basic_site / STORY).write_text(story("Baca [sasaran](/kota/2023/11/sasaran/)."))
    build_into(basic_site, out)
    (basic_site / TARGET).unlink()
    assert errors_of(basic_site, out) == [
        f"{STORY}:9: link to /kota/2023/11/sasaran/ names no page or file of the site"]


def test_an_id_removed_from_a_page_breaks_the_links_into_it(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    (basic_site / TARGET).write_text(story('<p id="catatan">Catatan redaksi.</p>', title="Sasaran"))
    (basic_site / STORY).write_text(story("Baca [catatannya](/kota/2023/11/sasaran/#catatan)."))
    build_into(basic_site, out)
    (basic_site / TARGET).write_text(story("<p>Catatan redaksi.</p>", title="Sasaran"))
    assert errors_of(basic_site, out) == [
        f"{STORY}:9: link to /kota/2023/11/sasaran/#catatan: its page has no element with id 'catatan'"]


def test_without_its_link_cache_an_incremental_build_reads_the_output(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    (basic_site / TARGET).write_text(story("Isi sasaran.", title="Sasaran"))
    (basic_site / STORY).write_text(story("Baca [sasaran](/kota/2023/11/sasaran/)."))
    build_into(basic_site, out)
    for cached in (basic_site / ".sitegen").glob("links-*.pickle"):
        cached.unlink()
    (basic_site / TARGET).unlink()
    assert errors_of(basic_site, out) == [
        f"{STORY}:9: link to /kota/2023/11/sasaran/ names no page or file of the site"]


def test_a_fixed_link_is_no_longer_reported(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    (basic_site / STORY).write_text(story("Baca [sasaran](/kota/2023/11/sasaran/)."))
    report = build_into(basic_site, out, broken_links="warn")
    assert [w.message for w in report.warnings if "sasaran" in w.message]
    # The story it names is written: the unchanged story's link now works.
    (basic_site / TARGET).write_text(story("Isi sasaran.", title="Sasaran"))
    report = build_into(basic_site, out)
    assert not [w for w in report.warnings if "sasaran" in w.message]


def test_text_inside_an_attribute_value_is_no_link() -> None:
    from urllib.parse import urlsplit

    from generator.output.links import page_links

    page = ('<meta content="SITE &lt;img src=x onerror=a&gt;"><a href="/a/" data-x="href=/no/" id=\'z\'>a</a>'
            "<script>var s = '<a href=\"/neither/\">';</script>")
    record = page_links(page, "/p/", "p/index.html", urlsplit("https://example.org/"))
    assert [link for link, _, _ in record.links] == ["/a/"] and record.ids == {"z"}
