"""Every internal link and image in the built sample archive resolves to a file."""

from __future__ import annotations

from pathlib import Path

from tests.crawl import broken_links


def test_sample_site_has_no_broken_links(sample_public: Path) -> None:
    assert len(list(sample_public.rglob("*.html"))) > 30
    assert broken_links(sample_public, "https://example.org/") == []


def test_sample_site_under_subpath_has_no_broken_links(sample_public_subpath: Path) -> None:
    assert broken_links(sample_public_subpath, "https://example.github.io/arsip/") == []


def test_crawler_notices_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<a href="/arsip/hilang/">x</a><img src="ada.png">')
    (tmp_path / "ada.png").write_bytes(b"x")
    assert broken_links(tmp_path, "https://example.github.io/arsip/") == ["index.html -> /arsip/hilang/"]


def test_crawler_notices_links_that_forget_the_subpath(tmp_path: Path) -> None:
    (tmp_path / "kota").mkdir()
    (tmp_path / "kota/index.html").write_text("ok")
    (tmp_path / "index.html").write_text('<a href="/kota/">x</a>')
    assert broken_links(tmp_path, "https://example.github.io/arsip/") == ["index.html -> /kota/"]
