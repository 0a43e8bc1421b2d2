"""Groups of pages remembered from the last build, so that planning an edit costs what it reaches.

A build plans the site group by group: one story's page, one tag's pages, one month's
pages, the sitemap. Each group is made by a function of a few values (its stories, its
address, the page size) and of the build's settings, and nothing else; the digest of those
values names the group. When the last build planned a group of the same name, the group's
pages are taken as that build left them: address, source, template, date and fingerprint,
without their data (`Page.known`). Their files are unchanged by construction, so they are
never rendered; only the groups an edit reaches are planned and fingerprinted again.

At 100,000 stories planning and fingerprinting every page took 12 s a build; a new story
reaches its own page, its section's, tags', people's and month's newest pages, and a few
site-wide ones.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from generator.plan.page import Page

# What is kept of a page: url, source, template, lastmod, in_sitemap, fingerprint, and the
# fingerprint of what the search index reads (article pages) or None.
Entry = tuple[str, str, "str | None", "datetime | None", bool, str, "str | None"]
Remembered = Mapping[str, tuple[Entry, ...]]


class Digests(Protocol):
    """What the planner needs of the build's Fingerprinter (generator/output/fingerprint.py)."""

    def digest(self, *values: Any) -> str: ...

    def record_digest(self, record: Any) -> bytes: ...


class GroupPlanner:
    """Plans pages group by group, taking each group the last build planned from the same values.

    Without `digests` (a clean build, `sitegen check`, `serve`) every group is planned.
    """

    def __init__(self, digests: Digests | None = None, settings: str = "", last: Remembered | None = None) -> None:
        self._digests = digests
        self._settings = settings
        self._last = last or {}
        self.groups: list[tuple[str, tuple[Page, ...]]] = []  # each group's name and pages, in plan order
        self.reused = 0  # pages taken from the last build
        self._member: dict[int, str] = {}  # id of each grouped page -> its group's name

    @property
    def remembering(self) -> bool:
        """Whether groups are named (and so kept for the next build)."""
        return self._digests is not None

    def plan(self, values: tuple[Any, ...], make: Callable[[], list[Page]]) -> list[Page]:
        """The pages `make()` plans from `values` (everything they depend on besides the settings)."""
        if self._digests is None:
            return make()
        return self.plan_named(self._digests.digest(self._settings, *values), make)

    def plan_story(self, article: Any, section: Any, related: Sequence[Any],
                   slugs: Iterable[str], make: Callable[[], list[Page]]) -> list[Page]:
        """A story's page: named from digests already made (the article's is kept in the parse
        cache) and the slugs of its people and tags, in the article's order, without pickling
        anything, since there is one such group per story."""
        if self._digests is None:
            return make()
        record = self._digests.record_digest
        named = "\x00".join(slugs).encode("utf-8", "surrogatepass")
        parts = [self._settings.encode(), b"\0story\0", record(article), record(section),
                 len(related).to_bytes(4, "big"), *map(record, related), named]
        return self.plan_named(hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest(), make)

    def plan_named(self, name: str, make: Callable[[], list[Page]]) -> list[Page]:
        """The pages of the group `name`: the last build's, or `make()`'s."""
        known = self._last.get(name)
        if known is not None:
            pages = [Page(url=url, source=source, template=template, lastmod=lastmod, in_sitemap=in_sitemap,
                          known=(fingerprint, indexed))
                     for url, source, template, lastmod, in_sitemap, fingerprint, indexed in known]
            self.reused += len(pages)
        else:
            pages = make()
        self.groups.append((name, tuple(pages)))  # kept as planned: callers may extend `pages`
        for page in pages:
            self._member[id(page)] = name
        return pages

    def outline(self, pages: Sequence[Page]) -> list[Any]:
        """What names `pages` for a group planned from them (the sitemap): each grouped page by
        its group's name, which fixes its address and date, and each other page by those.

        Digesting this instead of every address and date costs one name per page, not a
        pickled datetime (1.5 s at 100,000 stories)."""
        member = self._member
        return [member.get(id(p)) or (p.url, p.lastmod) for p in pages]

    def remember(self, fingerprints: Mapping[int, tuple[str, str | None]]) -> dict[str, tuple[Entry, ...]]:
        """What the next build may take: each group's pages, with `fingerprints` (by id of page)."""
        kept: dict[str, tuple[Entry, ...]] = {}
        for name, pages in self.groups:
            kept[name] = tuple((p.url, p.source, p.template, p.lastmod, p.in_sitemap, *fingerprints[id(p)])
                               for p in pages)
        return kept


def read_remembered(value: Any, files: Mapping[str, str], rel_of: Callable[[str], str]) -> dict[str, tuple[Entry, ...]]:
    """The groups of a stored plan (a cache file) whose every page the manifest vouches for.

    A page is vouched for when the manifest (`files`: output path -> fingerprint) holds
    its file with the same fingerprint, so that no page taken from the cache is ever
    rendered, and no address outside the output folder can enter the build from it.
    Anything malformed leaves its group out: that group is planned again.
    """
    groups: dict[str, tuple[Entry, ...]] = {}
    if not isinstance(value, dict):
        return groups
    for name, entries in value.items():
        if isinstance(name, str) and isinstance(entries, tuple) and all(_vouched(e, files, rel_of) for e in entries):
            groups[name] = entries
    return groups


def _vouched(entry: Any, files: Mapping[str, str], rel_of: Callable[[str], str]) -> bool:
    if type(entry) is not tuple or len(entry) != 7:
        return False
    url, source, template, lastmod, in_sitemap, fingerprint, indexed = entry
    if not (type(url) is str and type(source) is str and (template is None or type(template) is str)
            and (lastmod is None or (type(lastmod) is datetime and lastmod.utcoffset() is not None))
            and type(in_sitemap) is bool and (indexed is None or type(indexed) is str) and type(fingerprint) is str):
        return False
    try:
        return files.get(rel_of(url)) == fingerprint
    except (ValueError, TypeError):
        return False
