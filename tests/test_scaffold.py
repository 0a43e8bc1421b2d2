"""`sitegen init` (a new site) and `sitegen new` (a new story)."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.config.options import BuildOptions
from generator.config.site import _SCALAR_KEYS, _TABLE_KEYS, SiteConfig, validate_config
from generator.content.placeholders import PLACEHOLDERS
from generator.scaffold import init_site
from tests.conftest import REPO, build_into
from tests.crawl import broken_links

NOW = datetime(2024, 5, 6, 17, 15, tzinfo=timezone.utc)  # 00:15 WIB on 7 May
LATER = NOW + timedelta(hours=1)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_writes_a_site_that_builds_at_once_with_every_link_resolving(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "kabar-kota"
    assert main(["init", str(site)]) == 0
    assert "Created a new site in" in capsys.readouterr().out
    written = set(files_in(site))
    assert {"site.toml", ".gitignore", ".github/workflows/pages.yml", "content/pages/tentang.md"} <= written
    [article] = [f for f in written if f.startswith("content/articles/")]
    assert re.fullmatch(r"content/articles/\d{4}/\d{2}/warga-gotong-royong-bersihkan-pantai-kampung-nelayan\.md", article)
    assert (site / ".gitignore").read_text().splitlines()[1:] == ["public/", ".sitegen/"]

    assert main(["build", "--source", str(site), "--quiet"]) == 0  # with the search index
    public = site / "public"
    assert broken_links(public, "https://example.org/") == []
    [page] = (public / "daerah").glob("*/*/*/index.html")
    html = page.read_text()
    assert "Warga Gotong Royong Bersihkan Pantai Kampung Nelayan" in html
    assert "Ilustrasi: dibuat oleh sitegen, bukan foto" in html and 'width="1200" height="675"' in html
    assert (public / "tentang/index.html").is_file() and (public / "pagefind").is_dir()
    assert main(["check", "--source", str(site)]) == 0


def test_init_dates_the_example_story_at_init_time_in_the_site_timezone(tmp_path: Path) -> None:
    written = init_site(tmp_path / "site", NOW)
    [article] = [f for f in written if f.startswith("content/articles/")]
    assert article.startswith("content/articles/2024/05/")
    assert "date: 2024-05-07 00:15\n" in (tmp_path / "site" / article).read_text()
    assert build_into(tmp_path / "site", tmp_path / "early").articles == 0  # the fixed test clock is in 2023


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "catatan.txt").write_text("punya redaksi")
    assert main(["init", str(site)]) == 1
    err = capsys.readouterr().err
    assert f"{site}: error: folder is not empty (catatan.txt); nothing was changed" in err
    assert "hint: sitegen init writes a new site into an empty or new folder" in err
    assert files_in(site) == {"catatan.txt": b"punya redaksi"}

    (tmp_path / "berkas").write_text("x")
    assert main(["init", str(tmp_path / "berkas")]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err


def test_init_accepts_a_fresh_git_repository(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / ".git").mkdir(parents=True)
    assert main(["init", str(site)]) == 0
    assert (site / "site.toml").is_file()


def uncommented(text: str) -> str:
    """site.toml with every optional setting ("#key = value", "#[table]") switched on."""
    return "\n".join(re.sub(r"^#(?=\[|\w+ = )", "", line) for line in text.splitlines())


def test_init_site_toml_explains_every_key_with_its_real_default(tmp_path: Path) -> None:
    text = (REPO / "generator/scaffold/site.toml").read_text()
    full = uncommented(text)
    raw = tomllib.loads(full)
    assert set(raw) == set(_SCALAR_KEYS) | set(_TABLE_KEYS)
    tables = {f.name: f.default_factory for f in dataclasses.fields(SiteConfig) if f.name in ("related", "paths", "search")}
    for table, cls in tables.items():
        assert set(raw[table]) == {f.name for f in dataclasses.fields(cls)}, table
        assert cls(**raw[table]) == cls(), f"[{table}] shows values other than the defaults"
    options = BuildOptions(source=tmp_path, out=tmp_path / "public", build_time=NOW)
    assert validate_config(raw, full, options) == validate_config(tomllib.loads(text), text, options)
    # Every setting has an explanation just above it.
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^#?(\w+ = |\[)", line) and not line.startswith("[sections."):
            above = lines[number - 1]
            assert above.startswith("# ") or re.match(r"^#?\w+ = |^\[sections\.|^title|^description", above), line


def test_new_writes_a_story_from_the_archetype_that_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    init_site(site, NOW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert main(["new", "Harga Cabai Naik: Pedagang \"Menjerit\" Jelang Lebaran", "--section", "ekonomi",
                 "--reporter", "Rina Wulandari", "--reporter", "Joko Susilo", "--editor", "Bagus Santoso",
                 "--source", str(site)]) == 0
    rel = "content/articles/2024/05/harga-cabai-naik-pedagang-menjerit-jelang-lebaran.md"
    out, err = capsys.readouterr()
    assert out.strip() == str(site / rel)  # the path alone on stdout
    assert "draft" in err and "set draft: false in its front matter or delete that line" in err
    text = (site / rel).read_text()
    assert 'title: "Harga Cabai Naik: Pedagang \\"Menjerit\\" Jelang Lebaran"' in text
    assert "date: 2024-05-07 00:15\n" in text and "section: ekonomi\n" in text
    assert 'reporter: ["Rina Wulandari", "Joko Susilo"]' in text and 'editor: ["Bagus Santoso"]' in text

    # A new story is a draft, as in Hugo: the build withholds it until it is published.
    assert "\ndraft: true\n" in text
    report = build(BuildOptions(source=site, out=tmp_path / "drafted", build_time=LATER, search=False))
    assert report.articles == 1 and report.drafts_skipped == 1
    (site / rel).write_text(text.replace("\ndraft: true\n", "\ndraft: false\n"))
    report = build(BuildOptions(source=site, out=tmp_path / "public", build_time=LATER, search=False))
    assert report.articles == 2
    html = (tmp_path / "public/ekonomi/2024/05/harga-cabai-naik-pedagang-menjerit-jelang-lebaran/index.html").read_text()
    assert "Rina Wulandari" in html and "Joko Susilo" in html
    assert "Selasa, 7 Mei 2024 00.15\xa0WIB" in html  # the theme keeps the zone on the time's line


def test_new_takes_one_name_per_reporter_option_and_the_headline_anywhere(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    init_site(site, NOW)
    # The headline after --reporter NAME is the headline, not a second reporter.
    assert main(["new", "--reporter", "Nur Aini", "Banjir Rob Rendam Pesisir", "--section", "daerah",
                 "--editor", "Bagus Santoso", "--source", str(site)]) == 0
    [path] = (site / "content/articles").glob("*/*/banjir-rob-rendam-pesisir.md")
    assert 'reporter: ["Nur Aini"]' in path.read_text() and 'editor: ["Bagus Santoso"]' in path.read_text()
    with pytest.raises(SystemExit):
        main(["new", "Judul", "--section", "daerah", "--reporter", "A", "B", "--source", str(site)])
    assert "unrecognized arguments: B" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    from generator import __version__

    with pytest.raises(SystemExit) as info:
        main([flag])
    assert info.value.code == 0 and capsys.readouterr().out == f"sitegen {__version__}\n"


def test_new_refuses_to_overwrite_and_checks_the_section(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    init_site(site, NOW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    args = ["new", "Pasar Malam Dibuka", "--section", "daerah", "--source", str(site)]
    assert main(args) == 0
    path = site / "content/articles/2024/05/pasar-malam-dibuka.md"
    path.write_text(path.read_text() + "\nSudah ditulis wartawan.\n")
    edited = path.read_bytes()
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "content/articles/2024/05/pasar-malam-dibuka.md: error: this story already exists" in err
    assert path.read_bytes() == edited

    before = files_in(site)
    assert main(["new", "Laga Final", "--section", "olahraag", "--source", str(site)]) == 1
    err = capsys.readouterr().err
    assert "site.toml: error: unknown section 'olahraag' (--section)" in err
    assert "hint: did you mean 'olahraga'?" in err
    assert main(["new", "Laga Final", "--section", "hiburan", "--source", str(site)]) == 1
    assert "sections in site.toml: daerah, ekonomi, olahraga" in capsys.readouterr().err
    assert files_in(site) == before


def test_new_uses_the_sites_own_archetype(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    init_site(site, NOW)
    archetype = site / "themes/default/archetypes/article.md"
    archetype.parent.mkdir(parents=True)
    archetype.write_text("---\ntitle: {{ title | yaml }}\ndate: {{ date }}\nsection: {{ section }}\n"
                         "tags: [liputan-khusus]\ndraft: true\n---\n\nNaskah {{ slug }}.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert main(["new", "Banjir Rob", "--section", "daerah", "--source", str(site)]) == 0
    text = (site / "content/articles/2024/05/banjir-rob.md").read_text()
    assert "tags: [liputan-khusus]\ndraft: true\n" in text and "Naskah banjir-rob." in text

    # An archetype that would not build is refused before anything is written.
    archetype.write_text("---\ntitle: {{ title | yaml }}\nsection: {{ section }}\n---\n")
    assert main(["new", "Banjir Rob Lagi", "--section", "daerah", "--source", str(site)]) == 1
    assert "missing required key 'date'" in capsys.readouterr().err
    assert not (site / "content/articles/2024/05/banjir-rob-lagi.md").exists()
    archetype.write_text("---\ntitle: {{ judul }}\n---\n")
    assert main(["new", "Banjir Rob Lagi", "--section", "daerah", "--source", str(site)]) == 1
    assert "themes/default/archetypes/article.md: error: template error: 'judul' is undefined" in capsys.readouterr().err


def test_new_in_a_folder_without_site_toml_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Judul", "--section", "daerah", "--source", str(tmp_path)]) == 1
    assert "no site.toml" in capsys.readouterr().err


@pytest.mark.slow
def test_the_wheel_ships_the_scaffold_templates(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
                   check=True, cwd=tmp_path)
    [wheel] = tmp_path.glob("sitegen_news-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("site.toml", "gitignore", "tentang.md", "example-article.md", "pages.yml", "s3.yml",
                 "archetypes/article.md"):
        assert f"generator/scaffold/{name}" in names, name
    assert "generator/scaffold.py" in names and "generator/output/links.py" in names
    assert "generator/serve/livereload.js" in names


def test_check_warns_on_placeholder_text_left_in_a_published_story(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    init_site(site, NOW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert main(["new", "Pasar Malam Dibuka", "--section", "daerah", "--source", str(site)]) == 0
    rel = "content/articles/2024/05/pasar-malam-dibuka.md"
    text = (site / rel).read_text()
    assert PLACEHOLDERS["lead"] in text  # the archetype writes the text the check looks for
    capsys.readouterr()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(LATER.timestamp())))
    assert main(["check", "--source", str(site)]) == 0  # a draft may hold it
    assert "placeholder" not in capsys.readouterr().err

    published = text.replace("\ndraft: true\n", "\n")  # deleting the line publishes it too
    (site / rel).write_text(published)
    line = published.splitlines().index(PLACEHOLDERS["lead"]) + 1
    assert main(["check", "--source", str(site)]) == 0  # a warning, not an error
    out, err = capsys.readouterr()
    assert f"{rel}:{line}: warning: the story still holds the placeholder text of `sitegen new`" in err
    assert "1 warning" in out
    assert main(["check", "--strict", "--source", str(site)]) == 1
    assert f"{rel}:{line}: error: the story still holds the placeholder text" in capsys.readouterr().err

    (site / rel).write_text(published.replace(PLACEHOLDERS["lead"], "Pasar malam dibuka di alun-alun kota."))
    assert main(["check", "--strict", "--source", str(site)]) == 0
