"""The catalogue of bad input: each tests/bad_input/NAME.md dropped into a good site
fails the build with exactly the diagnostics in NAME.expected.

Regenerate an expectation after an intended change with --regen-expected, then review it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import BuildError
from tests.conftest import build_into, copy_site

CASES = Path(__file__).resolve().parent / "bad_input"
TARGET = "content/articles/2023/11"


def diagnostics_for(case: Path, tmp_path: Path) -> str:
    site = copy_site("basic", tmp_path)
    (site / TARGET / case.name).write_bytes(case.read_bytes())
    with pytest.raises(BuildError) as info:
        build_into(site, tmp_path / "public")
    assert not (tmp_path / "public").exists(), "a failed build wrote output"
    return "\n".join(d.format() for d in info.value.diagnostics) + "\n"


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_bad_input_gives_the_expected_diagnostic(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    got = diagnostics_for(case, tmp_path)
    expected = case.with_suffix(".expected")
    if request.config.getoption("--regen-expected"):
        expected.write_text(got, encoding="utf-8")
        pytest.skip("expectation regenerated")
    assert got == expected.read_text(encoding="utf-8")


def test_every_diagnostic_names_the_file_and_a_line(tmp_path: Path) -> None:
    for case in sorted(CASES.glob("*.md")):
        text = diagnostics_for(case, tmp_path / case.stem)
        assert text.startswith(f"{TARGET}/{case.name}:"), text


def test_all_errors_of_the_site_are_reported_in_one_run(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    for name in ("unknown-key.md", "bad-date.md", "missing-image.md"):
        (site / TARGET / name).write_bytes((CASES / name).read_bytes())
    with pytest.raises(BuildError) as info:
        build_into(site, tmp_path / "public")
    paths = {d.path for d in info.value.diagnostics}
    assert paths == {f"{TARGET}/unknown-key.md", f"{TARGET}/bad-date.md", f"{TARGET}/missing-image.md"}


def test_two_articles_with_one_url_name_both_files(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    original = site / TARGET / "jembatan-baru-dibuka.md"
    (site / "content/articles/2023/11/salinan").mkdir()
    (site / "content/articles/2023/11/salinan/jembatan-baru-dibuka.md").write_bytes(original.read_bytes())
    with pytest.raises(BuildError) as info:
        build_into(site, tmp_path / "public")
    [diag] = info.value.diagnostics
    assert diag.path == f"{TARGET}/salinan/jembatan-baru-dibuka.md"
    assert f"the same URL as {TARGET}/jembatan-baru-dibuka.md: /kota/2023/11/jembatan-baru-dibuka/" in diag.message


def test_urls_differing_only_in_case_collide(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    (site / "content/pages/Kota.md").write_text("---\ntitle: Kota\nslug: kota\n---\nHalaman.\n")
    with pytest.raises(BuildError, match="the same URL as section:kota: /kota/"):
        build_into(site, tmp_path / "public")


def test_bom_and_crlf_files_build(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    text = "---\r\ntitle: Berkas Windows\r\ndate: 2023-11-02\r\nsection: kota\r\n---\r\nBaris pertama.\r\n"
    (site / TARGET / "berkas-windows.md").write_bytes(b"\xef\xbb\xbf" + text.encode())
    build_into(site, tmp_path / "public")
    html = (tmp_path / "public/kota/2023/11/berkas-windows/index.html").read_text()
    assert "<h1>Berkas Windows</h1>" in html and "<p>Baris pertama.</p>" in html
