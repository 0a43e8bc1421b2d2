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
from generator.output.cache import BuildCache, Manifest, Memory
from generator.config.site import RESERVED_SEGMENTS, SiteConfig, load_config
from generator.config.options import BuildOptions
from generator.content.parse import Sources, discover, load_content, withhold_scheduled
from generator.errors import BuildError, Diagnostic, raise_if_errors
from generator.output.fingerprint import Fingerprinter, digest_files
from generator.images.variants import Planned, cache_folder, plan_variants, variant_settings
from generator.content.photos import alt_diagnostics
from generator.images.make import make_variants
from generator.content.photos import unlabelled_images
from generator.output.limits import SizeLimits, output_origins, output_sizes, size_errors, sizes_after, total_warning
from generator.content.model import Article, Content
from generator.output.switch import Staging, Update, check_output_folder, recover, remove_stale
from generator.plan.pages import Page, build_site_data, next_change, plan_pages
from generator.parallel import default_jobs, map_chunks
from generator.serve.patch import LastBuild
from generator.progress import Progress
from generator.config.related import RelatedConfig
from generator.plan.routing import find_collisions, output_path
from generator.render.renderer import Renderer
from generator.render.templates import Theme, load_theme

T = TypeVar("T")
SEARCH_DIR = "pagefind"
# From this many pages to render, templates are compiled before the workers fork; for a
# handful of pages, compiling the few they use in place is cheaper.
PRECOMPILE_FROM = 200
WORDS_KEY = "words-2"  # the word counts' format (the cache also checks the sitegen version)


@dataclass
class BuildReport:
    """What a build did, for the summary line."""

    articles: int = 0
    pages: int = 0
    written: int = 0  # files rendered or copied anew
    changed: list[str] = field(default_factory=list)  # output paths written or removed
    unchanged: int = 0  # files left as they were
    removed: int = 0
    clean: bool = False  # a whole new output folder was written
    drafts_skipped: int = 0
    search: Any = None  # generator.search.pagefind.SearchReport when the index was built
    timings: list[tuple[str, float]] = field(default_factory=list)
    scheduled: tuple[Article, ...] = ()  # stories dated after the build time, next first
    future: bool = False  # --future: the scheduled stories were built anyway
    output_bytes: int = 0  # size of the finished output folder
    warnings: list[Diagnostic] = field(default_factory=list)  # printed on stderr

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
    variant: Planned | None = None  # a resized photo: copy_from (in the cache) is made when missing


def build(options: BuildOptions, progress: Progress | None = None, limits: SizeLimits | None = None,
          memory: Memory | None = None) -> BuildReport:
    """Build the site into `options.out`; on any error the old output stays untouched.

    `memory` keeps cache files in memory between builds of one process (sitegen serve).
    """
    report = BuildReport(future=options.future)
    limits = limits or SizeLimits()
    progress = progress or Progress()
    jobs = options.jobs or default_jobs()
    config = report.timed("config", lambda: load_config(options))
    check_output_folder(options.out, options.source)
    cache = BuildCache(options.source, options.out, memory)
    recover(cache.journal_path)  # a build that died while switching files is undone first
    remove_stale(options.out)  # and the working folders of builds that were killed are cleared
    manifest = None if options.clean else cache.load_manifest()
    parse_key = Fingerprinter().digest(__version__, config)
    parse_scan = None if options.clean else cache.load_pickle(cache.parse_scan_path, parse_key)
    parsed = None
    if not options.clean and parse_scan is None:  # no side file: the scan time is in the cache itself
        parsed = cache.load_pickle(cache.parse_path, parse_key)
        parse_scan = parsed and parsed["scanned_ns"]
    previous_scans = [n for n in (manifest and manifest.scanned_ns, parse_scan) if n]
    scanned_ns = cache.mark_scan()
    sources = report.timed("discover", lambda: discover(options.source, min(previous_scans, default=None)))
    theme = load_theme(config)
    fp = Fingerprinter(memory.records if memory is not None else None)
    # variant_settings: another Pillow renames every resized photo, so every page showing one changes.
    settings = fp.digest(__version__, config, theme_digest(theme), variant_settings(config.images), options.safe,
                         options.drafts, options.search, options.future)
    inputs = fp.digest(settings, sources.stamps)
    if manifest is not None and not options.out.is_dir():
        manifest = None
    # What the last build reported; without it (killed before saving it), build again.
    summary = cache.load_pickle(cache.summary_path, inputs) if manifest is not None else None
    # sitegen serve plans once even when nothing changed: its quick patches start from a plan.
    planned = memory is None or memory.last is not None
    if summary is not None and manifest.inputs == inputs and _still_valid(manifest, options.build_time) and planned:
        report.unchanged = len(manifest.files)
        report.scheduled = summary["scheduled"]
        report.warnings = alt_diagnostics(summary["unlabelled"], options.source, options.strict)
        raise_if_errors(report.warnings)  # --strict: still an error when nothing changed
        return report

    if parsed is None and not options.clean:
        parsed = cache.load_pickle(cache.parse_path, parse_key)
    entries = dict(parsed["entries"]) if parsed else {}
    before = dict(entries)
    content = report.timed("parse", lambda: load_content(sources, config, options.drafts, cache=entries, jobs=jobs))
    if scanned_ns is not None and (entries.keys() != before.keys()
                                   or any(entries[k] is not before[k] for k in entries)):
        cache.save_pickle(cache.parse_path, parse_key, {"scanned_ns": scanned_ns, "entries": entries})
        # After the cache: should a crash come between the two, the side file names an
        # older scan than the cache's, which only makes the next build compare more files.
        cache.save_pickle(cache.parse_scan_path, parse_key, scanned_ns)
    unlabelled = [a for a in content.articles if unlabelled_images(a)]  # warned again on a no-op build
    image_warnings = alt_diagnostics(unlabelled, options.source, options.strict)
    raise_if_errors(image_warnings)  # with --strict they are errors
    content = withhold_scheduled(content, options.build_time, options.future)
    related = report.timed("related", lambda: related_lists(content, config, cache, fp, options.clean))
    site = build_site_data(content, config, related)
    pages = report.timed("plan", lambda: plan_pages(content, site, config, options.build_time, options.search))
    report.timed("route", lambda: check_routes(pages, content))
    outputs = report.timed("fingerprint", lambda: fingerprint_outputs(pages, content, sources, theme, config, settings, fp))
    search_fp = fp.digest(settings, sorted((o.rel, o.fingerprint) for o in outputs if o.rel.endswith(".html"))) \
        if options.search else None
    if memory is not None:
        memory.records = fp.records()  # this build's records only: the old ones can go
    renderer = Renderer(theme, config, site, options.safe, memory.templates if memory is not None else None)
    origins = output_origins(outputs, config)

    if manifest is None:
        report.clean = True
        cache.forget_manifest()  # the old manifest no longer describes what will be there
        with Staging(options.out) as staging:
            write_outputs(outputs, renderer, staging, jobs, report, progress)
            if options.search:
                report.search = report.timed("search", lambda: index(staging.root, config, content))
            sizes = output_sizes(staging.root) if limits.check else {}
            raise_if_errors(size_errors(sizes, limits, origins))  # before the switch: the old output stays
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
            sizes = sizes_after(options.out, update.root, removed + stale_index) if limits.check else {}
            raise_if_errors(size_errors(sizes, limits, origins))  # before the switch: the old output stays
            if reindex and not (options.out / SEARCH_DIR).exists():
                update.stage_tree(SEARCH_DIR)  # indexed in place below: a failure removes it again
            report.timed("switch", lambda: update.apply(removed + stale_index))
            if reindex:
                report.search = report.timed("search", lambda: index(options.out, config, content))
                if limits.check:
                    index_sizes = output_sizes(options.out / SEARCH_DIR)
                    sizes.update((f"{SEARCH_DIR}/{rel}", size) for rel, size in index_sizes.items())
        # Saved once the update is final: a crash before this leaves the old manifest, which
        # only makes the next build rewrite some files; saved earlier, a crash that undoes the
        # update would leave a manifest describing files that are not there.
        cache.save_manifest(_manifest(inputs, outputs, search_fp, content, options, scanned_ns))
        report.unchanged = len(outputs) - len(changed)
        report.removed = len(removed)
        report.changed += removed
    cache.save_pickle(cache.summary_path, inputs, {
        "scheduled": content.scheduled, "unlabelled": unlabelled})
    report.output_bytes, size_warnings = total_warning(sizes, limits, options.out)
    report.warnings = image_warnings + size_warnings
    report.scheduled = content.scheduled
    report.articles = len(content.articles)
    report.pages = len(pages)
    report.drafts_skipped = content.skipped_drafts
    if memory is not None:
        memory.last = LastBuild(config=config, theme=theme, site=site, pages=tuple(pages),
                                sources=frozenset(sources.stamps), safe=options.safe)
    return report


def related_lists(content: Content, config: SiteConfig, cache: BuildCache, fp: Fingerprinter,
                  clean: bool = False) -> Mapping[str, tuple[str, ...]]:
    """Related lists, recomputed only when an article or the [related] settings changed.

    Each article's word counts are kept between builds, so that a recomputation after
    one edit tokenises one article, not the archive (a --clean build counts them all).
    """
    key = fp.digest(config.related, content.articles)
    lists = cache.load_pickle(cache.related_path, key)
    if lists is None:
        from generator.related.engine import pack_words, unpack_words  # numpy: loaded only when needed

        packed = None if clean else cache.load_pickle(cache.words_path, WORDS_KEY)
        words = unpack_words(packed) if packed is not None else {}  # a new dict: `packed` may be shared
        lists = compute_related(content.articles, config.related, words)
        cache.save_pickle(cache.related_path, key, lists)
        cache.save_pickle(cache.words_path, WORDS_KEY, pack_words(words))
    return lists


def compute_related(articles: Sequence[Article], config: RelatedConfig,
                    words: dict[bytes, Any] | None = None) -> dict[str, tuple[str, ...]]:
    """The related engine, imported on first use: numpy and scipy take a while to load."""
    from generator.related.engine import compute_related as compute

    return compute(articles, config, words)


def theme_digest(theme: Theme) -> str:
    """Digest of every file of the theme: a template change may touch any page."""
    files = []
    for folder in theme.templates + theme.static:
        files += [(folder, p) for p in folder.rglob("*") if p.is_file()]
    return Fingerprinter().digest(
        [(str(folder), digest_files([p], folder)) for folder, p in sorted(files)], dict(theme.strings))


def check_routes(pages: Sequence[Page], content: Content) -> None:
    """Fail when two sources claim one output file, or a page lands in a folder the build fills.

    Generated pages come first, so a clash is reported on the source file that causes it.
    """
    routes = [(page.url, page.source) for page in pages]
    routes += [("/" + m.removeprefix("content/"), m) for m in content.media]
    routes.sort(key=lambda route: route[1].startswith("content/"))
    diags = find_collisions(routes)
    for url, source in routes:
        segment = url.strip("/").split("/", 1)[0]
        if segment in RESERVED_SEGMENTS and not source.startswith("content/media/"):
            diags.append(Diagnostic(source, f"the URL {url} is inside /{segment}/, where sitegen writes "
                                            f"{RESERVED_SEGMENTS[segment]}", hint="set a different 'slug:'"))
    raise_if_errors(diags)


def fingerprint_outputs(pages: Sequence[Page], content: Content, sources: Sources, theme: Theme,
                        config: SiteConfig, settings: str, fp: Fingerprinter) -> list[Output]:
    """Every output file with a digest of everything it is made from."""
    outputs = [Output(rel=str(output_path(page.url)), page=page,
                      fingerprint=fp.digest(settings, page.url, page.template, page.text, page.markdown,
                                            page.context))
               for page in pages]
    for src, rel in static_files(theme, content, sources, config):
        outputs.append(Output(rel=rel, copy_from=src, fingerprint=fp.digest(settings, str(src), _stamp(src, sources, config))))
    # Resized photos: the name holds a digest of the photo and the settings, so it is the fingerprint.
    taken = {o.rel for o in outputs}
    outputs += [Output(rel=item.rel, fingerprint=item.name, copy_from=item.path, variant=item)
                for item in plan_variants(content.articles, config, cache_folder(config.source))
                if item.rel not in taken]
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


def write_outputs(outputs: Sequence[Output], renderer: Renderer, writer: Staging | Update,
                  jobs: int, report: BuildReport, progress: Progress) -> None:
    """Render pages (in worker processes) and copy files into the writer's folder."""
    pages = [o for o in outputs if o.page is not None]
    if len(pages) >= PRECOMPILE_FROM:
        renderer.compile_templates()
    progress.start("render", len(pages))
    try:
        # Workers get positions in `pages`, which they hold from the fork: sending the pages
        # themselves would pickle every story body in this process, for nothing.
        results = report.timed("render", lambda: map_chunks(_render_chunk, range(len(pages)), jobs,
                                                            shared=(renderer, writer.root, pages),
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
    variants = [o.variant for o in copies if o.variant is not None]
    if variants:  # made only when missing from .sitegen/images/
        report.timed("images", lambda: make_variants(variants, renderer.config.images, jobs, progress))
    report.timed("copy", lambda: [writer.copy_file(o.copy_from, o.rel) for o in copies])  # type: ignore[arg-type]
    report.written += len(pages) + len(copies)
    report.changed += [o.rel for o in outputs]


def _render_chunk(positions: list[int], shared: tuple[Renderer, Path, Sequence[Output]]
                  ) -> list[tuple[str, tuple[Diagnostic, ...]]]:
    renderer, root, outputs = shared
    made: set[Path] = set()
    results = []
    for position in positions:
        output = outputs[position]
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
    from generator.search.pagefind import index_site

    return index_site(root, config, content.articles)


def _still_valid(manifest: Manifest, build_time: datetime) -> bool:
    return manifest.valid_until is None or build_time < datetime.fromisoformat(manifest.valid_until)


def _manifest(inputs: str, outputs: Sequence[Output], search_fp: str | None, content: Content,
              options: BuildOptions, scanned_ns: int | None) -> Manifest:
    horizon = next_change(content.articles + content.scheduled, options.build_time)
    return Manifest(inputs=inputs, valid_until=horizon.isoformat() if horizon else None,
                    files={o.rel: o.fingerprint for o in outputs}, search=search_fp, scanned_ns=scanned_ns)
