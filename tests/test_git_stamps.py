"""Stories' digests from git's index: a fresh clone reads no file to learn its digest, and
nothing git cannot vouch for is taken from it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import generator.content.discover as discover_module
from generator.content.discover import discover
from generator.content.gitstamps import blob_digest, git_digests
from tests.conftest import build_into, copy_site
from tests.test_incremental import snapshot

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is needed")


def git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    return subprocess.run([GIT, *args], cwd=cwd, env=env, check=True, capture_output=True,  # type: ignore[list-item]
                          text=True).stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The basic site committed to git, then cloned: every file a new mtime, nothing known."""
    origin = copy_site("basic", tmp_path / "origin")
    git("init", "-q", "-b", "main", cwd=origin)
    git("add", "-A", cwd=origin)
    git("commit", "-q", "-m", "archive", cwd=origin)
    git("clone", "-q", str(origin), str(tmp_path / "clone"), cwd=tmp_path)
    return tmp_path / "clone"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files discover reads to digest (always asking git, however few files there are)."""
    seen: list[str] = []
    monkeypatch.setattr(discover_module, "GIT_AT", 0)
    monkeypatch.setattr(discover_module, "content_digest",
                        lambda path: seen.append(path.name) or blob_digest(path))
    return seen


def test_the_digest_of_a_file_is_the_start_of_its_git_blob_id(clone: Path) -> None:
    story = next((clone / "content/articles").rglob("*.md"))
    blob = git("hash-object", str(story), cwd=clone).strip()
    assert blob_digest(story) == int(blob[:16], 16)


def test_a_fresh_clone_learns_every_tracked_files_digest_from_git_without_reading_it(
        clone: Path, reads: list[str]) -> None:
    sources = discover(clone)
    assert reads == []
    assert sources.stamps == {rel: (size, blob_digest(clone / rel)) for rel, (size, _) in sources.stamps.items()}


def test_an_edited_or_untracked_file_in_the_clone_is_read(clone: Path, reads: list[str]) -> None:
    story = sorted((clone / "content/articles").rglob("*.md"))[0]
    story.write_text(story.read_text(encoding="utf-8") + "\nRalat.\n", encoding="utf-8")
    extra = story.with_name("cerita-baru.md")
    extra.write_text(story.read_text(encoding="utf-8"), encoding="utf-8")
    sources = discover(clone)
    assert sorted(reads) == sorted([story.name, extra.name])
    rel = story.relative_to(clone).as_posix()
    assert sources.stamps[rel][1] == blob_digest(story)


def test_a_file_that_checkout_converts_is_read_not_taken_from_git(tmp_path: Path, reads: list[str]) -> None:
    origin = copy_site("basic", tmp_path / "origin")
    (origin / ".gitattributes").write_text("*.md text eol=crlf\n")  # the work tree gets CRLF, the blob LF
    git("init", "-q", "-b", "main", cwd=origin)
    git("add", "-A", cwd=origin)
    git("commit", "-q", "-m", "archive", cwd=origin)
    git("clone", "-q", str(origin), str(tmp_path / "clone"), cwd=tmp_path)
    clone = tmp_path / "clone"
    sources = discover(clone)
    stories = [rel for rel in sources.stamps if rel.endswith(".md")]
    assert stories
    assert sorted(reads) == sorted(Path(rel).name for rel in stories if b"\n" in (clone / rel).read_bytes())
    for rel in stories:
        assert sources.stamps[rel][1] == blob_digest(clone / rel)


def test_outside_a_git_work_tree_or_without_git_every_file_is_read(
        tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_site("basic", tmp_path / "site")
    assert git_digests(site) == {}
    sources = discover(site)
    assert len(reads) == len(sources.stamps)
    monkeypatch.setenv("PATH", "")
    assert git_digests(site) == {}


def test_a_crafted_git_environment_cannot_point_discover_at_another_index(
        clone: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    discover(clone)
    assert reads == []  # the clone's own index answered


def test_a_build_of_a_fresh_clone_equals_a_build_that_read_every_file(clone: Path, tmp_path: Path) -> None:
    build_into(clone, clone / "public", jobs=1)
    plain = copy_site("basic", tmp_path / "plain")
    build_into(plain, plain / "public", jobs=1)
    assert snapshot(clone / "public") == snapshot(plain / "public")
