"""Tags, people and date archives of the sample archive and the fixture site."""

from __future__ import annotations

import re
from pathlib import Path

from generator.content.slugs import assign_slugs
from generator.plan.listings import group_by_person, group_by_tag
from tests.conftest import build_into


def test_names_that_slugify_alike_get_distinct_stable_slugs() -> None:
    first = assign_slugs(["Ari Putra", "Ari-Putra", "ari putra!"])
    second = assign_slugs(["ari putra!", "Ari-Putra", "Ari Putra"])
    assert first == second
    assert sorted(first.values()) == ["ari-putra", "ari-putra-2", "ari-putra-3"]


def test_person_pages_do_not_overwrite_each_other(basic_site: Path, tmp_path: Path) -> None:
    article = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    article.write_text(article.read_text().replace("editor: Dodi Hartono", "editor: Sari-Lestari"))
    build_into(basic_site, tmp_path / "p")
    one = (tmp_path / "p/orang/sari-lestari/index.html").read_text()
    two = (tmp_path / "p/orang/sari-lestari-2/index.html").read_text()
    assert "<h1>Sari Lestari</h1>" in one and "<h1>Sari-Lestari</h1>" in two


def test_tags_differing_only_in_case_are_one_tag(basic_site: Path, tmp_path: Path) -> None:
    article = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    article.write_text(article.read_text().replace("tags: [astronomi]", "tags: [astronomi, Transportasi]"))
    build_into(basic_site, tmp_path / "p")
    assert not (tmp_path / "p/tag/transportasi-2").exists()
    html = (tmp_path / "p/tag/transportasi/index.html").read_text()
    assert "Topik: transportasi" in html


def test_person_page_marks_only_the_stories_the_person_edited(sample_public: Path) -> None:
    html = (sample_public / "orang/fajar-nugroho/index.html").read_text()
    roles = re.findall(r'<p class="role">(\w+)</p>', html)
    cards = html.count('<article class="card')
    assert roles and set(roles) == {"Editor"} and len(roles) < cards  # reporting is the rule, not repeated


def test_month_archive_links_to_neighbouring_months(sample_public: Path) -> None:
    html = (sample_public / "arsip/2023/10/index.html").read_text()
    assert 'href="/arsip/2023/09/">&larr; September 2023</a>' in html
    assert 'href="/arsip/2023/11/">November 2023 &rarr;</a>' in html
    year = (sample_public / "arsip/2024/index.html").read_text()
    assert 'href="/arsip/2024/03/"' in year and 'href="/arsip/2024/01/"' in year


def test_lists_are_paginated_with_aria_current_and_rel_links(sample_public: Path) -> None:
    html = (sample_public / "arsip/2023/09/index.html").read_text()
    # eight stories in September 2023, one a draft: seven at ten per page fit one page
    assert "page/2" not in html
    tag_pages = sorted(sample_public.glob("tag/*/page/2/index.html"))
    for page in tag_pages:
        text = page.read_text()
        assert 'aria-current="page">2</a>' in text and '<link rel="prev"' in text


def test_indexes_list_every_tag_and_person(sample_public: Path) -> None:
    tags = (sample_public / "tag/index.html").read_text()
    people = (sample_public / "orang/index.html").read_text()
    tag_dirs = [p for p in (sample_public / "tag").iterdir() if p.is_dir()]
    person_dirs = [p for p in (sample_public / "orang").iterdir() if p.is_dir()]
    assert len(tag_dirs) > 40 and len(person_dirs) == 9
    for d in tag_dirs:
        assert f'href="/tag/{d.name}/"' in tags
    for d in person_dirs:
        assert f'href="/orang/{d.name}/"' in people


def test_group_functions_keep_newest_first(basic_site: Path) -> None:
    from generator.config.options import BuildOptions
    from generator.config.site import load_config
    from generator.content.discover import discover
    from generator.content.parse import load_content
    from tests.conftest import BUILD_TIME
    from tests.test_frontmatter import config  # noqa: F401 - fixture reuse is not needed here

    cfg = load_config(BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME))
    content = load_content(discover(basic_site), cfg, drafts=False)
    [sari] = [g for g in group_by_person(content.articles) if g.name == "Sari Lestari"]
    assert [a.slug for a in sari.articles] == ["jembatan-baru-dibuka", "pasar-apung-bersolek"]
    [transport] = [g for g in group_by_tag(content.articles) if g.name == "transportasi"]
    assert len(transport.articles) == 2
