"""Each conversion of the WordPress importer on a small fixture of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image as PILImage

from generator.cli import main
from generator.importer.html_to_markdown import to_markdown, wpautop
from generator.importer.links import Media, OldSite
from generator.importer.shortcodes import Findings, Photo, convert_shortcodes, strip_blocks
from generator.importer.wxr import ExportError, read_export


def markdown(html: str, photos: dict[int, Photo] | None = None, old: OldSite | None = None,
             media: Media | None = None) -> tuple[str, Findings]:
    found = Findings()
    text = convert_shortcodes(strip_blocks(html, found), photos or {}, lambda: [], found)
    old = old or OldSite(base="https://lama.example")
    media = media or Media(folder=None)
    return to_markdown(wpautop(text), lambda href: old.rewrite(href, 7), lambda src: media.local(src, 7), found), found


def test_caption_becomes_a_figure_with_caption_and_credit() -> None:
    photos = {12: Photo(src="https://lama.example/wp-content/uploads/2020/01/a.jpg", credit="Foto: Ani")}
    text, _ = markdown('[caption id="attachment_12" width="300"]<img src="https://lama.example/wp-content/uploads/'
                       '2020/01/a.jpg" alt="Pasar"> Pasar pagi di Solo[/caption]', photos)
    assert ('<figure class="body-figure"><img src="https://lama.example/wp-content/uploads/2020/01/a.jpg" '
            'alt="Pasar" loading="lazy"><figcaption>Pasar pagi di Solo <span class="credit">Foto: Ani</span>'
            '</figcaption></figure>') in text


def test_a_local_photo_becomes_sitegens_figure_syntax(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads/2020/01"
    uploads.mkdir(parents=True)
    PILImage.new("RGB", (8, 8)).save(uploads / "a.jpg")
    media = Media(folder=tmp_path / "uploads", old_hosts=frozenset({"lama.example"}))
    text, _ = markdown('[caption id="attachment_1"]<img src="https://lama.example/wp-content/uploads/2020/01/'
                       'a-300x200.jpg" alt="Pasar">Pasar pagi[/caption]', media=media)
    assert '![Pasar](/media/wp/2020/01/a.jpg "Pasar pagi")' in text
    assert media.pending == {"content/media/wp/2020/01/a.jpg": uploads / "a.jpg"}


def test_gallery_by_ids_becomes_figures_and_an_empty_one_is_reported() -> None:
    photos = {1: Photo(src="https://x.example/1.jpg", caption="Satu"), 2: Photo(src="https://x.example/2.jpg")}
    text, found = markdown('[gallery ids="2,1"] [gallery]', photos)
    assert text.index("2.jpg") < text.index("1.jpg") and "<figcaption>Satu</figcaption>" in text
    assert found.unconverted == ["[gallery] (no images in the export)"]


def test_embeds_become_the_url_alone_on_its_line() -> None:
    text, _ = markdown("Lihat:\n\n[embed]https://www.youtube.com/watch?v=a_b[/embed]\n\nhttps://vimeo.com/12345\n\n"
                       '<figure class="wp-block-embed"><div>\nhttps://youtu.be/x_y\n</div></figure>')
    assert "\n\n<https://www.youtube.com/watch?v=a_b>\n\n" in text
    assert "\n\n<https://vimeo.com/12345>\n\n" in text and "\n\n<https://youtu.be/x_y>" in text


def test_block_comments_go_and_dynamic_blocks_are_reported() -> None:
    text, found = markdown("<!-- wp:paragraph -->\n<p>Isi</p>\n<!-- /wp:paragraph -->\n"
                           '<!-- wp:latest-posts {"x":1} /--><!--more-->')
    assert text == "Isi\n" and found.unconverted == ["block wp:latest-posts"]


def test_unknown_shortcodes_keep_their_text_and_are_reported() -> None:
    text, found = markdown('[pullquote align="left"]Kutipan penting[/pullquote] [contact-form to="a@b.c"] [sic]')
    assert "Kutipan penting" in text and "[pullquote" not in text and "[contact-form" not in text
    assert "[sic]" in text.replace("\\", "")  # brackets a reporter wrote are not a shortcode
    assert found.unconverted == ["[pullquote]", "[contact-form]"]


def test_classic_editor_text_gets_paragraphs_and_line_breaks() -> None:
    assert wpautop("Satu\ndua\n\n<h2>Judul</h2>\n\nTiga") == "<p>Satu<br>\ndua</p>\n\n<h2>Judul</h2>\n\n<p>Tiga</p>"


def test_what_markdown_cannot_say_stays_html() -> None:
    text, _ = markdown('<table><tr><td colspan="2">A</td></tr></table>\n\nH<sub>2</sub>O '
                       '<iframe src="https://peta.example/x"></iframe>')
    assert '<table><tr><td colspan="2">A</td></tr></table>' in text and "H<sub>2</sub>O" in text
    assert '<iframe src="https://peta.example/x"></iframe>' in text


def test_internal_links_point_at_the_new_urls_and_others_are_listed() -> None:
    old = OldSite(base="https://lama.example/blog", by_path={"/2019/05/banjir": "/daerah/2019/05/banjir/"},
                  by_id={5: "/daerah/2019/05/banjir/"})
    text, _ = markdown('<a href="https://lama.example/blog/2019/05/banjir/#foto">a</a> '
                       '<a href="https://www.lama.example/blog/?p=5">b</a> <a href="/blog/category/kota/">c</a> '
                       '<a href="https://lain.example/">d</a>', old=old)
    assert "(/daerah/2019/05/banjir/#foto)" in text and "[b](/daerah/2019/05/banjir/)" in text
    assert "[c](https://lama.example/blog/category/kota/)" in text and "(https://lain.example/)" in text
    assert old.unresolved == {"https://lama.example/blog/category/kota/": {7}}


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Lama</title><link>https://lama.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://lama.example</wp:base_blog_url>
<wp:author><wp:author_login>ani</wp:author_login><wp:author_display_name>Ani Rahma</wp:author_display_name></wp:author>
<item><title>Banjir &amp;amp; &lt;em&gt;Rob&lt;/em&gt;</title><link>https://lama.example/2019/05/banjir/</link>
<dc:creator>ani</dc:creator><content:encoded><![CDATA[Air naik.

Baca <a href="https://lama.example/?p=6">tentang kami</a>.]]></content:encoded>
<excerpt:encoded><![CDATA[Ringkasan <b>banjir</b>]]></excerpt:encoded><wp:post_id>5</wp:post_id>
<wp:post_date>2019-05-02 08:00:00</wp:post_date><wp:post_date_gmt>2019-05-02 01:00:00</wp:post_date_gmt>
<wp:post_modified_gmt>2019-05-03 01:00:00</wp:post_modified_gmt><wp:post_name>banjir</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>
<category domain="category" nicename="kota-besar"><![CDATA[Kota Besar]]></category>
<category domain="category" nicename="cuaca"><![CDATA[Cuaca]]></category>
<category domain="post_tag" nicename="rob"><![CDATA[rob]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta></item>
<item><title>Foto</title><wp:post_id>9</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<excerpt:encoded><![CDATA[Warga di tanggul]]></excerpt:encoded>
<wp:attachment_url>https://lama.example/wp-content/uploads/2019/05/tanggul.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Tanggul</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key><wp:meta_value>a:1:{s:10:"image_meta";a:1:{s:6:"credit";s:8:"Foto: Bo";}}</wp:meta_value></wp:postmeta></item>
<item><title>Tentang</title><link>https://lama.example/tentang-kami/</link><wp:post_id>6</wp:post_id>
<content:encoded><![CDATA[Kami.]]></content:encoded><wp:post_name>tentang-kami</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>page</wp:post_type></item>
<item><title>Besok</title><wp:post_id>8</wp:post_id><content:encoded><![CDATA[Nanti.]]></content:encoded>
<wp:post_date_gmt>2999-01-01 00:00:00</wp:post_date_gmt><wp:post_name>besok</wp:post_name>
<wp:status>future</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    site = tmp_path / "situs"
    (site / "content").mkdir(parents=True)
    (site / "site.toml").write_text('title = "Baru"\nbase_url = "https://baru.example/"\n')
    return site


def test_a_small_export_end_to_end(small_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "wxr.xml").write_text(WXR)
    uploads = tmp_path / "uploads/2019/05"
    uploads.mkdir(parents=True)
    PILImage.new("RGB", (16, 9)).save(uploads / "tanggul.jpg")
    assert main(["import", "wordpress", str(tmp_path / "wxr.xml"), "--into", str(small_site),
                 "--media", str(tmp_path / "uploads")]) == 0
    summary = capsys.readouterr().out
    assert "1 posts, 1 pages, 0 drafts, 1 scheduled" in summary and "1 found in the media folder" in summary
    story = (small_site / "content/articles/2019/05/banjir.md").read_text()
    assert story.startswith("---\ntitle: Banjir & Rob\ndate: 2019-05-02 08:00\nupdated: 2019-05-03 08:00\n"
                            "section: kota-besar\nreporter: Ani Rahma\ntags:\n- rob\n- Cuaca\n"
                            "summary: Ringkasan banjir\nslug: banjir\naliases:\n- /2019/05/banjir/\n- /?p=5\n"
                            "image:\n  src: /media/wp/2019/05/tanggul.jpg\n  alt: Tanggul\n"
                            "  caption: Warga di tanggul\n  credit: 'Foto: Bo'\n---\n"), story
    assert "Baca [tentang kami](/tentang-kami/)." in story
    assert (small_site / "content/media/wp/2019/05/tanggul.jpg").is_file()
    assert "date: 2999-01-01 07:00" in (small_site / "content/articles/2999/01/besok.md").read_text()
    out = tmp_path / "public"
    assert main(["build", "--source", str(small_site), "--out", str(out), "--no-search", "--quiet"]) == 0
    page = (out / "kota-besar/2019/05/banjir/index.html").read_text()
    assert "Warga di tanggul" in page and "Foto: Bo" in page
    assert not (out / "2999").exists() and not list(out.rglob("besok*"))
    assert (out / "2019/05/banjir/index.html").is_file()


def test_the_export_is_never_overwritten_into_without_force(small_site: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "wxr.xml").write_text(WXR)
    args = ["import", "wordpress", str(tmp_path / "wxr.xml"), "--into", str(small_site)]
    assert main(args) == 0
    page = small_site / "content/pages/tentang-kami.md"
    page.write_text("diubah")
    assert main(args) == 1 and page.read_text() == "diubah"
    assert "content/pages/tentang-kami.md" in capsys.readouterr().err
    assert main(args + ["--force"]) == 0 and page.read_text() != "diubah"


@pytest.mark.parametrize(("content", "message"), [
    ("<rss><channel><item>", "not well-formed XML"),
    ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel>&x;</channel></rss>',
     "refused"),
    ("<rss><channel><title>feed</title></channel></rss>", "import it with 'sitegen import feed'"),
    ("<html></html>", "not a WordPress export"),
])
def test_an_unreadable_export_exits_1_and_writes_nothing(small_site: Path, tmp_path: Path, content: str,
                                                         message: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.xml").write_text(content)
    assert main(["import", "wordpress", str(tmp_path / "bad.xml"), "--into", str(small_site)]) == 1
    err = capsys.readouterr().err
    assert message in err and str(tmp_path / "bad.xml") in err and "nothing was written" in err
    assert list((small_site / "content").iterdir()) == []
    with pytest.raises(ExportError):
        read_export(tmp_path / "missing.xml")
