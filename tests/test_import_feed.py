"""`sitegen import feed`: RSS 2.0 and Atom files (no network in tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import build_into

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Kabar Lama</title><link>https://lama.example/</link><description>x</description>
<item><title>Harga Cabai &amp;amp; Bawang Naik</title><link>https://lama.example/berita/harga-cabai.html</link>
<pubDate>Thu, 05 Oct 2023 02:00:00 +0000</pubDate><author>redaksi@lama.example (Budi Santoso)</author>
<category>Ekonomi</category><category>pasar</category>
<description>Ringkasan harga.</description>
<content:encoded><![CDATA[<p>Harga naik. Lihat <a href="https://lama.example/berita/panen.html">panen</a>.</p>
<p>https://www.youtube.com/watch?v=abc</p>]]></content:encoded></item>
<item><title>Panen Raya</title><link>https://lama.example/berita/panen.html</link>
<pubDate>Wed, 04 Oct 2023 02:00:00 +0000</pubDate><description>Petani &lt;b&gt;panen&lt;/b&gt;.</description></item>
</channel></rss>
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    assert main(["init", str(tmp_path / "situs")]) == 0
    return tmp_path / "situs"


def test_an_rss_file_becomes_stories_that_build(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS)
    assert main(["import", "feed", str(feed), "--into", str(site), "--section", "ekonomi"]) == 0
    assert "Imported 2 stories" in capsys.readouterr().out
    story = (site / "content/articles/2023/10/harga-cabai.md").read_text()
    assert story.startswith("---\ntitle: Harga Cabai & Bawang Naik\ndate: 2023-10-05 09:00\nsection: ekonomi\n")
    assert "aliases:\n- /berita/harga-cabai.html\n" in story
    assert "[panen](/ekonomi/2023/10/panen/)" in story  # a link to another entry: its new URL
    assert "\n\n<https://www.youtube.com/watch?v=abc>\n" in story
    assert "Petani **panen**." in (site / "content/articles/2023/10/panen.md").read_text()
    assert main(["check", "--source", str(site), "--quiet"]) == 0
    out = tmp_path / "public"
    build_into(site, out)
    assert "ekonomi/2023/10/harga-cabai/" in (out / "berita/harga-cabai.html").read_text()


def test_sitegens_own_atom_feed_imports_into_a_new_site(basic_site: Path, site: Path, tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "old")
    assert main(["import", "feed", str(tmp_path / "old/feed.xml"), "--into", str(site), "--section", "daerah"]) == 0
    assert len(list((site / "content/articles").rglob("*.md"))) >= 3
    assert main(["check", "--source", str(site), "--quiet"]) == 0


def test_a_file_that_is_no_feed_exits_1(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.xml").write_text("<html><body>no</body></html>")
    assert main(["import", "feed", str(tmp_path / "x.xml"), "--into", str(site)]) == 1
    assert "no feed entries" in capsys.readouterr().err
    assert main(["import", "feed", str(tmp_path / "none.xml"), "--into", str(site)]) == 1
