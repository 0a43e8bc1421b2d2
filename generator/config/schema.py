"""site.toml described from the code that validates it.

The keys, their types and their defaults are read from `site.py` (`_SCALAR_KEYS`,
`_TABLE_KEYS`, `SiteConfig`, `Section`, `PathsConfig`) and the table records
(`RelatedConfig`, `SearchConfig`, `ImagesConfig`, `LinksConfig`); only each key's meaning and range are
written here. From them come the JSON Schema that editors use to check and complete
site.toml (docs/site.schema.json) and the reference tables of docs/configuration.md;
`scripts/config_reference.py` writes both, and the tests fail when either is stale or a key
lacks its meaning.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any

from generator.config.deploy import DeployConfig, LimitsConfig
from generator.config.images import ImagesConfig
from generator.config.links import BROKEN_CHOICES, LinksConfig
from generator.config.related import RelatedConfig
from generator.config.search import SearchConfig
from generator.config.site import _SCALAR_KEYS, _SECTION_KEY, _TABLE_KEYS, _THEME_NAME, PathsConfig, Section, SiteConfig
from generator.config.values import PERMALINK_FIELDS

# The records behind each table with fixed keys; [sections] has keys of the site's own.
TABLES: dict[str, type] = {"paths": PathsConfig, "related": RelatedConfig, "search": SearchConfig,
                           "images": ImagesConfig, "deploy": DeployConfig, "limits": LimitsConfig,
                           "links": LinksConfig}

# What each key means: one sentence, shown in editors and in docs/configuration.md.
MEANINGS: dict[str, str] = {
    "title": "The site's name, shown in the masthead, page titles and feeds.",
    "base_url": "The public address, ending in '/' (added when missing); a sub-path "
                "(https://user.github.io/arsip/) is kept in every link. `--base-url` overrides it.",
    "language": "Page language (`lang`), the locale of dates and the theme's texts: a language tag such as "
                "`id` or `en`.",
    "timezone": "IANA timezone of dates written without an offset, and of every date shown.",
    "description": "One sentence about the site: the home page's meta description.",
    "permalink": "Article addresses: starts and ends with '/', fields {section}, {year}, {month}, {day} "
                 "and {slug} (required).",
    "per_page": "Stories per page of a listing (section, tag, person, archive month).",
    "theme": "Theme name: `themes/NAME/` beside site.toml overrides the packaged theme file by file.",
    "home_latest": "Stories in the home page's \"latest\" block.",
    "home_per_section": "Stories in each section's block of the home page.",
    "feed_items": "Entries in feed.xml and in each section's feed.",
    "latest_items": "Stories in latest.json, which fills the \"Berita Terkini\" box in the browser.",
    "publisher": "The organisation named as publisher in structured data and the news sitemap; "
                 "empty means the title.",
    "sections": "The newsroom's desks, in menu order: `KEY = \"Title\"`, or a table `[sections.KEY]`. "
                "A key is lowercase letters, digits and hyphens and starts the address of its stories.",
    "sections.title": "The section's name in menus, headings and feeds (default: the key, capitalized).",
    "sections.description": "Shown on the section's page and in its meta description.",
    "paths": "The first URL segment of each kind of listing.",
    "paths.tags": "Tag pages: /tag/banjir/.",
    "paths.people": "Reporter and editor pages: /orang/rina-wulandari/.",
    "paths.archive": "The archive by year and month: /arsip/2024/05/.",
    "paths.search": "The search page: /cari/.",
    "related": "How related articles (\"Rekomendasi Artikel\") are chosen; see docs/related.md.",
    "related.count": "Length of each list, stories pinned by hand (`related:`) included.",
    "related.min_score": "Computed stories scoring below this are left out, so a list may be shorter.",
    "related.tags": "Weight of shared tags.",
    "related.text": "Weight of shared telling words of headline, summary and body.",
    "related.section": "Bonus for the same section.",
    "related.people": "Weight of shared reporters and editors.",
    "related.neighbours": "Weight of how well a candidate's words agree with the story's best first-round "
                          "candidates (one round of feedback).",
    "related.allow_newer": "May a story list stories published after it (true), or only older ones (false)?",
    "related.max_terms": "Telling words kept per story.",
    "related.candidates": "Stories each story is compared with, at most (lower is faster on huge archives).",
    "related.rescore": "Best candidates scored again exactly on every signal.",
    "related.language": "Whose stemmer reduces word forms (banjir, kebanjiran, dibanjiri); the site's `language` "
                        "unless set here.",
    "related.stem": "Compare words by their stems (false: as written).",
    "search": "The Pagefind search index; see docs/search.md.",
    "search.shard_threshold": "Most articles in one shard of older (sealed) years: they are packed oldest "
                              "first into shards of whole years up to this size.",
    "search.recent_shard": "Most articles in one shard of the newest year, cut into runs of days; a new "
                           "story re-indexes only the last one. An archive this small is one index.",
    "images": "The resized versions of every photo; see docs/images.md.",
    "images.widths": "Widths made, in pixels (16 to 10000); never wider than the photo itself.",
    "images.thumb_width": "Thumbnails (cards, related lists, latest.json) use the narrowest width at least "
                          "this wide.",
    "images.share_width": "Link previews (og:image) use the narrowest width at least this wide, or the "
                          "original photo when it is narrower.",
    "images.jpeg_quality": "JPEG quality, 1 to 100.",
    "images.webp_quality": "WebP quality, 1 to 100.",
    "images.sizes": "How wide the story photo is shown, for the browser's choice (the HTML `sizes` attribute).",
    "deploy": "Where `sitegen deploy` uploads the built site: an S3-compatible bucket (AWS S3, Cloudflare R2, "
              "MinIO, Google Cloud Storage); credentials never go here. See docs/deploy.md.",
    "deploy.bucket": "The bucket's name (required by `sitegen deploy`).",
    "deploy.endpoint": "The storage's S3 endpoint URL; empty for AWS S3 itself "
                       "(R2: https://ACCOUNT_ID.r2.cloudflarestorage.com).",
    "deploy.region": "The bucket's region; empty takes AWS_REGION or ~/.aws/config (R2: `auto`).",
    "deploy.prefix": "The folder of the bucket the site is uploaded into; empty for the bucket's root.",
    "deploy.max_deletes": "A deploy that would delete more files than this deletes none and says so "
                          "(`--max-deletes` overrides it).",
    "deploy.workers": "Uploads run in parallel.",
    "deploy.html_max_age": "Cache-Control max-age, in seconds, of pages, feeds, sitemaps and other files "
                           "whose content changes under the same name.",
    "deploy.asset_max_age": "Cache-Control max-age, in seconds, of original photos and other files that rarely "
                            "change (resized photos and search shards, named by their content, are cached for a "
                            "year).",
    "limits": "The host's size limits, checked by `sitegen check` and `build` (GitHub Pages' by default).",
    "limits.site_mb": "A site larger than this many MiB builds with a warning that points to `sitegen deploy`.",
    "limits.file_mb": "A file larger than this many MiB fails the build.",
    "links": "Internal links, checked by every build and by `sitegen check`.",
    "links.broken": "A link to no page or file of the site, or to an id its page lacks: \"error\" fails the "
                    "build, \"warn\" prints a warning. `--broken-links` overrides it.",
}

_AT_LEAST_1 = {"minimum": 1}
_NOT_NEGATIVE = {"minimum": 0}
_QUALITY = {"minimum": 1, "maximum": 100}
_URL_SEGMENT = {"pattern": _SECTION_KEY.pattern}
_PERMALINK_PART = "(?:[^{}]|\\{(?:" + "|".join(PERMALINK_FIELDS) + ")\\})*"
# What the validator accepts of each key beyond its type (site.py and the records' problems()).
LIMITS: dict[str, dict[str, Any]] = {
    "base_url": {"pattern": "^https?://[^/?#\\s]+[^?#\\s]*$"},
    "permalink": {"pattern": f"^/{_PERMALINK_PART}\\{{slug\\}}{_PERMALINK_PART}/$"},
    "theme": {"pattern": _THEME_NAME.pattern},
    "per_page": _AT_LEAST_1, "home_latest": _AT_LEAST_1, "home_per_section": _AT_LEAST_1,
    "feed_items": _AT_LEAST_1, "latest_items": _AT_LEAST_1,
    "paths.tags": _URL_SEGMENT, "paths.people": _URL_SEGMENT, "paths.archive": _URL_SEGMENT,
    "paths.search": _URL_SEGMENT,
    "related.count": _AT_LEAST_1, "related.max_terms": _AT_LEAST_1, "related.candidates": _AT_LEAST_1,
    "related.rescore": _AT_LEAST_1, "related.min_score": _NOT_NEGATIVE, "related.tags": _NOT_NEGATIVE,
    "related.text": _NOT_NEGATIVE, "related.section": _NOT_NEGATIVE, "related.people": _NOT_NEGATIVE,
    "related.neighbours": _NOT_NEGATIVE,
    "related.language": {"pattern": "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$"},
    "search.shard_threshold": _AT_LEAST_1, "search.recent_shard": _AT_LEAST_1,
    "images.widths": {"minItems": 1, "items": {"type": "integer", "minimum": 16, "maximum": 10000}},
    "images.thumb_width": _AT_LEAST_1, "images.share_width": _AT_LEAST_1,
    "images.jpeg_quality": _QUALITY, "images.webp_quality": _QUALITY,
    "images.sizes": {"pattern": "\\S"},
    "deploy.max_deletes": _NOT_NEGATIVE, "deploy.workers": _AT_LEAST_1, "deploy.html_max_age": _NOT_NEGATIVE,
    "deploy.asset_max_age": _NOT_NEGATIVE, "deploy.endpoint": {"pattern": "^(https?://.+)?$"},
    "deploy.bucket": {"pattern": "^[^/]*$"},
    "limits.site_mb": _AT_LEAST_1, "limits.file_mb": _AT_LEAST_1,
    "links.broken": {"enum": list(BROKEN_CHOICES)},
}

_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", tuple: "array"}
_TYPE_NAMES = {str: "string", int: "whole number", float: "number", bool: "true/false",
               tuple: "list of whole numbers"}


@dataclasses.dataclass(frozen=True)
class Key:
    """One key of site.toml, as the validator reads it."""

    name: str  # "per_page", "related.count", "sections.title"
    kind: type  # str, int, float, bool or tuple (an array of whole numbers)
    default: Any  # dataclasses.MISSING when the key is required

    @property
    def required(self) -> bool:
        return self.default is dataclasses.MISSING


def scalar_keys() -> list[Key]:
    """The top-level keys with a plain value, in the validator's order."""
    defaults = {f.name: f.default for f in dataclasses.fields(SiteConfig)}
    return [Key(name, kind, defaults[name]) for name, kind in _SCALAR_KEYS.items()]


def table_keys(table: str) -> list[Key]:
    """The keys of a table: [sections.KEY] or one of TABLES."""
    if table == "sections":
        return [Key(f"sections.{f.name}", str, f.default) for f in dataclasses.fields(Section) if f.name != "key"]
    defaults = TABLES[table]()
    return [Key(f"{table}.{f.name}", type(getattr(defaults, f.name)), getattr(defaults, f.name))
            for f in dataclasses.fields(TABLES[table])]


def all_keys() -> list[Key]:
    """Every key the validator accepts, tables' keys after the top-level ones."""
    return scalar_keys() + [key for table in _TABLE_KEYS for key in table_keys(table)]


def toml_value(value: Any) -> str:
    """A default as it is written in site.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _property(key: Key) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": _JSON_TYPES[key.kind], "description": MEANINGS[key.name]}
    if key.kind is tuple:
        prop["items"] = {"type": "integer"}
    if not key.required:
        prop["default"] = list(key.default) if isinstance(key.default, tuple) else key.default
    prop.update(LIMITS.get(key.name, {}))
    return prop


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07, as Taplo and other TOML editors read it) of site.toml."""
    section_fields = {key.name.split(".", 1)[1]: _property(key) for key in table_keys("sections")}
    properties: dict[str, Any] = {key.name: _property(key) for key in scalar_keys()}
    properties["sections"] = {
        "type": "object", "description": MEANINGS["sections"],
        "propertyNames": {"pattern": _SECTION_KEY.pattern},
        "additionalProperties": {"oneOf": [
            {"type": "string", "description": MEANINGS["sections.title"]},
            {"type": "object", "properties": section_fields, "additionalProperties": False}]}}
    for table in TABLES:
        properties[table] = {"type": "object", "description": MEANINGS[table],
                             "properties": {key.name.split(".", 1)[1]: _property(key) for key in table_keys(table)},
                             "additionalProperties": False}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://sitegen-news.invalid/site.schema.json",
        "title": "site.toml of a sitegen news site",
        "description": "Generated from generator/config/ by scripts/config_reference.py; "
                       "the reference is docs/configuration.md.",
        "type": "object",
        "required": [key.name for key in scalar_keys() if key.required],
        "properties": {name: properties[name] for name in list(_SCALAR_KEYS) + list(_TABLE_KEYS)},
        "additionalProperties": False,
    }


def schema_text() -> str:
    """docs/site.schema.json, as written."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _row(key: Key, short: str) -> str:
    default = "(required)" if key.required else f"`{toml_value(key.default)}`"
    if key.name == "publisher":
        default += " (the title)"
    if key.name == "sections.title":
        default = "the key, capitalized"
    meaning = _linked(MEANINGS[key.name]).replace("|", "\\|")
    return f"| `{short}` | {_TYPE_NAMES[key.kind]} | {default} | {meaning} |"


def _linked(text: str) -> str:
    """"docs/related.md" as a link from docs/configuration.md."""
    return re.sub(r"docs/([a-z]+\.md)", r"[\1](\1)", text)


def reference_markdown() -> str:
    """The reference tables of docs/configuration.md: every key, its type, default and meaning."""
    header = ["| key | type | default | meaning |", "|---|---|---|---|"]
    out = ["## Top-level keys", "", *header, *(_row(key, key.name) for key in scalar_keys()), ""]
    for table in _TABLE_KEYS:
        heading = "[sections.KEY]" if table == "sections" else f"[{table}]"
        out += [f"## `{heading}`", "", _linked(MEANINGS[table]), "", *header,
                *(_row(key, key.name.split(".", 1)[1]) for key in table_keys(table)), ""]
    return "\n".join(out)
