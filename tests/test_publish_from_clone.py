"""Publishing as the Pages workflow does: a fresh clone (every file a new mtime), `.sitegen/` and
`public/` restored from the workflow's cache, then `sitegen build`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import generator.content.parse as parse_module
from tests.conftest import build_into, copy_site
from tests.test_incremental import snapshot

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is needed to clone")
NEW_STORY = """---
title: "Jalur Sepeda Baru Diresmikan"
date: 2023-11-09 10:00
section: kota
reporter: Sari Lestari
tags: [transportasi]
---

Pemerintah kota meresmikan jalur sepeda sepanjang dua kilometer di pusat kota.
"""


def git(*args: str, cwd: Path) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    subprocess.run([GIT, *args], cwd=cwd, env=env, check=True, capture_output=True)  # type: ignore[list-item]


class Newsroom:
    """A site in a git repository, and a workflow runner that clones it at one fixed path."""

    def __init__(self, tmp_path: Path):
        self.repo = copy_site("basic", tmp_path / "origin")
        (self.repo / ".gitignore").write_text(".sitegen/\npublic/\n")
        git("init", "-q", "-b", "main", cwd=self.repo)
        self.commit("archive")
        self.runner = tmp_path / "runner" / "site"  # the same path on every run, as on GitHub's runners
        self.saved = tmp_path / "actions-cache"

    def commit(self, message: str) -> None:
        git("add", "-A", cwd=self.repo)
        git("commit", "-q", "-m", message, cwd=self.repo)

    def run_workflow(self, restore: tuple[str, ...] = (".sitegen", "public"), **options: object):
        """Fresh clone, restore the cache, build into public/, save the cache: the build's report."""
        shutil.rmtree(self.runner.parent, ignore_errors=True)
        self.runner.parent.mkdir(parents=True)
        git("clone", "-q", str(self.repo), str(self.runner), cwd=self.runner.parent)
        for name in restore:
            if (self.saved / name).exists():
                shutil.copytree(self.saved / name, self.runner / name, symlinks=True)
        report = build_into(self.runner, self.runner / "public", jobs=1, **options)
        shutil.rmtree(self.saved, ignore_errors=True)
        for name in (".sitegen", "public"):
            shutil.copytree(self.runner / name, self.saved / name, symlinks=True)
        return report


@pytest.fixture
def newsroom(tmp_path: Path) -> Newsroom:
    return Newsroom(tmp_path)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The story files parsed anew (the builds here run with one job, in this process)."""
    seen: list[str] = []
    real = parse_module.parse_one
    monkeypatch.setattr(parse_module, "parse_one", lambda rel, *a: seen.append(rel) or real(rel, *a))
    return seen


def test_a_fresh_clone_with_a_restored_cache_rebuilds_nothing(newsroom: Newsroom, parsed: list[str]) -> None:
    first = newsroom.run_workflow()
    assert first.clean and parsed
    parsed.clear()
    again = newsroom.run_workflow()  # every source file has a new mtime; no byte changed
    assert parsed == []
    assert not again.clean and again.written == 0 and again.removed == 0


def test_a_runner_that_checks_the_site_out_at_another_path_each_run_rebuilds_nothing(
        newsroom: Newsroom, parsed: list[str], tmp_path: Path) -> None:
    # GitLab's runners, for one, name the checkout after the runner: the path moves between runs.
    newsroom.run_workflow()
    newsroom.runner = tmp_path / "builds" / "runner-7" / "0" / "desk" / "arsip"
    parsed.clear()
    again = newsroom.run_workflow()
    assert parsed == []
    assert not again.clean and again.written == 0 and again.removed == 0


def test_one_new_story_from_a_fresh_clone_writes_what_a_local_build_writes_and_equals_a_clean_build(
        newsroom: Newsroom, parsed: list[str], tmp_path: Path) -> None:
    newsroom.run_workflow()
    local = tmp_path / "desk"  # an editor's own checkout, built before and after the same change
    shutil.copytree(newsroom.repo, local, ignore=shutil.ignore_patterns(".git"))
    build_into(local, local / "public", jobs=1)
    rel = "content/articles/2023/11/jalur-sepeda-baru-diresmikan.md"
    for site in (newsroom.repo, local):
        (site / rel).write_text(NEW_STORY, encoding="utf-8")
    newsroom.commit("one new story")
    parsed.clear()
    published = newsroom.run_workflow()
    assert parsed == [rel]
    assert not published.clean and published.unchanged > 0
    assert sorted(published.changed) == sorted(build_into(local, local / "public", jobs=1).changed)
    fresh = tmp_path / "fresh"
    build_into(newsroom.runner, fresh, clean=True)
    assert snapshot(newsroom.runner / "public") == snapshot(fresh)


def test_without_the_output_in_the_cache_the_parsed_stories_are_still_reused(
        newsroom: Newsroom, parsed: list[str]) -> None:
    newsroom.run_workflow()
    parsed.clear()
    report = newsroom.run_workflow(restore=(".sitegen",))
    assert report.clean  # no public/: every page is written again...
    assert parsed == []  # ...but no story is parsed again


def test_a_corrupt_stamp_record_only_costs_reading_the_files_again(newsroom: Newsroom, parsed: list[str]) -> None:
    newsroom.run_workflow()
    (newsroom.saved / ".sitegen/stamps.json").write_text('{"format": 1, "files": {"x": "garbage"}}')
    parsed.clear()
    report = newsroom.run_workflow()
    assert parsed == [] and not report.clean and report.written == 0
