"""`sitegen import feed FILE-OR-URL`: the entries of an RSS 2.0 or Atom feed as stories.

feedparser reads every feed dialect (RSS 0.9x-2.0, Atom 0.3/1.0, RDF) and its dates; a feed
carries less than a WordPress export (no drafts, pages or photo captions), so each entry
becomes a published story with its link's path as an alias.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser

from generator.config.site import SiteConfig
from generator.content.slugs import is_url_safe, slugify
from generator.importer.convert import Story, plain, written
from generator.importer.html_to_markdown import to_markdown
from generator.importer.links import OldSite
from generator.importer.shortcodes import Findings, convert_shortcodes, strip_blocks
from generator.importer.write import check_free, write_stories
from generator.importer.wxr import Item
from generator.urls import article_url


class FeedError(Exception):
    """The feed cannot be read; nothing was written."""


def read_feed(source: str) -> Any:
    """Parse a feed from a file or an http(s) URL."""
    if re.match(r"^https?://", source, re.IGNORECASE):
        parsed = feedparser.parse(source)
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise FeedError(f"{source}: cannot read: {exc.strerror or exc}") from None
        parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise FeedError(f"{source}: no feed entries" + (f" ({reason})" if reason else "")
                        + "; is it an RSS or Atom feed?")
    return parsed


def _when(entry: Any, key: str, config: SiteConfig) -> datetime | None:
    value = dict.get(entry, f"{key}_parsed")  # not feedparser's deprecated published/updated fallback
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc).astimezone(config.tz)


def _section(entry: Any, config: SiteConfig, chosen: str | None) -> str:
    if chosen:
        return chosen
    keys = [s.key for s in config.sections]
    for tag in entry.get("tags", []):
        key = slugify(tag.get("term", ""))
        if key in keys:
            return key
    return keys[0] if keys else "berita"


def plan_entries(parsed: Any, config: SiteConfig, section: str | None, now: datetime) -> list[Story]:
    """A story per entry, with front matter and body."""
    home = parsed.feed.get("link", "") or next((e.get("link", "") for e in parsed.entries), "")
    base = urlsplit(home)
    old = OldSite(base=f"{base.scheme}://{base.netloc}" if base.netloc else "https://invalid.example")
    stories: list[Story] = []
    taken: set[str] = set()
    for index, entry in enumerate(parsed.entries, start=1):
        when = _when(entry, "published", config) or _when(entry, "updated", config) or now
        title = plain(entry.get("title", "")) or f"Tanpa judul ({index})"
        link = entry.get("link", "")
        last = unquote(urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]) if link else ""
        last = re.sub(r"\.(html?|php|aspx?)$", "", last)
        slug = last if is_url_safe(last) else slugify(last or title)
        if sum(c.isalpha() for c in slug) < 3:
            slug = slugify(title) if sum(c.isalpha() for c in slugify(title)) >= 3 else f"berita-{index}"
        key = _section(entry, config, section)
        rel = f"content/articles/{when:%Y}/{when:%m}/{slug}.md"
        if rel in taken:
            slug, rel = f"{slug}-{index}", rel.replace(f"/{slug}.md", f"/{slug}-{index}.md")
        taken.add(rel)
        front: dict[str, Any] = {"title": title, "date": written(when)}
        updated = _when(entry, "updated", config)
        if updated is not None and updated > when:
            front["updated"] = written(updated)
        front["section"] = key
        if entry.get("author"):
            front["reporter"] = plain(entry["author"])
        tags = list(dict.fromkeys(plain(t.get("term", "")) for t in entry.get("tags", []) if t.get("term")))
        if tags:
            front["tags"] = tags
        content = entry.get("content", [{}])[0].get("value", "") if entry.get("content") else ""
        if content and entry.get("summary"):
            front["summary"] = plain(entry["summary"])
        front["slug"] = slug
        url = article_url(config.permalink, key, when, slug)
        path = old.path_of(link) if link else None
        if path and path != "/" and path.rstrip("/") + "/" != url:
            front["aliases"] = [path if path.endswith(("/", ".html", ".htm")) else path + "/"]
            old.by_path[path.rstrip("/")] = url
        item = Item(post_id=index, post_type="post", status="publish", title=title, link=link, guid="",
                    name=slug, date="", date_gmt="", modified_gmt="", creator="",
                    content=content or entry.get("summary", ""), excerpt="", parent=0, menu_order=0,
                    password="", attachment_url="")
        stories.append(Story(item=item, kind="article", rel=rel, url=url, front=front))
    for story in stories:
        found = Findings()
        html = convert_shortcodes(strip_blocks(story.item.content, found), {}, lambda: [], found)
        if "<" not in html:
            html = "".join(f"<p>{part}</p>" for part in re.split(r"\n\s*\n", html) if part.strip())
        story.body = to_markdown(html, lambda href, pid=story.item.post_id: old.rewrite(href, pid),
                                 lambda src: src, found)
        story.unconverted = found.unconverted
    return stories


def import_feed(source: str, site: Path, config: SiteConfig, section: str | None, force: bool,
                now: datetime) -> str:
    """Import every entry; returns the summary."""
    parsed = read_feed(source)
    keys = [s.key for s in config.sections]
    if section and keys and section not in keys:
        raise FeedError(f"--section {section}: not a section of site.toml ({', '.join(keys)})")
    stories = plan_entries(parsed, config, section, now)
    check_free(site, stories, force)
    count = write_stories(site, stories)
    lines = [f"Imported {len(stories)} stories from {source} into {site}: {count} files written."]
    for story in stories:
        if story.unconverted:
            lines.append(f"    {story.rel}: not converted: {', '.join(sorted(set(story.unconverted)))}")
    return "\n".join(lines)
