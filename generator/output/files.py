"""Every file of the output: pages to render and files to copy, each with a fingerprint of its inputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from generator.config.site import SiteConfig
from generator.content.discover import Sources, Stamp, stamp_of
from generator.content.model import Article, Content
from generator.images.variants import Planned, cache_folder, plan_variants
from generator.output.fingerprint import Fingerprinter
from generator.plan.pages import Page
from generator.render.theme import Theme
from generator.urls import output_path


@dataclass(frozen=True)
class Output:
    """One file of the site: a page to render or a file to copy, and its fingerprint."""

    rel: str
    fingerprint: str
    page: Page | None = None
    copy_from: Path | None = None
    variant: Planned | None = None  # a resized photo: copy_from (in the cache) is made when missing
    indexed: str | None = None  # an article page's fingerprint without its related list: what Pagefind reads


INDEXED_TEMPLATE = "article.html"  # the pages the search index reads


def page_fingerprints(page: Page, settings: str, fp: Fingerprinter) -> tuple[str, str | None]:
    """A page's fingerprint and, for an article page, the fingerprint of what Pagefind reads.

    Pagefind never reads the related list (it sits outside `<article data-pagefind-body>`),
    so a story whose list moved is not indexed again. The page's own fingerprint is then
    made from that one and the list, so its context is pickled once, not twice.
    """
    if page.known is not None:  # taken from the last build's plan (generator/plan/memo.py)
        return page.known
    if page.template != INDEXED_TEMPLATE:
        return fp.digest(settings, page.url, page.template, page.text, page.maker, page.markdown, page.context), None
    # The body is a field of the article, which the article's record digest already covers
    # (kept in the parse cache): hashing its text again cost half of this digest.
    article = page.context.get("article")
    own_body = isinstance(article, Article) and page.markdown is article.body
    indexed = fp.digest(settings, page.url, page.template, page.text, None if own_body else page.markdown,
                        {k: v for k, v in page.context.items() if k != "related"})
    return fp.digest(indexed, page.maker, page.context.get("related")), indexed


def fingerprint_outputs(pages: Sequence[Page], content: Content, sources: Sources, theme: Theme,
                        config: SiteConfig, settings: str, fp: Fingerprinter) -> list[Output]:
    """Every output file with a digest of everything it is made from."""
    outputs = []
    for page in pages:
        fingerprint, indexed = page_fingerprints(page, settings, fp)
        outputs.append(Output(rel=str(output_path(page.url)), fingerprint=fingerprint, page=page, indexed=indexed))
    # By output path and the file's size and digest, not its path on disk: the same wherever the site is.
    for src, rel in static_files(theme, content, sources, config):
        outputs.append(Output(rel=rel, copy_from=src, fingerprint=fp.digest(settings, rel, _stamp(src, sources, config))))
    # Resized photos: the name holds a digest of the photo and the settings, so it is the fingerprint.
    taken = {o.rel for o in outputs}
    outputs += [Output(rel=item.rel, fingerprint=item.name, copy_from=item.path, variant=item)
                for item in plan_variants(content.articles + content.profiles, config, cache_folder(config.source))
                if item.rel not in taken]
    return outputs


def _stamp(src: Path, sources: Sources, config: SiteConfig) -> Stamp:
    try:
        rel = src.relative_to(config.source).as_posix()
        if rel in sources.stamps:
            return sources.stamps[rel]
    except ValueError:
        pass
    return stamp_of(src)  # a theme file: read whole, as the theme's digest reads it anyway


def static_files(theme: Theme, content: Content, sources: Sources, config: SiteConfig) -> list[tuple[Path, str]]:
    """Theme assets, shared media and bundle files, each with its output path.

    Every output path has one owner: `sitegen` checks `file_claims` before anything is
    copied (generator/plan/claims.py), so no entry here replaces another.
    """
    chosen: dict[str, Path] = {}
    for rel, _, src in file_claims(theme, content, sources, config):
        chosen.setdefault(rel, src)
    return [(src, rel) for rel, src in sorted(chosen.items())]


def file_claims(theme: Theme, content: Content, sources: Sources,
                config: SiteConfig) -> list[tuple[str, str, Path]]:
    """Every file to copy as (output path, the source that claims it, the file).

    A site theme's static file replaces the packaged theme's file of the same name (that
    is what a site theme is for); nothing else replaces anything: two claims on one path
    are a clash for `check_routes` to report.
    """
    themed: dict[str, Path] = {}
    for root in reversed(theme.static):  # fallbacks first: the site's own files replace theirs
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            themed["static/" + path.relative_to(root).as_posix()] = path
    claims = [(rel, _shown(path, config), path) for rel, path in themed.items()]
    for rel in content.media:
        claims.append((rel.removeprefix("content/"), rel, config.source / rel))
    bundles = {a.source.rsplit("/", 1)[0]: a for a in content.articles if a.source.endswith("/index.md")}
    for rel in sources.bundle_files:
        article = bundles.get(rel.rsplit("/", 1)[0])
        if article is not None:
            claims.append((article.url.lstrip("/") + rel.rsplit("/", 1)[1], rel, config.source / rel))
    return claims


def _shown(path: Path, config: SiteConfig) -> str:
    """A theme file as diagnostics name it: relative to the site when it is the site's."""
    try:
        return path.relative_to(config.source).as_posix()
    except ValueError:
        return str(path)
