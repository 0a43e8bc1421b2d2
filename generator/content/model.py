"""The site model: frozen records that every stage after parsing reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Image:
    """A photo with what a newsroom must print beside it."""

    src: str  # as written in front matter
    url: str  # site path, e.g. /media/banjir.jpg
    file: str  # path on disk relative to the source folder
    alt: str = ""
    caption: str = ""
    credit: str = ""
    width: int | None = None  # as displayed: after the EXIF orientation
    height: int | None = None
    digest: str = ""  # of the file's bytes: names its resized variants (generator/images/variants.py)
    alpha: bool = False  # has transparency: the variants' fallback is PNG, not JPEG
    line: int | None = None  # where the source file names it, for diagnostics


@dataclass(frozen=True)
class Person:
    """A reporter or editor, named once and linked by a stable slug."""

    name: str
    slug: str


@dataclass(frozen=True)
class Article:
    """One news story as written in content/articles/."""

    source: str  # path relative to the site folder, used in every diagnostic
    slug: str
    url: str  # site path, always starting and ending with "/"
    title: str
    date: datetime  # timezone-aware
    section: str
    body: str  # Markdown source; rendered on demand, never kept as HTML
    body_line: int  # line of the file where the body starts
    updated: datetime | None = None
    reporters: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    summary_derived: bool = False  # taken from the first paragraph, so not shown twice
    image: Image | None = None
    body_images: tuple[Image, ...] = ()  # images of the Markdown body, in order; src as parsed
    dateline: str = ""
    draft: bool = False
    related: tuple[str, ...] = ()  # slugs pinned by hand
    related_line: int | None = None
    extra: tuple[tuple[str, object], ...] = ()
    aliases: tuple[str, ...] = ()  # old URLs, as site paths (content/aliases.py)
    alias_lines: tuple[int | None, ...] = ()  # the line of each alias, for collision errors

    @property
    def modified(self) -> datetime:
        """The last change: `updated` when set, else `date`."""
        return self.updated or self.date


@dataclass(frozen=True)
class StandalonePage:
    """A page outside the article flow (about, masthead) from content/pages/."""

    source: str
    slug: str
    url: str
    title: str
    body: str
    body_line: int
    summary: str = ""
    aliases: tuple[str, ...] = ()
    alias_lines: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class Profile:
    """A person page's optional profile from content/people/<slug>.md: bio, photo, role, links."""

    source: str
    slug: str  # the file's name: the slug of the person page it belongs to
    name: str = ""  # optional; when given, the byline it must match
    role: str = ""
    photo: Image | None = None
    links: tuple[tuple[str, str], ...] = ()  # (label, address)
    body: str = ""  # the bio, Markdown
    body_line: int = 1
    name_line: int | None = None

    @property
    def image(self) -> Image | None:
        """The photo, under the name the photo stages read of articles."""
        return self.photo

    @property
    def body_images(self) -> tuple[Image, ...]:
        """Images of the bio get no variants; only the photo does."""
        return ()


@dataclass(frozen=True)
class Content:
    """Everything loaded from the content folder, in a stable order."""

    articles: tuple[Article, ...] = ()
    pages: tuple[StandalonePage, ...] = ()
    skipped_drafts: int = 0
    media: tuple[str, ...] = field(default=())  # files under content/media, relative
    profiles: tuple[Profile, ...] = ()  # from content/people/, each naming a person with a byline
    # Stories dated after the build time, oldest first: withheld from every page, feed and
    # index until a build runs after their date (or built anyway with --future).
    scheduled: tuple[Article, ...] = ()
