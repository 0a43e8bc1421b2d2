"""`sitegen build`: the front half (generator/pipeline.py), then the back half, one stage after another.

    load -> read -> plan (pipeline)  -> fingerprint -> render changed pages (in workers)
    -> resize photos -> copy files -> search index -> switch output

A build writes only what changed since the last build into the same output folder
(`.sitegen/` remembers what each file was built from); the first build, `--clean`, or
any doubt about the cache writes a whole new folder instead. Either way the output is
switched only when everything succeeded.
"""

from __future__ import annotations

import dataclasses
import os
from contextlib import contextmanager
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence, TypeVar

from generator import __version__
from generator.config.options import BuildOptions
from generator.config.site import SiteConfig
from generator.content.discover import KnownStamps
from generator.content.model import Article, Content
from generator.content.photos import alt_diagnostics
from generator.errors import BuildError, Diagnostic, in_mode, raise_if_errors, sort_key
from generator.images.variants import variant_settings
from generator.output.cache import BuildCache, Manifest, Memory
from generator.output.fingerprint import Fingerprinter, theme_digest
from generator.output.limits import (
    SizeLimits,
    SizeSummary,
    limits_for,
    output_origins,
    output_sizes,
    size_errors,
    size_summary,
    sizes_after,
    total_warning,
)
from generator.output.lock import output_lock
from generator.output.safeload import decode_words, encode_words
from generator.output.switch import Staging, Update, check_output_folder, recover, remove_stale
from generator.parallel import default_jobs
from generator.pipeline import Plan, load, plan, read
from generator.progress import Progress
from generator.render.compact import VERSION as COMPACT_VERSION
from generator.search.pagefind import BUNDLE_DIR

if TYPE_CHECKING:
    from generator.output.files import Output
    from generator.output.links import PageLinks

T = TypeVar("T")
SEARCH_DIR = BUNDLE_DIR  # the search index, inside the output folder
WORDS_KEY = "words-3"  # the word counts' format (the cache also checks the sitegen version)
RANKING_KEY = "ranking-2"  # the related ranking state's format (generator/related/incremental.py)
STORIES_KEY = "saved-stories-2"  # what saved.json was made from, and stems (generator/search/saved.py)


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
    remembered: int = 0  # pages taken from the last build's plan, not planned again (generator/plan/memo.py)
    size: SizeSummary | None = None  # files and bytes by kind against the host's limit
    warnings: list[Diagnostic] = field(default_factory=list)  # printed on stderr
    plan: Plan | None = None  # what was planned; None when nothing had changed and no plan was asked for

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


def build(options: BuildOptions, progress: Progress | None = None, limits: SizeLimits | None = None,
          memory: Memory | None = None, need_plan: bool = False) -> BuildReport:
    """Build the site into `options.out`; on any error the old output stays untouched.

    `memory` keeps cache files, digests and compiled templates in memory between builds of
    one process (sitegen serve); `need_plan` plans the pages even when nothing changed.
    One build at a time per output folder: the folder is locked before the cache is read
    (a second build would undo this one's half-done switch as a crash's) until the
    manifest is saved; another build waits `options.wait` seconds, then gets OutputBusy.
    """
    check_output_folder(options.out, options.source)  # before a lock file is put beside it
    with output_lock(options.out, options.wait):
        return _build(options, progress, limits, memory, need_plan)


def _build(options: BuildOptions, progress: Progress | None, limits: SizeLimits | None,
           memory: Memory | None, need_plan: bool) -> BuildReport:
    report = BuildReport(future=options.future)
    fresh: dict[str, PageLinks] = {}  # the links and ids of each HTML page rendered
    progress = progress or Progress()
    jobs = options.jobs or default_jobs()
    opened: dict[str, Any] = {}

    def open_cache(config: SiteConfig) -> KnownStamps | None:
        """Open the cache, undo a killed build, and give the digests the last build read."""
        cache = opened["cache"] = BuildCache(options.source, options.out, memory)
        recover(cache.journal_path, options.out)  # a build that died while switching files is undone first
        remove_stale(options.out)  # and the working folders of builds that were killed are cleared
        opened["manifest"] = None if options.clean else cache.load_manifest()
        opened["scanned_ns"] = cache.mark_scan()
        known = opened["known"] = None if options.clean else cache.load_stamps()
        return known

    loaded = load(options, report.timed, known=open_cache, defer=True)
    cache: BuildCache = opened["cache"]
    manifest: Manifest | None = opened["manifest"]
    scanned_ns = opened["scanned_ns"]
    config, sources, theme = loaded.config, loaded.sources, loaded.theme
    limits = limits or limits_for(config)
    broken_mode = options.broken_links or config.links.broken
    if scanned_ns is not None:
        record = sources.record(scanned_ns)
        known = opened["known"]
        if known is None or record.files != known.files:  # an unchanged site rewrites nothing
            cache.save_stamps(record)
    fp = Fingerprinter(memory.records if memory is not None else None)
    # variant_settings: another Pillow renames every resized photo, so every page showing one changes.
    settings = fp.digest(__version__, config.portable(), theme_digest(theme), variant_settings(config.images), options.safe,
                         options.drafts, options.search, options.future, COMPACT_VERSION)
    inputs = fp.digest(settings, sources.stamps)
    if manifest is not None and not options.out.is_dir():
        manifest = None
    # What the last build reported; without it (killed before saving it), build again.
    summary = cache.load_pickle(cache.summary_path, inputs) if manifest is not None else None
    if summary is not None and manifest.inputs == inputs and _still_valid(manifest, options.build_time) \
            and not need_plan and not loaded.config_errors:
        report.unchanged = len(manifest.files)
        report.scheduled = summary["scheduled"]
        report.warnings = alt_diagnostics(summary["unlabelled"], options.source, options.strict)
        # Broken links found before are still there, an error again if the mode is now "error".
        report.warnings += in_mode([Diagnostic(*fields) for fields in summary.get("links", ())], broken_mode)
        raise_if_errors(report.warnings)  # --strict: still an error when nothing changed
        return report

    # Past this point the build has work to do. What it needs only then is imported here,
    # so that a build with nothing to do never loads the renderer, Markdown or the planners.
    from generator.linkcheck import BOOK_KEY, LinkBook, build_links, left_out
    from generator.output.files import fingerprint_outputs
    from generator.output.write import write_outputs
    from generator.plan.memo import GroupPlanner
    from generator.plan.pages import plan_again
    from generator.render.renderer import Renderer

    # Parsed stories are kept by their file's stamp (size and digest of its bytes).
    parse_key = Fingerprinter().digest(__version__, config.portable())
    entries = {} if options.clean else cache.load_parsed(parse_key)
    before = dict(entries)
    stories = read(loaded, jobs, report.timed, parsed=entries, defer=True)  # errors reported with the links'
    remember_digests(entries, fp)
    cache.save_parsed(parse_key, entries, before)
    if any(d.severity == "error" for d in stories.warnings):  # with --strict they are errors
        raise BuildError(sorted([*stories.problems, *stories.warnings], key=sort_key))
    skip = left_out(stories.problems)
    deferred = list(stories.problems)  # raised with the broken links, before the switch
    # Pages an edit does not reach are taken from the last build's plan; `serve` keeps
    # every page's data for its live patches, and so plans them all.
    groups = None if memory is not None or need_plan else GroupPlanner(fp, settings, last_plan(cache, manifest))
    planned = plan(loaded, stories, report.timed,
                   related=lambda content, config: related_lists(content, config, cache, fp, options.clean),
                   groups=groups)
    content, pages = planned.content, planned.pages
    outputs = report.timed("fingerprint", lambda: fingerprint_outputs(pages, content, sources, theme, config,
                                                                      settings, fp))
    search_fps = {o.rel: o.indexed for o in outputs if o.indexed is not None} if options.search else None
    kept_plan = groups.remember({id(o.page): (o.fingerprint, o.indexed) for o in outputs if o.page is not None}) \
        if groups is not None else None
    if memory is not None:
        memory.records = fp.records()  # this build's records only: the old ones can go
    renderer = Renderer(theme, config, planned.site, options.safe, memory.templates if memory is not None else None)
    origins = output_origins(outputs, config)

    search_state = None
    if manifest is None:
        report.clean = True
        cache.forget_manifest()  # the old manifest no longer describes what will be there
        with Staging(options.out) as staging:
            with _reporting_also(deferred):
                report.written += write_outputs(outputs, renderer, staging, jobs, progress, report.timed,
                                                thorough=options.clean, links=fresh)
            book, link_diags = report.timed("links", lambda: build_links(None, fresh, outputs, (), options, config,
                                                                         content, lambda rel: None, skip))
            raise_if_errors([*deferred, *in_mode(link_diags, broken_mode)])  # before the switch: the old output stays
            report.changed += [o.rel for o in outputs]
            if options.search:
                indexed = report.timed("search", lambda: index(
                    staging.root, config, content, fingerprints=search_fps, scratch=_scratch(options.out),
                    cache=cache, reuse=not options.clean))
                report.search, search_state = indexed.report, indexed.state
            sizes = output_sizes(staging.root) if limits.check else {}
            raise_if_errors(size_errors(sizes, limits, origins))  # before the switch: the old output stays
            report.timed("switch", staging.commit)
        cache.save_manifest(_manifest(inputs, outputs, search_state, content, options, sizes))
        save_plan(cache, inputs, kept_plan)
    else:
        changed = [o for o in outputs if manifest.files.get(o.rel) != o.fingerprint]
        if any(o.page is not None and o.page.known is not None for o in changed):  # read_remembered rules it out
            raise RuntimeError("a page taken from the last build's plan has to be rendered: run with --clean")
        current = {o.rel for o in outputs}
        removed = [rel for rel in manifest.files if rel not in current]
        stale_index = [SEARCH_DIR] if not options.search and (options.out / SEARCH_DIR).exists() else []
        with Update(options.out, cache.journal_path) as update:
            with _reporting_also(deferred):
                report.written += write_outputs(changed, renderer, update, jobs, progress, report.timed, links=fresh)
            old_book = LinkBook.from_cache(cache.load_pickle(cache.links_path, BOOK_KEY))
            book, link_diags = report.timed("links", lambda: build_links(
                old_book, fresh, outputs, removed, options, config, content, lambda rel: _read(options.out / rel),
                skip, lambda page: plan_again(page, planned.site, config)))
            raise_if_errors([*deferred, *in_mode(link_diags, broken_mode)])  # before the switch: the old output stays
            report.changed += [o.rel for o in changed]
            if options.search:
                # Into the update, from its new pages and the output's unchanged ones: the shards
                # indexed again are switched in with the pages they describe, or not at all; the
                # others stay in the output as they are.
                from generator.search.incremental import read_state

                indexed = report.timed("search", lambda: index(
                    update.root, config, content, fingerprints=search_fps, base=options.out,
                    scratch=_scratch(options.out), previous=read_state(manifest.search), cache=cache))
                report.search, search_state = indexed.report, indexed.state
                for rel in indexed.staged:
                    update.stage_tree(rel)
                stale_index += indexed.removed
            sizes = sizes_after(options.out, update.root, removed + stale_index,
                                known=manifest.sizes) if limits.check else {}
            raise_if_errors(size_errors(sizes, limits, origins))  # before the switch: the old output stays
            report.timed("switch", lambda: update.apply(removed + stale_index))
        # Saved once the update is final: a crash before this leaves the old manifest, which
        # only makes the next build rewrite some files; saved earlier, a crash that undoes the
        # update would leave a manifest describing files that are not there.
        cache.save_manifest(_manifest(inputs, outputs, search_state, content, options, sizes))
        save_plan(cache, inputs, kept_plan)
        report.unchanged = len(outputs) - len(changed)
        report.removed = len(removed)
        report.changed += removed
    cache.save_pickle(cache.links_path, BOOK_KEY, book.to_cache())
    cache.save_pickle(cache.summary_path, inputs, {
        "scheduled": content.scheduled, "unlabelled": list(stories.unlabelled),
        "links": [dataclasses.astuple(d) for d in link_diags]})
    report.output_bytes, size_warnings = total_warning(sizes, limits, options.out)
    report.size = size_summary(sizes, limits) if limits.check else None
    report.warnings = list(stories.warnings) + size_warnings + in_mode(link_diags, broken_mode)
    report.scheduled = content.scheduled
    report.articles = len(content.articles)
    report.pages = len(pages)
    report.drafts_skipped = content.skipped_drafts
    report.plan = planned
    report.remembered = groups.reused if groups is not None else 0
    return report


def last_plan(cache: BuildCache, manifest: Manifest | None) -> dict[str, Any]:
    """The groups of pages the last build planned, as far as its manifest vouches for them."""
    if manifest is None:
        return {}
    from generator.plan.memo import read_remembered
    from generator.urls import output_path

    return read_remembered(cache.load_pickle(cache.plan_path, manifest.inputs), manifest.files,
                           lambda url: str(output_path(url)))


def save_plan(cache: BuildCache, inputs: str, kept: Any) -> None:
    """Keep this build's groups of pages for the next one, under the inputs its manifest names."""
    if kept is not None:
        cache.save_pickle(cache.plan_path, inputs, kept)


def remember_digests(entries: dict[str, Any], fp: Fingerprinter) -> None:
    """Keep each parsed article's record digest in its parse-cache entry, and hand the kept ones to `fp`.

    Digesting an article pickles all of it, body included: 1 s a build at 10,000 stories,
    for digests that only change when the file does. An entry is (stamp, dependencies,
    article[, digest]); one without a well-formed digest gets it computed here, once.
    """
    for rel, entry in entries.items():
        if len(entry) == 4 and isinstance(entry[3], bytes) and len(entry[3]) == 16:
            fp.remember(entry[2], entry[3])
        else:
            entries[rel] = (*entry[:3], fp.record_digest(entry[2]))


def related_lists(content: Content, config: SiteConfig, cache: BuildCache, fp: Fingerprinter,
                  clean: bool = False) -> Mapping[str, tuple[str, ...]]:
    """Related lists, recomputed only when an article or the [related] settings changed.

    Each article's word counts are kept between builds, so that a recomputation after
    one edit tokenises one article, not the archive (a --clean build counts them all),
    and so is each story's shortlist, so that only the rows the edit can reach are ranked
    again (generator/related/incremental.py).
    """
    key = fp.digest(config.related, content.articles)
    lists = None if clean else cache.load_pickle(cache.related_path, key)  # --clean reads no cache
    if lists is None:
        # numpy and scipy take a while to load: only when the lists must be computed
        from generator.related.engine import compute_related
        from generator.related.words import pack_words, unpack_words

        packed = None if clean else decode_words(cache.load_pickle(cache.words_path, WORDS_KEY))
        words = unpack_words(packed) if packed is not None else {}  # a new dict: `packed` may be shared
        counted = list(words)  # the counts are named by their text: the same names, the same counts
        # A copy: a state from memory is shared with earlier builds (load_pickle).
        state = {} if clean else dict(cache.load_pickle(cache.ranking_path, RANKING_KEY) or {})
        lists = compute_related(content.articles, config.related, words, state, fp.record_digest)
        cache.save_pickle(cache.related_path, key, lists)
        if list(words) != counted:  # an edit to tags, dates or pins leaves the 14 MB at 10,000 as they were
            cache.save_pickle(cache.words_path, WORDS_KEY, encode_words(pack_words(words)))
        cache.save_pickle(cache.ranking_path, RANKING_KEY, state)
    return lists



def index(root: Path, config: SiteConfig, content: Content, *, fingerprints: Mapping[str, str] | None,
          base: Path | None = None, scratch: Path | None = None, previous: Any = None,
          cache: BuildCache | None = None, reuse: bool = True) -> Any:
    """Build the Pagefind shards that changed into `root` (staging or update folder) before
    the switch; pages `root` lacks, and the shards kept, are in `base`, the output folder
    of an incremental build (generator.search.incremental.IndexResult). `cache` keeps
    what saved.json was made from; without it, or with `reuse` off (--clean), every page
    saved.json needs is read and every word stemmed."""
    from generator.search.incremental import index_search
    from generator.search.saved import cache_value, read_cache

    known, stems = read_cache(cache.load_pickle(cache.stories_path, STORIES_KEY), config.language) \
        if cache is not None and reuse else ({}, {})
    result = index_search(root, config, content.articles, base=base, scratch=scratch,
                          fingerprints=fingerprints, previous=previous, old=base, stories=known, stems=stems)
    if cache is not None and (result.stories != known or result.stems != stems):
        # Saved before the switch: it describes pages, not the output, so it is right either way.
        cache.save_pickle(cache.stories_path, STORIES_KEY, cache_value(result.stories, result.stems, config.language))
    return result


def _scratch(out: Path) -> Path:
    """The folder of page links Pagefind reads: beside the output, named by process, so
    that the next build removes what a killed one left (switch.remove_stale)."""
    return out.parent / f".{out.name}.search-{os.getpid()}"


@contextmanager
def _reporting_also(deferred: list[Diagnostic]) -> Iterator[None]:
    """Problems found while rendering are raised together with those read before it, so that
    one run names every bad file (a render-time error must not hide front-matter errors)."""
    try:
        yield
    except BuildError as exc:
        raise BuildError(sorted([*deferred, *exc.diagnostics], key=sort_key)) from None


def _read(path: Path) -> str | None:
    """A page of the output, None when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _still_valid(manifest: Manifest, build_time: datetime) -> bool:
    return manifest.valid_until is None or build_time < datetime.fromisoformat(manifest.valid_until)


def _manifest(inputs: str, outputs: Sequence[Output], search_state: Any, content: Content,
              options: BuildOptions, sizes: Mapping[str, int]) -> Manifest:
    from generator.plan.pages import next_change

    horizon = next_change(content.articles + content.scheduled, options.build_time)
    return Manifest(inputs=inputs, valid_until=horizon.isoformat() if horizon else None,
                    files={o.rel: o.fingerprint for o in outputs},
                    search=search_state.to_json() if search_state is not None else None,
                    sizes=dict(sizes) if sizes else None)
