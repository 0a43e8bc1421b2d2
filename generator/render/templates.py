"""The theme: Jinja templates, static files and UI strings, with errors as diagnostics."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2
from babel.dates import format_date as format_babel_date
from markupsafe import Markup

from generator.config.site import SiteConfig
from generator.content.markdown import with_dateline
from generator.dates import format_date, iso
from generator.errors import BuildError, Diagnostic, line_of
from generator.images.markup import template_helpers
from generator.render.compact import Closed, closed
from generator.render.environment import SiteEnvironment
from generator.render.theme import Theme, load_theme

CACHE_SIZE = 50_000


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in a dict between builds of one process (sitegen serve).

    Jinja checks each entry against a checksum of the template's source, so an edited
    template is compiled again.
    """

    def __init__(self, store: dict[str, bytes]):
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill `bucket` from the store, if it holds this template."""
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep the compiled template."""
        self.store[bucket.key] = bucket.bytecode_to_string()


def make_environment(theme: Theme, config: SiteConfig, links: Any = None,
                     compiled: dict[str, bytes] | None = None) -> jinja2.Environment:
    """A Jinja environment with autoescape, strict undefined and the site helpers.

    `compiled` keeps compiled templates for the next environment of the same process.
    """
    env = SiteEnvironment(
        bytecode_cache=MemoryBytecodeCache(compiled) if compiled is not None else None,
        loader=jinja2.FileSystemLoader([str(p) for p in theme.templates]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One environment serves one build; checking every template's mtime on each
        # render would cost three stat calls per page.
        auto_reload=False,
    )
    # `tojson` (the JSON-LD of article pages) without the blanks after ',' and ':'.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    strings = theme.strings
    base_path = config.base_path

    def translate(key: str, **values: Any) -> str:
        if key not in strings:
            raise KeyError(f"no UI string '{key}' in the theme's i18n files")
        return strings[key].format(**values) if values else strings[key]

    # Each article's date and card appear on many listing pages; format (dates.py keeps
    # each date's text) and render once.
    long_format = strings.get("date_format", "EEEE, d MMMM y HH:mm zzz")
    short_format = strings.get("short_date_format", "d MMM y")

    def long_date(when: datetime) -> str:
        text = format_date(when, long_format, config.language, config.timezone)
        head, space, tail = text.rpartition(" ")  # "17.00 WIB": the zone never alone on a line
        return head + "\u00a0" + tail if space else text

    # What a page shows of the cached parts below, in order, for compact_page (renderer.py).
    shown: list[Closed] = env.fragments_shown

    def cached(cache: dict[Any, tuple[Markup, Closed | None]], key: Any, make: Callable[[], Any]) -> Markup:
        entry = cache.get(key)
        if entry is None:
            if len(cache) >= CACHE_SIZE:
                cache.clear()
            html = Markup(make())
            entry = cache[key] = (html, closed(html))
        if entry[1] is not None:
            shown.append(entry[1])
        return entry[0]

    card_cache: dict[Any, tuple[Markup, Closed | None]] = {}

    def render_card(article: Any, heading: str = "h3", show_summary: bool = True, kind: str = "grid",
                    eager: bool = False) -> Markup:
        return cached(card_cache, (article.source, heading, show_summary, kind, eager),
                      lambda: env.get_template("partials/card.html").render(
                          a=article, heading=heading, show_summary=show_summary, kind=kind, eager=eager))

    fragments: dict[Any, tuple[Markup, Closed | None]] = {}

    def fragment(name: str, make: Callable[..., Any], *args: Any) -> Markup:
        # A part of many pages (the masthead, the footer), `make(*args)`, rendered once per
        # worker for each `args`: they must name all it shows that differs between pages of
        # one build (its strings, URLs, sections and config do not).
        return cached(fragments, (name, *args), lambda: make(*args))

    @lru_cache(maxsize=CACHE_SIZE)
    def month_label(year: int, month: int) -> str:
        return format_babel_date(date(year, month, 1), strings.get("month_format", "LLLL y"),
                                 locale=config.language.replace("-", "_"))

    def short_date(when: datetime) -> str:
        return format_date(when, short_format, config.language, config.timezone)

    prefix = base_path.rstrip("/")

    def site_url(path: str) -> str:  # urls.link, called ~30 times a page: the prefix made once
        return path if "://" in path or path.startswith("//") else prefix + path

    env.globals.update(
        site=config,
        links=links,
        t=translate,
        url=site_url,
        render_card=render_card,
        fragment=fragment,
        abs_url=lambda path: config.base_url.rstrip("/") + path if path.startswith("/") else path,
        month_label=month_label,
        **template_helpers(config),  # picture(image, ...), share_image(image), thumb_image(image)
    )
    env.filters.update(long_date=long_date, short_date=short_date, iso=iso, with_dateline=with_dateline)
    return env


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render a template; any template problem becomes a diagnostic naming the template line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError([Diagnostic(_template_path(exc.filename, exc.name), f"template syntax error: {exc.message}",
                                     line=exc.lineno, source_line=line_of(exc.source or "", exc.lineno))]) from None
    except jinja2.TemplateNotFound as exc:
        where, line = _template_frame(exc)  # the {% include %} or {% extends %} that names it
        raise BuildError([Diagnostic(where or f"templates/{name}", f"template not found: {exc.name}",
                                     line=line if where else None,
                                     source_line=_read_line(where, line) if where else None,
                                     hint="the theme folders searched: " + ", ".join(
                                         str(p) for p in env.loader.searchpath))]) from None  # type: ignore[union-attr]
    except Exception as exc:  # noqa: BLE001 - any runtime error inside a template
        path, line = _template_frame(exc)
        if path is None:
            raise
        raise BuildError([Diagnostic(path, f"template error: {exc.__class__.__name__}: {exc}", line=line,
                                     source_line=_read_line(path, line))]) from None


def _template_path(filename: str | None, name: str | None) -> str:
    return filename or f"templates/{name}"


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """Find the innermost template file and line in a traceback (Jinja rewrites frames)."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".json", ".j2")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _read_line(path: str, line: int | None) -> str | None:
    try:
        return line_of(Path(path).read_text(encoding="utf-8"), line)
    except OSError:
        return None


__all__ = ["Theme", "load_theme", "make_environment", "render_template"]
