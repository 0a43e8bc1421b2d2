"""`sitegen check` and `build` say how large the site is against the host's limit, and what to do when it is over."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.output.limits import SizeLimits, kind_of, size_summary


def files_and_bytes(out: Path) -> tuple[int, int]:
    sizes = [p.stat().st_size for p in out.rglob("*") if p.is_file()]
    return len(sizes), sum(sizes)


def test_build_prints_files_and_bytes_against_github_pages_limit_with_the_biggest_kinds(
        basic_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    assert main(["build", "--source", str(basic_site), "--out", str(out), "--no-search"]) == 0
    printed = capsys.readouterr().out
    files, total = files_and_bytes(out)
    line = next(line for line in printed.splitlines() if line.startswith("Size: "))
    summary = size_summary({p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()},
                           SizeLimits())
    assert line == summary.line()
    assert line.startswith(f"Size: {files} files, ") and "of the 1.0 GB GitHub Pages allows" in line
    assert "pages " in line and "resized photos " in line


def test_check_prints_the_size_the_build_will_have(basic_site: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--source", str(basic_site)]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Size: "))
    out = tmp_path / "public"
    assert main(["build", "--source", str(basic_site), "--out", str(out), "--no-search"]) == 0
    files, _ = files_and_bytes(out)
    # Everything the build writes but the search index; resized photos are estimated before they are made.
    assert line.startswith(f"Size: {files} files, ") and "GitHub Pages allows" in line


def test_an_incremental_build_sizes_the_output_from_the_last_build_plus_what_it_writes(
        basic_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.output.limits as limits

    out = tmp_path / "public"
    assert main(["build", "--source", str(basic_site), "--out", str(out), "--no-search"]) == 0
    walked: list[Path] = []
    walk = limits.output_sizes
    monkeypatch.setattr(limits, "output_sizes", lambda root: walked.append(root) or walk(root))
    story = next((basic_site / "content/articles").rglob("*.md"))
    story.write_text(story.read_text(encoding="utf-8") + "\n" + "Kalimat baru yang panjang. " * 400 + "\n",
                     encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--source", str(basic_site), "--out", str(out), "--no-search"]) == 0
    assert out not in walked  # only the staged update was walked, not the whole output
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Size: "))
    monkeypatch.undo()
    assert line == size_summary(limits.output_sizes(out), SizeLimits()).line()  # what a walk of the result says


def test_a_site_over_the_limit_of_site_toml_is_warned_about_and_pointed_to_sitegen_deploy(
        basic_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = basic_site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[limits]\nsite_mb = 1\n", encoding="utf-8")
    photo = basic_site / "content/articles/2023/11/pasar-apung-bersolek/foto-utama.jpg"
    photo.write_bytes(photo.read_bytes() + b"\0" * (1024 * 1024))  # the original is copied as it is
    for command in (["check"], ["build", "--out", str(tmp_path / "public"), "--no-search"]):
        assert main([*command, "--source", str(basic_site)]) == 0
        captured = capsys.readouterr()
        assert "warning: the site is" in captured.err and "over the host's ([limits] site_mb) limit of 1.0 MB" \
            in captured.err
        assert "sitegen deploy" in captured.err and "biggest parts: kota/" in captured.err
        assert "of the 1.0 MB the host ([limits]) allows" in captured.out


@pytest.mark.parametrize("rel, kind", [
    ("pagefind/fragment/id_1.pf_fragment", "search index"), ("media/_v/a-1-480.webp", "resized photos"),
    ("kota/2023/11/a/_v/b-2-240.jpg", "resized photos"), ("kota/2023/11/a/index.html", "pages"),
    ("sitemap.xml", "feeds and sitemaps"), ("static/style.css", "theme files"), ("media/a.jpg", "photos"),
])
def test_each_file_is_counted_in_its_kind(rel: str, kind: str) -> None:
    assert kind_of(rel) == kind
