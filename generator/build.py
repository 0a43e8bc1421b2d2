"""`sitegen build`: the pipeline, one stage after another."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from generator.config import BuildOptions, SiteConfig, load_config
from generator.content import discover, load_content
from generator.errors import BuildError, raise_if_errors
from generator.markup import render_markdown
from generator.model import Content
from generator.output import Staging, check_output_folder
from generator.pages import Page, SiteData, build_site_data, plan_pages
from generator.related import compute_related
from generator.routing import find_collisions
from generator.templates import Theme, load_theme, make_environment, render_template

T = TypeVar("T")


@dataclass
class BuildReport:
    """What a build did, for the summary line."""

    articles: int = 0
    pages: int = 0
    files: int = 0
    drafts_skipped: int = 0
    timings: list[tuple[str, float]] = field(default_factory=list)

    def timed(self, stage: str, run: Callable[[], T]) -> T:
        """Run one stage and remember how long it took."""
        start = time.perf_counter()
        try:
            return run()
        finally:
            self.timings.append((stage, time.perf_counter() - start))


def build(options: BuildOptions, safe: bool = False) -> BuildReport:
    """Build the site into `options.out`; on any error the old output stays untouched."""
    report = BuildReport()
    config = report.timed("config", lambda: load_config(options))
    check_output_folder(options.out, options.source)
    sources = report.timed("discover", lambda: discover(options.source))
    content = report.timed("parse", lambda: load_content(sources, config, options.drafts))
    related = report.timed("related", lambda: compute_related(content.articles, config.related))
    site = build_site_data(content, config, related)
    pages = report.timed("plan", lambda: plan_pages(content, site, config, options.build_time))
    theme = load_theme(config)
    report.timed("route", lambda: check_routes(pages, content, sources.bundle_files))
    with Staging(options.out) as staging:
        report.timed("render", lambda: write_pages(pages, site, theme, config, staging, safe))
        report.timed("copy", lambda: copy_static(theme, content, sources.bundle_files, config, staging))
        staging.commit()
    report.articles = len(content.articles)
    report.pages = len(pages)
    report.files = staging.written
    report.drafts_skipped = content.skipped_drafts
    return report


def check_routes(pages: list[Page], content: Content, bundle_files: tuple[str, ...]) -> None:
    """Fail when two sources claim one output file."""
    routes = [(page.url, page.source) for page in pages]
    routes += [("/" + m.removeprefix("content/"), m) for m in content.media]
    raise_if_errors(find_collisions(routes))


def write_pages(pages: list[Page], site: SiteData, theme: Theme, config: SiteConfig, staging: Staging, safe: bool) -> None:
    """Render every page and stream it to the staging folder; errors from all pages together."""
    env = make_environment(theme, config, site)
    diags = []
    for page in pages:
        if page.text is not None:
            staging.write_page(page.url, page.text)
            continue
        assert page.template is not None
        context = dict(page.context, page_url=page.url, sections=site.sections)
        if page.markdown is not None:
            context["content"] = render_markdown(page.markdown, config.base_path, safe)
        try:
            staging.write_page(page.url, render_template(env, page.template, context))
        except BuildError as exc:
            diags.extend(d for d in exc.diagnostics if d not in diags)
    raise_if_errors(diags)


def copy_static(theme: Theme, content: Content, bundle_files: tuple[str, ...], config: SiteConfig,
                staging: Staging) -> None:
    """Copy theme assets, shared media and bundle files next to their pages."""
    # Fallback theme roots first, so a site's own files overwrite the packaged ones.
    for root in reversed(theme.static):
        for path in sorted(_files(root)):
            staging.copy_file(path, "static/" + path.relative_to(root).as_posix())
    for rel in content.media:
        staging.copy_file(config.source / rel, rel.removeprefix("content/"))
    bundles = {Path(a.source).parent.as_posix(): a for a in content.articles if a.source.endswith("/index.md")}
    for rel in bundle_files:
        article = bundles.get(Path(rel).parent.as_posix())
        if article is not None:
            target = article.url.lstrip("/") + Path(rel).name
            staging.copy_file(config.source / rel, target)


def _files(root: Path) -> Iterator[Path]:
    return (p for p in root.rglob("*") if p.is_file())
