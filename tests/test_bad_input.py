"""The catalogue of bad input: each tests/bad_input/NAME.md dropped into a good site
fails the build with exactly the diagnostics in NAME.expected.

Regenerate an expectation after an intended change with --regen-expected, then review it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.errors import BuildError
from tests.conftest import REPO, build_into, copy_site

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
    assert "<h1 data-pagefind-ignore>Berkas Windows</h1>" in html and "<p>Baris pertama.</p>" in html


def test_the_catalogue_covers_at_least_thirty_files_and_sites() -> None:
    files = sorted(CASES.glob("*.md"))
    sites = sorted(p for p in SITE_CASES.iterdir() if p.is_dir())
    assert len(files) >= 30 and len(sites) >= 20
    for case in files:
        assert case.with_suffix(".expected").is_file(), case.name
    for case in sites:
        assert (case / "expected.txt").is_file(), case.name


# --- Site-level cases: tests/bad_sites/NAME/ holds files laid over the basic site (same
# relative paths: site.toml, content/..., themes/...) and expected.txt, the diagnostics.
# Absolute paths in them are written relative to the site, the packaged theme as <sitegen>.

SITE_CASES = Path(__file__).resolve().parent / "bad_sites"


def site_diagnostics_for(case: Path, tmp_path: Path) -> str:
    site = copy_site("basic", tmp_path)
    for src in sorted(p for p in case.rglob("*") if p.is_file() and p.name != "expected.txt"):
        dest = site / src.relative_to(case)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())
    with pytest.raises(BuildError) as info:
        build_into(site, tmp_path / "public")
    assert not (tmp_path / "public").exists(), "a failed build wrote output"
    text = "\n".join(d.format() for d in info.value.diagnostics) + "\n"
    return text.replace(f"{site}/", "").replace(str(REPO), "<sitegen>")


@pytest.mark.parametrize("case", sorted(p for p in SITE_CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_bad_site_gives_the_expected_diagnostic(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    got = site_diagnostics_for(case, tmp_path)
    expected = case / "expected.txt"
    if request.config.getoption("--regen-expected"):
        expected.write_text(got, encoding="utf-8")
        pytest.skip("expectation regenerated")
    assert got == expected.read_text(encoding="utf-8")


# --- Input that looks odd but is valid builds, and says so in the output.

@pytest.mark.parametrize("written, shown", [
    ("2023-11-02 08:15", "2023-11-02T08:15:00+07:00"),  # no offset: the site's timezone
    ("2023-11-02", "2023-11-02T00:00:00+07:00"),
    ("2023-11-02T08:15:00+07:30", "2023-11-02T08:15:00+07:30"),  # an offset no zone uses today
    ("2023-11-02T08:15+05:45", "2023-11-02T08:15:00+05:45"),  # Nepal
    ("2023-11-02T08:15:00-03:30", "2023-11-02T08:15:00-03:30"),  # Newfoundland
    ("2023-11-02T08:15:00+14:00", "2023-11-02T08:15:00+14:00"),  # Kiribati, the largest in use
    ("2023-11-02T01:15:00Z", "2023-11-02T01:15:00+00:00"),
    ("2023-11-02T08:15:00+0730", "2023-11-02T08:15:00+07:30"),  # basic format
])
def test_valid_dates_and_offsets_build_as_written(written: str, shown: str, basic_site: Path, tmp_path: Path) -> None:
    (basic_site / TARGET / "zona.md").write_text(f"---\ntitle: Zona\ndate: {written}\nsection: kota\n---\nIsi.\n")
    build_into(basic_site, tmp_path / "p")
    html = (tmp_path / "p/kota/2023/11/zona/index.html").read_text()
    assert f'<time datetime="{shown}"' in html


@pytest.mark.parametrize("name, raw", [
    ("bom", b"\xef\xbb\xbf---\ntitle: Berkas BOM\ndate: 2023-11-02\nsection: kota\n---\nBaris pertama.\n"),
    ("crlf", b"---\r\ntitle: Berkas CRLF\r\ndate: 2023-11-02\r\nsection: kota\r\n---\r\nBaris pertama.\r\n"),
    ("cr", b"---\rtitle: Berkas CR\rdate: 2023-11-02\rsection: kota\r---\rBaris pertama.\r"),
    ("bom-crlf", b"\xef\xbb\xbf---\r\ntitle: Berkas BOM CRLF\r\ndate: 2023-11-02\r\nsection: kota\r\n---\r\n"
                 b"Baris pertama.\r\n"),
])
def test_bom_and_other_line_endings_build(name: str, raw: bytes, basic_site: Path, tmp_path: Path) -> None:
    (basic_site / TARGET / f"{name}.md").write_bytes(raw)
    build_into(basic_site, tmp_path / "p")
    html = (tmp_path / f"p/kota/2023/11/{name}/index.html").read_text()
    assert "<p>Baris pertama.</p>" in html
    assert "\ufeff" not in html and "\r" not in html


def test_a_100000_character_title_builds_everywhere(basic_site: Path, tmp_path: Path) -> None:
    title = "Judul " + "sangat " * 14_284 + "panjang"
    assert len(title) >= 100_000
    (basic_site / TARGET / "judul-panjang.md").write_text(
        f"---\ntitle: {title}\ndate: 2023-11-02\nsection: kota\ntags: [{'x' * 100_000}]\n"
        f"reporter: {'Nama ' * 20_000}\n---\nIsi.\n")
    build_into(basic_site, tmp_path / "p")
    html = (tmp_path / "p/kota/2023/11/judul-panjang/index.html").read_text()
    assert f"<h1 data-pagefind-ignore>{title}</h1>" in html
    assert title in (tmp_path / "p/feed.xml").read_text()
    tag_pages = [p.parent.name for p in (tmp_path / "p/tag").glob("x*/index.html")]
    assert tag_pages and all(len(name) <= 100 for name in tag_pages)  # one folder name, within file-system limits


def test_a_diagnostic_on_a_huge_line_quotes_only_part_of_it(basic_site: Path, tmp_path: Path) -> None:
    (basic_site / TARGET / "kunci.md").write_text(
        f"---\ntitle: T\ndate: 2023-11-02\nsection: kota\nsumary: {'kata ' * 20_000}\n---\n")
    with pytest.raises(BuildError) as info:
        build_into(basic_site, tmp_path / "p")
    text = str(info.value)
    assert "unknown key 'sumary'" in text and "did you mean 'summary'?" in text
    assert len(text) < 600


# --- File-level faults that cannot be committed as files.

def test_a_20_mb_article_is_refused_before_it_is_read(basic_site: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    big = basic_site / TARGET / "raksasa.md"
    with big.open("wb") as handle:
        handle.write(b"---\ntitle: Raksasa\ndate: 2023-11-02\nsection: kota\n---\n")
        handle.write(b"Paragraf panjang sekali.\n" * (20 * 1024 * 1024 // 25))
    assert big.stat().st_size >= 20 * 1024 * 1024
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        assert path.name != big.name, "the oversized file was read"
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(BuildError) as info:
        build_into(basic_site, tmp_path / "p")
    assert [d.format() for d in info.value.diagnostics] == [
        f"{TARGET}/raksasa.md:1: error: file is 20.0 MB; the limit is 5 MB"]
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("where, link, target", [
    ("an article", f"{TARGET}/rahasia.md", "outside/rahasia.md"),
    ("a folder of articles", f"{TARGET}/gudang", "outside"),
    ("a bundle", f"{TARGET}/bundel", "outside/bundel"),
    ("a media folder", "content/media/kunci", "outside"),
    ("a media file", "content/media/kunci.jpg", "outside/kunci.jpg"),
    ("a page", "content/pages/rahasia.md", "outside/rahasia.md"),
])
def test_a_symlink_out_of_content_is_refused(where: str, link: str, target: str, basic_site: Path,
                                             tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "bundel").mkdir(parents=True)
    article = "---\ntitle: Rahasia\ndate: 2023-11-02\nsection: kota\n---\nJangan terbit.\n"
    (outside / "rahasia.md").write_text(article)
    (outside / "bundel/index.md").write_text(article)
    (outside / "bundel/kunci-pribadi.jpg").write_bytes((basic_site / "content/media/jembatan.jpg").read_bytes())
    (outside / "kunci.jpg").write_bytes(b"secret")
    (basic_site / link).symlink_to(tmp_path / target)
    with pytest.raises(BuildError) as info:
        build_into(basic_site, tmp_path / "p")
    assert [d.format() for d in info.value.diagnostics] == [f"{link}: error: symlink points outside content/"]
    assert not (tmp_path / "p").exists()


def test_symlink_loops_and_broken_symlinks_are_reported(basic_site: Path, tmp_path: Path) -> None:
    (basic_site / TARGET / "lingkaran").symlink_to("..")
    (basic_site / TARGET / "hilang.md").symlink_to("tidak-ada.md")
    with pytest.raises(BuildError) as info:
        build_into(basic_site, tmp_path / "p")
    assert [d.format() for d in info.value.diagnostics] == [
        f"{TARGET}/hilang.md: error: broken symlink: the file it points to does not exist",
        f"{TARGET}/lingkaran: error: symlink loop: it points to a folder that contains it"]


def test_a_symlink_inside_content_is_followed(basic_site: Path, tmp_path: Path) -> None:
    (basic_site / "content/media/alias.jpg").symlink_to("jembatan.jpg")
    build_into(basic_site, tmp_path / "p")
    assert (tmp_path / "p/media/alias.jpg").read_bytes() == (basic_site / "content/media/jembatan.jpg").read_bytes()


def test_an_unreadable_article_is_reported(basic_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, where chmod 000 does not stop a read: simulate the refusal instead.
    victim = basic_site / TARGET / "jembatan-baru-dibuka.md"
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == victim:
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(BuildError) as info:
        build_into(basic_site, tmp_path / "p", jobs=1)
    assert [d.format() for d in info.value.diagnostics] == [
        f"{TARGET}/jembatan-baru-dibuka.md: error: cannot read file: Permission denied"]


def refuse_reads(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    """Make `victim` unreadable as chmod 000 does for a user other than root: its mode (and
    so its ctime) changes, and reading it is refused even when the tests run as root."""
    victim.chmod(0)
    original_read, original_copy, original_open = Path.read_bytes, shutil.copyfile, Path.open

    def read_bytes(path: Path) -> bytes:
        if path == victim:
            raise PermissionError(13, "Permission denied", str(path))
        return original_read(path)

    def open_file(path: Path, *args: object, **kwargs: object) -> object:
        if path == victim:
            raise PermissionError(13, "Permission denied", str(path))
        return original_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def copyfile(src: object, dst: object, *args: object, **kwargs: object) -> object:
        if Path(str(src)) == victim:
            raise PermissionError(13, "Permission denied", str(src))
        return original_copy(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "open", open_file)
    monkeypatch.setattr(shutil, "copyfile", copyfile)


@pytest.mark.parametrize("rel", [f"{TARGET}/jembatan-baru-dibuka.md", "content/pages/tentang.md",
                                 "content/media/peta.pdf"])
@pytest.mark.parametrize("mode", ["clean", "incremental"])
def test_an_unreadable_source_is_one_diagnostic_and_exit_1_in_every_build(
        rel: str, mode: str, basic_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # As docs/guarantees.md has it: a file of the site that cannot be read is an error in
    # the input, named, exit status 1; an incremental build notices it as a clean one does.
    from generator.cli import main

    out = tmp_path / "public"
    (basic_site / "content/media/peta.pdf").write_bytes(b"%PDF-1.4\n")  # a shared file no story reads
    argv = ["build", "--source", str(basic_site), "--out", str(out), "--no-search", "--jobs", "1"]
    if mode == "incremental":
        assert main(argv) == 0 and main(argv) == 0  # the second one stamps peta.pdf by content (racy)
        capsys.readouterr()
        assert main(argv) == 0
        assert "Nothing changed" in capsys.readouterr().out  # the next build would stop at the shortcut
        before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    capsys.readouterr()
    refuse_reads(monkeypatch, basic_site / rel)
    try:
        status = main(argv)
    finally:
        (basic_site / rel).chmod(0o644)
    err = capsys.readouterr().err
    assert status == 1, err
    assert err.splitlines()[0] == f"{rel}: error: cannot read file: Permission denied"
    assert "Nothing changed" not in err and "Traceback" not in err
    if mode == "incremental":
        assert sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file()) == before
    else:
        assert not out.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="runs as root, where chmod 000 does not stop reads; "
                                              "test_an_unreadable_article_is_reported simulates it")
def test_an_unreadable_article_is_reported_for_real(basic_site: Path, tmp_path: Path) -> None:
    victim = basic_site / TARGET / "jembatan-baru-dibuka.md"
    victim.chmod(0)
    try:
        with pytest.raises(BuildError, match="cannot read file: Permission denied"):
            build_into(basic_site, tmp_path / "p")
    finally:
        victim.chmod(0o644)


def test_an_unreadable_folder_is_reported(basic_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = os.scandir
    refused = basic_site / "content/articles/2023/10"

    def scandir(path: object) -> object:
        if Path(str(path)) == refused:
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(BuildError) as info:
        build_into(basic_site, tmp_path / "p")
    assert [d.format() for d in info.value.diagnostics] == [
        "content/articles/2023/10: error: cannot read folder: Permission denied"]


def test_a_folder_named_like_an_article_is_a_folder(basic_site: Path, tmp_path: Path) -> None:
    # Discovery lists files only: an (empty) folder called x.md is not an article and is
    # no error; one holding index.md is a bundle, whose slug comes from the folder name.
    (basic_site / TARGET / "kosong.md").mkdir()
    build_into(basic_site, tmp_path / "p")
    (basic_site / TARGET / "bundel.md").mkdir()
    (basic_site / TARGET / "bundel.md/index.md").write_text("---\ntitle: B\ndate: 2023-11-02\nsection: kota\n---\n")
    with pytest.raises(BuildError, match="file name 'bundel.md' is not URL-safe"):
        build_into(basic_site, tmp_path / "q")


@pytest.mark.parametrize("case", ["bundle-file-over-shared-media", "bundle-file-over-its-page", "media-over-page",
                                  "theme-static-differs-in-case", "media-differs-in-case"])
def test_check_reports_a_clash_of_files_as_the_build_does(case: str, tmp_path: Path) -> None:
    # Every output path has one owner, copied files included: `sitegen check` says so too.
    from generator.check import check
    from generator.config.options import BuildOptions
    from tests.conftest import BUILD_TIME

    expected = (SITE_CASES / case / "expected.txt").read_text(encoding="utf-8")
    site = copy_site("basic", tmp_path)
    for src in sorted(p for p in (SITE_CASES / case).rglob("*") if p.is_file() and p.name != "expected.txt"):
        dest = site / src.relative_to(SITE_CASES / case)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())
    with pytest.raises(BuildError) as info:
        check(BuildOptions(source=site, out=tmp_path / "public", build_time=BUILD_TIME, search=False))
    got = "\n".join(d.format() for d in info.value.diagnostics) + "\n"
    assert got.replace(f"{site}/", "").replace(str(REPO), "<sitegen>") == expected
