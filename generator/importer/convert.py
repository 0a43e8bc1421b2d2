"""WordPress items as sitegen stories and pages: front matter, body, file, old URLs."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from generator.config.site import RESERVED_SEGMENTS, SiteConfig
from generator.content.slugs import MAX_SLUG_LENGTH, is_url_safe, slugify
from generator.importer.html_to_markdown import to_markdown, wpautop
from generator.importer.links import Media, OldSite
from generator.importer.shortcodes import Findings, Photo, convert_shortcodes, strip_blocks
from generator.importer.wxr import Export, Item
from generator.urls import article_url, page_url

DRAFT_STATUSES = ("draft", "pending", "private", "auto-draft")


@dataclass
class Story:
    """One file to write: a story (content/articles/) or a standalone page (content/pages/)."""

    item: Item
    kind: str  # "article" or "page"
    rel: str  # path relative to the site folder
    url: str  # the new URL
    front: dict[str, Any]
    body: str = ""
    notes: list[str] = field(default_factory=list)  # what the summary says about it
    unconverted: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return not self.front.get("draft") and self.front.get("_scheduled") is None


@dataclass
class Sections:
    """Section keys made from categories, with the titles the summary prints for site.toml."""

    titles: dict[str, str] = field(default_factory=dict)


def plain(text: str) -> str:
    """A title or excerpt as plain text: tags removed, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", text or "")
    return " ".join(html.unescape(html.unescape(text)).split())


def moment(value: str, config: SiteConfig, utc: bool) -> datetime | None:
    """A WXR date ("2012-03-15 22:15:12") in the site's timezone; None for "0000-00-00 ..."."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (parsed.replace(tzinfo=timezone.utc) if utc else parsed.replace(tzinfo=config.tz)).astimezone(config.tz)


def written(when: datetime) -> str:
    """The date as front matter has it, in the site's timezone without an offset."""
    return when.strftime("%Y-%m-%d %H:%M:%S" if when.second else "%Y-%m-%d %H:%M")


def make_slug(item: Item) -> str:
    name = unquote(item.name or "")
    if is_url_safe(name) and len(name) <= MAX_SLUG_LENGTH:
        return name
    for candidate in (name, plain(item.title)):
        base = slugify(candidate) if candidate else ""
        if sum(c.isalpha() for c in base) >= 3:  # not "2" from a name in Greek letters
            return base
    return f"{item.post_type}-{item.post_id}"


def plan_stories(export: Export, config: SiteConfig, now: datetime) -> tuple[list[Story], Sections, list[str]]:
    """Front matter, file and URL of every post and page (bodies come later, when all URLs are
    known); and what was left out, with why."""
    stories: list[Story] = []
    sections = Sections()
    skipped: list[str] = []
    taken_files: set[str] = set()
    taken_urls: set[str] = set()
    for item in export.items:
        if item.post_type not in ("post", "page"):
            continue
        if item.status in ("trash", "inherit"):
            skipped.append(f"{item.post_type} {item.post_id} ({item.status}): not imported")
            continue
        story = _plan_page(item, config, skipped) if item.post_type == "page" else \
            _plan_post(item, export, config, now, sections)
        if story is None:
            continue
        base_rel, base_slug = story.rel, story.front["slug"]
        while story.rel.lower() in taken_files or story.url.lower() in taken_urls:
            story.front["slug"] = f"{base_slug}-{item.post_id}"
            story.rel = base_rel.replace(f"/{base_slug}.md", f"/{story.front['slug']}.md")
            story.url = story.url.replace(f"/{base_slug}/", f"/{story.front['slug']}/")
            story.notes.append(f"slug '{base_slug}' was taken: '{story.front['slug']}'")
            base_slug = story.front["slug"]  # the loop ends: the ID makes it unique
        taken_files.add(story.rel.lower())
        taken_urls.add(story.url.lower())
        stories.append(story)
    return stories, sections, skipped


def _common(item: Item, url: str) -> dict[str, Any]:
    title = plain(item.title)
    return {"title": title or f"Tanpa judul ({item.post_id})"}


def _plan_post(item: Item, export: Export, config: SiteConfig, now: datetime, sections: Sections) -> Story:
    when = moment(item.date_gmt, config, utc=True) or moment(item.date, config, utc=False) or now
    categories = [t for t in item.terms if t.domain == "category"]
    tags = [t.name for t in item.terms if t.domain == "post_tag"]
    primary = categories[0] if categories else None
    section = slugify(unquote(primary.nicename or primary.name)) if primary else "uncategorized"
    sections.titles.setdefault(section, plain(primary.name) if primary else "Uncategorized")
    slug = make_slug(item)
    front: dict[str, Any] = _common(item, "")
    notes: list[str] = []
    if not plain(item.title):
        notes.append(f"no title: called '{front['title']}'")
    front["date"] = written(when)
    modified = moment(item.modified_gmt, config, utc=True)
    if modified is not None and modified > when:
        front["updated"] = written(modified)
    front["section"] = section
    reporter = export.authors.get(item.creator, item.creator)
    if reporter:
        front["reporter"] = reporter
    extra_tags = [plain(t.name) for t in categories[1:]]
    all_tags = list(dict.fromkeys(t for t in [plain(t) for t in tags] + extra_tags if t))
    if all_tags:
        front["tags"] = all_tags
    summary = plain(item.excerpt)
    if summary:
        front["summary"] = summary
    front["slug"] = slug
    if item.status in DRAFT_STATUSES or item.password:
        front["draft"] = True
        if item.password:
            notes.append("password-protected: imported as a draft so that it is not published unprotected")
        elif item.status != "draft":
            notes.append(f"status '{item.status}': imported as a draft")
    elif item.status == "future":
        if when <= now:
            front["draft"] = True
            notes.append(f"was scheduled for {written(when)}, a moment already past: imported as a draft, "
                         "not published unasked")
        else:
            front["_scheduled"] = written(when)
    url = article_url(config.permalink, section, when, slug)
    rel = f"content/articles/{when:%Y}/{when:%m}/{slug}.md"
    return Story(item=item, kind="article", rel=rel, url=url, front=front, notes=notes)


def _plan_page(item: Item, config: SiteConfig, skipped: list[str]) -> Story | None:
    if item.status != "publish" or item.password:
        why = "password-protected" if item.password else f"status '{item.status}'"
        skipped.append(f"page {item.post_id} '{plain(item.title)}' ({why}): not imported, as standalone "
                       "pages have no draft key")
        return None
    slug = make_slug(item)
    reserved = set(RESERVED_SEGMENTS) | {config.paths.tags, config.paths.people, config.paths.archive,
                                         config.paths.search, "media"} | {s.key for s in config.sections}
    notes = []
    if slug in reserved:
        notes.append(f"slug '{slug}' is a path sitegen uses: '{slug}-{item.post_id}'")
        slug = f"{slug}-{item.post_id}"
    front = _common(item, "")
    summary = plain(item.excerpt)
    if summary:
        front["summary"] = summary
    front["slug"] = slug
    return Story(item=item, kind="page", rel=f"content/pages/{slug}.md", url=page_url(slug), front=front,
                 notes=notes)


def add_aliases(stories: list[Story], old: OldSite, config: SiteConfig, section_keys: set[str]) -> None:
    """Each story's old permalink path and its `?p=ID` link, unless that is a URL of the new site."""
    new_urls = {s.url.lower() for s in stories}
    reserved = set(RESERVED_SEGMENTS) | {config.paths.tags, config.paths.people, config.paths.archive,
                                         config.paths.search, "media"}
    for story in stories:
        aliases = []
        path = old.path_of(story.item.link) if story.item.link else None
        query = urlsplit(story.item.link).query if story.item.link else ""
        if path is not None and not query and path != "/":
            path = re.sub(r"/{2,}", "/", path)
            path = path if path.endswith(("/", ".html", ".htm")) else path + "/"
            first = path.strip("/").split("/", 1)[0]
            if path.lower() in new_urls and path.lower() != story.url.lower():
                story.notes.append(f"old URL {path} is now another page's URL: no alias")
            elif first in reserved or path.strip("/") in section_keys:
                story.notes.append(f"old URL {path} is a path sitegen uses: no alias")
            elif path.lower() != story.url.lower():
                aliases.append(path)
        aliases.append(f"/?{'page_id' if story.kind == 'page' else 'p'}={story.item.post_id}")
        story.front["aliases"] = aliases


def convert_body(story: Story, old: OldSite, media: Media, photos: dict[int, Photo],
                 children: dict[int, list[Photo]]) -> None:
    """The story's body as Markdown, its links and photos pointed at the new site."""
    found = Findings()
    content = story.item.content
    blocks = "<!-- wp:" in content
    content = strip_blocks(content, found)
    content = convert_shortcodes(content, photos, lambda: children.get(story.item.post_id, []), found)
    if not blocks:
        content = wpautop(content)
    pid = story.item.post_id

    def photo(src: str) -> str:
        absolute = urljoin(old.base + "/", src) if src.startswith("/") and not src.startswith("//") else src
        return media.local(absolute, pid)

    story.body = to_markdown(content, lambda href: old.rewrite(href, pid), photo, found)
    story.unconverted = found.unconverted
