"""`aliases:` keep old URLs working: a small page at each old path, query links by script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.check import check
from generator.config.options import BuildOptions
from generator.errors import BuildError
from tests.conftest import BUILD_TIME, build_into
from tests.test_incremental import snapshot

GERHANA = "content/articles/2023/10/gerhana-bulan-terlihat.md"
JEMBATAN = "content/articles/2023/11/jembatan-baru-dibuka.md"
NEW_URL = "/sains/2023/10/gerhana-bulan-terlihat/"


def add_aliases(site: Path, rel: str, *aliases: str) -> None:
    path = site / rel
    lines = path.read_text().split("\n")
    lines[1:1] = ["aliases:"] + [f"  - {a!r}".replace("'", '"') for a in aliases]
    path.write_text("\n".join(lines))


def errors_of(site: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(BuildError) as caught:
        build_into(site, tmp_path / "out")
    return [d.format() for d in caught.value.diagnostics]


def test_an_alias_is_a_small_page_that_sends_readers_to_the_new_url(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, "/2023/10/29/gerhana/", "/lama/gerhana.html", "/arsip-lama/gerhana")
    out = tmp_path / "public"
    build_into(basic_site, out)
    page = (out / "2023/10/29/gerhana/index.html").read_text()
    assert f'<link rel="canonical" href="https://example.org{NEW_URL}">' in page
    assert f'<meta http-equiv="refresh" content="0; url={NEW_URL}">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert f'<a href="{NEW_URL}">Gerhana Bulan Sebagian Terlihat Jelas: Langit Cerah</a>' in page
    assert (out / "lama/gerhana.html").is_file()
    assert (out / "arsip-lama/gerhana/index.html").is_file()  # no extension: a folder
    sitemap = (out / "sitemap.xml").read_text()
    assert "gerhana-bulan-terlihat" in sitemap and "2023/10/29/gerhana" not in sitemap and "lama" not in sitemap
    assert not (out / "aliases.json").exists()  # no query alias


def test_aliases_follow_the_base_path(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, "/lama/")
    out = tmp_path / "public"
    build_into(basic_site, out, base_url="https://example.github.io/arsip/")
    page = (out / "lama/index.html").read_text()
    assert f'href="/arsip{NEW_URL}"' in page and f"url=/arsip{NEW_URL}" in page
    assert f'href="https://example.github.io/arsip{NEW_URL}"' in page


def test_query_aliases_go_into_the_lookup_map(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, "/?p=123", "/index.php?p=124")
    add_aliases(basic_site, "content/pages/tentang.md", "/?page_id=2", "/about/")
    out = tmp_path / "public"
    build_into(basic_site, out)
    assert json.loads((out / "aliases.json").read_text()) == {
        "?p=123": NEW_URL, "?p=124": NEW_URL, "?page_id=2": "/tentang/"}
    assert (out / "about/index.html").is_file()
    assert "aliases.json" in (out / "static/sitegen.js").read_text()


def test_check_follows_the_links_of_alias_pages(basic_site: Path) -> None:
    add_aliases(basic_site, GERHANA, "/lama/")
    report = check(BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME, search=False))
    assert report.links > 0


@pytest.mark.parametrize(("alias", "message"), [
    ("https://lama.example/2019/x/", "is a full URL"),
    ("2019/x/", "must start with '/'"),
    ("/a/#b", "#fragment"),
    ("/a/../../etc/", "tries to leave the output folder"),
    ("/a//b/", "empty path segment"),
    ("/berita/?p=1", "a query alias must be"),
    ("/", "is the home page"),
])
def test_a_bad_alias_is_an_error_at_its_line(basic_site: Path, tmp_path: Path, alias: str, message: str) -> None:
    add_aliases(basic_site, GERHANA, "/baik/", alias)
    errors = errors_of(basic_site, tmp_path)
    assert len(errors) == 1 and f"{GERHANA}:4: error:" in errors[0] and message in errors[0], errors


def test_an_alias_of_another_page_names_both_files(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, "/kota/2023/11/jembatan-baru-dibuka/")
    errors = errors_of(basic_site, tmp_path)
    assert len(errors) == 1
    assert f"{GERHANA}:3: error: alias /kota/2023/11/jembatan-baru-dibuka/ claims the same URL as {JEMBATAN}" \
        in errors[0]


def test_two_files_with_one_alias_name_both(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, "/lama/")
    add_aliases(basic_site, JEMBATAN, "/LAMA/")
    errors = errors_of(basic_site, tmp_path)
    assert len(errors) == 1 and "claims the same URL as an alias in" in errors[0]
    assert {GERHANA, JEMBATAN} <= {part for part in errors[0].replace(":", " ").split()}


def test_an_alias_of_itself_or_twice_in_one_file_is_an_error(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, NEW_URL, "/dua/", "/dua")
    errors = errors_of(basic_site, tmp_path)
    assert len(errors) == 2
    assert "is the URL of this file itself" in errors[0] and f"{GERHANA}:3:" in errors[0]
    assert f"{GERHANA}:5: error: alias /dua/ claims the same URL as an alias in {GERHANA} (line 4)" in errors[1]


def test_an_alias_inside_a_folder_the_build_fills_is_an_error(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, "/static/style.css.html")
    assert "is inside /static/" in errors_of(basic_site, tmp_path)[0]


def test_the_query_alias_of_two_files_is_an_error(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, GERHANA, "/?p=1")
    add_aliases(basic_site, JEMBATAN, "/index.php?p=1")
    errors = errors_of(basic_site, tmp_path)
    assert len(errors) == 1 and "alias /?p=1 claims the same URL" in errors[0]


def test_drafts_and_their_aliases_are_not_published(basic_site: Path, tmp_path: Path) -> None:
    add_aliases(basic_site, "content/articles/2023/10/draf-rahasia.md", "/draf-lama/")
    out = tmp_path / "public"
    build_into(basic_site, out)
    assert not (out / "draf-lama").exists()
    build_into(basic_site, tmp_path / "drafts", drafts=True)
    assert (tmp_path / "drafts/draf-lama/index.html").is_file()


def test_adding_and_removing_aliases_incrementally_equals_a_clean_build(basic_site: Path, tmp_path: Path) -> None:
    out, clean = tmp_path / "public", tmp_path / "clean"
    build_into(basic_site, out)
    original = (basic_site / GERHANA).read_text()
    for aliases in (("/lama/", "/?p=5"), ("/lama/", "/baru.html", "/?p=6"), ()):
        (basic_site / GERHANA).write_text(original)
        if aliases:
            add_aliases(basic_site, GERHANA, *aliases)
        build_into(basic_site, out)
        shutil.rmtree(clean, ignore_errors=True)
        build_into(basic_site, clean, clean=True)
        assert snapshot(out) == snapshot(clean), aliases
    # Retitling the story changes its alias pages' link text.
    add_aliases(basic_site, GERHANA, "/lama/")
    build_into(basic_site, out)
    (basic_site / GERHANA).write_text((basic_site / GERHANA).read_text().replace("Gerhana Bulan Sebagian", "Gerhana"))
    build_into(basic_site, out)
    assert "Gerhana Terlihat Jelas" in (out / "lama/index.html").read_text()


@pytest.mark.browser
def test_old_links_reach_the_story_in_a_browser(browser, basic_site: Path, tmp_path: Path) -> None:
    from tests.browser import serve

    add_aliases(basic_site, GERHANA, "/?p=123", "/index.php?p=124", "/2023/10/29/gerhana/")
    out = tmp_path / "public"
    build_into(basic_site, out, base_url="https://example.github.io/arsip/")
    with serve(out, "/arsip/") as url:
        page = browser.new_page()
        for old in ("?p=123", "index.php?p=124", "2023/10/29/gerhana/"):
            page.goto(url + old)
            page.wait_for_url(url + NEW_URL.lstrip("/"), timeout=5000)
        page.goto(url + "?p=999")  # no such alias: the home page stays
        page.wait_for_load_state("networkidle")
        assert page.url == url + "?p=999"
        page.close()
