"""The build cache under `.sitegen/`: what each output file was built from, and parsed sources.

Anything doubtful (missing, corrupt, another sitegen version, another output folder)
reads as an empty cache, which means a clean build.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable

from generator import __version__
from generator.config.site import CACHE_DIR
from generator.content.discover import KnownStamps
from generator.output import safeload

FORMAT = 1
# The parse cache is split by a hash of each source path: an edit or a new story rewrites
# one shard of 1/64 of the archive (about 7 MB at 100,000 stories), not the whole cache.
PARSE_SHARDS = 64


@dataclass
class Manifest:
    """What the output folder holds: each file's input fingerprint, and the site's inputs."""

    inputs: str = ""  # digest of every source stamp, the config, theme and options
    valid_until: str | None = None  # ISO time at which time-dependent output changes
    files: dict[str, str] = field(default_factory=dict)  # output path -> input fingerprint
    # The search index's layout and shard keys (generator.search.incremental.IndexState as
    # JSON), checked by read_state before any of it is used.
    search: Any = None
    # The size of every file in the output folder once the build was switched in, so that
    # the next build's size check walks only the files it writes (None: not recorded).
    sizes: dict[str, int] | None = None


class Memory:
    """Cache files already read or written by this process, kept for its next build.

    `sitegen serve` builds again and again in one process; unpickling the parse cache
    and the word counts on every save would cost it a second at 10,000 articles. An
    entry is used only while the file on disk still has the size and mtime it had.
    """

    def __init__(self) -> None:
        self._values: dict[Path, tuple[tuple[int, int], str, Any]] = {}
        # Digests of the last build's articles, by object (fingerprint.Fingerprinter).
        self.records: dict[int, tuple[Any, bytes]] = {}
        # Compiled templates by Jinja's bucket key (templates.MemoryBytecodeCache).
        self.templates: dict[str, bytes] = {}

    def get(self, path: Path, key: str) -> Any:
        """The value remembered for `path` under `key` if the file is unchanged, else None."""
        entry = self._values.get(path)
        if entry is None or entry[1] != key or entry[0] != _stamp(path):
            return None
        return entry[2]

    def put(self, path: Path, key: str, value: Any) -> None:
        """Remember what `path` holds now."""
        stamp = _stamp(path)
        if stamp is None:
            self._values.pop(path, None)
        else:
            self._values[path] = (stamp, key, value)


def _sizes(value: Any) -> dict[str, int] | None:
    """Recorded sizes as a build can trust them: names to whole numbers, else none at all."""
    if not isinstance(value, dict):
        return None
    if not all(isinstance(k, str) and type(v) is int and v >= 0 for k, v in value.items()):
        return None
    return value


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _output_name(source: Path, out: Path) -> str:
    """What names an output folder's cache files: its path inside the site when it is there.

    A CI runner may check the site out at another path on each run (GitLab's names the
    runner); `public/` inside it is still the same output, and its restored cache must match.
    """
    out = out.resolve()
    try:
        return "site:" + out.relative_to(source.resolve()).as_posix()
    except ValueError:
        return str(out)


class BuildCache:
    """Reads and writes the cache files of one site and one output folder."""

    def __init__(self, source: Path, out: Path, memory: Memory | None = None):
        self.memory = memory
        self.root = source / CACHE_DIR
        key = hashlib.blake2b(_output_name(source, out).encode(), digest_size=8).hexdigest()
        self.manifest_path = self.root / f"manifest-{key}.json"
        self.journal_path = self.root / f"journal-{key}.json"
        self.parse_dir = self.root / "parsed"  # the parse cache, in PARSE_SHARDS files
        # The digest of every source file by size and mtime, so that a build reads only
        # the files that changed (and a fresh clone, all new mtimes, reads each one once).
        self.stamps_path = self.root / "stamps.json"
        # What a build with nothing to do still reports: scheduled stories and warnings.
        self.summary_path = self.root / f"summary-{key}.pickle"
        self.links_path = self.root / f"links-{key}.pickle"  # each page's links and ids (generator/linkcheck.py)
        self.plan_path = self.root / f"plan-{key}.pickle"  # the pages of each group (generator/plan/memo.py)
        self.related_path = self.root / "related.pickle"
        self.words_path = self.root / "words.pickle"  # each article's word counts, for the related engine
        self.ranking_path = self.root / "ranking.pickle"  # each story's shortlist, for ranking only what changed
        self.stories_path = self.root / "saved-stories.pickle"  # what pagefind/saved.json was made from

    def load_manifest(self) -> Manifest | None:
        """The manifest of the last successful build into this output folder, or None."""
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("version") != __version__:
                return None
            return Manifest(inputs=data["inputs"], valid_until=data.get("valid_until"),
                            files=dict(data["files"]), search=data.get("search"), sizes=_sizes(data.get("sizes")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save_manifest(self, manifest: Manifest) -> None:
        """Write the manifest atomically."""
        data = {"format": FORMAT, "version": __version__, "inputs": manifest.inputs,
                "valid_until": manifest.valid_until, "search": manifest.search,
                "files": manifest.files, "sizes": manifest.sizes}
        text = json.dumps(data, sort_keys=True).encode()
        self._write(self.manifest_path, lambda handle: handle.write(text))

    def load_stamps(self) -> KnownStamps | None:
        """The digests the last build read, by size and mtime; None when absent or doubtful."""
        try:
            data = json.loads(self.stamps_path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("version") != __version__:
                return None
            files = {rel: (int(size), int(mtime), int(ctime), int(digest))
                     for rel, (size, mtime, ctime, digest) in data["files"].items()}
            return KnownStamps(int(data["scanned_ns"]), files)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save_stamps(self, known: KnownStamps) -> None:
        """Write the digests this build read, atomically."""
        data = {"format": FORMAT, "version": __version__, "scanned_ns": known.scanned_ns,
                "files": {rel: list(entry) for rel, entry in known.files.items()}}
        text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        self._write(self.stamps_path, lambda handle: handle.write(text))

    def forget_manifest(self) -> None:
        """Drop the manifest so the next build is clean (before touching the output)."""
        try:
            self.manifest_path.unlink()
        except FileNotFoundError:
            pass

    def mark_scan(self) -> int | None:
        """Touch a marker and return its mtime: "now" on the file system's own clock.

        Sources modified after this moment are compared by content on the next build,
        since their stamps may not differ from the ones this build saw.
        """
        marker = self.root / "scan"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            marker.write_bytes(b"")
            return marker.stat().st_mtime_ns
        except OSError:
            return None

    def parse_shard_path(self, shard: int) -> Path:
        """The file of one parse-cache shard."""
        return self.parse_dir / f"{shard:02d}.pickle"

    def load_parsed(self, key: str) -> dict[str, Any]:
        """Every parsed story kept under `key`, by source path; a missing or stale shard adds none."""
        entries: dict[str, Any] = {}
        for shard in range(PARSE_SHARDS):
            value = self.load_pickle(self.parse_shard_path(shard), key)
            if value is not None:
                entries.update(value["entries"])
        return entries

    def save_parsed(self, key: str, entries: dict[str, Any], before: dict[str, Any]) -> int:
        """Rewrite the shards whose entries differ from `before` (what load_parsed gave); the count written."""
        changed = {parse_shard(source) for source in entries.keys() ^ before.keys()}
        changed |= {parse_shard(source) for source, entry in entries.items() if before.get(source) is not entry}
        if changed:
            (self.root / "parsed.pickle").unlink(missing_ok=True)  # one file, as builds before the shards kept it
        # Grouped in one pass: a clean build rewrites every shard, and a pass per shard
        # would hash each of 100,000 source paths 64 times.
        held: dict[int, dict[str, Any]] = {shard: {} for shard in changed}
        for source, entry in entries.items():
            group = held.get(parse_shard(source))
            if group is not None:
                group[source] = entry
        for shard in sorted(changed):
            self.save_pickle(self.parse_shard_path(shard), key, {"entries": held[shard]})
        return len(changed)

    def load_pickle(self, path: Path, key: str) -> Any:
        """A cached value stored under `key`, or None when absent, stale or unreadable.

        A value from memory is shared with earlier builds: callers must not change it.
        """
        if self.memory is not None:
            remembered = self.memory.get(path, key)
            if remembered is not None:
                return remembered
        try:
            with path.open("rb") as handle:
                # Only the project's records and a few stdlib types: a crafted file cannot run code.
                stored_key, version, value = safeload.load(handle)
        except Exception:  # noqa: BLE001 - a corrupt, foreign or crafted cache is simply not used
            return None
        if stored_key != key or version != __version__:
            return None
        if self.memory is not None:
            self.memory.put(path, key, value)
        return value

    def save_pickle(self, path: Path, key: str, value: Any) -> None:
        """Store `value` under `key`, atomically."""
        # Streamed into the file: at 100,000 articles the parse cache is ~450 MB, which
        # pickle.dumps would first hold in memory whole.
        self._write(path, lambda handle: pickle.dump((key, __version__, value), handle,
                                                     protocol=pickle.HIGHEST_PROTOCOL))
        if self.memory is not None:
            self.memory.put(path, key, value)

    def _write(self, path: Path, write: Callable[[BinaryIO], object]) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.root / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            with tmp.open("wb") as handle:
                write(handle)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a read-only site folder still builds, only without a cache
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def parse_shard(source: str) -> int:
    """The parse-cache shard of a source path: stable across runs and machines."""
    return hashlib.blake2b(source.encode(), digest_size=1).digest()[0] % PARSE_SHARDS
