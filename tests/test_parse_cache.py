"""The parse cache in shards: an edit rewrites the shard of the story it touches, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.build import remember_digests
from generator.output import safeload
from generator.output.fingerprint import Fingerprinter
from generator.output.cache import PARSE_SHARDS, parse_shard
from tests.conftest import build_into
from tests.test_incremental import snapshot

STORY = "content/articles/2023/10/gerhana-bulan-terlihat.md"


def _shards(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / ".sitegen/parsed").glob("*.pickle"))}


def _stories(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "content/articles").rglob("*.md"))


def test_an_edit_rewrites_only_the_shard_of_the_edited_story(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = _shards(basic_site)
    assert set(before) == {f"{parse_shard(s):02d}.pickle" for s in _stories(basic_site)}
    story = basic_site / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\nSatu kalimat koreksi.\n", encoding="utf-8")
    build_into(basic_site, out)
    after = _shards(basic_site)
    assert {name for name in after if after[name] != before.get(name)} == {f"{parse_shard(STORY):02d}.pickle"}
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, clean=True)
    assert snapshot(out) == snapshot(fresh)


def test_a_deleted_story_leaves_its_shard_and_the_others_stay(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = _shards(basic_site)
    (basic_site / STORY).unlink()
    build_into(basic_site, out)
    after = _shards(basic_site)
    changed = {name for name in set(before) | set(after) if after.get(name) != before.get(name)}
    assert changed == {f"{parse_shard(STORY):02d}.pickle"}
    assert STORY not in _entries_beside(basic_site, STORY)


def test_a_lost_shard_is_parsed_again_and_rewritten(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    lost = basic_site / f".sitegen/parsed/{parse_shard(STORY):02d}.pickle"
    lost.write_bytes(b"not a pickle")
    other = next(s for s in _stories(basic_site) if parse_shard(s) != parse_shard(STORY))
    story = basic_site / other
    story.write_text(story.read_text(encoding="utf-8") + "\nSatu kalimat koreksi.\n", encoding="utf-8")
    build_into(basic_site, out)
    assert STORY in _entries_beside(basic_site, STORY)
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, clean=True)
    assert snapshot(out) == snapshot(fresh)


def test_the_single_file_cache_of_earlier_builds_is_removed(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    legacy = basic_site / ".sitegen/parsed.pickle"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"x" * 1000)
    build_into(basic_site, out)
    assert not legacy.exists()


def test_shards_spread_an_archive_evenly() -> None:
    paths = [f"content/articles/{2000 + i // 1200}/{i % 12 + 1:02d}/cerita-{i}.md" for i in range(20_000)]
    sizes = [0] * PARSE_SHARDS
    for path in paths:
        sizes[parse_shard(path)] += 1
    assert max(sizes) < 2 * len(paths) / PARSE_SHARDS


def _entries_beside(site: Path, story: str) -> dict[str, object]:
    """The entries of the shard `story` belongs to, read as a build reads them."""
    with (site / f".sitegen/parsed/{parse_shard(story):02d}.pickle").open("rb") as handle:
        return safeload.load(handle)[2]["entries"]


def test_an_incremental_build_digests_only_the_edited_article(basic_site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    digested: list[str] = []
    digest = Fingerprinter._digest

    def spy(self: Fingerprinter, value: object) -> bytes:
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "Article":
            digested.append(next(f for f in value[1] if isinstance(f, str) and f.startswith("content/")))
        return digest(self, value)

    monkeypatch.setattr(Fingerprinter, "_digest", spy)
    story = basic_site / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\nSatu kalimat koreksi.\n", encoding="utf-8")
    build_into(basic_site, out)
    assert digested == [STORY]
    monkeypatch.setattr(Fingerprinter, "_digest", digest)
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, clean=True)
    assert snapshot(out) == snapshot(fresh)


def test_a_parse_cache_entry_with_a_malformed_digest_gets_it_computed_again(basic_site: Path,
                                                                            tmp_path: Path) -> None:
    build_into(basic_site, tmp_path / "public")
    entries: dict[str, Any] = {}
    for path in (basic_site / ".sitegen/parsed").glob("*.pickle"):
        with path.open("rb") as handle:
            entries.update(safeload.load(handle)[2]["entries"])
    assert all(len(entry) == 4 for entry in entries.values())  # the build kept each digest
    rel, entry = next(iter(entries.items()))
    right = Fingerprinter().record_digest(entry[2])
    entries[rel] = (*entry[:3], b"short")
    remember_digests(entries, Fingerprinter())
    assert entries[rel][3] == right
