"""The search step of a build: lay out the shards and run Pagefind only where pages changed.

Each shard has a key: a digest of its pages' fingerprints (without the related list,
which Pagefind never reads: it is outside `data-pagefind-body`), the Pagefind version
and the index language. The keys and the layout are kept in the build manifest
(`IndexState`); a build runs Pagefind for the shards whose key changed, keeps the other
shard folders of the previous output where they are, and writes a new shard list
(`pagefind/shards.json`) that the search page reads. Anything doubtful in the stored
state (it may come from a CI cache) reads as no state: every shard is indexed again.
A sealed shard whose pages changed keeps its bundle, and its changes go into the
corrections overlay instead, within a bound (overlay.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from generator.config.site import SiteConfig
from generator.content.model import Article
from generator.errors import BuildError, Diagnostic
from generator.search.pagefind import (
    BUNDLE_DIR,
    SearchReport,
    _SKIP_HINT,
    find_article_pages,
    index_language,
    pagefind_version,
    run_shards,
)
from generator.search.overlay import (
    LIMIT,
    OVERLAY,
    Patch,
    Sealed,
    diff,
    overlay_key,
    read_sealed,
    result_ids,
    short,
    within_limit,
)
from generator.search.counts import ShardWords, read_words
from generator.search.saved import SAVED_FILE, Known, saved_file
from generator.search.shards import NAME, Layout, Shard, format_cut, parse_cut, plan_layout
from generator.urls import output_path

LIST_FILE = "shards.json"  # the shard list the search page reads, in pagefind/
STATE_FORMAT = 2
LIST_FORMAT = 1  # of shards.json, which the search page reads
_KEY = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ShardState:
    """What the manifest remembers of one shard."""

    name: str
    start: str  # its cut, "2024-03-07"
    key: str  # digest of what it was indexed from
    pages: int
    size: int  # bytes of its bundle


@dataclass(frozen=True)
class IndexState:
    """The layout and keys of the index in the output, oldest shard first."""

    threshold: int
    recent: int
    shards: tuple[ShardState, ...]
    sealed: Mapping[str, Sealed] = dataclasses.field(default_factory=dict)  # by shard name
    overlay: tuple[str, int, int] | None = None  # the corrections bundle's key, pages, bytes
    words: Mapping[str, ShardWords] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The manifest's `search` value."""
        return {"format": STATE_FORMAT, "threshold": self.threshold, "recent": self.recent,
                "shards": [[s.name, s.start, s.key, s.pages, s.size] for s in self.shards],
                "sealed": {name: entry.to_json() for name, entry in sorted(self.sealed.items())},
                "overlay": list(self.overlay) if self.overlay else None,
                "words": {name: w.to_json() for name, w in self.words.items()}}


def read_state(data: object) -> IndexState | None:
    """The state stored by `to_json`, or None when anything in it is not as written.

    Names become folder paths: only `<year>-<n>` (or "" for the single index) is taken.
    """
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return None
    threshold, recent, rows = data.get("threshold"), data.get("recent"), data.get("shards")
    if not (_count(threshold) and _count(recent) and isinstance(rows, list) and rows):
        return None
    shards = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 5):
            return None
        name, start, key, pages, size = row
        if not (isinstance(name, str) and (name == "" or NAME.fullmatch(name))
                and parse_cut(start) is not None
                and isinstance(key, str) and _KEY.fullmatch(key) and _count(pages, 0) and _count(size, 0)):
            return None
        shards.append(ShardState(name, start, key, pages, size))
    names = [s.name for s in shards]
    if len(set(names)) != len(names) or ("" in names and len(names) > 1):
        return None
    sealed = read_sealed(data.get("sealed"), set(names) - {""})
    overlay = data.get("overlay")
    if overlay is not None and not (isinstance(overlay, list) and len(overlay) == 3 and isinstance(overlay[0], str)
                                    and _KEY.fullmatch(overlay[0]) and _count(overlay[1]) and _count(overlay[2])):
        return None
    if sealed is None:
        return None
    return IndexState(threshold, recent, tuple(shards), sealed, tuple(overlay) if overlay else None,
                      read_words(data.get("words"), set(names)))


def _count(value: object, least: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


@dataclass(frozen=True)
class IndexResult:
    """What the step did, and what the build must move into the output or remove from it."""

    report: SearchReport
    state: IndexState | None
    staged: tuple[str, ...]  # paths under the root built here, to move in as units
    removed: tuple[str, ...]  # paths of the output that no longer belong to the index
    stories: Known = field(default_factory=dict)  # what saved.json was made from, for the next build
    stems: Mapping[str, str] = field(default_factory=dict)  # the stems of the words it looked up, likewise


def shard_key(shard: Shard, fingerprints: Mapping[str, str] | None, language: str) -> str | None:
    """Digest of everything the shard's bundle is made from; None when a page's is unknown."""
    if fingerprints is None or any(page not in fingerprints for page in shard.pages):
        return None
    text = json.dumps([STATE_FORMAT, pagefind_version(), index_language(language), shard.name == "",
                       [(page, fingerprints[page]) for page in shard.pages]])
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def index_site(root: Path, config: SiteConfig, articles: Sequence[Article] | None = None,
               base: Path | None = None, scratch: Path | None = None) -> SearchReport:
    """Index every shard of the article pages under `root` into `root/pagefind/`."""
    return index_search(root, config, articles, base=base, scratch=scratch).report


def index_search(root: Path, config: SiteConfig, articles: Sequence[Article] | None = None, *,
                 base: Path | None = None, scratch: Path | None = None,
                 fingerprints: Mapping[str, str] | None = None, previous: IndexState | None = None,
                 old: Path | None = None, stories: Known | None = None,
                 stems: Mapping[str, str] | None = None) -> IndexResult:
    """Index the shards whose pages changed into `root/pagefind/`.

    `articles` are the site's published articles (without them the pages are found by
    reading every HTML file for the theme's markers). `base` is where pages missing from
    `root` are read (the output folder, when `root` holds an update's changed files);
    `scratch` is the folder of page links Pagefind reads. `fingerprints` (page -> digest),
    `previous` (the manifest's state) and `old` (the output folder holding the index that
    state describes) let unchanged shards be kept instead of indexed again; `stories`
    (the last build's IndexResult.stories) lets saved.json read only the pages that changed,
    and `stems` (its IndexResult.stems) stem only the words it has not seen.
    """
    start = time.perf_counter()
    root = Path(os.path.abspath(root))
    if importlib.util.find_spec("pagefind_bin") is None:
        raise BuildError([Diagnostic("pagefind", "the Pagefind binary is not installed",
                                     hint="pip install pagefind-bin (a sitegen dependency), or build "
                                          "with --no-search")])
    search = config.search
    try:
        entries = [(str(output_path(a.url)), a.date.astimezone(config.tz)) for a in articles] \
            if articles is not None else find_article_pages(root, config.tz)
    except OSError as exc:
        raise BuildError([Diagnostic("pagefind", f"could not read the site in {root}: {exc}")]) from None
    if previous is not None and (previous.threshold, previous.recent) != (search.shard_threshold,
                                                                         search.recent_shard):
        previous = None
    layout = plan_layout(entries, search.shard_threshold, search.recent_shard,
                         [(s.name, s.start) for s in previous.shards] if previous else None)
    keys = {s.name: shard_key(s, fingerprints, config.language) for s in layout.shards}
    known = {s.name: s for s in previous.shards} if previous else {}
    old_index = Path(os.path.abspath(old)) / BUNDLE_DIR if old is not None else None

    def kept(shard: Shard) -> bool:
        was = known.get(shard.name)
        return (was is not None and old_index is not None and keys[shard.name] is not None
                and was.key == keys[shard.name] and (old_index / shard.name / "pagefind-entry.json").is_file())

    single = bool(layout.shards) and layout.shards[0].name == ""
    listed = old_index is not None and (old_index / LIST_FILE).is_file()
    partial = listed and bool(known) and "" not in known and not single
    newest = layout.shards[0].last.year if layout.shards else 0
    sealed = {s.name for s in layout.shards if s.name and s.last.year < newest}
    patches: dict[str, Patch] = {}
    hidden: dict[str, dict[str, str]] = {}
    if partial or (single and listed and kept(layout.shards[0])):
        todo = [s for s in layout.shards if not kept(s)]
        if partial and previous is not None and fingerprints is not None and old_index is not None:
            patches, hidden = _patches(todo, sealed, previous, fingerprints, old_index)
            todo = [s for s in todo if s.name not in patches]
    else:
        partial = False
        todo = list(layout.shards)
    overlay = _overlay_shard(patches, dict(entries))
    okey = overlay_key({p: (fingerprints or {})[p] for p in overlay.pages}, pagefind_version(),
                       index_language(config.language)) if overlay else None
    was_overlay = previous.overlay if previous is not None and partial else None
    redo_overlay = overlay is not None and not (
        was_overlay is not None and was_overlay[0] == okey and old_index is not None
        and (old_index / OVERLAY / "pagefind-entry.json").is_file())
    runs, peak = run_shards(root, todo + ([overlay] if overlay is not None and redo_overlay else []),
                            config.language, base, scratch)
    index_root = root / BUNDLE_DIR
    pages = {name: count for name, (count, _) in runs.items()}
    sizes = {name: size for name, (_, size) in runs.items()}
    for shard in layout.shards:
        if shard.name not in runs:
            pages[shard.name], sizes[shard.name] = known[shard.name].pages, known[shard.name].size
    if overlay is not None and not redo_overlay and was_overlay is not None:
        pages[OVERLAY], sizes[OVERLAY] = was_overlay[1], was_overlay[2]
    listing = _shard_list(layout, pages, hidden, overlay)
    bundles = [(s.name, (root / s.folder) if s.name in runs or old_index is None else old_index / s.name,
                None if s.name in runs else _kept_words(previous, s.name, hidden.get(s.name, {})),
                frozenset(hidden.get(s.name, {}).values()))
               for s in layout.shards]
    if overlay is not None:
        bundles.append((OVERLAY, root / overlay.folder if redo_overlay or old_index is None else old_index / OVERLAY,
                        None, frozenset()))
    saved, kept_stories, words, kept_stems = _saved(root, entries, config, base, fingerprints, stories, stems,
                                                    bundles)
    staged: list[str] = []
    removed: list[str] = []
    drop_overlay = overlay is None and old_index is not None and (old_index / OVERLAY).exists()
    if not partial:
        if todo:  # the whole index, built here: it replaces the old one as one folder
            (index_root / LIST_FILE).write_bytes(listing)
            (index_root / SAVED_FILE).write_bytes(saved)
            staged.append(BUNDLE_DIR)
        elif not layout.shards and old_index is not None and old_index.exists():
            removed.append(BUNDLE_DIR)
    elif todo or redo_overlay or drop_overlay or (old_index is not None and (
            (old_index / LIST_FILE).read_bytes() != listing or _read(old_index / SAVED_FILE) != saved)):
        # Only the shards indexed again and the new lists move in; the others stay where they are.
        index_root.mkdir(parents=True, exist_ok=True)
        (index_root / LIST_FILE).write_bytes(listing)
        (index_root / SAVED_FILE).write_bytes(saved)
        staged += [shard.folder for shard in todo] + [f"{BUNDLE_DIR}/{LIST_FILE}", f"{BUNDLE_DIR}/{SAVED_FILE}"]
        staged += [f"{BUNDLE_DIR}/{OVERLAY}"] if redo_overlay else []
        names = {s.name for s in layout.shards}
        removed += [f"{BUNDLE_DIR}/{name}" for name in known if name not in names]
        removed += [f"{BUNDLE_DIR}/{OVERLAY}"] if drop_overlay else []
    state = None
    if layout.shards and all(keys.values()) and fingerprints is not None:
        bases = {name: Sealed(previous.sealed[name].base, hidden[name])
                 for name in patches if previous is not None}
        bases.update({s.name: Sealed({p: short(fingerprints[p]) for p in s.pages})
                      for s in layout.shards if s.name in sealed and s.name not in patches})
        state = IndexState(search.shard_threshold, search.recent_shard, tuple(
            ShardState(s.name, format_cut(s.start), (known[s.name].key if s.name in patches else keys[s.name]) or "",
                       pages[s.name], sizes[s.name])
            for s in reversed(layout.shards)), bases,
            (okey or "", pages[OVERLAY], sizes[OVERLAY]) if overlay is not None else None,
            {name: w for name, w in words.items() if name != OVERLAY})
    report = SearchReport(
        # Stories searchable: the bundles' pages less the superseded versions they still hold.
        pages=sum(pages.values()) - sum(len(ids) for ids in hidden.values()), seconds=time.perf_counter() - start,
        index_bytes=sum(sizes.values()) + (len(listing) + len(saved) if layout.shards else 0),
        shards=tuple(s.name for s in layout.shards if s.name), peak_memory=peak,
        indexed=tuple(s.name for s in todo) + ((OVERLAY,) if redo_overlay else ()),
        # What this build wrote: `root` is the staging folder or the update's, never the live output.
        files=sum(1 for path in index_root.rglob("*") if path.is_file()) if index_root.is_dir() else 0)
    return IndexResult(report, state, tuple(staged), tuple(removed), kept_stories, kept_stems)


def _read(path: Path) -> bytes | None:
    """A file's bytes, or None when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _saved(root: Path, entries: Sequence[tuple[str, datetime]], config: SiteConfig, base: Path | None,
           fingerprints: Mapping[str, str] | None, stories: Known | None, stems: Mapping[str, str] | None,
           bundles: Sequence[tuple[str, Path, ShardWords | None, frozenset[str]]]
           ) -> tuple[bytes, Known, dict, dict[str, str]]:
    """pagefind/saved.json (none without shards) with the whole-archive counts; the stories,
    bundles and stems read."""
    if not bundles:
        return b"", {}, {}, {}
    try:
        return saved_file(root, [(page, int(when.timestamp())) for page, when in entries], config.language,
                          Path(os.path.abspath(base)) if base is not None else None, fingerprints, stories, bundles,
                          stems)
    except OSError as exc:
        raise BuildError([Diagnostic("pagefind", f"could not read the newest articles in {root}: {exc}",
                                     hint=_SKIP_HINT)]) from None


def _kept_words(previous: IndexState | None, name: str, hidden: Mapping[str, str]) -> ShardWords | None:
    """What the last build read of a kept shard's bundle: its top words always (the bundle is
    the same), its counts only when it hides the same results as then (counts leave them out)."""
    words = previous.words.get(name) if previous is not None else None
    if words is None or previous is None:
        return None
    was = previous.sealed[name].hidden if name in previous.sealed else {}
    # The counts stored were made with the hidden ids stored beside them (each build keeps
    # counts only under this same condition), so equal ids mean equal counts.
    return words if set(was.values()) == set(hidden.values()) else dataclasses.replace(words, counts={})


def _patches(todo: Sequence[Shard], sealed: set[str], previous: IndexState, fingerprints: Mapping[str, str],
             old_index: Path) -> tuple[dict[str, Patch], dict[str, dict[str, str]]]:
    """The sealed shards among `todo` kept as they are, with their changes in the overlay,
    and the result ids of their superseded pages (a shard whose ids are not all found is
    indexed again instead)."""
    patches: dict[str, Patch] = {}
    for shard in todo:
        was = previous.sealed.get(shard.name)
        # Whatever the shard now holds, hiding every stale version and adding every current
        # one that differs is exact; the bound decides when indexing it again is cheaper.
        if (shard.name in sealed and was is not None
                and all(page in fingerprints for page in shard.pages)
                and (old_index / shard.name / "pagefind-entry.json").is_file()):
            patch = diff(shard, was.base, fingerprints)
            # More than half of it changed (a settings or theme change changes every page):
            # indexing the shard again costs no more than the overlay would, and folds it.
            if patch.size * 2 <= max(len(shard.pages), len(was.base)):
                patches[shard.name] = patch
    patches, _ = within_limit(patches, LIMIT)
    ids: dict[str, dict[str, str]] = {}
    for name, patch in list(patches.items()):
        stored = previous.sealed[name].hidden
        found = {page: stored[page] for page in patch.superseded if page in stored}
        found.update(result_ids(old_index / name, set(patch.superseded) - set(found)))
        if len(found) == len(patch.superseded):
            ids[name] = found
        else:
            del patches[name]
    return patches, ids


def _overlay_shard(patches: Mapping[str, Patch], dates: Mapping[str, datetime]) -> Shard | None:
    """The corrections bundle's run: the current versions of the patched shards' changed stories."""
    fresh = sorted({page for patch in patches.values() for page in patch.fresh}, key=lambda p: (dates[p], p))
    if not fresh:
        return None
    first, last = dates[fresh[0]].date(), dates[fresh[-1]].date()
    return Shard(name=OVERLAY, start=(first, 0), pages=tuple(fresh), first=first, last=last)


def _shard_list(layout: Layout, pages: Mapping[str, int], hidden: Mapping[str, Mapping[str, str]],
                overlay: Shard | None) -> bytes:
    """pagefind/shards.json: every bundle, newest first, with the days it covers; the ids of
    the superseded results a shard must drop; the corrections overlay, if any."""
    def entry(s: Shard) -> dict[str, Any]:
        fields: dict[str, Any] = {"name": s.name, "bundle": f"{s.name}/" if s.name else "", "pages": pages[s.name],
                                  "first": s.first.isoformat(), "last": s.last.isoformat()}
        if hidden.get(s.name):
            fields["hidden"] = sorted(hidden[s.name].values())
        return fields

    listing: dict[str, Any] = {"format": LIST_FORMAT, "shards": [entry(s) for s in layout.shards]}
    if overlay is not None:
        listing["overlay"] = entry(overlay)
    return json.dumps(listing, separators=(",", ":")).encode()
