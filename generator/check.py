"""`sitegen check`: every stage of a build, every page rendered in memory, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence
from urllib.parse import urlsplit

from generator.config.options import BuildOptions
from generator.content.model import Article
from generator.content.placeholders import placeholder_diagnostics
from generator.errors import BuildError, Diagnostic, in_mode, raise_if_errors, sort_key
from generator.images.variants import Planned, plan_variants
from generator.linkcheck import left_out, link_diagnostics
from generator.output.files import Output, static_files
from generator.output.limits import SizeLimits, SizeSummary, limits_for, output_origins, size_errors, size_summary, total_warning
from generator.output.links import PageLinks, broken_in, page_links
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
    planned = front_half(options, jobs, defer=True)  # a story's errors do not hide the links' errors
    limits = limits or limits_for(planned.config)
    config, theme, content, pages = planned.config, planned.loaded.theme, planned.content, planned.pages
    files = static_files(theme, content, planned.loaded.sources, config)
    renderer = Renderer(theme, config, planned.site, options.safe)
    page_rels = [str(output_path(page.url)) for page in pages]
    variants = plan_variants(content.articles + content.profiles, config)
    targets = frozenset(page_rels) | {rel for _, rel in files} | {p.rel for p in variants}
    prefixes = (BUNDLE_DIR + "/",) if options.search else ()
    results = map_chunks(_check_chunk, list(range(len(pages))), jobs,
                         shared=(renderer, pages, page_rels, urlsplit(config.base_url)))
    # The errors of stories left out, and an image without alt text (an error with --strict).
    diags: list[Diagnostic] = [*planned.stories.problems, *planned.stories.warnings]
    # A published or scheduled story with the archetype's placeholder text (an error with --strict).
    diags += placeholder_diagnostics((*content.articles, *content.scheduled), options.strict)
    sizes: dict[str, int] = {}
    scheduled = {str(output_path(a.url)): a for a in content.scheduled if not options.future}
    records: dict[str, PageLinks] = {}
    for index, problems, record, size in results:
        diags.extend(d for d in problems if d not in diags)
        sizes[page_rels[index]] = size
        if record is not None:
            records[page_rels[index]] = record
            report.links += len(record.links)

    def ids_of(rel: str) -> frozenset[str] | None:
        record = records.get(rel)
        return None if record is None else record.ids

    broken = [(pages[index], *found) for index, rel in enumerate(page_rels) if rel in records
              for found in broken_in(records[rel], targets, prefixes, ids_of)]
    skip = left_out(planned.stories.problems)
    diags += in_mode(link_diagnostics(broken, config, targets, scheduled, options.safe, ids_of, skip),
                     options.broken_links or config.links.broken)
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


def _check_chunk(indexes: list[int], shared: tuple[Renderer, Sequence[Page], Sequence[str], Any]
                 ) -> list[tuple[int, tuple[Diagnostic, ...], PageLinks | None, int]]:
    """Render pages in memory; per page its problems, its links and ids (HTML pages) and size."""
    renderer, pages, page_rels, base = shared
    results: list[tuple[int, tuple[Diagnostic, ...], PageLinks | None, int]] = []
    for index in indexes:
        page = pages[index]
        try:
            text = renderer.render(page)
        except BuildError as exc:
            results.append((index, exc.diagnostics, None, 0))
            continue
        # HTML pages only: feeds and sitemaps hold absolute URLs only
        record = page_links(text, page.url, page_rels[index], base) if page.template is not None else None
        results.append((index, (), record, len(text.encode("utf-8"))))
    return results
