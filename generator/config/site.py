"""Load and validate site.toml into a frozen SiteConfig."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from generator.config.deploy import DeployConfig, LimitsConfig
from generator.config.images import ImagesConfig
from generator.config.options import BuildOptions
from generator.config.related import RelatedConfig
from generator.config.links import LinksConfig
from generator.config.search import SearchConfig
from generator.config.values import (
    CONFIG_NAME,
    check_permalink,
    find_key_line,
    is_type,
    normalize_base_url,
    toml_diagnostic,
    type_name,
    validate_table,
    value_kind,
)
from generator.errors import BuildError, Diagnostic, line_of, suggest, wide_encoding_diagnostic

CACHE_DIR = ".sitegen"  # the build cache, beside site.toml


@dataclass(frozen=True)
class Section:
    """A desk of the newsroom, declared in site.toml `[sections]`."""

    key: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class PathsConfig:
    """The `[paths]` table: the first URL segment of each kind of listing."""

    tags: str = "tag"
    people: str = "orang"
    archive: str = "arsip"
    search: str = "cari"


@dataclass(frozen=True)
class SiteConfig:
    """The validated site configuration."""

    source: Path
    title: str
    base_url: str  # always ends with "/"
    language: str = "id"
    timezone: str = "Asia/Jakarta"
    description: str = ""
    permalink: str = "/{section}/{year}/{month}/{slug}/"
    per_page: int = 10
    theme: str = "default"
    home_latest: int = 9
    home_per_section: int = 4
    feed_items: int = 20
    latest_items: int = 8
    publisher: str = ""  # the organisation in structured data; defaults to the title
    sections: tuple[Section, ...] = ()
    related: RelatedConfig = field(default_factory=RelatedConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    images: ImagesConfig = field(default_factory=ImagesConfig)
    deploy: DeployConfig = field(default_factory=DeployConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    links: LinksConfig = field(default_factory=LinksConfig)

    def portable(self) -> "SiteConfig":
        """These settings without the site folder's path: what a build's digests depend on.

        A CI runner may check the site out at another path on every run (GitLab's builds
        folder names the runner); the cache it restores must still match.
        """
        return dataclasses.replace(self, source=Path("."))

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. "/" or "/arsip/"."""
        return urlsplit(self.base_url).path or "/"

    @property
    def tz(self) -> ZoneInfo:
        """The site's timezone, for dates written without an offset."""
        return ZoneInfo(self.timezone)

    def section(self, key: str) -> Section:
        """Return the declared section `key`, or a bare one named after the key."""
        for section in self.sections:
            if section.key == key:
                return section
        return Section(key=key, title=key.replace("-", " ").title())


# Keys whose value is a plain scalar; the type of the default is the type required.
_SCALAR_KEYS = {
    "title": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "description": str,
    "permalink": str,
    "per_page": int,
    "theme": str,
    "home_latest": int,
    "home_per_section": int,
    "feed_items": int,
    "latest_items": int,
    "publisher": str,
}
_TABLE_KEYS = ("sections", "related", "paths", "search", "images", "deploy", "limits", "links")
_MAY_BE_EMPTY = ("description", "publisher")  # text keys whose empty value means "none"
_SECTION_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_THEME_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
# First URL segments of folders the build fills itself; no section or listing may take one.
_URL_KEYS = {"base_url", "permalink", "timezone", "theme", "title"}  # title: a placeholder stands in
RESERVED_SEGMENTS = {"static": "the theme's files", "pagefind": "the search index"}
_PATH_LISTINGS = {"tags": "the tag index", "people": "the people index", "archive": "the archive",
                  "search": "the search page"}


def load_config(options: BuildOptions) -> SiteConfig:
    """Read `site.toml` from the source folder and validate every key."""
    path = options.source / CONFIG_NAME
    shown = CONFIG_NAME
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise BuildError([Diagnostic(shown, f"no {CONFIG_NAME} in {options.source}",
                                     hint="run sitegen in a site folder or pass --source DIR")]) from None
    except OSError as exc:
        raise BuildError([Diagnostic(shown, f"cannot read {CONFIG_NAME}: {exc.strerror or exc}")]) from None
    wide = wide_encoding_diagnostic(shown, raw_bytes)  # UTF-16 without a BOM can even decode as UTF-8
    if wide is not None:
        raise BuildError([wide])
    try:
        text = raw_bytes.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")  # as read_text reads it
    except UnicodeDecodeError as exc:
        line = raw_bytes.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw_bytes.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BuildError([Diagnostic(shown, f"not UTF-8 text (byte 0x{raw_bytes[exc.start]:02x})", line=line,
                                     column=column, hint="save the file as UTF-8")]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BuildError([toml_diagnostic(shown, text, exc)]) from None
    return validate_config(raw, text, options)


def validate_config(raw: Mapping[str, Any], text: str, options: BuildOptions) -> SiteConfig:
    """Turn a parsed TOML mapping into a SiteConfig, collecting every problem."""
    diags: list[Diagnostic] = []
    values: dict[str, Any] = {}
    bad: set[str] = set()  # keys whose value is wrong: left to their defaults in the fallback

    def problem(message: str, key: str, table: str | None = None, hint: str | None = None) -> None:
        bad.add(key)
        line = find_key_line(text, key, table)
        diags.append(Diagnostic(CONFIG_NAME, message, line=line, hint=hint,
                                source_line=line_of(text, line)))

    known = list(_SCALAR_KEYS) + list(_TABLE_KEYS)
    for key, value in raw.items():
        if key in _SCALAR_KEYS:
            expected = _SCALAR_KEYS[key]
            if not is_type(value, expected):
                problem(f"'{key}' must be {type_name(expected)}, not {value_kind(value)}", key)
            elif expected is str and not value.strip() and key not in _MAY_BE_EMPTY:
                problem(f"'{key}' is {'empty' if not value else 'blank: it holds only white space'}", key,
                        hint=f"write the {key} between the quotes" if key in ("title", "base_url") else
                        f"write the {key} between the quotes, or delete the line for the default")
            else:
                values[key] = value
        elif key not in _TABLE_KEYS:
            problem(f"unknown key '{key}'", key, hint=suggest(key, known))

    if options.base_url is not None:
        values["base_url"] = options.base_url
    for required in ("title", "base_url"):
        if required not in values and not any(d.message.startswith(f"'{required}'") for d in diags):
            diags.append(Diagnostic(CONFIG_NAME, f"missing required key '{required}'", line=1))

    if "base_url" in values:
        base_url, error = normalize_base_url(values["base_url"])
        if error:
            problem(error, "base_url")
        values["base_url"] = base_url
    if "language" in values:
        try:
            Locale.parse(values["language"].replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            problem(f"unknown language '{values['language']}'", "language",
                    hint="use a language tag such as 'id' or 'en'")
    if "theme" in values and not _THEME_NAME.match(values["theme"]):
        problem(f"theme '{values['theme']}' is not a folder name", "theme",
                hint="a site's theme lives in themes/NAME/: letters, digits, '.', '_' and '-'")
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problem(f"unknown timezone '{values['timezone']}'", "timezone",
                    hint="use an IANA name such as 'Asia/Jakarta'")
    if "permalink" in values:
        error = check_permalink(values["permalink"])
        if error:
            problem(error, "permalink")
    for key in ("per_page", "home_latest", "home_per_section", "feed_items", "latest_items"):
        if key in values and values[key] < 1:
            problem(f"'{key}' must be at least 1", key)

    before_urls = len(diags)  # problems of [sections] and [paths] change the site's addresses
    sections = _validate_sections(raw.get("sections", {}), text, diags)
    related = validate_table(RelatedConfig, raw.get("related", {}), "related", text, diags)
    related_table = raw.get("related", {})
    if isinstance(related_table, dict) and "language" not in related_table and isinstance(values.get("language"), str):
        # Words are stemmed in the site's language unless [related] names another.
        related = dataclasses.replace(related, language=values["language"].replace("_", "-").split("-")[0].lower())
    for key, message in related.problems():
        line = find_key_line(text, key, "related")
        diags.append(Diagnostic(CONFIG_NAME, message, line=line, source_line=line_of(text, line)))
    paths = validate_table(PathsConfig, raw.get("paths", {}), "paths", text, diags)
    for key in ("tags", "people", "archive", "search"):
        value = getattr(paths, key)
        if not _SECTION_KEY.match(value):
            line = find_key_line(text, key, "paths")
            wrong = f"[paths] {key} is empty" if not value.strip() else f"[paths] {key} '{value}' is not URL-safe"
            diags.append(Diagnostic(CONFIG_NAME, wrong, line=line, source_line=line_of(text, line),
                                    hint="use lowercase letters, digits and hyphens"))
    diags.extend(_url_conflicts(sections, paths, text))
    urls_sure = len(diags) == before_urls and not bad & _URL_KEYS
    search = validate_table(SearchConfig, raw.get("search", {}), "search", text, diags)
    for key, message in search.problems():
        line = find_key_line(text, key, "search")
        diags.append(Diagnostic(CONFIG_NAME, message, line=line, source_line=line_of(text, line)))
    tables = {name: validate_table(cls, raw.get(name, {}), name, text, diags)
              for name, cls in (("images", ImagesConfig), ("deploy", DeployConfig), ("limits", LimitsConfig),
                                ("links", LinksConfig))}
    for name, table in tables.items():
        for key, message in table.problems():
            line = find_key_line(text, key, name)
            diags.append(Diagnostic(CONFIG_NAME, message, line=line, source_line=line_of(text, line)))
    if diags:
        # The content is still read with what is right (and the defaults for what is not),
        # so that one run reports the content's errors too (generator/pipeline.py).
        kept = {key: value for key, value in values.items() if key not in bad}
        kept.setdefault("title", "site.toml")
        kept.setdefault("base_url", "https://example.invalid/")
        known_keys = raw.get("sections") if isinstance(raw.get("sections"), dict) else {}
        declared = {section.key for section in sections}
        sections += tuple(Section(key=key, title=key.title()) for key in known_keys
                          if isinstance(key, str) and _SECTION_KEY.match(key) and key not in declared)
        raise ConfigError(diags, SiteConfig(source=options.source, sections=sections, related=RelatedConfig(),
                                            paths=PathsConfig(), **kept), urls_sure)
    return SiteConfig(source=options.source, sections=sections, related=related, paths=paths, search=search,
                      **tables, **values)


class ConfigError(BuildError):
    """site.toml has errors; `fallback` is the configuration with every wrong value left to
    its default, good enough to read the content with and report its errors too."""

    def __init__(self, diagnostics: Sequence[Diagnostic], fallback: SiteConfig | None = None,
                 urls_sure: bool = False):
        super().__init__(diagnostics)
        self.fallback = fallback
        # No wrong key changes an address (base_url, permalink, timezone, theme, [sections],
        # [paths]): the fallback's pages and links are the site's, and can be checked too.
        self.urls_sure = urls_sure

    def __reduce__(self) -> tuple[Any, ...]:
        return (ConfigError, (self.diagnostics, self.fallback, self.urls_sure))


def _url_conflicts(sections: tuple[Section, ...], paths: PathsConfig, text: str) -> list[Diagnostic]:
    """Sections and the [paths] listings share the first segment of URLs: no two may claim one,
    nor a folder the build fills itself. Reported where the clash was written."""
    diags = []
    claims: dict[str, tuple[str, int | None]] = {}  # segment -> (who, line)
    wanted = [(s.key, f"section '{s.key}'", find_key_line(text, s.key, "sections")) for s in sections]
    wanted += [(getattr(paths, key), f"[paths] {key} ({what})", find_key_line(text, key, "paths"))
               for key, what in _PATH_LISTINGS.items()]
    for segment, who, line in wanted:
        if segment in RESERVED_SEGMENTS:
            diags.append(Diagnostic(CONFIG_NAME, f"{who} would be /{segment}/, where sitegen writes "
                                                 f"{RESERVED_SEGMENTS[segment]}", line=line,
                                    source_line=line_of(text, line), hint="choose another name"))
        elif segment in claims:
            other, other_line = claims[segment]
            at = line if line is not None or other_line is None else other_line
            diags.append(Diagnostic(CONFIG_NAME, f"{who} and {other} would both be /{segment}/", line=at,
                                    source_line=line_of(text, at), hint="give one of them another name"))
        else:
            claims[segment] = (who, line)
    return diags


def _validate_sections(raw: Any, text: str, diags: list[Diagnostic]) -> tuple[Section, ...]:
    if not isinstance(raw, dict):
        line = find_key_line(text, "sections")
        diags.append(Diagnostic(CONFIG_NAME, f"[sections] must be a table, not {value_kind(raw)}", line=line))
        return ()
    sections = []
    for key, value in raw.items():
        line = find_key_line(text, key, "sections")
        if not _SECTION_KEY.match(key):
            diags.append(Diagnostic(CONFIG_NAME, f"section key '{key}' is not URL-safe", line=line,
                                    hint="use lowercase letters, digits and hyphens"))
            continue
        if isinstance(value, str):
            if not value.strip():
                diags.append(Diagnostic(CONFIG_NAME, f"section '{key}': the title is empty", line=line,
                                        source_line=line_of(text, line), hint=f"write it: {key} = \"{key.title()}\""))
                continue
            sections.append(Section(key=key, title=value))
        elif isinstance(value, dict):
            unknown = [k for k in value if k not in ("title", "description")]
            for k in unknown:
                diags.append(Diagnostic(CONFIG_NAME, f"unknown key '{k}' in section '{key}'",
                                        line=find_key_line(text, k, f"sections.{key}") or line,
                                        hint=suggest(k, ("title", "description"))))
            title = value.get("title", key.title())
            description = value.get("description", "")
            wrong = [(k, v) for k, v in (("title", title), ("description", description)) if not isinstance(v, str)]
            for k, v in wrong:
                diags.append(Diagnostic(CONFIG_NAME, f"section '{key}': {k} must be a string, not {value_kind(v)}",
                                        line=find_key_line(text, k, f"sections.{key}") or line))
            if not wrong and not title.strip():
                diags.append(Diagnostic(CONFIG_NAME, f"section '{key}': the title is empty",
                                        line=find_key_line(text, "title", f"sections.{key}") or line,
                                        hint="write the title, or delete the line for one made from the key"))
                continue
            if wrong:
                continue
            sections.append(Section(key=key, title=title, description=description))
        else:
            diags.append(Diagnostic(CONFIG_NAME, f"section '{key}' must be a title string or a table, "
                                                 f"not {value_kind(value)}", line=line))
    return tuple(sections)
