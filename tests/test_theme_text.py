"""What the default theme writes into text: typographic quotes, dates that keep their zone."""

from __future__ import annotations

from pathlib import Path

from generator.content.markdown import render_markdown
from generator.render.templates import load_theme
from tests.conftest import build_into


def test_straight_quotes_in_a_body_become_the_themes_typographic_ones() -> None:
    html = render_markdown('Kata warga, "air naik cepat" dan \'pelan\'.', strings={"quotes": "“”‘’"})
    assert "“air naik cepat”" in html and "‘pelan’" in html and '"' not in html.split(">", 1)[1]


def test_without_quotes_in_the_theme_the_body_keeps_straight_quotes() -> None:
    assert '"air"' in render_markdown('"air"', strings={}).replace("&quot;", '"')


def test_code_keeps_straight_quotes() -> None:
    html = render_markdown('`print("x")`', strings={"quotes": "“”‘’"})
    assert "“" not in html


def test_the_default_theme_gives_indonesian_and_english_quotes(basic_site: Path, tmp_path: Path) -> None:
    from generator.config.options import BuildOptions
    from generator.config.site import load_config
    from tests.conftest import BUILD_TIME

    config = load_config(BuildOptions(source=basic_site, out=tmp_path / "o", build_time=BUILD_TIME))
    assert load_theme(config).strings["quotes"] == "“”‘’"


def test_story_body_on_the_page_has_typographic_quotes(basic_site: Path, tmp_path: Path) -> None:
    story = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    story.write_text(story.read_text(encoding="utf-8") + '\nKata pengamat, "langit cerah sekali".\n', encoding="utf-8")
    build_into(basic_site, tmp_path / "p")
    html = next((tmp_path / "p").rglob("gerhana-bulan-terlihat/index.html")).read_text(encoding="utf-8")
    assert "“langit cerah sekali”" in html


def test_safe_mode_sets_escaped_html_in_the_sites_quotes_and_code_keeps_straight_ones() -> None:
    # A decision (docs/guarantees.md, --safe): escaped HTML is shown as body text, so it is
    # set like the body; a contributor who wants markup shown as written puts it in code.
    html = render_markdown('Kata dia, "aman". <a href="x">tautan</a> dan `<b class="y">`', safe=True,
                           strings={"quotes": "“”‘’"})
    assert "“aman”" in html and "&lt;a href=“x”&gt;tautan&lt;/a&gt;" in html
    assert "<code>&lt;b class=&quot;y&quot;&gt;</code>" in html
