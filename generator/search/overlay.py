"""Corrections overlay: an edited or deleted story of a sealed shard costs a small bundle,
not a new index of its shard.

A sealed shard (one of the older years, up to `[search] shard_threshold` stories) keeps
the bundle it was indexed from. The manifest remembers what that was (each page's short
fingerprint, its "base"). When pages of the shard change later:

- the stories whose page differs from the base, or that are new in the shard, are
  indexed into one small overlay bundle, `pagefind/corrections/` (OVERLAY), with the
  current version of each;
- the versions the sealed bundle still holds of changed or deleted stories are hidden:
  `shards.json` lists their Pagefind result ids under the shard ("hidden"), and the
  search page drops those ids from that shard's results before loading any result's
  data, so counts stay exact.

An id is the name of the page's fragment file in the bundle (`fragment/<id>.pf_fragment`,
which holds the page's URL), so it is found by reading the bundle's fragments, once per
superseded page; the manifest keeps it afterwards.

The overlay is folded back (its stories' shards indexed again, the overlay emptied of
them) when a shard is indexed again anyway (a settings change, the yearly merge, a clean
build), and when the changes of all patched shards together pass LIMIT: then the shards
with the most changes are indexed again until the rest fit. That bounds what a reader's
search pays for the overlay (one more small bundle, a few hundred ids).
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from generator.search.shards import NAME, Shard

OVERLAY = "corrections"  # the overlay's bundle, pagefind/corrections/: never a shard name (NAME)
LIMIT = 300  # changed, new or deleted stories the overlay stands for at most (see docs/search.md)
SHORT = 16  # hex digits of a page's fingerprint kept in the base: 64 bits
_SHORT = re.compile(r"[0-9a-f]{16}")
_ID = re.compile(r"[a-z0-9-]{1,20}_[0-9a-f]{7,64}")  # Pagefind's result id: language, "_", hash
# A decompressed fragment: Pagefind's marker, then JSON whose first field is the URL.
_URL = re.compile(rb'pagefind_dcd\{"url":"((?:[^"\\]|\\.)*)"')
_HEAD = 4096  # bytes decompressed to reach the end of the URL

assert not NAME.fullmatch(OVERLAY)


@dataclass(frozen=True)
class Sealed:
    """What the manifest remembers of a sealed shard's bundle."""

    base: Mapping[str, str] = field(default_factory=dict)  # page -> short fingerprint it was indexed from
    hidden: Mapping[str, str] = field(default_factory=dict)  # superseded page -> its result id in the bundle

    def to_json(self) -> dict[str, object]:
        """The manifest's form."""
        return {"base": dict(sorted(self.base.items())), "hidden": dict(sorted(self.hidden.items()))}


def short(fingerprint: str) -> str:
    """The part of a page's fingerprint a base keeps."""
    return fingerprint[:SHORT]


def read_sealed(data: object, names: set[str]) -> dict[str, Sealed] | None:
    """The stored bases of the sealed shards `names` holds, or None when anything is off.

    Pages are only compared with this build's pages, never used as paths; ids go into
    shards.json, so they must look like Pagefind's.
    """
    if not isinstance(data, dict):
        return None
    found: dict[str, Sealed] = {}
    for name, entry in data.items():
        if name not in names or not isinstance(entry, dict) or set(entry) != {"base", "hidden"}:
            return None
        base, hidden = entry["base"], entry["hidden"]
        if not (isinstance(base, dict) and isinstance(hidden, dict)):
            return None
        if not all(isinstance(p, str) and isinstance(f, str) and _SHORT.fullmatch(f) for p, f in base.items()):
            return None
        if not all(isinstance(p, str) and p in base and isinstance(i, str) and _ID.fullmatch(i)
                   for p, i in hidden.items()):
            return None
        found[name] = Sealed(base, hidden)
    return found


@dataclass(frozen=True)
class Patch:
    """A sealed shard kept as it is, with its changes in the overlay."""

    superseded: frozenset[str]  # pages of its bundle whose version is stale (changed or deleted)
    fresh: frozenset[str]  # pages whose current version goes into the overlay (changed or new)

    @property
    def size(self) -> int:
        """How much of the overlay's bound this shard uses."""
        return len(self.superseded | self.fresh)


def diff(shard: Shard, base: Mapping[str, str], fingerprints: Mapping[str, str]) -> Patch:
    """What changed in `shard` since its bundle was indexed from `base`."""
    current = {page: short(fingerprints[page]) for page in shard.pages}
    return Patch(superseded=frozenset(p for p, f in base.items() if current.get(p) != f),
                 fresh=frozenset(p for p, f in current.items() if base.get(p) != f))


def within_limit(patches: Mapping[str, Patch], limit: int = LIMIT) -> tuple[dict[str, Patch], list[str]]:
    """The patches kept, and the shards to index again (those with the most changes first)
    until the rest stand for at most `limit` stories."""
    kept = dict(patches)
    folded: list[str] = []
    while kept and sum(p.size for p in kept.values()) > limit:
        name = max(kept, key=lambda n: (kept[n].size, n))
        del kept[name]
        folded.append(name)
    return kept, folded


def page_url(page: str) -> str:
    """The URL Pagefind records for an output page ("a/b/index.html" -> "/a/b/")."""
    return "/" + (page[:-len("index.html")] if page.endswith("index.html") else page)


def result_ids(bundle: Path, pages: set[str]) -> dict[str, str]:
    """page -> Pagefind result id, for the `pages` found in the bundle's fragments.

    A page missing from the answer is not in the bundle (or its fragment is unreadable).
    """
    wanted = {page_url(p): p for p in pages}
    found: dict[str, str] = {}
    folder = bundle / "fragment"
    if not wanted or not folder.is_dir():
        return found
    for path in folder.iterdir():
        if not path.name.endswith(".pf_fragment"):
            continue
        try:
            # The URL is the fragment's first field: only the start is decompressed (a
            # 2,613-page shard scanned in 0.26-0.56 s instead of 0.54-0.64 s, load 10).
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(path.read_bytes(), _HEAD)
            match = _URL.match(head)
            url = json.loads(b'"' + match.group(1) + b'"') if match else None
        except (OSError, ValueError, zlib.error):
            continue
        page = wanted.get(url) if isinstance(url, str) else None
        rid = path.name[:-len(".pf_fragment")]
        if page is not None and _ID.fullmatch(rid):
            found[page] = rid
            if len(found) == len(wanted):
                break
    return found


def overlay_key(pages: Mapping[str, str], version: str, language: str) -> str:
    """Digest of what the overlay bundle is made from: its pages' fingerprints."""
    text = json.dumps(["overlay", version, language, sorted(pages.items())])
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
