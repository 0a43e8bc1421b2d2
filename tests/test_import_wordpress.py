"""`sitegen import wordpress` on a real export: the WordPress Theme Unit Test data.

After `sitegen init` and the import, `sitegen check` and `sitegen build` pass, every old
permalink resolves in the built site, no shortcode or block comment reaches a page, and
drafts, password-protected and scheduled posts are not published.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.importer.wxr import read_export
from tests.conftest import build_into

EXPORT = Path(__file__).parent / "data/wordpress/themeunittestdata.wordpress.xml"
OLD = "https://wpthemetestdata.wordpress.com"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add_sections(site: Path, summary: str) -> None:
    """Paste the [sections.*] block the importer printed into site.toml, as a user would."""
    block = "\n".join(line for line in summary.splitlines() if line.startswith(("[sections.", "title = ")))
    assert block, summary
    text = (site / "site.toml").read_text()
    text = text.replace('[sections.olahraga]\ntitle = "Olahraga"\n', f'[sections.olahraga]\ntitle = "Olahraga"\n\n'
                                                                    f'{block.replace("title", chr(10) + "title")}\n')
    (site / "site.toml").write_text(text)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("wp")
    site = root / "situs"
    assert main(["init", str(site)]) == 0
    shutil.rmtree(site / "content/articles")  # the example story
    import io
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["import", "wordpress", str(EXPORT), "--into", str(site)]) == 0
    summary = buffer.getvalue()
    add_sections(site, summary)
    assert main(["check", "--source", str(site), "--quiet"]) == 0
    out = root / "public"
    build_into(site, out)
    return site, out, summary


def published_items():
    export = read_export(EXPORT)
    return [i for i in export.items if i.post_type in ("post", "page") and i.status == "publish" and not i.password]


def test_the_summary_counts_what_was_imported(imported) -> None:
    _, _, summary = imported
    assert re.search(r"\b\d+ posts, \d+ pages, 2 drafts, 1 scheduled", summary)
    assert "post 1736" in summary and "block wp:latest-posts" in summary  # dynamic blocks are reported
    assert "password-protected" in summary and "post 1168" in summary
    assert "Photos not in the media folder" in summary


def test_every_old_permalink_resolves(imported) -> None:
    site, out, _ = imported
    queries = json.loads((out / "aliases.json").read_text())
    items = published_items()
    assert len(items) > 50
    for item in items:
        path = re.sub(r"/{2,}", "/", item.link.removeprefix(OLD))
        from urllib.parse import unquote

        path = unquote(path)
        target = out / path.strip("/") / "index.html"
        assert target.is_file(), (item.post_id, item.link)
        html = target.read_text()
        refresh = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
        if refresh:  # an alias page: its target is built
            assert (out / refresh.group(1).strip("/") / "index.html").is_file()
        key = f"?{'page_id' if item.post_type == 'page' else 'p'}={item.post_id}"
        assert (out / queries[key].strip("/") / "index.html").is_file(), key


def test_no_shortcode_or_block_comment_reaches_a_page(imported) -> None:
    _, out, _ = imported
    pages = list(out.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        html = page.read_text()
        assert "<!-- wp:" not in html and "<!--more-->" not in html, page
        for name in ("caption", "gallery", "embed", "audio", "video"):
            assert not re.search(rf"\[/?{name}\b", html), (page, name)


def test_drafts_and_future_posts_are_not_published(imported) -> None:
    site, out, _ = imported
    text = "\n".join(p.read_text() for p in out.rglob("*.html"))
    for title in ("Template: Password Protected", ">Draft<", ">Scheduled<"):
        assert title not in text
    draft = (site / "content/articles/2012/01/template-password-protected.md").read_text()
    assert "\ndraft: true\n" in draft


def test_captions_show_and_bodies_are_markdown(imported) -> None:
    site, out, _ = imported
    page = (out / "classic/2010/08/post-format-image-caption/index.html").read_text()
    assert "<figcaption>Bell on wharf in San Francisco</figcaption>" in page
    source = (site / "content/articles/2010/07/post-format-audio.md").read_text()
    assert "\nreporter: Theme Buster\n" in source and "[audio" not in source and "<audio controls" in source
    youtube = (site / "content/articles/2010/06/post-format-video-youtube.md").read_text()
    assert "\n\n<https://www.youtube.com/watch?v=SQEQr7c0-dw>\n\n" in youtube
    gallery = (out / "classic/2010/09/post-format-gallery/index.html").read_text()
    assert gallery.count('<figure class="body-figure">') >= 10


def test_importing_again_overwrites_nothing_without_force(imported, capsys: pytest.CaptureFixture[str]) -> None:
    site, _, _ = imported
    story = site / "content/articles/2010/07/post-format-audio.md"
    story.write_text(story.read_text() + "\nDisunting.\n")
    code, _, err = run(capsys, "import", "wordpress", str(EXPORT), "--into", str(site))
    assert code == 1 and "exist already" in err and "--force" in err and "nothing was written" in err
    assert story.read_text().endswith("Disunting.\n")
