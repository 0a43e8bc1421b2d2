"""Discover source files and turn each into a validated Article or page."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping
from urllib.parse import unquote

from generator.config.site import SiteConfig
from generator.content.frontmatter import FrontMatter, decode_source, parse_front_matter
from generator.content.markdown import first_paragraph_text, image_refs
from generator.content.model import Article, Content, Image, StandalonePage
from generator.content.photos import ImageProblem, probe
from generator.content.slugs import MAX_SLUG_LENGTH, is_url_safe, slugify
from generator.errors import BuildError, Diagnostic, line_of, raise_if_errors, suggest
from generator.urls import article_url, page_url

ARTICLE_KEYS = ("title", "date", "updated", "section", "reporter", "editor", "tags", "summary",
                "image", "dateline", "slug", "draft", "related", "extra")
PAGE_KEYS = ("title", "summary", "slug", "extra")
IMAGE_KEYS = ("src", "alt", "caption", "credit")
MAX_SOURCE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Sources:
    """The files a build reads, as paths relative to the site folder, with their stamps."""

    articles: tuple[str, ...]
    pages: tuple[str, ...]
    media: tuple[str, ...]
    bundle_files: tuple[str, ...]  # images and other files beside a bundle's index.md
    stamps: Mapping[str, Stamp] = field(default_factory=dict)


# A file's size and mtime in ns, plus a digest of its content when the mtime is too
# recent to tell two edits apart (file systems stamp times in ticks of a few ms).
Stamp = tuple[int, ...]
RACY_MARGIN_NS = 2_000_000_000


def discover(site: Path, racy_after_ns: int | None = None) -> Sources:
    """List content files in a stable order, skipping hidden files.

    Files modified after `racy_after_ns` (less a margin), the moment the previous build
    looked at the files, are stamped with a digest of their content too.
    """
    stamps: dict[str, Stamp] = {}
    articles, bundle_files = [], []
    problems: list[Diagnostic] = []
    found = _walk(site, "content/articles", stamps, problems=problems)
    folders_with_index = {rel.rsplit("/", 1)[0] for rel in found if rel.endswith("/index.md")}
    for rel in found:
        if rel.endswith(".md"):
            articles.append(rel)
        elif rel.rsplit("/", 1)[0] in folders_with_index:
            bundle_files.append(rel)
    media = _walk(site, "content/media", stamps, problems=problems)
    pages = [rel for rel in _walk(site, "content/pages", stamps, recursive=False, problems=problems)
             if rel.endswith(".md")]
    raise_if_errors(problems)
    if racy_after_ns is not None:
        for rel, stamp in stamps.items():
            if stamp[1] >= racy_after_ns - RACY_MARGIN_NS:
                stamps[rel] = stamp + (_content_digest(site / rel),)
    return Sources(tuple(articles), tuple(pages), tuple(media), tuple(bundle_files), stamps)


def _symlink_problem(site: Path, link: Path) -> str | None:
    """Why a symlink in content/ must not be followed, or None when it may be."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return "broken symlink: the file it points to does not exist"
    except (OSError, RuntimeError):
        return "symlink loop"
    if not _inside(target, (site / "content").resolve()):
        return "symlink points outside content/"
    if target.is_dir() and _inside(link.parent.resolve(), target):
        return "symlink loop: it points to a folder that contains it"
    return None


def _content_digest(path: Path) -> int:
    try:
        return int.from_bytes(hashlib.blake2b(path.read_bytes(), digest_size=8).digest(), "big")
    except OSError:
        return -1


def _walk(site: Path, folder: str, stamps: dict[str, Stamp], recursive: bool = True,
          problems: list[Diagnostic] | None = None) -> list[str]:
    """Files below `folder` (relative paths, sorted), recording each one's size and mtime.

    A symlink is followed only when it stays inside content/: one pointing elsewhere
    (which would publish files from outside the site), a broken one, a loop and an
    unreadable folder are each reported in `problems`.
    """
    problems = problems if problems is not None else []
    found: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(site / current))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            problems.append(Diagnostic(current, f"cannot read folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{current}/{entry.name}"
            if entry.is_symlink():
                problem = _symlink_problem(site, Path(entry.path))
                if problem:
                    problems.append(Diagnostic(rel, problem))
                    continue
            if entry.is_dir():
                if recursive:
                    pending.append(rel)
            elif entry.is_file():
                stat = entry.stat()
                stamps[rel] = (stat.st_size, stat.st_mtime_ns)
                found.append(rel)
    return sorted(found)


# What the parse cache keeps per article: the file's stamp, the stamps of the files it
# reads besides itself (its lead image), and the parsed article.
ParsedEntry = tuple[Stamp, tuple[tuple[str, Stamp], ...], Article]


def load_content(sources: Sources, config: SiteConfig, drafts: bool,
                 cache: dict[str, ParsedEntry] | None = None, jobs: int = 1) -> Content:
    """Parse every article and page, reporting all problems of the site at once.

    `cache` (rel -> ParsedEntry) is read for files whose stamps are unchanged and updated
    with what was parsed anew; articles not in the cache are parsed in `jobs` processes.
    """
    cache = cache if cache is not None else {}
    diags: list[Diagnostic] = []
    fresh = [rel for rel in sources.articles if not _cache_valid(cache.get(rel), rel, sources, config.source)]
    for rel, entry, problems in parse_many(fresh, config, sources.stamps, jobs):
        diags.extend(problems)
        if entry is not None:
            cache[rel] = entry
        else:
            cache.pop(rel, None)
    for rel in set(cache) - set(sources.articles):
        del cache[rel]
    articles: list[Article] = []
    skipped = 0
    for rel in sources.articles:
        entry = cache.get(rel)
        if entry is None:
            continue
        article = entry[2]
        if article.draft and not drafts:
            skipped += 1
            continue
        articles.append(article)
    pages: list[StandalonePage] = []
    for rel in sources.pages:
        try:
            pages.append(parse_page(rel, read_source(config.source, rel)))
        except BuildError as exc:
            diags.extend(exc.diagnostics)
    raise_if_errors(diags)
    articles.sort(key=lambda a: (-a.date.timestamp(), a.source))
    return Content(articles=tuple(articles), pages=tuple(pages), skipped_drafts=skipped,
                   media=sources.media)


def withhold_scheduled(content: Content, build_time: datetime, future: bool = False) -> Content:
    """Keep stories dated after `build_time` out of the site, listing them in `scheduled`.

    With `future` they stay in (a preview build) and are still listed. A published story
    that pins a scheduled one as related simply does not show it until it goes live.
    """
    scheduled = tuple(sorted((a for a in content.articles if a.date > build_time),
                             key=lambda a: (a.date, a.source)))
    if future or not scheduled:
        return dataclasses.replace(content, scheduled=scheduled)
    published = [a for a in content.articles if a.date <= build_time]
    live = {a.slug for a in published}
    hidden = {a.slug for a in scheduled} - live
    published = [dataclasses.replace(a, related=tuple(s for s in a.related if s not in hidden))
                 if any(s in hidden for s in a.related) else a
                 for a in published]
    return dataclasses.replace(content, articles=tuple(published), scheduled=scheduled)


def _cache_valid(entry: ParsedEntry | None, rel: str, sources: Sources, site: Path) -> bool:
    if entry is None or entry[0] != sources.stamps.get(rel):
        return False
    for dep, stamp in entry[1]:
        current = sources.stamps.get(dep)
        if current is None:
            try:
                stat = (site / dep).stat()
            except OSError:
                return False
            current = (stat.st_size, stat.st_mtime_ns)
        if current != stamp:
            return False
    return True


def parse_one(rel: str, config: SiteConfig,
              stamps: Mapping[str, Stamp]) -> tuple[str, ParsedEntry | None, tuple[Diagnostic, ...]]:
    """Parse one article file into a cache entry, or its diagnostics."""
    try:
        article = parse_article(rel, read_source(config.source, rel), config)
    except BuildError as exc:
        return rel, None, exc.diagnostics
    deps: dict[str, Stamp] = {}
    for image in ([article.image] if article.image is not None else []) + list(article.body_images):
        if image.file and image.file not in deps:
            stamp = stamps.get(image.file)
            if stamp is None:
                image_stat = (config.source / image.file).stat()
                stamp = (image_stat.st_size, image_stat.st_mtime_ns)
            deps[image.file] = stamp
    return rel, (stamps[rel], tuple(deps.items()), article), ()


def parse_many(rels: list[str], config: SiteConfig, stamps: Mapping[str, Stamp],
               jobs: int) -> list[tuple[str, ParsedEntry | None, tuple[Diagnostic, ...]]]:
    """Parse articles, in worker processes when there are many."""
    from generator.parallel import map_chunks

    return map_chunks(_parse_chunk, rels, jobs, shared=(config, stamps))


def _parse_chunk(rels: list[str], shared: tuple[SiteConfig, Mapping[str, Stamp]]
                 ) -> list[tuple[str, ParsedEntry | None, tuple[Diagnostic, ...]]]:
    config, stamps = shared
    return [parse_one(rel, config, stamps) for rel in rels]


def read_source(site: Path, rel: str) -> str:
    """Read one source file as text, with a diagnostic for anything unreadable."""
    path = site / rel
    try:
        if path.is_symlink() and not _inside(path.resolve(), (site / "content").resolve()):
            raise BuildError([Diagnostic(rel, "symlink points outside content/")])
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise BuildError([Diagnostic(rel, f"file is {size / 1048576:.1f} MB; the limit is "
                                              f"{MAX_SOURCE_BYTES // 1048576} MB", line=1)])
        raw = path.read_bytes()
    except OSError as exc:
        raise BuildError([Diagnostic(rel, f"cannot read file: {exc.strerror}")]) from None
    return decode_source(raw, rel)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def parse_article(rel: str, text: str, config: SiteConfig) -> Article:
    """Validate one article's front matter against the content contract."""
    fm = parse_front_matter(text, rel)
    check = _Checker(rel, text, fm)
    check.unknown_keys(ARTICLE_KEYS)
    title = check.string("title", required=True)
    when = check.datetime("date", config, required=True)
    updated = check.datetime("updated", config)
    if when and updated and updated < when:
        check.error("updated", f"'updated' ({updated.isoformat()}) is before 'date' ({when.isoformat()})")
    section = check.string("section", required=True)
    keys = [s.key for s in config.sections]
    if section and config.sections and section not in keys:
        check.error("section", f"unknown section '{section}'",
                    hint=suggest(section, keys) or f"sections in site.toml: {', '.join(keys)}")
    elif section and not config.sections and not is_url_safe(section):
        # Without a [sections] table the key itself becomes the first segment of URLs.
        check.error("section", f"section '{section}' is not URL-safe",
                    hint=f"use lowercase letters, digits and hyphens, e.g. '{slugify(section)}'")
    reporters = check.names("reporter")
    editors = check.names("editor")
    tags = check.string_list("tags")
    related = check.string_list("related")
    summary = check.string("summary")
    dateline = check.string("dateline")
    draft = check.boolean("draft")
    extra = check.mapping("extra")
    slug = check.slug(_default_slug(rel))
    body_text = fm.body
    url = article_url(config.permalink, section or "x", when or datetime(1970, 1, 1), slug) if when else ""
    image = check.image(config.source, rel, url)
    body_images = check.body_images(config.source, rel, url, body_text, fm.body_line)
    check.done()
    return Article(
        source=rel, slug=slug, url=url, title=title, date=when, section=section, body=body_text,
        body_line=fm.body_line, updated=updated, reporters=reporters, editors=editors,
        tags=_dedupe(tags), summary=summary or first_paragraph_text(body_text),
        summary_derived=not summary, image=image, body_images=body_images,
        dateline=dateline, draft=draft, related=related, related_line=fm.lines.get("related"),
        extra=tuple(sorted(extra.items())))


def parse_page(rel: str, text: str) -> StandalonePage:
    """Validate a standalone page (about, masthead)."""
    fm = parse_front_matter(text, rel)
    check = _Checker(rel, text, fm)
    check.unknown_keys(PAGE_KEYS)
    title = check.string("title", required=True)
    summary = check.string("summary")
    slug = check.slug(PurePosixPath(rel).stem)
    check.mapping("extra")
    check.done()
    return StandalonePage(source=rel, slug=slug, url=page_url(slug), title=title, body=fm.body,
                          body_line=fm.body_line, summary=summary or first_paragraph_text(fm.body))


def _default_slug(rel: str) -> str:
    path = PurePosixPath(rel)
    return path.parent.name if path.name == "index.md" else path.stem


def _dedupe(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


_TYPE_NAMES = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
               dict: "a mapping", type(None): "empty"}


def _kind(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return "a date"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Checker:
    """Collects every problem in one file's front matter before raising."""

    def __init__(self, rel: str, text: str, fm: FrontMatter):
        self.rel, self.text, self.fm = rel, text, fm
        self.diags: list[Diagnostic] = []

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        line = self.fm.lines.get(key) or self.fm.lines.get(key.split(".")[0]) or 1
        self.diags.append(Diagnostic(self.rel, message, line=line, hint=hint,
                                     source_line=line_of(self.text, line)))

    def done(self) -> None:
        raise_if_errors(self.diags)

    def unknown_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.fm.data:
            if key not in allowed:
                hint = suggest(key, allowed)
                odd = next((c for c in key if c.isspace() and c != " "), None)
                if odd is not None:
                    hint = (f"the key contains U+{ord(odd):04X} {unicodedata.name(odd, '')}, an invisible "
                            "space: indent with plain spaces")
                self.error(key, f"unknown key '{key}'",
                           hint=hint or "put theme-specific data under 'extra:'")

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.fm.data or self.fm.data[key] is None:
            if required:
                self.diags.append(Diagnostic(self.rel, f"missing required key '{key}'", line=2,
                                             hint=f"add a line '{key}: ...' to the front matter"))
            return None
        return self.fm.data[key]

    def string(self, key: str, required: bool = False) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            # Quote what was written ("yes", ".inf"), not Python's reading of it (True, inf).
            written = (line_of(self.text, self.fm.lines.get(key)) or "").partition(":")[2].strip()
            scalar = isinstance(value, (int, float, bool)) and written and len(written) <= 80
            self.error(key, f"'{key}' must be text, not {_kind(value)}",
                       hint=f"put the value in quotes: {key}: \"{written}\"" if scalar else None)
            return ""
        if required and not value.strip():
            self.error(key, f"'{key}' is empty")
        return value.strip()

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not {_kind(value)}")
            return False
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self._get(key, False)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping, not {_kind(value)}")
            return {}
        return value

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(key, f"'{key}' must be a list, not {_kind(value)}", hint=f"write {key}: [a, b]")
            return ()
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{key}.{index}", f"'{key}' item {index + 1} must be non-empty text, "
                                             f"not {_kind(item)}")
            else:
                items.append(item.strip())
        return tuple(items)

    def names(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        return self.string_list(key)

    def datetime(self, key: str, config: SiteConfig, required: bool = False) -> datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        return parse_datetime_value(value, config, lambda msg, hint=None: self.error(key, msg, hint))

    def slug(self, default: str) -> str:
        value = self.string("slug") or default
        if ".." in value or "/" in value or "\\" in value:
            self.error("slug", f"slug '{value}' tries to leave the output folder",
                       hint=f"use a plain slug such as '{slugify(value)}'")
        elif not is_url_safe(value):
            where = "slug" if "slug" in self.fm.data else "file name"
            self.error("slug", f"{where} '{value}' is not URL-safe",
                       hint=f"use lowercase letters, digits and hyphens, e.g. '{slugify(value)}'")
        elif len(value) > MAX_SLUG_LENGTH:
            where = "slug" if "slug" in self.fm.data else "file name"
            self.error("slug", f"{where} is {len(value)} characters long; a slug may have at most "
                               f"{MAX_SLUG_LENGTH}", hint=f"shorten it, e.g. '{slugify(value)}'")
        return value

    def image(self, site: Path, rel: str, url: str) -> Image | None:
        value = self._get("image", False)
        if value is None:
            return None
        if isinstance(value, str):
            value = {"src": value}
        if not isinstance(value, dict):
            self.error("image", f"'image' must be a mapping with 'src', not {_kind(value)}")
            return None
        for key in value:
            if key not in IMAGE_KEYS:
                self.error(f"image.{key}", f"unknown key 'image.{key}'", hint=suggest(key, IMAGE_KEYS))
        fields = {}
        for key in IMAGE_KEYS:
            item = value.get(key)
            if item is not None and not isinstance(item, str):
                self.error(f"image.{key}", f"'image.{key}' must be text, not {_kind(item)}")
                item = None
            fields[key] = (item or "").strip()
        src = fields["src"]
        if not src:
            self.error("image", "'image' needs 'src', the image file")
            return None
        line = self.fm.lines.get("image.src") or self.fm.lines.get("image")
        return self._resolve_image(site, rel, url, fields, line)

    def body_images(self, site: Path, rel: str, url: str, body: str, body_line: int) -> tuple[Image, ...]:
        """The images of the Markdown body: each local one must be a readable image file.

        `![alt](src "caption | credit")`; problems are reported at the Markdown line.
        """
        images = []
        for ref in image_refs(body):
            line = body_line + ref.line
            if not ref.src or re.match(r"^([a-z][a-z0-9+.-]*:|//)", ref.src, re.IGNORECASE):
                continue  # a remote image (or data: URI) is shown as written

            def report(message: str, hint: str | None = None, line: int = line) -> None:
                self.diags.append(Diagnostic(self.rel, message, line=line, hint=hint,
                                             source_line=line_of(self.text, line)))

            fields = {"src": unquote(ref.src.split("#", 1)[0]), "alt": ref.alt.strip(), "caption": "", "credit": ""}
            image = self._resolve_image(site, rel, url, fields, line, report)
            if image is not None:
                images.append(dataclasses.replace(image, src=ref.src))
        return tuple(images)

    def _resolve_image(self, site: Path, rel: str, url: str, fields: dict[str, str], line: int | None = None,
                       report: Callable[..., None] | None = None) -> Image | None:
        report = report or (lambda message, hint=None: self.error("image.src", message, hint))
        src = fields["src"]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) and not re.match(r"^https?://", src, re.IGNORECASE):
            report(f"image source '{src}' is neither an http(s) URL nor a file",
                   hint="write https://... for an image hosted elsewhere, or a file name")
            return None
        if re.match(r"^https?://", src, re.IGNORECASE):
            return Image(src=src, url=src, file="", alt=fields["alt"], caption=fields["caption"],
                         credit=fields["credit"], line=line)
        if ".." in PurePosixPath(src).parts or "\\" in src:
            report(f"image path '{src}' must not contain '..'",
                   hint="shared images live in content/media/ and are written /media/name.jpg")
            return None
        if src.startswith("/"):
            file = "content" + src
            image_url = src
        else:
            file = (PurePosixPath(rel).parent / src).as_posix()
            image_url = url + src
        path = site / file
        try:
            found = path.is_file()
        except (OSError, ValueError) as exc:  # a name too long for the file system
            report(f"cannot read image {file}: {getattr(exc, 'strerror', None) or exc}")
            return None
        if not found:
            report(f"image file not found: {file}", hint=_nearby_hint(path))
            return None
        try:
            info = probe(path)
        except ImageProblem as exc:
            report(f"cannot read image {file}: {exc}",
                   hint="use a JPEG, PNG, WebP or GIF file; open and save a damaged photo again")
            return None
        return Image(src=src, url=image_url, file=file, alt=fields["alt"], caption=fields["caption"],
                     credit=fields["credit"], width=info.width, height=info.height, digest=info.digest,
                     alpha=info.alpha, line=line)


def _nearby_hint(path: Path) -> str | None:
    if path.parent.is_dir():
        return suggest(path.name, [p.name for p in path.parent.iterdir()])
    return None


def parse_datetime_value(value: Any, config: SiteConfig,
                         report: Callable[..., None]) -> datetime | None:
    """Read an ISO 8601 date or datetime; without an offset it is in the site timezone."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str):
        offset = _impossible_offset(value.strip())
        if offset:
            report(f"invalid date '{value}': the UTC offset {offset} does not exist; offsets run from "
                   "-23:59 to +23:59", "write the offset as +07:00, +05:45 or -03:30, or leave it out "
                   "for the site's timezone")
            return None
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            reason = str(exc) if "out of range" in str(exc) or "must be in" in str(exc) else "not ISO 8601"
            report(f"invalid date '{value}': {reason}", "write dates as 2023-11-09 or 2023-11-09 14:30")
            return None
    else:
        report(f"a date must be text like 2023-11-09 14:30, not {_kind(value)}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=config.tz)
    try:  # every stage may convert it to UTC or the site's timezone and add the news window
        for moment in (parsed.astimezone(timezone.utc), parsed.astimezone(config.tz)):
            moment + _DATE_MARGIN, moment - _DATE_MARGIN
    except OverflowError:
        report(f"invalid date '{value}': too close to the limits of the calendar (years 1 to 9999)",
               "write dates as 2023-11-09 or 2023-11-09 14:30")
        return None
    return parsed


_DATE_MARGIN = timedelta(days=3)
# "2023-11-09T14:30+07:00": the date, a "T" or space, the time, then an offset.
_TIME_PART = re.compile(r"^[^T ]+[T ](.*)$")


def _impossible_offset(text: str) -> str | None:
    """The UTC offset of an ISO 8601 date-time when its hours or minutes cannot exist
    (+25:00, +07:60); Python would read +07:60 as +08:00 without a word."""
    match = _TIME_PART.match(text)
    if not match:
        return None
    time_text = match.group(1)
    sign_at = max(time_text.rfind("+"), time_text.rfind("-"))
    if sign_at < 0:
        return None
    offset = time_text[sign_at:]
    digits = offset[1:].replace(":", "")
    if not digits.isdigit() or len(digits) not in (2, 4, 6):
        return None
    hours, minutes, seconds = int(digits[:2]), int(digits[2:4] or 0), int(digits[4:6] or 0)
    return offset if hours > 23 or minutes > 59 or seconds > 59 else None
