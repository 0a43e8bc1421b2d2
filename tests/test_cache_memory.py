"""The in-process cache memory that `sitegen serve` keeps between rebuilds."""

from __future__ import annotations

import os
from pathlib import Path

from generator.cache import BuildCache, Memory


def test_a_value_saved_in_this_process_is_returned_without_reading_the_file(tmp_path: Path) -> None:
    memory = Memory()
    cache = BuildCache(tmp_path, tmp_path / "public", memory)
    value = {"entries": [1, 2, 3]}
    cache.save_pickle(cache.parse_path, "k", value)
    assert cache.load_pickle(cache.parse_path, "k") is value  # the very object: not unpickled again
    assert cache.load_pickle(cache.parse_path, "other key") is None


def test_a_file_changed_by_another_process_is_read_again(tmp_path: Path) -> None:
    memory = Memory()
    cache = BuildCache(tmp_path, tmp_path / "public", memory)
    cache.save_pickle(cache.parse_path, "k", "old")
    # Another build (a CLI run beside `serve`) writes the same cache file.
    BuildCache(tmp_path, tmp_path / "public").save_pickle(cache.parse_path, "k", "newer value")
    stat = cache.parse_path.stat()
    os.utime(cache.parse_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert cache.load_pickle(cache.parse_path, "k") == "newer value"


def test_a_deleted_cache_file_is_not_served_from_memory(tmp_path: Path) -> None:
    memory = Memory()
    cache = BuildCache(tmp_path, tmp_path / "public", memory)
    cache.save_pickle(cache.words_path, "k", {"a": 1})
    cache.words_path.unlink()
    assert cache.load_pickle(cache.words_path, "k") is None
