"""Checks of single values of site.toml: types, URLs, permalink patterns, and where a key is written."""

from __future__ import annotations

import dataclasses
import datetime
import math
import re
import string
import tomllib
from typing import Any
from urllib.parse import urlsplit

from generator.errors import Diagnostic, line_of, suggest

CONFIG_NAME = "site.toml"
PERMALINK_FIELDS = ("section", "year", "month", "day", "slug")


def normalize_base_url(url: str) -> tuple[str, str | None]:
    """Return the base URL ending in "/" and an error message when it is unusable."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url, f"base_url must be an absolute http(s) URL, not '{url}'"
    if parts.query or parts.fragment:
        return url, "base_url must not have a query or fragment"
    if any(c.isspace() or c in '"<>\\^`{|}' for c in url):
        return url, f"base_url must not contain spaces, quotes or any of < > \\ ^ ` {{ | }}: '{url}'"
    if parts.username is not None or parts.password is not None:
        return url, "base_url must not contain a user name or password"
    try:
        parts.port
    except ValueError:
        return url, f"base_url has an invalid port: '{url}'"
    return url if url.endswith("/") else url + "/", None


def check_permalink(pattern: str) -> str | None:
    """Return why a permalink pattern is unusable, or None."""
    if not (pattern.startswith("/") and pattern.endswith("/")):
        return "permalink must start and end with '/'"
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        return f"permalink has an unmatched brace: {exc}"
    if any(part in (".", "..") for part in pattern.split("/")):
        return "permalink must not contain '.' or '..' segments"
    names = re.findall(r"\{([^{}]*)\}", pattern)
    for name in names:
        if name not in PERMALINK_FIELDS:
            hint = suggest(name, PERMALINK_FIELDS)
            return f"unknown permalink field '{{{name}}}'" + (f" ({hint})" if hint else "")
    if "slug" not in names or "slug" not in fields:
        return "permalink must contain {slug} so every article gets its own URL"
    return None


def find_key_line(text: str, key: str, table: str | None = None) -> int | None:
    """Find the 1-based line where `key` is assigned, inside `[table]` when given."""
    current: str | None = None
    pattern = re.compile(r"^\s*(?:\"?)" + re.escape(key) + r"(?:\"?)\s*=")
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
    for number, line in enumerate(text.splitlines(), 1):
        match = header.match(line)
        if match:
            current = match.group(1)
            if table is None and current == key:
                return number
            if table is not None and current == f"{table}.{key}":
                return number
            continue
        if pattern.match(line) and (current == table or (table is None and current is None)):
            return number
    return None


def validate_table(cls: type, raw: Any, name: str, text: str, diags: list[Diagnostic]) -> Any:
    """Validate a sub-table against a frozen dataclass whose defaults give the types."""
    if not isinstance(raw, dict):
        diags.append(Diagnostic(CONFIG_NAME, f"[{name}] must be a table, not {value_kind(raw)}",
                                line=find_key_line(text, name)))
        return cls()
    fields = {f.name: f for f in dataclasses.fields(cls)}
    defaults = cls()
    values = {}
    for key, value in raw.items():
        line = find_key_line(text, key, name)
        if key not in fields:
            diags.append(Diagnostic(CONFIG_NAME, f"unknown key '{key}' in [{name}]", line=line,
                                    hint=suggest(key, fields), source_line=line_of(text, line)))
            continue
        expected = type(getattr(defaults, key))
        if not is_type(value, expected):
            bad = next((i for i, item in enumerate(value) if not is_type(item, int)), None) \
                if expected is tuple and isinstance(value, list) else None
            wrong = (f"[{name}] {key} item {bad + 1} must be a whole number, not {value_kind(value[bad])}"
                     if bad is not None else
                     f"[{name}] {key} must be {type_name(expected)}, not {value_kind(value)}")
            diags.append(Diagnostic(CONFIG_NAME, wrong, line=line, source_line=line_of(text, line)))
            continue
        values[key] = float(value) if expected is float else tuple(value) if expected is tuple else value
    return dataclasses.replace(defaults, **values)


def is_type(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is tuple:  # a TOML array of whole numbers, e.g. [images] widths
        return isinstance(value, list) and all(is_type(item, int) for item in value)
    return isinstance(value, expected)


def type_name(kind: type) -> str:
    """What a key requires, in words."""
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
            dict: "a table", list: "a list", tuple: "a list of whole numbers"}.get(kind, kind.__name__)


def value_kind(value: Any) -> str:
    """What a TOML value is, in words precise enough to say what is wrong with it: a whole
    number is not a decimal one, and an empty string is not just a string."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number" if math.isfinite(value) else "nan" if math.isnan(value) else "infinity"
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string" if not value else "a blank string"
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time"
    return {dict: "a table", list: "a list"}.get(type(value), type(value).__name__)


def toml_diagnostic(path: str, text: str, exc: tomllib.TOMLDecodeError) -> Diagnostic:
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
    if match:
        line, col = int(match.group(1)), int(match.group(2))
        return Diagnostic(path, f"invalid TOML: {message}", line=line, column=col,
                          source_line=line_of(text, line))
    return Diagnostic(path, f"invalid TOML: {message}")
