"""XML sitemaps, the Google News sitemap and robots.txt, as text: no clock, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from generator.config.site import SiteConfig
from generator.content.model import Article
from generator.plan.xml import ILLEGAL_XML, absolute, xml_date, xml_text

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_NAME = "sitemap.xml"
NEWS_SITEMAP_NAME = "sitemap-news.xml"

# The protocol's ceilings per file; they also bind the index, whatever the caller
# asks of the parts.
PROTOCOL_MAX_URLS = 50_000
PROTOCOL_MAX_BYTES = 50 * 1024 * 1024
# Google News reads at most 1,000 URLs and only stories from the last two days.
NEWS_MAX_URLS = 1_000
NEWS_WINDOW = timedelta(hours=48)

_XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
_URLSET_OPEN = f"{_XML_DECL}<urlset xmlns={quoteattr(SITEMAP_NS)}>\n"
_URLSET_CLOSE = "</urlset>\n"
# RFC 3986 characters a path may keep as is; "%" stays so encoded paths are not re-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
# A site path that quoting and escaping leave as it is (no ":", so never an absolute URL).
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9/_.~-]*")


@dataclass(frozen=True)
class SitemapEntry:
    """One page to list: its site path and when it last changed, if known."""

    path: str
    lastmod: datetime | None = None


def render_sitemaps(entries: Sequence[SitemapEntry], base_url: str, *,
                    max_urls: int = PROTOCOL_MAX_URLS, max_bytes: int = PROTOCOL_MAX_BYTES) -> dict[str, str]:
    """Return file name -> XML: one sitemap.xml, or an index over sitemap-N.xml parts."""
    if max_urls < 1:
        raise ValueError(f"max_urls must be at least 1, not {max_urls}")
    fragments = _url_fragments(base_url, entries)
    parts = _split(fragments, entries, max_urls, max_bytes)
    if len(parts) <= 1:
        return {SITEMAP_NAME: _urlset(fragments)}
    if len(parts) > PROTOCOL_MAX_URLS:
        raise ValueError(f"{len(parts)} sitemap parts exceed the index limit of {PROTOCOL_MAX_URLS}")

    files: dict[str, str] = {}
    index = [_XML_DECL, f"<sitemapindex xmlns={quoteattr(SITEMAP_NS)}>\n"]
    for number, (start, stop) in enumerate(parts, 1):
        name = f"sitemap-{number}.xml"
        files[name] = _urlset(fragments[start:stop])
        index.append(f"  <sitemap>\n    <loc>{xml_text(absolute(base_url, '/' + name))}</loc>\n")
        newest = max((e.lastmod for e in entries[start:stop] if e.lastmod is not None), default=None)
        if newest is not None:
            index.append(f"    <lastmod>{xml_date(newest, 'sitemap')}</lastmod>\n")
        index.append("  </sitemap>\n")
    index.append("</sitemapindex>\n")
    return {SITEMAP_NAME: "".join(index), **files}


def render_news_sitemap(articles: Sequence[Article], config: SiteConfig, build_time: datetime, *,
                        publication_name: str) -> str:
    """Render a Google News sitemap of the articles published in the 48 hours up to build_time."""
    xml_date(build_time, "sitemap")  # refuse a naive clock before comparing it with aware dates
    oldest = build_time - NEWS_WINDOW
    recent = [a for a in articles if oldest <= a.date <= build_time]
    # Sorting by URL first makes ties in date independent of the order given.
    recent = sorted(sorted(recent, key=lambda a: a.url), key=lambda a: a.date, reverse=True)
    name = xml_text(publication_name)
    language = xml_text(news_language(config.language))
    parts = [_XML_DECL, f"<urlset xmlns={quoteattr(SITEMAP_NS)} xmlns:news={quoteattr(NEWS_NS)}>\n"]
    for article in recent[:NEWS_MAX_URLS]:
        parts.append(
            "  <url>\n"
            f"    <loc>{xml_text(absolute(config.base_url, _quote_path(article.url)))}</loc>\n"
            "    <news:news>\n"
            "      <news:publication>\n"
            f"        <news:name>{name}</news:name>\n"
            f"        <news:language>{language}</news:language>\n"
            "      </news:publication>\n"
            f"      <news:publication_date>{xml_date(article.date, 'sitemap')}</news:publication_date>\n"
            f"      <news:title>{xml_text(article.title)}</news:title>\n"
            "    </news:news>\n"
            "  </url>\n")
    parts.append(_URLSET_CLOSE)
    return "".join(parts)


def news_language(language: str) -> str:
    """Map a site language tag to the code Google News wants: "id-ID" -> "id", "zh-TW" -> "zh-tw"."""
    subtags = language.replace("_", "-").lower().split("-")
    if subtags[0] == "zh" and len(subtags) > 1:
        # Google's one exception to bare ISO 639: Chinese names its script by region.
        if {"hant", "tw", "hk", "mo"} & set(subtags[1:]):
            return "zh-tw"
        if {"hans", "cn", "sg"} & set(subtags[1:]):
            return "zh-cn"
    return subtags[0]


def render_robots(base_url: str) -> str:
    """Allow every crawler and name both sitemaps by absolute URL."""
    # Crawlers only read /robots.txt at the host root; under a sub-path (a GitHub
    # project page) this file is inert, and the sitemaps must be submitted by hand.
    return ("User-agent: *\n"
            "Allow: /\n"
            "\n"
            f"Sitemap: {absolute(base_url, '/' + SITEMAP_NAME)}\n"
            f"Sitemap: {absolute(base_url, '/' + NEWS_SITEMAP_NAME)}\n")


def _split(fragments: Sequence[str], entries: Sequence[SitemapEntry], max_urls: int,
           max_bytes: int) -> list[tuple[int, int]]:
    """Greedy [start, stop) ranges whose urlset stays within both limits, measured in UTF-8 bytes."""
    overhead = len((_URLSET_OPEN + _URLSET_CLOSE).encode("utf-8"))
    parts: list[tuple[int, int]] = []
    start, size = 0, overhead
    for i, fragment in enumerate(fragments):
        length = len(fragment.encode("utf-8"))
        if overhead + length > max_bytes:
            raise ValueError(f"sitemap entry {entries[i].path!r} alone exceeds max_bytes={max_bytes}")
        if i - start == max_urls or size + length > max_bytes:
            parts.append((start, i))
            start, size = i, overhead
        size += length
    if fragments:
        parts.append((start, len(fragments)))
    return parts


def _url_fragments(base_url: str, entries: Sequence[SitemapEntry]) -> list[str]:
    """Each entry's <url> element. A path of plain characters (every path of a site with
    ASCII slugs) needs no quoting nor escaping, and is joined to the base URL escaped once:
    quoting is most of the cost of a sitemap of 100,000 pages."""
    prefix = xml_text(base_url.rstrip("/"))
    fragments = []
    for entry in entries:
        if not _PLAIN_PATH.fullmatch(entry.path):
            fragments.append(_url_fragment(base_url, entry))
        elif entry.lastmod is None:
            fragments.append(f"  <url>\n    <loc>{prefix}{entry.path}</loc>\n  </url>\n")
        else:
            fragments.append(f"  <url>\n    <loc>{prefix}{entry.path}</loc>\n"
                             f"    <lastmod>{xml_date(entry.lastmod, 'sitemap')}</lastmod>\n  </url>\n")
    return fragments


def _url_fragment(base_url: str, entry: SitemapEntry) -> str:
    loc = xml_text(absolute(base_url, _quote_path(entry.path)))
    if entry.lastmod is None:
        return f"  <url>\n    <loc>{loc}</loc>\n  </url>\n"
    return f"  <url>\n    <loc>{loc}</loc>\n    <lastmod>{xml_date(entry.lastmod, 'sitemap')}</lastmod>\n  </url>\n"


def _urlset(fragments: Sequence[str]) -> str:
    return _URLSET_OPEN + "".join(fragments) + _URLSET_CLOSE


def _quote_path(path: str) -> str:
    # The protocol wants URLs already percent-encoded; slugs are ASCII but a
    # permalink pattern need not be.
    return quote(ILLEGAL_XML.sub("", path), safe=_PATH_SAFE)
