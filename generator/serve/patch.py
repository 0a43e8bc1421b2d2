"""Quick patches for `sitegen serve`: the pages that show an edited story, rendered at once.

After a save, a full rebuild of a 10,000-article archive spends seconds on work that spans
the archive: related lists, then planning and fingerprinting every page. The preview does
not make the editor wait for that. When a save changes only what stories say (headline,
summary, body, dateline, captions), not where they appear (URL, date, section, tags,
people, pinned related stories, photo files), the pages that show them are rendered again
from the last build's plan, with the new version of each story in place of the old. The
preview serves those pages from memory until the full rebuild, which always follows, has
written the real files; related lists and feeds catch up then.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, Hashable, Iterator, Mapping, Sequence

from generator.config.site import SiteConfig
from generator.content.model import Article, Image
from generator.content.parse import parse_article, read_source
from generator.errors import BuildError
from generator.pipeline import Plan
from generator.plan.pages import Page, SiteData, plan_article
from generator.render.theme import Theme
from generator.urls import output_path

# Values a page's data is made of that never hold a story; skipped without a look inside.
_LEAVES = (str, int, float, bool, type(None), datetime, bytes)


@dataclass(frozen=True)
class LastBuild:
    """What the last successful build of this process planned: enough to patch its pages."""

    config: SiteConfig
    theme: Theme
    site: SiteData
    pages: tuple[Page, ...]
    sources: frozenset[str]  # every file the build read from content/, relative to the site folder
    safe: bool

    @classmethod
    def from_plan(cls, plan: Plan) -> LastBuild:
        """What a build's plan holds that patches need."""
        loaded = plan.loaded
        return cls(config=loaded.config, theme=loaded.theme, site=plan.site, pages=plan.pages,
                   sources=frozenset(loaded.sources.stamps), safe=loaded.options.safe)

    @cached_property
    def articles(self) -> dict[str, Article]:
        """The published stories by source path."""
        return {article.source: article for article in self.site.articles}

    @cached_property
    def showing(self) -> dict[str, tuple[int, ...]]:
        """Positions in `pages` of the rendered pages whose data holds each story, by source path.

        Worked out once per build (a few tenths of a second at 10,000 articles), by the
        serve builder right after the build, so that the first patch does not wait for it.
        """
        found: dict[str, list[int]] = {}
        for position, page in enumerate(self.pages):
            if page.template is None:
                continue  # feeds and sitemaps are text already; the full rebuild writes them
            for source in {article.source for article in stories_in(page.context)}:
                found.setdefault(source, []).append(position)
        return {source: tuple(positions) for source, positions in found.items()}


def stories_in(value: Any) -> Iterator[Article]:
    """Every Article inside a page's data: in containers and in the fields of records."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _LEAVES):
            continue
        if type(item) is Article:
            yield item
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(vars(item).values())


def placement(article: Article) -> tuple[Hashable, ...]:
    """What decides which pages show a story and which files it needs, apart from its text."""
    return (article.slug, article.url, article.date, article.section, article.reporters, article.editors,
            article.tags, article.draft, article.related, _photo_file(article.image),
            tuple(_photo_file(image) for image in article.body_images))


def _photo_file(image: Image | None) -> Image | None:
    # Alt text, caption and credit are words on the page; the rest names files to make.
    return None if image is None else dataclasses.replace(image, alt="", caption="", credit="", line=None)


def edited_stories(last: LastBuild, changed: Sequence[str]) -> dict[str, Article] | None:
    """The new version of each story a save changed, or None when the save needs a full build.

    `changed` are paths relative to the site folder. None for anything but stories that
    stay where they were: a new or deleted file, a page, a photo, a template, site.toml,
    a story that no longer parses (the full build reports it) or moved (other pages).
    """
    edited: dict[str, Article] = {}
    for rel in changed:
        if rel not in last.sources:
            hidden = any(part.startswith(".") for part in PurePosixPath(rel).parts)
            if hidden or not (last.config.source / rel).exists():
                continue  # an editor's temporary file: never part of the site
            return None
        old = last.articles.get(rel)
        if old is None:
            return None  # not a published story
        try:
            new = parse_article(rel, read_source(last.config.source, rel), last.config)
        except BuildError:
            return None
        if placement(new) != placement(old):
            return None
        if new != old:
            edited[rel] = new
    return edited


def patch_pages(last: LastBuild, edited: Mapping[str, Article],
                compiled: dict[str, bytes] | None = None) -> dict[str, bytes] | None:
    """Output path -> new bytes of every rendered page showing an edited story (None: a page failed).

    Related lists stay as the last build ranked them; the full rebuild ranks them again.
    """
    from generator.render.renderer import Renderer  # imports the Markdown renderer; serve only needs it here

    renderer = Renderer(last.theme, last.config, last.site, last.safe, compiled)
    positions = sorted({position for source in edited for position in last.showing.get(source, ())})
    result: dict[str, bytes] = {}
    for position in positions:
        page = last.pages[position]
        own = edited.get(page.source)
        if own is not None and page.url == own.url:
            page = plan_article(own, last.site, last.config)  # its body, as well as its data
        page = dataclasses.replace(page, context=swap_stories(page.context, edited))
        try:
            result[output_path(page.url)] = renderer.render(page).encode("utf-8")
        except BuildError:
            return None  # the full rebuild reports it
    return result


def swap_stories(value: Any, edited: Mapping[str, Article]) -> Any:
    """A copy of `value` with every edited story in place of its old version.

    Other stories are not copied: the pickle refers to them, and loading it hands back
    the very same objects.
    """
    buffer = io.BytesIO()
    kept: dict[int, Article] = {}
    _StoryPickler(buffer, kept).dump(value)
    buffer.seek(0)
    return _StoryUnpickler(buffer, kept, edited).load()


class _StoryPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, kept: dict[int, Article]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.kept = kept

    def persistent_id(self, obj: Any) -> int | None:
        if type(obj) is Article:
            self.kept[id(obj)] = obj
            return id(obj)
        return None


class _StoryUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, kept: dict[int, Article], edited: Mapping[str, Article]):
        super().__init__(file)
        self.kept, self.edited = kept, edited

    def persistent_load(self, pid: Any) -> Article:
        article = self.kept[pid]
        return self.edited.get(article.source, article)
