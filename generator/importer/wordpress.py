"""`sitegen import wordpress EXPORT.xml`: a WordPress export into a sitegen site."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from generator.config.site import SiteConfig
from generator.importer.convert import Sections, Story, add_aliases, convert_body, plain, plan_stories
from generator.importer.links import Media, OldSite
from generator.importer.shortcodes import Photo
from generator.importer.write import ExistingFiles, check_free, write_stories
from generator.importer.wxr import Export, Item, read_export
from generator.progress import Progress


@dataclass
class Result:
    """What an import did, for the summary."""

    stories: list[Story]
    sections: Sections
    skipped: list[str]
    media: Media
    old: OldSite
    written: int = 0
    photos_copied: int = 0
    lead_photos: int = 0
    notes: list[str] = field(default_factory=list)


def _photos(export: Export) -> tuple[dict[int, Photo], dict[int, list[Photo]]]:
    """Attachments by ID, and the attachments of each post (for a [gallery] without ids)."""
    photos: dict[int, Photo] = {}
    children: dict[int, list[tuple[int, int, Photo]]] = {}
    for item in export.items:
        if item.post_type != "attachment" or not item.attachment_url:
            continue
        if not re.search(r"\.(jpe?g|png|gif|webp)$", urlsplit(item.attachment_url).path, re.IGNORECASE):
            continue
        credit = re.search(r's:6:"credit";s:\d+:"([^"]*)"', item.meta.get("_wp_attachment_metadata", ""))
        photo = Photo(src=item.attachment_url, alt=plain(item.meta.get("_wp_attachment_image_alt", "")),
                      caption=html.escape(plain(item.excerpt)), credit=credit.group(1) if credit else "")
        photos[item.post_id] = photo
        children.setdefault(item.parent, []).append((item.menu_order, item.post_id, photo))
    return photos, {parent: [p for _, _, p in sorted(found, key=lambda t: t[:2])]
                    for parent, found in children.items()}


def _lead_photo(item: Item, photos: dict[int, Photo], media: Media) -> dict[str, str] | None:
    thumb = item.meta.get("_thumbnail_id", "")
    photo = photos.get(int(thumb)) if thumb.isdigit() else None
    if photo is None:
        return None
    image = {"src": media.local(photo.src, item.post_id)}
    if photo.alt:
        image["alt"] = photo.alt
    if photo.caption:
        image["caption"] = html.unescape(photo.caption)
    if photo.credit:
        image["credit"] = photo.credit
    return image


def import_wordpress(export_path: Path, site: Path, config: SiteConfig, media_folder: Path | None,
                     force: bool, now: datetime, progress: Progress) -> Result:
    """Read the export, convert every post and page, and write them (unless a file exists and
    not `force`: then ExistingFiles, and nothing is written)."""
    export = read_export(export_path)
    stories, sections, skipped = plan_stories(export, config, now)
    check_free(site, stories, force)
    old = OldSite(base=export.link)
    old_host = urlsplit(export.link).netloc.lower().removeprefix("www.")
    media = Media(folder=media_folder, old_hosts=frozenset({old_host}))
    section_keys = set(sections.titles) | {s.key for s in config.sections}
    add_aliases(stories, old, config, section_keys)
    for story in stories:
        if not story.published:
            continue  # a link to a draft would be a broken link of the new site
        for key, value in _old_keys(story, old):
            if key == "id":
                old.by_id[int(value)] = story.url
            else:
                old.by_path[value] = story.url
    photos, children = _photos(export)
    result = Result(stories=stories, sections=sections, skipped=skipped, media=media, old=old)
    progress.start("import", len(stories))
    for story in stories:
        convert_body(story, old, media, photos, children)
        if story.kind == "article":
            image = _lead_photo(story.item, photos, media)
            if image is not None:
                story.front["image"] = image
                result.lead_photos += 1
        progress.advance(1)
    progress.finish()
    conflicts = [] if force else media.conflicts(site)
    if conflicts:
        raise ExistingFiles(conflicts)
    result.photos_copied = media.copy_all(site)
    result.written = write_stories(site, stories)
    return result


def _old_keys(story: Story, old: OldSite) -> list[tuple[str, str]]:
    keys = [("id", str(story.item.post_id))]
    path = old.path_of(story.item.link) if story.item.link else None
    if path is not None and "?" not in story.item.link:
        keys.append(("path", path.rstrip("/") or "/"))
    return keys
