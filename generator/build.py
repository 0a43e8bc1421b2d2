"""`sitegen build`: the pipeline, one stage after another.

    load config -> discover -> parse -> related -> plan pages -> route -> fingerprint
    -> render changed pages (in workers) -> copy changed files -> search index -> switch output

A build writes only what changed since the last build into the same output folder
(`.sitegen/` remembers what each file was built from); the first build, `--clean`, or
any doubt about the cache writes a whole new folder instead. Either way the output is
switched only when everything succeeded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TypeVar

from generator import __version__
from generator.cache import BuildCache, Manifest
from generator.config import BuildOptions, SiteConfig, load_config
from generator.content import Sources, discover, load_content
from generator.errors import BuildError, Diagnostic, raise_if_errors
from generator.fingerprint import Fingerprinter, digest_files
from generator.markup import render_markdown
from generator.model import Content
from generator.output import Staging, Update, check_output_folder, recover
from generator.pages import Page, SiteData, build_site_data, next_change, plan_pages
from generator.parallel import default_jobs, map_chunks
from generator.progress import Progress
from generator.related import compute_related
from generator.routing import find_collisions, output_path
from generator.templates import Theme, load_theme, make_environment, render_template

T = TypeVar("T")
SEARCH_DIR = "pagefind"


@dataclass
class BuildReport:
    """What a build did, for the summary line."""

    articles: int = 0
    pages: int = 0
    written: int = 0  # files rendered or copied anew
    unchanged: int = 0  # files left as they were
    removed: int = 0
    clean: bool = False  # a whole new output folder was written
    drafts_skipped: int = 0
    search: Any = None  # generator.search.SearchReport when the index was built
    timings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def files(self) -> int:
        """Files in the output that this build is responsible for."""
        return self.written + self.unchanged

    def timed(self, stage: str, run: Callable[[], T]) -> T:
        """Run one stage and remember how long it took."""
        start = time.perf_counter()
        try:
            return run()
        finally:
            self.timings.append((stage, time.perf_counter() - start))


@dataclass(frozen=True)
class Output:
    """One file of the site: a page to render or a file to copy, and its fingerprint."""

    rel: str
    fingerprint: str
    page: Page | None = None
    copy_from: Path | None = None


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the site into `options.out`; on any error the old output stays untouched."""
    report = BuildReport()
    progress = progress or Progress()
    jobs = options.jobs or default_jobs()
    config = report.timed("config", lambda: load_config(options))
    check_output_folder(options.out, options.source)
    cache = BuildCache(options.source, options.out)
    recover(cache.journal_path)  # a build that died while switching files is undone first
    manifest = None if options.clean else cache.load_manifest()
    parse_key = Fingerprinter().digest(__version__, config)
    parsed = None if options.clean else cache.load_pickle(cache.parse_path, parse_key)
    previous_scans = [n for n in (manifest and manifest.scanned_ns, parsed and parsed["scanned_ns"]) if n]
    scanned_ns = cache.mark_scan()
    sources = report.timed("discover", lambda: discover(options.source, min(previous_scans, default=None)))
    theme = load_theme(config)
    fp = Fingerprinter()
    settings = fp.digest(__version__, config, theme_digest(theme), options.safe, options.drafts, options.search)
    inputs = fp.digest(settings, sources.stamps)
    if manifest is not None and not options.out.is_dir():
        manifest = None
    if manifest is not None and manifest.inputs == inputs and _still_valid(manifest, options.build_time):
        report.unchanged = len(manifest.files)
        return report

    entries = dict(parsed["entries"]) if parsed else {}
    before = dict(entries)
    content = report.timed("parse", lambda: load_content(sources, config, options.drafts, cache=entries, jobs=jobs))
    if scanned_ns is not None and (entries.keys() != before.keys()
                                   or any(entries[k] is not before[k] for k in entries)):
        cache.save_pickle(cache.parse_path, parse_key, {"scanned_ns": scanned_ns, "entries": entries})
    related = report.timed("related", lambda: related_lists(content, config, cache, fp))
    site = build_site_data(content, config, related)
    pages = report.timed("plan", lambda: plan_pages(content, site, config, options.build_time))
    report.timed("route", lambda: check_routes(pages, content))
    outputs = report.timed("fingerprint", lambda: fingerprint_outputs(pages, content, sources, theme, config, settings, fp))
    search_fp = fp.digest(settings, sorted((o.rel, o.fingerprint) for o in outputs if o.rel.endswith(".html"))) \
        if options.search else None
    renderer = Renderer(theme, config, site, options.safe)

    if manifest is None:
        report.clean = True
        cache.forget_manifest()  # the old manifest no longer describes what will be there
        with Staging(options.out) as staging:
            write_outputs(outputs, renderer, staging, jobs, report, progress)
            if options.search:
                report.search = report.timed("search", lambda: index(staging.root, config, content))
            report.timed("switch", staging.commit)
        cache.save_manifest(_manifest(inputs, outputs, search_fp, content, options, scanned_ns))
    else:
        changed = [o for o in outputs if manifest.files.get(o.rel) != o.fingerprint]
        current = {o.rel for o in outputs}
        removed = [rel for rel in manifest.files if rel not in current]
        reindex = options.search and (manifest.search != search_fp or not (options.out / SEARCH_DIR).is_dir())
        stale_index = [SEARCH_DIR] if (reindex or not options.search) and (options.out / SEARCH_DIR).exists() else []
        with Update(options.out, cache.journal_path) as update:
            write_outputs(changed, renderer, update, jobs, report, progress)
            report.timed("switch", lambda: update.apply(removed + stale_index))
            if reindex:
                report.search = report.timed("search", lambda: index(options.out, config, content))
            # Saved before the journal goes: a crash in between undoes the update on the next run.
            cache.save_manifest(_manifest(inputs, outputs, search_fp, content, options, scanned_ns))
        report.unchanged = len(outputs) - len(changed)
        report.removed = len(removed)
    report.articles = len(content.articles)
    report.pages = len(pages)
    report.drafts_skipped = content.skipped_drafts
    return report


def related_lists(content: Content, config: SiteConfig, cache: BuildCache,
                  fp: Fingerprinter) -> Mapping[str, tuple[str, ...]]:
    """Related lists, recomputed only when an article or the [related] settings changed."""
    key = fp.digest(config.related, content.articles)
    lists = cache.load_pickle(cache.related_path, key)
    if lists is None:
        lists = compute_related(content.articles, config.related)
        cache.save_pickle(cache.related_path, key, lists)
    return lists


def theme_digest(theme: Theme) -> str:
    """Digest of every file of the theme: a template change may touch any page."""
    files = []
    for folder in theme.templates + theme.static:
        files += [(folder, p) for p in folder.rglob("*") if p.is_file()]
    return Fingerprinter().digest(
        [(str(folder), digest_files([p], folder)) for folder, p in sorted(files)], dict(theme.strings))


def check_routes(pages: Sequence[Page], content: Content) -> None:
    """Fail when two sources claim one output file."""
    routes = [(page.url, page.source) for page in pages]
    routes += [("/" + m.removeprefix("content/"), m) for m in content.media]
    raise_if_errors(find_collisions(routes))


def fingerprint_outputs(pages: Sequence[Page], content: Content, sources: Sources, theme: Theme,
                        config: SiteConfig, settings: str, fp: Fingerprinter) -> list[Output]:
    """Every output file with a digest of everything it is made from."""
    outputs = [Output(rel=str(output_path(page.url)), page=page,
                      fingerprint=fp.digest(settings, page.url, page.template, page.text, page.markdown,
                                            page.context))
               for page in pages]
    for src, rel in static_files(theme, content, sources, config):
        outputs.append(Output(rel=rel, copy_from=src, fingerprint=fp.digest(settings, str(src), _stamp(src, sources, config))))
    return outputs


def _stamp(src: Path, sources: Sources, config: SiteConfig) -> tuple[int, int]:
    try:
        rel = src.relative_to(config.source).as_posix()
        if rel in sources.stamps:
            return sources.stamps[rel]
    except ValueError:
        pass
    stat = src.stat()
    return stat.st_size, stat.st_mtime_ns


def static_files(theme: Theme, content: Content, sources: Sources, config: SiteConfig) -> list[tuple[Path, str]]:
    """Theme assets, shared media and bundle files, each with its output path."""
    chosen: dict[str, Path] = {}
    # Fallback theme roots first, so a site's own files replace the packaged ones.
    for root in reversed(theme.static):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            chosen["static/" + path.relative_to(root).as_posix()] = path
    for rel in content.media:
        chosen[rel.removeprefix("content/")] = config.source / rel
    bundles = {a.source.rsplit("/", 1)[0]: a for a in content.articles if a.source.endswith("/index.md")}
    for rel in sources.bundle_files:
        article = bundles.get(rel.rsplit("/", 1)[0])
        if article is not None:
            chosen[article.url.lstrip("/") + rel.rsplit("/", 1)[1]] = config.source / rel
    return [(src, rel) for rel, src in sorted(chosen.items())]


class Renderer:
    """Renders pages with one Jinja environment per process."""

    def __init__(self, theme: Theme, config: SiteConfig, site: SiteData, safe: bool):
        self.config, self.site, self.safe = config, site, safe
        self.env = make_environment(theme, config, site)

    def render(self, page: Page) -> str:
        """The text of one page."""
        if page.text is not None:
            return page.text
        assert page.template is not None
        context = dict(page.context, page_url=page.url, sections=self.site.sections)
        if page.markdown is not None:
            context["content"] = render_markdown(page.markdown, self.config.base_path, self.safe)
        return render_template(self.env, page.template, context)


def write_outputs(outputs: Sequence[Output], renderer: Renderer, writer: Staging | Update,
                  jobs: int, report: BuildReport, progress: Progress) -> None:
    """Render pages (in worker processes) and copy files into the writer's folder."""
    pages = [o for o in outputs if o.page is not None]
    progress.start("render", len(pages))
    try:
        results = report.timed("render", lambda: map_chunks(_render_chunk, pages, jobs, shared=(renderer, writer.root),
                                                            progress=progress.advance))
    finally:
        progress.finish()
    diags: list[Diagnostic] = []
    for rel, problems in results:
        if problems:
            diags.extend(d for d in problems if d not in diags)
        else:
            writer.register(rel)
    raise_if_errors(diags)
    copies = [o for o in outputs if o.copy_from is not None]
    report.timed("copy", lambda: [writer.copy_file(o.copy_from, o.rel) for o in copies])  # type: ignore[arg-type]
    report.written += len(pages) + len(copies)


def _render_chunk(outputs: list[Output], shared: tuple[Renderer, Path]) -> list[tuple[str, tuple[Diagnostic, ...]]]:
    renderer, root = shared
    made: set[Path] = set()
    results = []
    for output in outputs:
        assert output.page is not None
        try:
            data = renderer.render(output.page).encode("utf-8")
        except BuildError as exc:
            results.append((output.rel, exc.diagnostics))
            continue
        path = root / output.rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        results.append((output.rel, ()))
    return results


def index(root: Path, config: SiteConfig, content: Content) -> Any:
    """Build the Pagefind index of the finished folder."""
    from generator.search import index_site

    return index_site(root, config, content.articles)


def _still_valid(manifest: Manifest, build_time: datetime) -> bool:
    return manifest.valid_until is None or build_time < datetime.fromisoformat(manifest.valid_until)


def _manifest(inputs: str, outputs: Sequence[Output], search_fp: str | None, content: Content,
              options: BuildOptions, scanned_ns: int | None) -> Manifest:
    horizon = next_change(content.articles, options.build_time)
    return Manifest(inputs=inputs, valid_until=horizon.isoformat() if horizon else None,
                    files={o.rel: o.fingerprint for o in outputs}, search=search_fp, scanned_ns=scanned_ns)
