"""`sitegen check`: every stage of a build, every page rendered in memory, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence
from urllib.parse import urlsplit

from generator.config.options import BuildOptions
from generator.config.site import SiteConfig
from generator.content.links import links_in
from generator.content.markdown import LinkRef, body_links
from generator.content.model import Article
from generator.content.placeholders import placeholder_diagnostics
from generator.errors import BuildError, Diagnostic, raise_if_errors, sort_key, suggest
from generator.images.variants import Planned, plan_variants
from generator.output.files import Output, static_files
from generator.output.limits import SizeLimits, SizeSummary, limits_for, output_origins, size_errors, size_summary, total_warning
from generator.output.links import exists, target_of
from generator.parallel import default_jobs, map_chunks
from generator.pipeline import front_half
from generator.plan.pages import Page
from generator.render.renderer import Renderer
from generator.search.pagefind import BUNDLE_DIR
from generator.urls import output_path


@dataclass
class CheckReport:
    """What `sitegen check` looked at; errors are raised as BuildError like a build's."""

    articles: int = 0
    pages: int = 0
    files: int = 0  # output files the build would write (without the search index)
    links: int = 0  # internal links checked
    output_bytes: int = 0
    size: SizeSummary | None = None  # files and bytes by kind against the host's limit (without the search index)
    drafts_skipped: int = 0
    scheduled: tuple[Article, ...] = ()
    future: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)


def check(options: BuildOptions, limits: SizeLimits | None = None) -> CheckReport:
    """Run every stage of a build and render every page in memory, writing nothing.

    Raises BuildError with the same diagnostics a build would print, plus one for each
    internal link that names no output file and each file too big for the host.
    """
    report = CheckReport(future=options.future)
    jobs = options.jobs or default_jobs()
    planned = front_half(options, jobs)
    limits = limits or limits_for(planned.config)
    config, theme, content, pages = planned.config, planned.loaded.theme, planned.content, planned.pages
    files = static_files(theme, content, planned.loaded.sources, config)
    renderer = Renderer(theme, config, planned.site, options.safe)
    page_rels = [str(output_path(page.url)) for page in pages]
    variants = plan_variants(content.articles, config)
    targets = frozenset(page_rels) | {rel for _, rel in files} | {p.rel for p in variants}
    prefixes = (BUNDLE_DIR + "/",) if options.search else ()
    results = map_chunks(_check_chunk, list(range(len(pages))), jobs,
                         shared=(renderer, pages, targets, prefixes, urlsplit(config.base_url)))
    diags: list[Diagnostic] = list(planned.stories.warnings)  # an image without alt text (an error with --strict)
    # A published or scheduled story with the archetype's placeholder text (an error with --strict).
    diags += placeholder_diagnostics((*content.articles, *content.scheduled), options.strict)
    sizes: dict[str, int] = {}
    scheduled = {str(output_path(a.url)): a for a in content.scheduled if not options.future}
    from_templates: dict[tuple[str, str], list[str]] = {}
    for index, problems, broken, size, links in results:
        page = pages[index]
        diags.extend(d for d in problems if d not in diags)
        sizes[page_rels[index]] = size
        report.links += links
        for link, rel in broken:
            diag = _broken_link(page, link, rel, config, targets, scheduled.get(rel), options.safe)
            if diag is not None:
                diags.append(diag)
            else:
                from_templates.setdefault((page.template or page.source, link), []).append(page.url)
    for (template, link), urls in from_templates.items():
        others = f" (and {len(urls) - 1} other page{'s' if len(urls) > 2 else ''})" if len(urls) > 1 else ""
        diags.append(Diagnostic(f"theme:{template}", f"link to {link} on {urls[0]}{others} names no page or file "
                                "of the site", hint="check the link in the template"))
    for src, rel in files:
        sizes[rel] = src.stat().st_size
    for variant in variants:  # made by the build: the cached file's size, else an estimate from its pixels
        sizes.setdefault(variant.rel, _variant_size(variant))
    diags += size_errors(sizes, limits, output_origins(
        [Output(rel=r, fingerprint="", page=p) for r, p in zip(page_rels, pages)]
        + [Output(rel=rel, fingerprint="", copy_from=src) for src, rel in files], config))
    report.output_bytes, warnings = total_warning(sizes, limits, options.out)
    report.size = size_summary(sizes, limits)
    diags += warnings
    raise_if_errors(diags)
    report.warnings = sorted(diags, key=sort_key)
    report.articles = len(content.articles)
    report.pages = len(pages)
    report.files = len(pages) + len(files)
    report.drafts_skipped = content.skipped_drafts
    report.scheduled = content.scheduled
    return report


def _variant_size(variant: Planned) -> int:
    """A resized photo's size: the cached file's if a build made it, else about 0.12 bytes a pixel
    (what the default JPEG and WebP qualities give for news photos)."""
    try:
        return variant.path.stat().st_size
    except OSError:
        return int(variant.width * variant.height * 0.12)


def _check_chunk(indexes: list[int], shared: tuple[Renderer, Sequence[Page], frozenset[str], tuple[str, ...], Any]
                 ) -> list[tuple[int, tuple[Diagnostic, ...], list[tuple[str, str]], int, int]]:
    """Render pages in memory; per page its problems, broken internal links, size and link count."""
    renderer, pages, targets, prefixes, base = shared
    results = []
    for index in indexes:
        page = pages[index]
        try:
            text = renderer.render(page)
        except BuildError as exc:
            results.append((index, exc.diagnostics, [], 0, 0))
            continue
        broken: list[tuple[str, str]] = []
        links = 0
        if page.template is not None:  # HTML pages; feeds and sitemaps hold absolute URLs only
            for link in links_in(text):
                rel = target_of(link, page.url, base)
                if rel is None:
                    continue
                links += 1
                if not exists(rel, targets, prefixes):
                    broken.append((link, rel))
        results.append((index, (), broken, len(text.encode("utf-8")), links))
    return results


@lru_cache(maxsize=16)  # a page with several broken links is parsed once
def _body_links(text: str, base_path: str, safe: bool) -> tuple[LinkRef, ...]:
    return tuple(body_links(text, base_path, safe))


def _broken_link(page: Page, link: str, rel: str, config: SiteConfig, targets: frozenset[str],
                 scheduled: Article | None, safe: bool = False) -> Diagnostic | None:
    """A diagnostic at the line of the Markdown body that holds the link, or None when the
    link is not in the page's own text (then it comes from a template).

    The body's links are found by the Markdown parser (`body_links`), so every form of
    link is found at its own line, and nothing in the front matter is mistaken for it.
    """
    if page.markdown is None:
        return None
    owner = page.context.get("article") or page.context.get("page")
    body_line = getattr(owner, "body_line", 1)
    base = urlsplit(config.base_url)
    refs = _body_links(page.markdown, config.base_path, safe)
    ref = next((r for r in refs if r.url == link), None) \
        or next((r for r in refs if target_of(r.url, page.url, base) == rel), None)
    if ref is None:
        return None
    line = body_line + ref.line
    source_line = page.markdown.split("\n")[ref.line]
    if scheduled is not None:
        return Diagnostic(page.source, f"link to {link}: a scheduled story ({scheduled.source}) that goes live "
                                       f"{scheduled.date.isoformat(sep=' ', timespec='minutes')}",
                          line=line, source_line=source_line, severity="warning",
                          hint="the link is broken on the site until then (build with --future to preview)")
    wanted = rel[:-len("index.html")] if rel.endswith("/index.html") else rel
    close = suggest(wanted, [t[:-len("index.html")] if t.endswith("/index.html") else t for t in targets])
    return Diagnostic(page.source, f"link to {link} names no page or file of the site", line=line,
                      source_line=source_line, hint=close or "links to articles follow the permalink "
                                                             f"pattern {config.permalink}")
