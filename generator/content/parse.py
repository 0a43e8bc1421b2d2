"""Discover source files and turn each into a validated Article or page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Mapping

from generator.config.site import SiteConfig
from generator.content.aliases import normalize_alias
from generator.content.discover import Sources, Stamp, is_inside, stamp_of
from generator.content.frontmatter import decode_source, parse_front_matter
from generator.content.markdown import first_paragraph_text
from generator.content.model import Article, Content, Profile, StandalonePage
from generator.content.profiles import check_profiles, parse_profile
from generator.content.slugs import is_url_safe, slugify
from generator.content.validate import FieldChecker
from generator.errors import BuildError, Diagnostic, raise_if_errors, suggest
from generator.urls import article_url, page_url

ARTICLE_KEYS = ("title", "date", "updated", "section", "reporter", "editor", "tags", "summary",
                "image", "dateline", "slug", "draft", "related", "extra", "aliases")
PAGE_KEYS = ("title", "summary", "slug", "extra", "aliases")
MAX_SOURCE_BYTES = 5 * 1024 * 1024


# What the parse cache keeps per article: the file's stamp, the stamps of the files it
# reads besides itself (its lead image), and the parsed article; the build adds the
# article's fingerprint digest as a fourth item (generator/build.py:remember_digests).
ParsedEntry = tuple[Stamp, tuple[tuple[str, Stamp], ...], Article] | tuple[
    Stamp, tuple[tuple[str, Stamp], ...], Article, bytes]


def load_content(sources: Sources, config: SiteConfig, drafts: bool,
                 cache: dict[str, ParsedEntry] | None = None, jobs: int = 1,
                 errors: list[Diagnostic] | None = None) -> Content:
    """Parse every article and page, reporting all problems of the site at once.

    `cache` (rel -> ParsedEntry) is read for files whose stamps are unchanged and updated
    with what was parsed anew; articles not in the cache are parsed in `jobs` processes.
    With `errors`, the errors go there and the content is what could be read.
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
    profiles = _read_profiles(sources, config, [name for rel in sources.articles if (entry := cache.get(rel))
                                                for name in entry[2].reporters + entry[2].editors], diags)
    if errors is not None:
        errors.extend(diags)
    else:
        raise_if_errors(diags)
    articles.sort(key=lambda a: (-a.date.timestamp(), a.source))
    return Content(articles=tuple(articles), pages=tuple(pages), skipped_drafts=skipped,
                   media=sources.media, profiles=profiles)


def _read_profiles(sources: Sources, config: SiteConfig, names: list[str],
                   diags: list[Diagnostic]) -> tuple[Profile, ...]:
    """The profiles of content/people/ that fit a person page; the others' problems go to `diags`."""
    profiles, texts = [], {}
    for rel in sources.people:
        try:
            texts[rel] = read_source(config.source, rel)
            profiles.append(parse_profile(rel, texts[rel], config))
        except BuildError as exc:
            diags.extend(exc.diagnostics)
    problems = check_profiles(profiles, names, texts)
    diags.extend(problems)
    wrong = {d.path for d in problems}
    return tuple(p for p in profiles if p.source not in wrong)


def _cache_valid(entry: ParsedEntry | None, rel: str, sources: Sources, site: Path) -> bool:
    if entry is None or entry[0] != sources.stamps.get(rel):
        return False
    for dep, stamp in entry[1]:
        current = sources.stamps.get(dep)
        if current is None:
            try:
                current = stamp_of(site / dep)
            except OSError:
                return False
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
            deps[image.file] = stamp if stamp is not None else stamp_of(config.source / image.file)
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
        if path.is_symlink() and not is_inside(path.resolve(), (site / "content").resolve()):
            raise BuildError([Diagnostic(rel, "symlink points outside content/")])
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise BuildError([Diagnostic(rel, f"file is {size / 1048576:.1f} MB; the limit is "
                                              f"{MAX_SOURCE_BYTES // 1048576} MB", line=1)])
        raw = path.read_bytes()
    except OSError as exc:
        raise BuildError([Diagnostic(rel, f"cannot read file: {exc.strerror}")]) from None
    return decode_source(raw, rel)


def parse_article(rel: str, text: str, config: SiteConfig) -> Article:
    """Validate one article's front matter against the content contract."""
    fm = parse_front_matter(text, rel)
    check = FieldChecker(rel, text, fm)
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
    aliases, alias_lines = check_aliases(check)
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
        extra=tuple(sorted(extra.items())), aliases=aliases, alias_lines=alias_lines)


def parse_page(rel: str, text: str) -> StandalonePage:
    """Validate a standalone page (about, masthead)."""
    fm = parse_front_matter(text, rel)
    check = FieldChecker(rel, text, fm)
    check.unknown_keys(PAGE_KEYS)
    title = check.string("title", required=True)
    summary = check.string("summary")
    slug = check.slug(PurePosixPath(rel).stem)
    check.mapping("extra")
    aliases, alias_lines = check_aliases(check)
    check.done()
    return StandalonePage(source=rel, slug=slug, url=page_url(slug), title=title, body=fm.body,
                          body_line=fm.body_line, summary=summary or first_paragraph_text(fm.body),
                          aliases=aliases, alias_lines=alias_lines)


def check_aliases(check: FieldChecker) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    """The `aliases:` list as site paths, with the line of each (one text is a list of one)."""
    value = check.fm.data.get("aliases")
    if isinstance(value, str):
        value = [value]
    elif value is not None and not isinstance(value, list):
        check.string_list("aliases")  # reports the type
        return (), ()
    aliases: list[str] = []
    lines: list[int | None] = []
    for index, item in enumerate(value or ()):
        key = f"aliases.{index}"
        if not isinstance(item, str) or not item.strip():
            check.error(key, f"'aliases' item {index + 1} must be a path such as /2019/05/old-story/")
            continue
        alias = normalize_alias(item, lambda message, hint, key=key: check.error(key, message, hint))
        if alias is not None:
            aliases.append(alias)
            lines.append(check.fm.lines.get(key) or check.fm.lines.get("aliases"))
    return tuple(aliases), tuple(lines)


def _default_slug(rel: str) -> str:
    path = PurePosixPath(rel)
    return path.parent.name if path.name == "index.md" else path.stem


def _dedupe(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
