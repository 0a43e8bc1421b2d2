"""Read a WordPress export (WXR: RSS 2.0 with WordPress's own elements) into plain records.

The file is parsed with defusedxml: no external entity, no DTD retrieval, no entity
expansion bomb. Namespaces are matched by what they stand for, not by their exact URI,
as exports from different WordPress versions spell them differently (http/https, 1.1/1.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

# The excerpt namespace lies under WordPress's own (…/export/1.2/excerpt/): matched first.
_PREFIXES = (("/excerpt", "excerpt"), ("wordpress.org/export", "wp"),
             ("purl.org/rss/1.0/modules/content", "content"), ("purl.org/dc/elements", "dc"))


class ExportError(Exception):
    """The export cannot be read; the message names the file and, when known, the line."""


@dataclass(frozen=True)
class Term:
    """A category or tag of an item."""

    domain: str  # "category" or "post_tag" (others: custom taxonomies)
    nicename: str
    name: str


@dataclass(frozen=True)
class Item:
    """One <item>: a post, page, attachment or anything else WordPress exports."""

    post_id: int
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    name: str  # the post name (slug), percent-encoded as WordPress stores it
    date: str  # "2012-03-15 15:15:12" in the old site's timezone
    date_gmt: str  # the same in UTC, or "0000-00-00 00:00:00" for drafts
    modified_gmt: str
    creator: str  # author login
    content: str
    excerpt: str
    parent: int
    menu_order: int
    password: str
    attachment_url: str
    terms: tuple[Term, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    line: int = 0  # where the <item> starts in the file


@dataclass(frozen=True)
class Export:
    """The site and its items, in file order."""

    title: str
    link: str  # the blog's address, e.g. https://example.com/blog
    authors: dict[str, str]  # login -> display name
    items: tuple[Item, ...]


def _local(tag: str) -> str:
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    for marker, prefix in _PREFIXES:
        if marker in uri:
            return f"{prefix}:{name}"
    return name


def _text(element: Element | None, name: str) -> str:
    if element is None:
        return ""
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip() if name not in ("content:encoded", "excerpt:encoded") \
                else (child.text or "")
    return ""


def _int(value: str) -> int:
    return int(value) if value.strip().lstrip("-").isdigit() else 0


def read_export(path: Path) -> Export:
    """Parse the export file; ExportError when it is not a readable WordPress export."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        root = SafeET.fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ExportError(f"{path}: refused: the file declares entities ({exc}); a WordPress export "
                          "declares none") from None
    except SafeET.ParseError as exc:
        line, column = exc.position
        raise ExportError(f"{path}:{line}:{column}: not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc}"
                          ) from None
    channel = root.find("channel")
    if _local(root.tag) != "rss" or channel is None:
        raise ExportError(f"{path}: not a WordPress export (WXR): the root element is <{_local(root.tag)}>, "
                          "not <rss> with a <channel>")
    if not any(_local(child.tag).startswith("wp:") for child in channel):
        raise ExportError(f"{path}: an RSS feed, not a WordPress export (no wp: elements); "
                          "import it with 'sitegen import feed'")
    authors = {}
    for child in channel:
        if _local(child.tag) == "wp:author":
            login = _text(child, "wp:author_login")
            authors[login] = _text(child, "wp:author_display_name") or login
    lines = _item_lines(raw)
    items = tuple(_item(element, next(lines, 0)) for element in channel if _local(element.tag) == "item")
    return Export(title=_text(channel, "title"),
                  link=(_text(channel, "wp:base_blog_url") or _text(channel, "link")).rstrip("/"),
                  authors=authors, items=items)


def _item_lines(raw: bytes) -> Iterator[int]:
    """The line of every <item> start tag, in order (for messages)."""
    for match in re.finditer(rb"<item[\s>]", raw):
        yield raw.count(b"\n", 0, match.start()) + 1


def _item(element: Element, line: int) -> Item:
    terms = []
    meta: dict[str, str] = {}
    for child in element:
        tag = _local(child.tag)
        if tag == "category":
            terms.append(Term(domain=child.get("domain", ""), nicename=child.get("nicename", ""),
                              name=(child.text or "").strip()))
        elif tag == "wp:postmeta":
            meta[_text(child, "wp:meta_key")] = _text(child, "wp:meta_value")
    return Item(post_id=_int(_text(element, "wp:post_id")), post_type=_text(element, "wp:post_type"),
                status=_text(element, "wp:status"), title=_text(element, "title"), link=_text(element, "link"),
                guid=_text(element, "guid"), name=_text(element, "wp:post_name"),
                date=_text(element, "wp:post_date"), date_gmt=_text(element, "wp:post_date_gmt"),
                modified_gmt=_text(element, "wp:post_modified_gmt"), creator=_text(element, "dc:creator"),
                content=_text(element, "content:encoded"), excerpt=_text(element, "excerpt:encoded"),
                parent=_int(_text(element, "wp:post_parent")), menu_order=_int(_text(element, "wp:menu_order")),
                password=_text(element, "wp:post_password"), attachment_url=_text(element, "wp:attachment_url"),
                terms=tuple(terms), meta=meta, line=line)
