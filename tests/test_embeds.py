"""Video embeds: a YouTube/Vimeo URL alone in its paragraph renders as a click-to-load player
(generator/content/embeds.py); every other URL stays what it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.embeds import video_of
from generator.content.markdown import body_links, first_paragraph_text, render_markdown
from generator.importer.html_to_markdown import to_markdown
from generator.importer.shortcodes import Findings, convert_shortcodes
from tests.conftest import build_into, copy_site

ID = "dQw4w9WgXcQ"
STRINGS = {"embed_watch": "Putar video di {provider}", "embed_play": "Putar di sini ({provider})",
           "embed_title": "Video {provider}"}
YOUTUBE = (f'<div class="embed embed-youtube" data-pagefind-ignore data-embed-src="https://www.youtube-nocookie.com/embed/{ID}?autoplay=1"'
           ' data-embed-title="Video YouTube" data-embed-play="Putar di sini (YouTube)">\n'
           '<a class="embed-link" href="{href}">Putar video di YouTube</a>\n</div>\n')
VIMEO = ('<div class="embed embed-vimeo" data-pagefind-ignore data-embed-src="https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1"'
         ' data-embed-title="Video Vimeo" data-embed-play="Putar di sini (Vimeo)">\n'
         '<a class="embed-link" href="{href}">Putar video di Vimeo</a>\n</div>\n')


def render(text: str, **options: object) -> str:
    return render_markdown(text, strings=STRINGS, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("url", [
    f"https://www.youtube.com/watch?v={ID}",
    f"<https://www.youtube.com/watch?v={ID}>",
    f"http://youtube.com/watch?v={ID}",
    f"https://m.youtube.com/watch?v={ID}",
    f"https://www.youtube.com/watch?feature=share&v={ID}",
    f"https://youtu.be/{ID}",
    f"<https://youtu.be/{ID}>",
    f"https://www.youtube.com/shorts/{ID}",
    f"https://www.youtube.com/embed/{ID}",
])
def test_a_youtube_url_alone_is_a_nocookie_embed(url: str) -> None:
    href = url.strip("<>").replace("&", "&amp;")
    assert render(url) == YOUTUBE.replace("{href}", href)
    assert render(f"Paragraf pertama.\n\n{url}\n\nParagraf kedua.\n") == (
        "<p>Paragraf pertama.</p>\n" + YOUTUBE.replace("{href}", href) + "<p>Paragraf kedua.</p>\n")


@pytest.mark.parametrize("url", ["https://vimeo.com/76979871", "<https://vimeo.com/76979871>",
                                 "https://www.vimeo.com/76979871/", "https://player.vimeo.com/video/76979871"])
def test_a_vimeo_url_alone_is_a_do_not_track_embed(url: str) -> None:
    assert render(url) == VIMEO.replace("{href}", url.strip("<>"))


def test_the_link_keeps_the_whole_url_and_the_player_only_the_validated_id() -> None:
    html = render(f"<https://youtu.be/{ID}?t=42&si=abc\"x>")
    assert f'href="https://youtu.be/{ID}?t=42&amp;si=abc%22x"' in html
    assert f'data-embed-src="https://www.youtube-nocookie.com/embed/{ID}?autoplay=1"' in html


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=short",  # not 11 characters
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload",  # not the pattern
    "https://youtu.be/dQw4w9WgXc%3C",
    f"https://www.youtube.com/watch?v={ID}&v=aaaaaaaaaaa",  # two IDs
    "https://www.youtube.com/watch",
    f"https://www.youtube.com/playlist?list={ID}",
    f"https://www.youtube.com/channel/{ID}",
    f"https://youtube.com.evil.example/watch?v={ID}",
    f"https://evil.example/youtu.be/{ID}",
    f"https://user@www.youtube.com/watch?v={ID}",
    f"https://www.youtube.com:8080/watch?v={ID}",
    f"ftp://youtu.be/{ID}",
    "https://vimeo.com/channels/staffpicks",
    "https://vimeo.com/76979871/abcdef",
    "https://vimeo.com/abc",
    "https://example.com/video.mp4",
])
def test_other_urls_alone_stay_links(url: str) -> None:
    assert video_of(url) is None
    html = render(f"<{url}>")
    assert "embed" not in html.replace("/embed", "") and html.startswith("<p><a href=")


@pytest.mark.parametrize("text", [
    f"Tonton https://youtu.be/{ID} sekarang.",
    f"Tonton <https://youtu.be/{ID}> sekarang.",
    f"[Tonton videonya](https://youtu.be/{ID})",  # a link with a label: the writer's words
    f"https://youtu.be/{ID}\nhttps://youtu.be/{ID}",  # two URLs in one paragraph
    f"`https://youtu.be/{ID}`",
    f"- https://youtu.be/{ID}",  # a tight list item
])
def test_a_url_inside_a_sentence_or_with_a_label_stays_a_link(text: str) -> None:
    assert "data-embed-src" not in render(text)


def test_a_url_in_code_stays_code() -> None:
    assert render(f"    https://youtu.be/{ID}\n") == f"<pre><code>https://youtu.be/{ID}\n</code></pre>\n"
    assert "data-embed-src" not in render(f"```\nhttps://youtu.be/{ID}\n```\n")


def test_safe_builds_and_base_paths_keep_the_embed() -> None:
    html = render(f"<https://youtu.be/{ID}>", safe=True, base_path="/arsip/")
    assert html == YOUTUBE.replace("{href}", f"https://youtu.be/{ID}")


def test_labels_fall_back_to_english_without_the_theme_strings() -> None:
    html = render_markdown(f"https://youtu.be/{ID}")
    assert ">Watch the video on YouTube</a>" in html and 'data-embed-title="YouTube video"' in html


def test_labels_are_escaped() -> None:
    html = render_markdown(f"https://youtu.be/{ID}", strings={"embed_watch": "<b>{provider}</b> & co"})
    assert ">&lt;b&gt;YouTube&lt;/b&gt; &amp; co</a>" in html


def test_check_still_sees_the_link_and_summaries_skip_the_video() -> None:
    text = f"<https://youtu.be/{ID}>\n\nWarga mengungsi.\n"
    assert [(ref.url, ref.line) for ref in body_links(text)] == [(f"https://youtu.be/{ID}", 0)]
    assert first_paragraph_text(text) == "Warga mengungsi."


def test_the_importers_output_is_an_embed() -> None:
    """The importer writes WordPress embeds (shortcode, block, bare URL) as the URL alone on
    its line, as an autolink: each becomes an embed."""
    found = Findings()
    content = convert_shortcodes(f"Paragraf.\n\n[embed]https://www.youtube.com/watch?v={ID}[/embed]\n\n"
                                 "https://vimeo.com/76979871\n", {}, list, found)
    content += ('<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
                f"https://youtu.be/{ID}</div></figure>")
    markdown = to_markdown(content, lambda href: href, lambda src: src, found)
    assert f"<https://www.youtube.com/watch?v={ID}>" in markdown and "<https://vimeo.com/76979871>" in markdown
    html = render(markdown)
    assert html.count('<div class="embed ') == 3 and "<p>Paragraf.</p>" in html
    assert "youtube-nocookie.com/embed/" + ID in html and "player.vimeo.com/video/76979871?dnt=1" in html


def test_a_built_story_has_the_embed_with_the_themes_indonesian_labels(tmp_path: Path) -> None:
    site = copy_site("basic", tmp_path)
    write_story(site)
    build_into(site, tmp_path / "public")
    html = (tmp_path / "public" / STORY_PATH / "index.html").read_text()
    assert f'<a class="embed-link" href="https://www.youtube.com/watch?v={ID}">Putar video di YouTube</a>' in html
    assert 'data-embed-play="Putar di halaman ini (memuat pemutar YouTube)"' in html
    assert "<p>Tonton juga <a href=\"https://vimeo.com/76979871\">" in html  # inside a sentence: a link


STORY_PATH = "kota/2023/11/video-banjir"


def write_story(site: Path) -> None:
    (site / "content/articles/2023/11/video-banjir.md").write_text(
        "---\ntitle: Video banjir\ndate: 2023-11-01\nsection: kota\nsummary: Rekaman warga.\n---\n"
        f"Rekaman warga saat air naik.\n\n<https://www.youtube.com/watch?v={ID}>\n\n"
        "Tonton juga <https://vimeo.com/76979871> untuk rekaman lain.\n")
