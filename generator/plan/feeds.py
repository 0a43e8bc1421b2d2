"""Atom 1.0 feeds as text: no clock, no I/O, the caller picks the articles."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping, Sequence

from generator.config.site import SiteConfig
from generator.content.model import Article
from generator.plan.xml import absolute, xml_attr, xml_date, xml_text

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"

# An empty feed still needs <updated>; a fixed instant keeps rebuilds byte-identical.
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)

# XML 1.0 forbids these even as character references, so they can only be dropped;
# lone surrogates would also make the UTF-8 encode of the whole document fail.


def render_atom(*, title: str, feed_path: str, page_path: str, articles: Sequence[Article],
                config: SiteConfig, section_titles: Mapping[str, str]) -> str:
    """Render an Atom 1.0 feed of `articles`, in the order given."""
    page_url = absolute(config.base_url, page_path)
    feed_url = absolute(config.base_url, feed_path)
    updated = max((article.modified for article in articles), default=EMPTY_FEED_UPDATED)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<feed xmlns={xml_attr(ATOM_NS)} xml:lang={xml_attr(config.language)}>",
        # The page URL, not the feed URL: it is what the feed is about and it does
        # not change if the feed file is ever renamed.
        f"  <id>{xml_text(page_url)}</id>",
        f'  <title type="text">{xml_text(title)}</title>',
        f"  <updated>{xml_date(updated, 'feed')}</updated>",
        f'  <link rel="alternate" type="text/html" href={xml_attr(page_url)}/>',
        f"  <link rel=\"self\" type={xml_attr(ATOM_TYPE)} href={xml_attr(feed_url)}/>",
        "  <generator>sitegen</generator>",
    ]
    for article in articles:
        lines.extend(_entry(article, config, section_titles))
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _entry(article: Article, config: SiteConfig, section_titles: Mapping[str, str]) -> list[str]:
    url = absolute(config.base_url, article.url)
    lines = [
        "  <entry>",
        # The absolute article URL is the id: it stays put across builds for as long
        # as the site's links do (same base_url and permalink pattern), and readers
        # show it when an entry has no alternate link.
        f"    <id>{xml_text(url)}</id>",
        f'    <title type="text">{xml_text(article.title)}</title>',
        f'    <link rel="alternate" type="text/html" href={xml_attr(url)}/>',
        f"    <published>{xml_date(article.date, 'feed')}</published>",
        f"    <updated>{xml_date(article.modified, 'feed')}</updated>",
    ]
    # Atom requires an author on every entry (or on the feed); the publication
    # itself is the honest author of an unsigned story.
    reporters = [name for name in article.reporters if name.strip()] or [config.title]
    lines.extend(f"    <author><name>{xml_text(name)}</name></author>" for name in reporters)
    lines.extend(f"    <contributor><name>{xml_text(name)}</name></contributor>"
                 for name in article.editors if name.strip())
    if article.section:
        label = section_titles.get(article.section, article.section)
        lines.append(f"    <category term={xml_attr(article.section)} label={xml_attr(label)}/>")
    lines.extend(f"    <category term={xml_attr(tag)} label={xml_attr(tag)}/>" for tag in article.tags if tag)
    if article.summary:
        lines.append(f'    <summary type="text">{xml_text(article.summary)}</summary>')
    lines.append("  </entry>")
    return lines
