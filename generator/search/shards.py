"""The search index's shard layout: which Pagefind run indexes which article pages.

Log-structured, so that publishing a story re-indexes one small shard:

- the newest year is cut into runs of consecutive days of at most `[search] recent_shard`
  articles; the last run is the "recent" shard, where a new story lands;
- older (sealed) years are packed oldest first into shards of at most
  `[search] shard_threshold` articles, whole years together while they fit; a larger year
  is cut at month ends, a larger month at day ends, a larger day by count;
- an archive of at most `recent_shard` articles is one index (name "").

Boundaries are stable: a build lays the articles out over the previous build's cuts
(kept in the build manifest), so a new story changes only the shard it falls in, and a
shard that outgrows its limit is split on its own, never its neighbours. When a new year
begins, the previous newest year is laid out again as a sealed year (once a year, like a
log-structured merge). Shard names are `<year>-<n>`: the year of the shard's first day
and a number that is never reused within the year while the shard lives.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterable, Sequence

# A cut is where a shard starts: a local day, and the position within that day (0 unless
# one day holds more articles than a shard).  Stored in the manifest as "2024-03-07" or
# "2024-03-07#1000"; read back only when it matches this, as cache content is not trusted.
CUT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:#(\d{1,9}))?")
NAME = re.compile(r"\d{4}-\d{1,6}")  # a shard's folder name under pagefind/ ("" is the single index)

Cut = tuple[date, int]


@dataclass(frozen=True)
class Shard:
    """One Pagefind run: a bundle name, where it starts, and the article pages it indexes."""

    name: str  # "" for the single index; else "2024-3"
    start: Cut  # the first (day, position in that day) the shard covers
    pages: tuple[str, ...]  # output files relative to the site root, oldest first
    first: date  # local day of its oldest and newest article
    last: date

    @property
    def folder(self) -> str:
        """The bundle's folder relative to the output: "pagefind" or "pagefind/2024-3"."""
        return "pagefind" + (f"/{self.name}" if self.name else "")


@dataclass(frozen=True)
class Layout:
    """The limits a layout was made with, and its shards, newest first."""

    threshold: int
    recent: int
    shards: tuple[Shard, ...]

    def cuts(self) -> list[tuple[str, str]]:
        """(name, start) of every shard, oldest first, as the manifest stores them."""
        return [(s.name, format_cut(s.start)) for s in reversed(self.shards)]


def format_cut(cut: Cut) -> str:
    """"2024-03-07", or "2024-03-07#1000" for a cut inside a day."""
    return cut[0].isoformat() + (f"#{cut[1]}" if cut[1] else "")


def parse_cut(text: object) -> Cut | None:
    """A cut read from the manifest, or None when it is not one."""
    match = CUT.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])), int(match[4] or 0)
    except ValueError:
        return None


Entry = tuple[str, datetime]  # (page, local time of the article)


def plan_layout(entries: Iterable[Entry], threshold: int, recent: int,
                previous: Sequence[tuple[str, str]] | None = None) -> Layout:
    """Lay the (page, local time) entries out in shards, over `previous` cuts when given.

    `previous` is what `Layout.cuts` returned for the last build with the same limits;
    anything unusable in it (names or cuts that do not parse, a newest year that went
    backwards) gives a fresh layout, which is always correct, only costlier to index.
    """
    items = _keyed(entries)
    if not items:
        return Layout(threshold, recent, ())
    if len(items) <= recent:
        return Layout(threshold, recent, (_shard("", items),))
    newest = items[-1][0][0].year
    kept = _previous_cuts(previous, newest)
    if kept is None:
        groups = _fresh(items, threshold, recent, newest)
        names = _name_all(groups)
    else:
        groups, names = _over(items, kept[0], kept[1], threshold, recent, newest)
    shards = [_shard(name, group) for name, group in zip(names, groups)]
    return Layout(threshold, recent, tuple(reversed(shards)))


Keyed = tuple[Cut, str]  # ((day, position in day), page), sorted


def _keyed(entries: Iterable[Entry]) -> list[Keyed]:
    ordered = sorted(((when, page) for page, when in entries))
    keyed: list[Keyed] = []
    for when, page in ordered:
        day = when.date()
        position = keyed[-1][0][1] + 1 if keyed and keyed[-1][0][0] == day else 0
        keyed.append(((day, position), page))
    return keyed


def _shard(name: str, group: Sequence[Keyed]) -> Shard:
    return Shard(name=name, start=group[0][0], pages=tuple(page for _, page in group),
                 first=group[0][0][0], last=group[-1][0][0])


def _fresh(items: list[Keyed], threshold: int, recent: int, newest: int) -> list[list[Keyed]]:
    """A layout from nothing: sealed years packed, the newest year cut into runs of days."""
    split = bisect.bisect_left(items, ((date(newest, 1, 1), 0), ""))
    sealed = _pack(items[:split], threshold, [_year, _month, _day])
    return sealed + _pack(items[split:], recent, [_day])


def _year(item: Keyed) -> object:
    return item[0][0].year


def _month(item: Keyed) -> object:
    return item[0][0].year, item[0][0].month


def _day(item: Keyed) -> object:
    return item[0][0]


def _pack(items: Sequence[Keyed], limit: int, levels: list[Callable[[Keyed], object]]) -> list[list[Keyed]]:
    """Greedy, oldest first: whole groups of the first level while they fit in `limit`;
    a group larger than the limit is cut at the next level (a day, by count)."""
    parts: list[list[Keyed]] = []
    current: list[Keyed] = []
    for group in _groups(items, levels[0]):
        if len(current) + len(group) <= limit:
            current.extend(group)
            continue
        if current:
            parts.append(current)
            current = []
        if len(group) <= limit:
            current = list(group)
            continue
        inner = _pack(group, limit, levels[1:]) if len(levels) > 1 else \
            [list(group[i:i + limit]) for i in range(0, len(group), limit)]
        parts.extend(inner[:-1])
        current = inner[-1]
    if current:
        parts.append(current)
    return parts


def _groups(items: Sequence[Keyed], key: Callable[[Keyed], object]) -> list[list[Keyed]]:
    groups: list[list[Keyed]] = []
    last: object = None
    for item in items:
        value = key(item)
        if not groups or value != last:
            groups.append([])
            last = value
        groups[-1].append(item)
    return groups


def _name_all(groups: list[list[Keyed]]) -> list[str]:
    counts: dict[int, int] = {}
    names = []
    for group in groups:
        year = group[0][0][0].year
        counts[year] = counts.get(year, 0) + 1
        names.append(f"{year}-{counts[year]}")
    return names


def _previous_cuts(previous: Sequence[tuple[str, str]] | None,
                   newest: int) -> tuple[list[tuple[str, Cut]], int] | None:
    """The previous layout's cuts, checked, and the first year they no longer cover.

    When a new year has begun, the cuts of the year that was the newest are dropped: that
    year is laid out again as a sealed one, with the new year after it.
    """
    if not previous:
        return None
    cuts: list[tuple[str, Cut]] = []
    for entry in previous:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 2):
            return None
        name, text = entry
        cut = parse_cut(text)
        if cut is None or not isinstance(name, str) or not NAME.fullmatch(name):
            return None
        if cuts and cut <= cuts[-1][1]:
            return None
        cuts.append((name, cut))
    if len({name for name, _ in cuts}) != len(cuts):
        return None
    was_newest = cuts[-1][1][0].year
    if was_newest > newest:
        return None
    if was_newest == newest:
        return cuts, newest + 1
    cuts = [(name, cut) for name, cut in cuts if cut[0].year < was_newest]
    return (cuts, was_newest) if cuts else None


def _over(items: list[Keyed], kept: list[tuple[str, Cut]], fresh_from: int, threshold: int, recent: int,
          newest: int) -> tuple[list[list[Keyed]], list[str]]:
    """Lay `items` over the kept cuts; the years from `fresh_from` on are laid out afresh."""
    tail_start = bisect.bisect_left(items, ((date(fresh_from, 1, 1), 0), ""))
    head, tail = items[:tail_start], items[tail_start:]
    starts = [cut for _, cut in kept]
    buckets: list[list[Keyed]] = [[] for _ in kept]
    for item in head:
        # The shard whose start is the last one at or before the item; older items go to the first.
        buckets[max(bisect.bisect_right(starts, item[0]) - 1, 0)].append(item)
    groups: list[list[Keyed]] = []
    names: list[str] = []
    used = {name for name, _ in kept}
    for (name, _), bucket in zip(kept, buckets):
        if not bucket:
            continue
        limit = recent if bucket[0][0][0].year == newest else threshold
        parts = _pack(bucket, limit, [_day]) if len(bucket) > limit else [bucket]
        for n, part in enumerate(parts):
            groups.append(part)
            names.append(name if n == 0 else _new_name(part[0][0][0].year, used))
    if tail:
        for part in _fresh(tail, threshold, recent, newest):
            groups.append(part)
            names.append(_new_name(part[0][0][0].year, used))
    return groups, names


def _new_name(year: int, used: set[str]) -> str:
    n = 1
    while f"{year}-{n}" in used:
        n += 1
    used.add(f"{year}-{n}")
    return f"{year}-{n}"
