"""Quick patches (generator/serve/patch.py): the pages that show an edited story, before the full build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build import build
from generator.config.options import BuildOptions
from generator.content.model import Article
from generator.output.cache import Memory
from generator.plan.listings import ListingPage, Month
from generator.serve.patch import LastBuild, edited_stories, patch_pages, stories_in, swap_stories
from generator.urls import output_path
from tests.conftest import BUILD_TIME, copy_sample_site

ARTICLE = "content/articles/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur.md"
TITLE = 'title: "Banjir Rendam Tiga Kecamatan di Jakarta Timur"'


@dataclass
class Site:
    source: Path
    out: Path
    memory: Memory
    kept: LastBuild | None = None

    def build(self) -> list[str]:
        """Build as sitegen serve does (with this process's memory, keeping the plan); the files written."""
        report = build(BuildOptions(source=self.source, out=self.out, build_time=BUILD_TIME, search=False,
                                    future=True), memory=self.memory, need_plan=self.kept is None)
        if report.plan is not None:
            self.kept = LastBuild.from_plan(report.plan)
        return report.changed

    @property
    def last(self) -> LastBuild:
        assert self.kept is not None
        return self.kept

    def edit(self, old: str, new: str, rel: str = ARTICLE) -> None:
        path = self.source / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    source = copy_sample_site(tmp_path)
    built = Site(source, tmp_path / "out", Memory())
    built.build()
    return built


def related_sources(last: LastBuild) -> dict[str, tuple[str, ...]]:
    return {source: tuple(a.source for a in stories) for source, stories in last.site.related.items()}


@pytest.mark.parametrize("old,new", [
    (TITLE, 'title: "Air Bah Rendam Tiga Kecamatan di Jakarta Timur"'),
    ("dateline: Jakarta", "dateline: Jakarta Timur"),
    ("Hujan deras yang mengguyur", "Hujan sangat deras yang mengguyur"),
    ("caption: Ilustrasi banjir", "caption: Gambar banjir"),
])
def test_patched_pages_are_the_bytes_the_full_build_then_writes(site: Site, old: str, new: str) -> None:
    before = site.last
    site.edit(old, new)
    edited = edited_stories(before, [ARTICLE])
    assert edited is not None and list(edited) == [ARTICLE]
    patched = patch_pages(before, edited)
    assert patched is not None and "nasional/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur/index.html" in patched

    written = site.build()
    # The patch keeps the related lists of the last build; where the build ranked them
    # anew (a headline counts double), that page waits for the build.
    moved = {source for source, refs in related_sources(site.last).items() if refs != related_sources(before)[source]}
    source_of = {output_path(page.url): page.source for page in before.pages}
    compared = [rel for rel in patched if source_of[rel] not in moved]
    assert len(compared) >= 5
    for rel in compared:
        assert (site.out / rel).read_bytes() == patched[rel], rel
    assert set(patched) <= set(written)
    # Every page the build rewrote with the new words on it was patched.
    needle = new.split(": ", 1)[-1].strip('"')[:25]
    showing = [rel for rel in written if rel.endswith(".html") and source_of.get(rel) not in moved
               and needle in (site.out / rel).read_text("utf-8")]
    assert showing and set(showing) <= set(patched)


@pytest.mark.parametrize("old,new", [
    ("tags: [banjir, jakarta, cuaca ekstrem, nasional]", "tags: [banjir, jakarta]"),
    ("date: 2023-11-09 14:30", "date: 2023-11-10 14:30"),
    ("section: nasional", "section: ekonomi"),
    ("reporter: Rina Wulandari", "reporter: Rina Wulandari Putri"),
    ("dateline: Jakarta", "related: [banjir-susulan-tak-ada]\ndateline: Jakarta"),
    ("dateline: Jakarta", "draft: true\ndateline: Jakarta"),
    ("src: /media/banjir-jakarta-timur.jpg", "src: /media/posko-pengungsian.jpg"),
    ("title: \"Banjir", "title: [\"Banjir"),  # no longer parses: the full build reports it
])
def test_a_save_that_moves_a_story_or_breaks_it_needs_the_full_build(site: Site, old: str, new: str) -> None:
    if "posko-pengungsian.jpg" in new:
        assert (site.source / "content/media/posko-pengungsian.jpg").is_file()
    site.edit(old, new)
    assert edited_stories(site.last, [ARTICLE]) is None


def test_new_files_pages_and_the_config_need_the_full_build(site: Site) -> None:
    (site.source / "content/articles/2023/11/baru.md").write_text("---\ntitle: Baru\n---\n")
    assert edited_stories(site.last, ["content/articles/2023/11/baru.md"]) is None
    assert edited_stories(site.last, ["content/pages/tentang.md"]) is None
    assert edited_stories(site.last, ["site.toml"]) is None


def test_temporary_files_of_editors_are_ignored_and_an_unchanged_save_patches_nothing(site: Site) -> None:
    (site.source / "content/articles/2023/11/.banjir.md.swp").write_text("swap")
    changed = ["content/articles/2023/11/.banjir.md.swp", "content/articles/2023/11/banjir.md~gone", ARTICLE]
    assert edited_stories(site.last, changed) == {}


def test_stories_are_found_in_records_and_containers_and_swapped_without_copying_others() -> None:
    def story(source: str) -> Article:
        return Article(source=source, slug=source, url=f"/{source}/", title=source.upper(), date=BUILD_TIME,
                       section="x", body="", body_line=1)

    a, b, c = story("a"), story("b"), story("c")
    context = {"listing": ListingPage(number=0, items=(a, b), url="/", prev_url=None, next_url=None, links=()),
               "months": [Month(year=2023, month=11, articles=(c,))], "title": "a"}
    assert sorted(s.source for s in stories_in(context)) == ["a", "b", "c"]

    new_b = Article(**{**vars(b), "title": "B2"})
    swapped = swap_stories(context, {"b": new_b})
    assert swapped["listing"].items[0] is a and swapped["listing"].items[1] is new_b
    assert swapped["months"][0].articles[0] is c
    assert context["listing"].items[1] is b  # the last build's plan is left as it was
