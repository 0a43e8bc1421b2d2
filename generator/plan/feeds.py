"""Atom 1.0 feeds as text: no clock, no I/O, the caller picks the articles."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from generator.config.site import SiteConfig
from generator.content.model import Article
from generator.dates import iso

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"

# An empty feed still needs <updated>; a fixed instant keeps rebuilds byte-identical.
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)

# XML 1.0 forbids these even as character references, so they can only be dropped;
# lone surrogates would also make the UTF-8 encode of the whole document fail.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_atom(*, title: str, feed_path: str, page_path: str, articles: Sequence[Article],
                config: SiteConfig, section_titles: Mapping[str, str]) -> str:
    """Render an Atom 1.0 feed of `articles`, in the order given."""
    page_url = _absolute(config.base_url, page_path)
    feed_url = _absolute(config.base_url, feed_path)
    updated = max((article.modified for article in articles), default=EMPTY_FEED_UPDATED)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<feed xmlns={_attr(ATOM_NS)} xml:lang={_attr(config.language)}>",
        # The page URL, not the feed URL: it is what the feed is about and it does
        # not change if the feed file is ever renamed.
        f"  <id>{_text(page_url)}</id>",
        f'  <title type="text">{_text(title)}</title>',
        f"  <updated>{_date(updated)}</updated>",
        f'  <link rel="alternate" type="text/html" href={_attr(page_url)}/>',
        f"  <link rel=\"self\" type={_attr(ATOM_TYPE)} href={_attr(feed_url)}/>",
        "  <generator>sitegen</generator>",
    ]
    for article in articles:
        lines.extend(_entry(article, config, section_titles))
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _entry(article: Article, config: SiteConfig, section_titles: Mapping[str, str]) -> list[str]:
    url = _absolute(config.base_url, article.url)
    lines = [
        "  <entry>",
        # The absolute article URL is the id: it stays put across builds for as long
        # as the site's links do (same base_url and permalink pattern), and readers
        # show it when an entry has no alternate link.
        f"    <id>{_text(url)}</id>",
        f'    <title type="text">{_text(article.title)}</title>',
        f'    <link rel="alternate" type="text/html" href={_attr(url)}/>',
        f"    <published>{_date(article.date)}</published>",
        f"    <updated>{_date(article.modified)}</updated>",
    ]
    # Atom requires an author on every entry (or on the feed); the publication
    # itself is the honest author of an unsigned story.
    reporters = [name for name in article.reporters if name.strip()] or [config.title]
    lines.extend(f"    <author><name>{_text(name)}</name></author>" for name in reporters)
    lines.extend(f"    <contributor><name>{_text(name)}</name></contributor>"
                 for name in article.editors if name.strip())
    if article.section:
        label = section_titles.get(article.section, article.section)
        lines.append(f"    <category term={_attr(article.section)} label={_attr(label)}/>")
    lines.extend(f"    <category term={_attr(tag)} label={_attr(tag)}/>" for tag in article.tags if tag)
    if article.summary:
        lines.append(f'    <summary type="text">{_text(article.summary)}</summary>')
    lines.append("  </entry>")
    return lines


def _absolute(base_url: str, path: str) -> str:
    # Paths are site paths ("/a/b/"); base_url may carry a sub-path ("/arsip/").
    if "://" in path:
        return path
    return base_url.rstrip("/") + path


def _date(when: datetime) -> str:
    # RFC 3339 requires an offset; a naive datetime here is a bug upstream.
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"feed dates must be timezone-aware: {when!r}")
    return iso(when)


def _text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_ILLEGAL_XML.sub("", value))
