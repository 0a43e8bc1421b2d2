"""The in-process cache memory that `sitegen serve` keeps between rebuilds."""

from __future__ import annotations

import os
from pathlib import Path

from generator.output.cache import BuildCache, Memory


def test_a_value_saved_in_this_process_is_returned_without_reading_the_file(tmp_path: Path) -> None:
    memory = Memory()
    cache = BuildCache(tmp_path, tmp_path / "public", memory)
    value = {"entries": [1, 2, 3]}
    cache.save_pickle(cache.related_path, "k", value)
    assert cache.load_pickle(cache.related_path, "k") is value  # the very object: not unpickled again
    assert cache.load_pickle(cache.related_path, "other key") is None


def test_a_file_changed_by_another_process_is_read_again(tmp_path: Path) -> None:
    memory = Memory()
    cache = BuildCache(tmp_path, tmp_path / "public", memory)
    cache.save_pickle(cache.related_path, "k", "old")
    # Another build (a CLI run beside `serve`) writes the same cache file.
    BuildCache(tmp_path, tmp_path / "public").save_pickle(cache.related_path, "k", "newer value")
    stat = cache.related_path.stat()
    os.utime(cache.related_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert cache.load_pickle(cache.related_path, "k") == "newer value"


def test_a_deleted_cache_file_is_not_served_from_memory(tmp_path: Path) -> None:
    memory = Memory()
    cache = BuildCache(tmp_path, tmp_path / "public", memory)
    cache.save_pickle(cache.words_path, "k", {"a": 1})
    cache.words_path.unlink()
    assert cache.load_pickle(cache.words_path, "k") is None


def test_builds_sharing_a_memory_give_the_same_folder_as_a_clean_build(basic_site: Path, tmp_path: Path) -> None:
    from generator.build import build
    from generator.config.options import BuildOptions
    from tests.conftest import BUILD_TIME, build_into
    from tests.test_incremental import snapshot

    memory = Memory()
    out = tmp_path / "preview"

    def build_with_memory() -> None:
        build(BuildOptions(source=basic_site, out=out, build_time=BUILD_TIME, search=False), memory=memory)

    build_with_memory()
    assert memory.records and memory.templates  # articles digested, templates compiled
    story = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    story.write_text(story.read_text().replace("Langit cerah membuat", "Langit mendung membuat"))
    template = basic_site / "themes/default/templates/partials/card.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text((Path(__file__).parent.parent / "themes/default/templates/partials/card.html")
                        .read_text().replace('class="card-title"', 'class="card-title kartu"'))
    build_with_memory()
    clean = tmp_path / "clean"
    build_into(basic_site, clean, clean=True)
    assert snapshot(out) == snapshot(clean)
    assert b"Langit mendung" in (out / "sains/2023/10/gerhana-bulan-terlihat/index.html").read_bytes()
    assert b'class="card-title kartu"' in (out / "index.html").read_bytes()  # the edited template, not the remembered one
