"""Nothing read from `.sitegen/` runs code: crafted cache files read as an empty cache.

`.sitegen/` can come from a CI cache (actions/cache), which is no place to trust with code
execution. A crafted pickle in any cache file, or a crafted journal, must neither run
code nor stop the build; a valid cache must still be used.
"""

from __future__ import annotations

import io
import json
import os
import pickle
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from generator import __version__
from generator.cli import main
from generator.content.model import Article
from generator.output import safeload
from generator.output.cache import BuildCache, parse_shard
from tests.conftest import build_into
from tests.test_incremental import snapshot

STORY = "content/articles/2023/10/gerhana-bulan-terlihat.md"
STORY_SHARD = f"parsed/{parse_shard(STORY):02d}.pickle"  # the parse-cache shard that holds STORY
CACHE_FILES = (STORY_SHARD, "summary", "related.pickle", "words.pickle", "links")


class _Call:
    """Pickles as a call of `func(*args)`: what a crafted cache file would hold."""

    def __init__(self, func: Callable[..., Any], *args: Any):
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[Any, ...]:
        return self.func, self.args


def _payloads(marker: Path) -> dict[str, bytes]:
    """Crafted cache files that create `marker` when unpickled with pickle.load."""
    article = {"entries": {"x": ((1, 2), (), _Call(open, str(marker), "w"))}, "scanned_ns": 1}
    return {
        "os.system": pickle.dumps(("k", __version__, _Call(os.system, f"touch '{marker}'"))),
        "open": pickle.dumps(("k", __version__, _Call(open, str(marker), "w"))),
        "nested in the value": pickle.dumps(("k", __version__, article)),
        "before the header": pickle.dumps((_Call(open, str(marker), "w"), __version__, None)),
    }


def _cache_path(site: Path, out: Path, name: str) -> Path:
    if name in ("summary", "links"):  # one per output folder
        return getattr(BuildCache(site, out), f"{name}_path")
    return site / ".sitegen" / name


def _edit(site: Path, words: str) -> None:
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def _cli_build(site: Path, out: Path, *extra: str) -> int:
    return main(["build", "--quiet", "--no-search", "--source", str(site), "--out", str(out), *extra])


@pytest.mark.parametrize("name", CACHE_FILES)
def test_a_crafted_cache_file_runs_no_code_and_reads_as_an_empty_cache(basic_site: Path, tmp_path: Path,
                                                                         name: str) -> None:
    out = tmp_path / "public"
    assert _cli_build(basic_site, out) == 0
    marker = tmp_path / "pwned"
    for n, (kind, payload) in enumerate(_payloads(marker).items()):
        for clean in ((), ("--clean",)):
            _cache_path(basic_site, out, name).write_bytes(payload)
            _edit(basic_site, f"Kalimat {kind} {n} {clean}.")  # so that every cache file is read
            assert _cli_build(basic_site, out, *clean) == 0, (kind, clean)
            assert not marker.exists(), f"{name}: {kind} ran with {clean or 'an incremental build'}"
    fresh = tmp_path / "fresh"
    assert _cli_build(basic_site, fresh, "--clean") == 0
    assert snapshot(out) == snapshot(fresh)


def test_every_cache_file_of_a_build_loads_with_the_restricted_unpickler(basic_site: Path, tmp_path: Path) -> None:
    """The allow-list is complete: what a build writes reads back equal, dates and extras included."""
    (basic_site / "content/articles/2023/11/ekstra.md").write_text(
        "---\ntitle: Data tambahan\ndate: 2023-11-02 08:00\nsection: kota\nreporter: Sari\n"
        "extra:\n  waktu: !!timestamp 2001-12-14t21:59:43.10-05:00\n  hari: !!timestamp 2002-12-14\n"
        "  utc: !!timestamp 2002-12-14 10:00:00Z\n  biner: !!binary aGFsbw==\n  himpunan: !!set {a, b}\n"
        "  pasangan: !!omap [{a: 1}, {b: 2}]\n  angka: [1, 2.5, -3, 100000000000000000000000]\n"
        "  lain: {ya: true, tidak: null}\n---\nBadan berita dengan beberapa kata.\n", encoding="utf-8")
    future = basic_site / "content/articles/2023/11/terjadwal.md"  # a scheduled story: in the summary
    future.write_text("---\ntitle: Nanti\ndate: 2099-01-01 08:00+07:00\nsection: kota\n---\nNanti.\n",
                      encoding="utf-8")
    out = tmp_path / "public"
    build_into(basic_site, out)
    _edit(basic_site, "Satu kalimat lagi.")
    build_into(basic_site, out)
    files = sorted((basic_site / ".sitegen").rglob("*.pickle"))
    assert {f.name.split("-")[0] if f.parent.name != "parsed" else "parsed" for f in files} == {
        "parsed", "summary", "related.pickle", "words.pickle", "ranking.pickle", "links", "plan"}
    for path in files:
        with path.open("rb") as handle:
            expected = pickle.load(handle)
        with path.open("rb") as handle:
            assert safeload.load(handle) == expected, path.name
    shard = basic_site / f".sitegen/parsed/{parse_shard('content/articles/2023/11/ekstra.md'):02d}.pickle"
    with shard.open("rb") as handle:
        entries = safeload.load(handle)[2]["entries"]
    extra = dict(entries["content/articles/2023/11/ekstra.md"][2].extra)
    assert extra["hari"] == date(2002, 12, 14) and extra["himpunan"] == {"a", "b"}
    assert extra["utc"] == datetime(2002, 12, 14, 10, tzinfo=timezone.utc) and extra["biner"] == b"halo"
    zones = {type(e[2].date.tzinfo).__name__ for e in entries.values()}
    assert "ZoneInfo" in zones  # a date without an offset: the getattr(ZoneInfo, "_unpickle") path
    cache = BuildCache(basic_site, out)
    summary = next(f for f in files if f.name.startswith("summary-"))
    with summary.open("rb") as handle:
        assert [a.title for a in safeload.load(handle)[2]["scheduled"]] == ["Nanti"]
    assert cache.load_pickle(cache.words_path, "words-3") is not None


def test_a_valid_cache_is_still_used(basic_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.related.vectors as vectors  # where the related engine counts words

    out = tmp_path / "public"
    assert build_into(basic_site, out).clean
    again = build_into(basic_site, out)
    assert not again.clean and again.written == 0 and again.unchanged == again.files
    counted: list[int] = []
    count_words = vectors.count_words
    monkeypatch.setattr(vectors, "count_words", lambda articles, names: counted.append(len(articles))
                        or count_words(articles, names))
    _edit(basic_site, "Langit malam itu cerah sekali.")
    edited = build_into(basic_site, out)
    assert not edited.clean and 0 < edited.written < edited.files
    assert counted == [1]  # the word counts of the other stories came from the cache
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, clean=True)
    assert snapshot(out) == snapshot(fresh)


def test_a_clean_build_reads_no_cache_file(basic_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    read: list[str] = []
    real_load = BuildCache.load_pickle
    monkeypatch.setattr(BuildCache, "load_pickle", lambda self, path, key: read.append(path.name)
                        or real_load(self, path, key))
    monkeypatch.setattr(BuildCache, "load_manifest", lambda self: read.append("manifest") or None)
    real_stamps = BuildCache.load_stamps
    monkeypatch.setattr(BuildCache, "load_stamps", lambda self: read.append("stamps") or real_stamps(self))
    build_into(basic_site, out, clean=True)
    assert read == []
    build_into(basic_site, out)
    assert "stamps" in read and "manifest" in read  # the same hooks see an ordinary build


def _crafted_journal(site: Path, out: Path, plan: dict[str, Any]) -> None:
    BuildCache(site, out).journal_path.parent.mkdir(parents=True, exist_ok=True)
    BuildCache(site, out).journal_path.write_text(json.dumps(plan))


def test_a_crafted_journal_moves_and_deletes_nothing_outside_the_output(basic_site: Path, tmp_path: Path) -> None:
    """A journal from a CI cache could otherwise drop a sitecustomize.py into site-packages."""
    out = tmp_path / "public"
    assert _cli_build(basic_site, out) == 0
    payload = basic_site / ".sitegen" / "payload"
    payload.mkdir()
    (payload / "sitecustomize.py").write_text("open('pwned', 'w')\n")
    elsewhere = tmp_path / "site-packages"
    elsewhere.mkdir()
    (elsewhere / "keep.py").write_text("kept\n")
    plans = [
        {"out": str(elsewhere), "backup": str(payload), "staged": ["sitecustomize.py"], "existed": [], "removed": []},
        {"out": str(out), "backup": str(payload), "staged": ["sitecustomize.py"], "existed": [], "removed": []},
        {"out": str(out), "backup": str(out.parent / f".{out.name}.backup-1"),
         "staged": ["../site-packages/keep.py"], "existed": [], "removed": []},
        {"out": str(out), "backup": str(out.parent / f".{out.name}.backup-1"),
         "staged": [str(elsewhere / "keep.py")], "existed": [], "removed": []},
        {"out": str(out), "backup": str(elsewhere), "staged": [], "existed": [], "removed": []},
        ["not", "a", "plan"],
    ]
    for plan in plans:
        _crafted_journal(basic_site, out, plan)  # type: ignore[arg-type]
        assert _cli_build(basic_site, out) == 0, plan
        assert not (elsewhere / "sitecustomize.py").exists() and not (out / "sitecustomize.py").exists()
        assert (payload / "sitecustomize.py").exists() and (elsewhere / "keep.py").exists(), plan
        assert not BuildCache(basic_site, out).journal_path.exists()
    fresh = tmp_path / "fresh"
    assert _cli_build(basic_site, fresh, "--clean") == 0
    assert snapshot(out) == snapshot(fresh)


def test_a_genuine_journal_is_still_undone_by_the_next_build(basic_site: Path, tmp_path: Path) -> None:
    from generator.output.switch import Update

    out = tmp_path / "public"
    build_into(basic_site, out)
    update = Update(out, BuildCache(basic_site, out).journal_path).__enter__()
    update.write_bytes("index.html", b"new home")
    update.write_bytes("baru/index.html", b"new page")
    update.apply(removed=["404.html"])
    # The process dies here: no __exit__, the journal stays behind.
    build_into(basic_site, out)
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, clean=True)
    assert snapshot(out) == snapshot(fresh)


# The restricted unpickler on its own.

def _loads(value: Any) -> Any:
    return safeload.load(io.BytesIO(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))


@pytest.mark.parametrize("value", [
    _Call(os.system, "true"), _Call(eval, "1"), _Call(getattr, int, "mro"), _Call(getattr, Article, "__init__"),
    _Call(getattr, __import__("zoneinfo").ZoneInfo, "no_cache"),
    np.arange(3), np.dtype("u8"), _Call(__import__("copyreg")._reconstructor, object, object, None),
    _Call(__import__("zoneinfo").ZoneInfo, "UTC"), _Call(pickle.loads, b"."), _Call(print, "x"),
])
def test_anything_but_the_allowed_types_is_refused(value: Any) -> None:
    with pytest.raises(pickle.UnpicklingError):
        _loads(value)


def test_only_zone_names_are_unpickled_as_zones() -> None:
    from zoneinfo import ZoneInfo

    assert _loads(ZoneInfo("Asia/Jakarta")) is ZoneInfo("Asia/Jakarta")
    for key in ("../../etc/passwd", "/etc/localtime", "tzdata.zoneinfo", "", 7):
        crafted = pickle.dumps(_Call(getattr(ZoneInfo, "_unpickle"), key, True))
        with pytest.raises(pickle.UnpicklingError):
            safeload.load(io.BytesIO(crafted))


def test_word_counts_round_trip_as_bytes_and_inconsistent_ones_are_refused() -> None:
    from generator.related.words import pack_words, unpack_words

    words = {b"a": (np.array([3, 9], dtype=np.uint64), np.array([1, 4], dtype=np.int32)),
             b"b": (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)),
             b"c": (np.array([2**63 + 5], dtype=np.uint64), np.array([2], dtype=np.int32))}
    stored = _loads(safeload.encode_words(pack_words(words)))
    back = unpack_words(safeload.decode_words(stored))
    assert back.keys() == words.keys()
    for key, (hashes, counts) in words.items():
        assert back[key][0].tolist() == hashes.tolist() and back[key][1].tolist() == counts.tolist()
    keys, sizes, hashes, counts = stored
    for bad in [None, (keys, sizes, hashes), (keys[:2], sizes, hashes, counts), (keys, sizes, hashes[:8], counts),
                (keys, sizes, hashes, counts + b"x"), (keys, np.array([1, 1, 2], "<i8").tobytes(), hashes, counts),
                (keys, np.array([4, -1, 0], "<i8").tobytes(), hashes, counts), ([1, 2, 3], sizes, hashes, counts)]:
        assert safeload.decode_words(bad) is None


def test_a_crafted_manifest_removes_nothing_outside_the_output(basic_site: Path, tmp_path: Path) -> None:
    """The manifest lists the files the last build wrote, and a build removes those it no
    longer makes: a manifest from a CI cache naming files elsewhere must not remove them."""
    out = tmp_path / "public"
    build_into(basic_site, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("a reporter's notes\n")
    manifest_path = BuildCache(basic_site, out).manifest_path
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    data["files"]["../victim.txt"] = "0" * 32
    data["files"][str(victim)] = "0" * 32
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    story = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Langit cerah", "Langit sangat cerah"),
                     encoding="utf-8")
    build_into(basic_site, out)
    assert victim.read_text() == "a reporter's notes\n"
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, clean=True)
    assert snapshot(out) == snapshot(fresh)
