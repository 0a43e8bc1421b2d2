"""The front half of every command: settings, sources, stories, schedule, related lists, pages.

    load   site.toml and the command line -> SiteConfig, the source files, the theme
    read   the source files -> Content: parsed, validated, scheduled stories withheld
    plan   Content -> related lists -> SiteData -> every page, each output path claimed once

`sitegen build`, `check`, `related` and `serve` run these same functions in this order, so
what one command shows is what the others build. The back half (fingerprint, render,
copy, search index, switch) is the build's own: generator/build.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, TypeVar

from generator.config.options import BuildOptions
from generator.config.site import ConfigError, SiteConfig, load_config
from generator.content.discover import KnownStamps, Sources, discover
from generator.content.model import Article, Content
from generator.content.photos import alt_diagnostics, unlabelled_images
from generator.errors import BuildError, Diagnostic
from generator.output.switch import check_output_folder
from generator.parallel import default_jobs
from generator.render.theme import Theme, load_theme

if TYPE_CHECKING:
    from generator.plan.memo import GroupPlanner
    from generator.plan.pages import Page, SiteData

# Parsing and planning (Markdown, YAML, Babel, the page planners) are imported where they
# are used: a build that finds nothing changed needs none of them, and importing them was
# most of its time (0.3 s of CPU).

T = TypeVar("T")
Timer = Callable[[str, Callable[[], T]], T]
RelatedLists = Mapping[str, tuple[str, ...]]


def untimed(stage: str, run: Callable[[], T]) -> T:
    """Run a stage without timing it (for commands that print no stage times)."""
    return run()


@dataclass(frozen=True)
class Loaded:
    """What the first stage gives: the options, the validated settings, the sources, the theme."""

    options: BuildOptions
    config: SiteConfig
    sources: Sources
    theme: Theme
    config_errors: tuple[Diagnostic, ...] = ()  # site.toml's, when loaded with defer (config: its fallback)


@dataclass(frozen=True)
class Stories:
    """What reading gives: the content to publish and what was wrong with its photos."""

    content: Content  # scheduled stories withheld (listed in content.scheduled)
    unlabelled: tuple[Article, ...]  # stories with a photo without alt text, scheduled ones too
    warnings: tuple[Diagnostic, ...]  # about those photos: errors with --strict
    problems: tuple[Diagnostic, ...] = ()  # errors of files left out, when read(defer=True)


@dataclass(frozen=True)
class Plan:
    """What planning gives: every page of the site, and all it was planned from."""

    loaded: Loaded
    stories: Stories
    related: RelatedLists
    site: SiteData
    pages: tuple[Page, ...]

    @property
    def config(self) -> SiteConfig:
        """The site's settings."""
        return self.loaded.config

    @property
    def content(self) -> Content:
        """The published content."""
        return self.stories.content


def load(options: BuildOptions, timed: Timer = untimed,
         known: Callable[[SiteConfig], KnownStamps | None] = lambda config: None, defer: bool = False) -> Loaded:
    """Read site.toml, list the source files and find the theme.

    `known(config)` gives the digests the last build read (the build's cache keeps them),
    so that only files whose size or mtime changed since are read again. A mistake in
    site.toml does not hide the content's: both are reported at once. With `defer`, when
    no wrong key changes the site's addresses, the site is loaded with site.toml's
    fallback and its errors kept in `config_errors`, for `read` to pass on.
    """
    config_errors: tuple[Diagnostic, ...] = ()
    try:
        config = timed("config", lambda: load_config(options))
    except ConfigError as exc:
        if exc.fallback is None:
            raise
        if not (defer and exc.urls_sure):
            raise BuildError([*exc.diagnostics, *content_errors(options, exc.fallback)]) from None
        config, config_errors = exc.fallback, exc.diagnostics
    check_output_folder(options.out, options.source)
    recorded = known(config)
    sources = timed("discover", lambda: discover(options.source, recorded))
    return Loaded(options=options, config=config, sources=sources, theme=load_theme(config),
                  config_errors=config_errors)


def content_errors(options: BuildOptions, config: SiteConfig) -> list[Diagnostic]:
    """What is wrong with the stories and pages, read with `config` (site.toml's fallback)."""
    from generator.content.parse import load_content

    try:
        load_content(discover(options.source, None), config, options.drafts, jobs=options.jobs or default_jobs())
    except BuildError as exc:
        return list(exc.diagnostics)
    return []


def read(loaded: Loaded, jobs: int, timed: Timer = untimed, parsed: dict[str, Any] | None = None,
         defer: bool = False) -> Stories:
    """Parse and validate every story and page, then hold back the scheduled ones.

    `parsed` (the build's parse cache, source path -> entry) is used for unchanged files
    and updated with what was parsed anew. With `defer`, a file with errors is left out
    and its errors kept in `problems`, so that later stages can report theirs as well
    (`sitegen check` and the build report them all at the end).
    """
    from generator.content.parse import load_content
    from generator.content.schedule import withhold_scheduled

    options, config = loaded.options, loaded.config
    problems: list[Diagnostic] | None = list(loaded.config_errors) if defer else None
    content = timed("parse", lambda: load_content(loaded.sources, config, options.drafts, cache=parsed, jobs=jobs,
                                                  errors=problems))
    unlabelled = tuple(a for a in content.articles if unlabelled_images(a))
    warnings = tuple(alt_diagnostics(unlabelled, options.source, options.strict))
    content = withhold_scheduled(content, options.build_time, options.future)
    return Stories(content=content, unlabelled=unlabelled, warnings=warnings, problems=tuple(problems or ()))


def compute_related(content: Content, config: SiteConfig) -> RelatedLists:
    """The related lists of every published story (the engine is imported on first use:
    numpy and scipy take a while to load)."""
    from generator.related.engine import compute_related as compute

    return compute(content.articles, config.related)


def plan(loaded: Loaded, stories: Stories, timed: Timer = untimed,
         related: Callable[[Content, SiteConfig], RelatedLists] = compute_related,
         groups: GroupPlanner | None = None) -> Plan:
    """Rank the related lists, plan every page, and check that no two claim one path.

    `related` computes the lists; the build passes one that keeps them in its cache, and
    `groups`, which takes the pages an edit did not reach from the last build's plan.
    """
    try:
        return _plan(loaded, stories, timed, related, groups)
    except BuildError as exc:  # with the errors of the files left out, if any
        if not stories.problems:
            raise
        raise BuildError([*stories.problems, *exc.diagnostics]) from None


def _plan(loaded: Loaded, stories: Stories, timed: Timer,
          related: Callable[[Content, SiteConfig], RelatedLists], groups: GroupPlanner | None) -> Plan:
    from generator.plan.claims import check_routes
    from generator.plan.pages import build_site_data

    options, config, content = loaded.options, loaded.config, stories.content
    lists = timed("related", lambda: related(content, config))
    site = build_site_data(content, config, lists)
    pages = timed("plan", lambda: plan_all(content, site, config, options, groups))
    timed("route", lambda: check_routes(pages, content, copied_files(loaded, content)))
    return Plan(loaded=loaded, stories=stories, related=lists, site=site, pages=pages)


def plan_all(content: Content, site: SiteData, config: SiteConfig, options: BuildOptions,
             groups: GroupPlanner | None = None) -> tuple[Page, ...]:
    """Every page: the site's own, then the aliases of stories and of renamed tag and person pages."""
    from generator.plan.aliases import plan_aliases, plan_slug_aliases
    from generator.plan.pages import plan_pages

    pages = tuple(plan_pages(content, site, config, options.build_time, options.search, groups)) \
        + tuple(plan_aliases(content))
    return pages + tuple(plan_slug_aliases(site, (page.url for page in pages)))


def copied_files(loaded: Loaded, content: Content) -> list[tuple[str, str]]:
    """Every file the build copies into the output, as (output path, the source claiming it)."""
    from generator.images.variants import plan_variants
    from generator.output.files import file_claims

    config = loaded.config
    files = [(rel, source) for rel, source, _ in file_claims(loaded.theme, content, loaded.sources, config)]
    for variant in plan_variants(content.articles + content.profiles, config):
        photo = variant.source.relative_to(config.source).as_posix()
        files.append((variant.rel, f"a resized copy of {photo}"))
    return files


def front_half(options: BuildOptions, jobs: int, timed: Timer = untimed, defer: bool = False) -> Plan:
    """Every stage before rendering, with no cache: load, read, plan (`defer`: see `read`)."""
    loaded = load(options, timed, defer=defer)
    return plan(loaded, read(loaded, jobs, timed, defer=defer), timed)
