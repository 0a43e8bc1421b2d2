"""Internal links of rendered pages, checked against the files the build will write.

Used by `sitegen check` and by every build: every href/src/srcset in a rendered page that
points into the site must name an output file, and a `#fragment` must name an id of its
page. Links leaving the site and mail links are not checked.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import AbstractSet, Any, Callable, NamedTuple
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

IGNORED_SCHEMES = ("mailto", "tel", "data", "javascript", "sms")
# Fragments every browser honours without an id: the top of the page.
FREE_FRAGMENTS = frozenset({"", "top"})
# Start tags only: a regular expression over sitegen's own well-formed output is several
# times faster than html.parser, and a build reads every page it writes.
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
# The attributes of the start tags are read in turn, so that a quoted value is taken whole
# (`content="a src=x"` holds no src attribute): a name, then an optional value; anything
# else between them (blanks, quotes, "/", "=") is skipped. One match skips, possessively
# (no going back to read a value as names), every attribute not wanted and ends with a
# wanted one, so that Python sees only href, src, srcset, id and name (the last match is
# the empty name at the end). The names are matched in ASCII without case, which is what
# lower() in the set of names was: no other character lowers to their letters.
_NAME_CHAR = r"""[^\s"'<>/=]"""
_WANTED_NAME = rf"(?ai:href|srcset|src|id|name)(?!{_NAME_CHAR})"
_VALUE = r"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_ATTRIBUTE = re.compile(
    rf"""(?:[\s"'<>/=]++|(?!{_WANTED_NAME}){_NAME_CHAR}+{_VALUE})*+"""
    rf"""(?:({_WANTED_NAME})(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?|\Z)""")
# Text that is not markup although it may look like it.
_RAW = (("<script", "</script"), ("<style", "</style"), ("<!--", "-->"), ("<textarea", "</textarea"))
# Each of them found without case in ASCII, as in the page lowered: of the other
# characters only İ and the Kelvin sign lower to ASCII letters.
_RAW_SEARCH = {needle: re.compile(re.escape(needle), re.I | re.A).search for pair in _RAW for needle in pair + (">",)}

# Most start tags recur on page after page (the menu, the cards, the footer): each is read
# once per process. The tags are read one by one only while none opens a quoted value it
# does not close (`title="x>`), whose value runs on into the next tags when they are read
# as one text, joined by blanks, as they are then. Each tag keeps its attributes and what
# page_links takes from them (`_Reading`), so a recurring tag's srcset is split once.
_OF_TAG: dict[str, _Reading] = {}
_OF_TAG_MAX = 100_000  # distinct start tags remembered per process (some 20 MB at most)
_OPEN_QUOTE = re.compile(r"""=\s*(?:"[^"]*|'[^']*)\Z""")

# The output path and fragment of each root-relative link, per base URL (one per build).
_ROOTED: dict[SplitResult, dict[str, tuple[str | None, str]]] = {}
_ROOTED_MAX = 500_000  # distinct root-relative links remembered per process and base URL


@dataclass(frozen=True)
class PageLinks:
    """The internal links of one rendered page and the ids it holds."""

    links: tuple[tuple[str, str, str], ...]  # (link as written, output path it names, fragment)
    ids: frozenset[str]


def page_links(text: str, page_url: str, page_rel: str, base: SplitResult) -> PageLinks:
    """Read a rendered HTML page's internal links (in order, each once) and its ids.

    A link that stays on the page ("#kutipan") names the page itself (`page_rel`).
    """
    links: dict[str, tuple[str, str, str]] = {}
    ids: set[str] = set()
    rooted = _ROOTED.get(base)
    if rooted is None:
        rooted = _ROOTED[base] = {}
    for is_id, url in _entries(_markup_only(text)):
        if is_id:
            ids.add(url)
            continue
        if url in links:
            continue
        if url[0] == "#":
            links[url] = (url, page_rel, unquote(url[1:]))
            continue
        # Most links are root-relative ("/nasional/"): the same on every page.
        known = rooted.get(url) if url[0] == "/" else None
        if known is None:
            known = (target_of(url, page_url, base), unquote(urlsplit(url).fragment))
            if url[0] == "/" and not url.startswith("//") and len(rooted) < _ROOTED_MAX:
                rooted[url] = known
        if known[0] is not None:
            links[url] = (url, known[0], known[1])
    return PageLinks(tuple(links.values()), frozenset(ids))


def broken_in(record: PageLinks, targets: AbstractSet[str], prefixes: tuple[str, ...],
              ids_of: Callable[[str], frozenset[str] | None]) -> list[tuple[str, str, str | None]]:
    """The links of a page that name no output file, (link, path, None), or an id their
    page lacks, (link, path, fragment). `ids_of` gives a page's ids (None: not a page)."""
    broken: list[tuple[str, str, str | None]] = []
    for link, rel, fragment in record.links:
        if not exists(rel, targets, prefixes):
            broken.append((link, rel, None))
        elif fragment.lower() not in FREE_FRAGMENTS:
            ids = ids_of(rel)
            if ids is None and not rel.endswith(".html"):
                ids = ids_of(rel + "/index.html")
            if ids is not None and fragment not in ids:
                broken.append((link, rel, fragment))
    return broken


def _markup_only(text: str) -> str:
    """The page without the content of scripts, styles, comments and text areas."""
    for opening, closing in _RAW:
        if opening not in text:
            continue
        find = _find_in(text)
        kept, start = [], 0
        while (begin := find(opening, start)) >= 0:
            inside = find(">", begin) + 1 if opening != "<!--" else begin
            end = find(closing, max(inside, begin + len(opening)))
            kept.append(text[start:inside])
            start = len(text) if end < 0 else end
        kept.append(text[start:])
        text = "".join(kept)
    return text


def _find_in(text: str) -> Callable[[str, int], int]:
    """str.find in `text` lowered, without lowering it (a copy of the whole page). The
    positions are the page's own: they were the lowered copy's, which an İ (lowered to two
    characters) shifted, cutting the page in the wrong places or never ending."""
    def find(needle: str, start: int) -> int:
        found = _RAW_SEARCH[needle](text, start)
        return found.start() if found else -1
    return find


class _Reading(NamedTuple):
    """What one start tag (or several read as one) holds."""

    attributes: list[tuple[str, str]]  # (name, value) of its href, src, srcset, id and name attributes
    entries: list[tuple[bool, str]]  # (True, id) or (False, URL) in the same order, each URL of a srcset apart


def _attributes(text: str) -> list[tuple[str, str]]:
    """(name, value) of every href, src, srcset, id and name attribute of a start tag."""
    return _read_tags(text, 0)


def _entries(text: str) -> list[tuple[bool, str]]:
    """(True, value) of every id and name attribute, (False, URL) of every non-empty URL
    of an href, src or srcset (stripped; a srcset's candidates without their sizes), in order."""
    return _read_tags(text, 1)


def _read_tags(text: str, part: int) -> list[Any]:
    tags = _TAG.findall(text)
    found: list[Any] = []
    for tag in tags:
        known = _OF_TAG.get(tag)
        if known is None:
            if _OPEN_QUOTE.search(tag):  # a value may run on into the next tags: read them all as one
                return _reading(_read(" ".join(tags)))[part]
            known = _reading(_read(tag))
            if len(_OF_TAG) < _OF_TAG_MAX:
                _OF_TAG[tag] = known
        if known[part]:
            found += known[part]
    return found


def _read(tags: str) -> list[tuple[str, str]]:
    found = []
    for name, double, single, bare in _ATTRIBUTE.findall(tags):
        if name:
            value = double or single or bare
            found.append((name.lower(), html.unescape(value) if "&" in value else value))
    return found


def _reading(attributes: list[tuple[str, str]]) -> _Reading:
    entries: list[tuple[bool, str]] = []
    for name, value in attributes:
        if name in ("id", "name"):
            entries.append((True, value))
        elif name == "srcset":
            candidates = (part.strip().split(" ")[0] for part in value.split(",") if part.strip())
            entries += [(False, url) for url in candidates if url]
        elif value.strip():
            entries.append((False, value.strip()))
    return _Reading(attributes, entries)


def target_of(link: str, page_url: str, base: SplitResult) -> str | None:
    """The output path (relative to the output folder) an internal link names.

    `page_url` is the page's site path ("/kota/"), `base` the split base URL. Returns
    None for links that leave the site or stay on the page, and "" for a link into the
    site's host that lies outside its base path (always broken).
    """
    parts = urlsplit(link)
    if parts.scheme in IGNORED_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        if parts.netloc != base.netloc:
            return None  # another site
        path = parts.path or "/"
    else:
        if not parts.path:
            return None  # "#anchor" or "?query" on the same page
        if parts.path.startswith("/") and "/." not in parts.path:
            path = parts.path  # root-relative without dot segments: as written
        else:
            base_path = _base_path(base)
            path = urlsplit(urljoin(base_path.rstrip("/") + page_url, parts.path)).path
    path = unquote(path)
    base_path = _base_path(base)
    if not (path + "/").startswith(base_path):
        return ""
    rel = path[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


def exists(rel: str, targets: AbstractSet[str], prefixes: tuple[str, ...] = ()) -> bool:
    """Whether the output will have the file `rel` (a folder means its index.html)."""
    if rel in targets or (rel + "/index.html") in targets:
        return True
    return bool(rel) and any(rel.startswith(prefix) for prefix in prefixes)


def _base_path(base: SplitResult) -> str:
    path = base.path or "/"
    return path if path.endswith("/") else path + "/"
