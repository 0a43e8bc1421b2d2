"""Planning an edit costs what it reaches: groups of pages the edit did not reach are taken
from the last build's plan (generator/plan/memo.py), and the output equals a clean build's."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from pathlib import Path

import pytest

import generator.plan.pages as pages_module
from generator.plan.memo import read_remembered
from generator.urls import output_path
from tests.conftest import build_into, copy_site
from tests.test_incremental import snapshot

NEW_STORY = """---
title: "Jalur Sepeda Baru Diresmikan"
date: 2023-11-09 10:00
section: kota
reporter: Sari Lestari
tags: [transportasi]
---

Pemerintah kota meresmikan jalur sepeda sepanjang dua kilometer di pusat kota.
"""


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs of the article pages planned anew (not taken from the last build's plan)."""
    seen: list[str] = []
    real = pages_module.article_page
    monkeypatch.setattr(pages_module, "article_page", lambda article, *a: seen.append(article.url) or real(article, *a))
    return seen


def plan_file(site: Path) -> Path:
    (found,) = (site / ".sitegen").glob("plan-*.pickle")
    return found


def test_a_new_story_plans_again_only_the_article_pages_it_changes(basic_site: Path, tmp_path: Path,
                                                                   planned: list[str]) -> None:
    out = tmp_path / "public"
    first = build_into(basic_site, out)
    assert first.remembered == 0 and len(planned) == first.articles  # a first build plans everything
    planned.clear()
    (basic_site / "content/articles/2023/11/jalur-sepeda.md").write_text(NEW_STORY, encoding="utf-8")
    report = build_into(basic_site, out)
    changed_articles = {"/" + rel.removesuffix("index.html") for rel in report.changed
                        if rel.endswith("/index.html")} & set(planned)
    # Only the new story's page and the pages whose related list took it in were planned again.
    assert any(url.endswith("/jalur-sepeda/") for url in planned)
    assert set(planned) == changed_articles and len(planned) < report.articles
    assert report.remembered > 0
    clean_out = tmp_path / "clean"
    build_into(basic_site, clean_out, clean=True)
    assert snapshot(out) == snapshot(clean_out)


def test_nothing_planned_again_when_only_a_file_outside_every_group_changed(basic_site: Path, tmp_path: Path,
                                                                           planned: list[str]) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    planned.clear()
    about = next((basic_site / "content/pages").glob("*.md"))
    about.write_text(about.read_text(encoding="utf-8") + "\nSatu kalimat lagi.\n", encoding="utf-8")
    report = build_into(basic_site, out)
    assert planned == [] and report.written >= 1


def test_a_plan_cache_from_another_build_is_not_used(basic_site: Path, tmp_path: Path, planned: list[str]) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    stored = plan_file(basic_site).read_bytes()
    (basic_site / "content/articles/2023/11/jalur-sepeda.md").write_text(NEW_STORY, encoding="utf-8")
    build_into(basic_site, out)
    plan_file(basic_site).write_bytes(stored)  # the plan of the build before: its inputs are not the manifest's
    body = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    body.write_text(body.read_text(encoding="utf-8").replace("Langit cerah", "Langit sangat cerah"), encoding="utf-8")
    planned.clear()
    report = build_into(basic_site, out)
    assert report.remembered == 0 and len(planned) == report.articles
    clean_out = tmp_path / "clean"
    build_into(basic_site, clean_out, clean=True)
    assert snapshot(out) == snapshot(clean_out)


def test_a_tampered_plan_cache_leaves_out_what_the_manifest_does_not_vouch_for(basic_site: Path,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    path = plan_file(basic_site)
    key, version, groups = pickle.loads(path.read_bytes())
    name, entries = next((n, e) for n, e in groups.items() if e and e[0][2] == "article.html")
    outside = ("/../../outside/", *entries[0][1:])  # an address outside the output folder
    groups[name] = (outside, *entries[1:])
    path.write_bytes(pickle.dumps((key, version, groups)))
    story = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Langit cerah", "Langit sangat cerah"),
                     encoding="utf-8")
    build_into(basic_site, out)
    assert not (tmp_path / "outside").exists()
    clean_out = tmp_path / "clean"
    build_into(basic_site, clean_out, clean=True)
    assert snapshot(out) == snapshot(clean_out)


def test_read_remembered_keeps_only_groups_whose_every_page_is_vouched_for() -> None:
    when = datetime(2023, 11, 9, 10, tzinfo=timezone.utc)
    good = ("/a/", "content/a.md", "article.html", when, True, "f1", "i1")
    files = {str(output_path("/a/")): "f1", str(output_path("/b/")): "f2"}

    def rel(url: str) -> str:
        return str(output_path(url))

    stored = {
        "kept": (good,),
        "other fingerprint": (good, ("/b/", "tag:x", "tag.html", None, True, "not-f2", None)),
        "unknown file": (("/c/", "tag:x", "tag.html", None, True, "f3", None),),
        "naive date": (("/a/", "content/a.md", "article.html", datetime(2023, 1, 1), True, "f1", "i1"),),
        "wrong shape": (("/a/", "content/a.md"),),
        "a list": [good],
    }
    assert read_remembered(stored, files, rel) == {"kept": (good,)}
    assert read_remembered(["not", "a", "dict"], files, rel) == {}


def test_serve_plans_every_page(tmp_path: Path) -> None:
    """`serve` patches pages from their data, so no page of its plan may be a bare remembered one."""
    from generator.config.options import BuildOptions
    from generator.build import build
    from generator.output.cache import Memory
    from tests.conftest import BUILD_TIME

    site = copy_site("basic", tmp_path)
    options = BuildOptions(source=site, out=tmp_path / "public", build_time=BUILD_TIME, search=False)
    memory = Memory()
    build(options, memory=memory, need_plan=True)
    (site / "content/articles/2023/11/jalur-sepeda.md").write_text(NEW_STORY, encoding="utf-8")
    report = build(options, memory=memory, need_plan=True)
    assert report.plan is not None and all(page.known is None for page in report.plan.pages)


def test_a_link_broken_in_an_unchanged_story_is_reported_at_its_line(basic_site: Path, tmp_path: Path) -> None:
    """The linking story's page is taken from the last plan; its broken link is still found in its text."""
    out = tmp_path / "public"
    target = basic_site / "content/articles/2023/11/jalur-sepeda.md"
    target.write_text(NEW_STORY, encoding="utf-8")
    story = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    first = build_into(basic_site, out)
    (url,) = [rel for rel in first.changed if rel.endswith("jalur-sepeda/index.html")]
    story.write_text(story.read_text(encoding="utf-8") + f"\nBaca juga [jalur sepeda](/{url.removesuffix('index.html')}).\n",
                     encoding="utf-8")
    build_into(basic_site, out)
    target.unlink()
    report = build_into(basic_site, out, broken_links="warn")
    assert report.remembered > 0
    (diag,) = [d for d in report.warnings if "jalur-sepeda" in d.message]
    assert diag.path == "content/articles/2023/10/gerhana-bulan-terlihat.md" and diag.line is not None
