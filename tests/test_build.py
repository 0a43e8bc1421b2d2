"""End-to-end behaviour of `sitegen build` on the fixture site."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import BuildError
from tests.conftest import build_into


def test_build_writes_articles_home_sections_and_pages(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    report = build_into(basic_site, out)
    assert report.articles == 3
    for rel in ["index.html", "kota/index.html", "kota/page/1/index.html", "sains/index.html",
                "kota/2023/11/jembatan-baru-dibuka/index.html", "tentang/index.html", "404.html",
                "kota/2023/11/pasar-apung-bersolek/foto-utama.jpg", "media/jembatan.jpg",
                "static/style.css"]:
        assert (out / rel).is_file(), rel


def test_drafts_are_skipped_unless_asked_for(basic_site: Path, tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "a")
    assert not (tmp_path / "a/sains/2023/10/draf-rahasia").exists()
    build_into(basic_site, tmp_path / "b", drafts=True)
    assert (tmp_path / "b/sains/2023/10/draf-rahasia/index.html").is_file()


def test_article_page_shows_credits_figure_and_localized_date(basic_site: Path, tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "p")
    html = (tmp_path / "p/kota/2023/11/jembatan-baru-dibuka/index.html").read_text()
    # The headline is searched as metadata, not indexed text: excerpts never start with it.
    assert "<h1 data-pagefind-ignore>Jembatan Baru di Tepi Sungai Dibuka untuk Pejalan Kaki</h1>" in html
    # The byline keeps the full date (the relative time goes beside it); the zone is tied
    # to the time by a no-break space, so "WIB" never starts a line alone.
    assert ('<time datetime="2023-11-09T14:30:00+07:00" data-relative="beside">'
            'Kamis, 9 November 2023 14.30\u00a0WIB</time>') in html
    assert "Sari Lestari" in html and "Dodi Hartono" in html
    assert '<figcaption>Ilustrasi jembatan pejalan kaki. <span class="credit" data-pagefind-ignore>Ilustrasi: Warta Uji</span>' in html
    assert 'width="320" height="180"' in html
    assert "data-related" in html and "<article class=\"story\" data-pagefind-body>" in html
    assert html.count("<h1") == 1


def test_two_reporters_are_both_credited(basic_site: Path, tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "p")
    html = (tmp_path / "p/kota/2023/11/pasar-apung-bersolek/index.html").read_text()
    assert ('<a href="/orang/sari-lestari/" rel="author">Sari Lestari</a>, '
            '<a href="/orang/yudi-pratama/" rel="author">Yudi Pratama</a>') in html


def test_raw_html_in_markdown_is_kept_and_front_matter_is_escaped(basic_site: Path, tmp_path: Path) -> None:
    article = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    article.write_text(article.read_text().replace('title: "Gerhana', 'title: "<script>alert(1)</script> Gerhana'))
    build_into(basic_site, tmp_path / "p")
    html = (tmp_path / "p/sains/2023/10/gerhana-bulan-terlihat/index.html").read_text()
    assert '<aside class="catatan">' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gerhana" in html


def test_safe_mode_escapes_raw_html(basic_site: Path, tmp_path: Path) -> None:
    assert main(["build", "--source", str(basic_site), "--out", str(tmp_path / "p"), "--safe", "--quiet", "--no-search"]) == 0
    html = (tmp_path / "p/sains/2023/10/gerhana-bulan-terlihat/index.html").read_text()
    assert '<aside class="catatan">' not in html
    # Shown as text, so its quotes are typographic like any other text's.
    assert "&lt;aside class=“catatan”&gt;" in html


def test_base_url_subpath_prefixes_every_link(basic_site: Path, tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "p", base_url="https://example.github.io/arsip")
    html = (tmp_path / "p/kota/2023/11/jembatan-baru-dibuka/index.html").read_text()
    assert 'href="/arsip/static/style.css"' in html
    assert 'src="/arsip/media/_v/jembatan-' in html and 'srcset="/arsip/media/_v/jembatan-' in html  # resized photo
    assert 'href="/arsip/kota/2023/11/pasar-apung-bersolek/"' in html  # a root link inside Markdown
    assert '<link rel="canonical" href="https://example.github.io/arsip/kota/2023/11/jembatan-baru-dibuka/">' in html


def test_section_pages_paginate_with_rel_links(basic_site: Path, tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "p")
    first = (tmp_path / "p/kota/index.html").read_text()
    older = (tmp_path / "p/kota/page/1/index.html").read_text()
    assert '<link rel="next" href="/kota/page/1/">' in first
    assert '<link rel="prev" href="/kota/">' in older
    assert 'aria-current="page">1</a>' in older


def test_failed_build_leaves_previous_output_untouched(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (basic_site / "content/articles/2023/11/rusak.md").write_text("---\ntitle: [\n---\n")
    with pytest.raises(BuildError):
        build_into(basic_site, out)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_template_error_at_render_time_leaves_previous_output(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    theme = basic_site / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "page.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ page.nosuchfield }}\n{% endblock %}\n")
    with pytest.raises(BuildError) as info:
        build_into(basic_site, out)
    [diag] = info.value.diagnostics
    assert diag.path.endswith("themes/default/templates/page.html")
    assert diag.line == 3
    assert "nosuchfield" in diag.message
    assert (out / "tentang/index.html").is_file()


def test_site_theme_overrides_packaged_template(basic_site: Path, tmp_path: Path) -> None:
    theme = basic_site / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Hilang</h1>{% endblock %}")
    build_into(basic_site, tmp_path / "p")
    assert "<h1>Hilang</h1>" in (tmp_path / "p/404.html").read_text()
    assert "Langsung ke isi" in (tmp_path / "p/404.html").read_text()


def test_output_folder_may_not_contain_the_sources(basic_site: Path) -> None:
    with pytest.raises(BuildError, match="contains the site's sources"):
        build_into(basic_site, basic_site)


def test_cli_reports_errors_with_exit_status_1(basic_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (basic_site / "content/articles/2023/11/rusak.md").write_text("---\ntitel: Salah\ndate: 2023-11-01\nsection: kota\n---\n")
    status = main(["build", "--source", str(basic_site), "--out", str(tmp_path / "p"), "--no-search"])
    err = capsys.readouterr().err
    assert status == 1
    assert "content/articles/2023/11/rusak.md:2: error: unknown key 'titel'" in err
    assert "did you mean 'title'?" in err
    assert "1 error" not in err or "2 errors" in err  # missing title is reported too
    assert not (tmp_path / "p").exists()


def test_template_syntax_error_names_template_and_line(basic_site: Path, tmp_path: Path) -> None:
    theme = basic_site / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    with pytest.raises(BuildError) as info:
        build_into(basic_site, tmp_path / "p")
    [diag] = info.value.diagnostics
    assert diag.path.endswith("templates/404.html") and diag.line == 3
    assert diag.message.startswith("template syntax error:")
    assert not (tmp_path / "p").exists()
