"""Check front matter values one key at a time, with messages that say what is wrong and where."""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable
from urllib.parse import unquote

from generator.config.site import SiteConfig
from generator.content.frontmatter import FrontMatter
from generator.content.markdown import image_refs
from generator.content.model import Image
from generator.content.photos import ImageProblem, probe
from generator.content.slugs import MAX_SLUG_LENGTH, is_url_safe, slugify
from generator.errors import Diagnostic, line_of, raise_if_errors, suggest

IMAGE_KEYS = ("src", "alt", "caption", "credit")

_TYPE_NAMES = {str: "text", int: "a whole number", float: "a decimal number", bool: "true/false",
               list: "a list", dict: "a mapping", type(None): "empty"}


def _kind(value: Any) -> str:
    """What a YAML value is, in words precise enough to say what is wrong with it."""
    if isinstance(value, (datetime, date)):
        return "a date"
    if isinstance(value, float) and not math.isfinite(value):
        return "not a number (.nan)" if math.isnan(value) else "infinity"
    if isinstance(value, str) and not value.strip():
        return "empty text" if not value else "blank text"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class FieldChecker:
    """Collects every problem in one file's front matter before raising."""

    def __init__(self, rel: str, text: str, fm: FrontMatter):
        self.rel, self.text, self.fm = rel, text, fm
        self.diags: list[Diagnostic] = []

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        line = self.fm.lines.get(key) or self.fm.lines.get(key.split(".")[0]) or 1
        self.diags.append(Diagnostic(self.rel, message, line=line, hint=hint,
                                     source_line=line_of(self.text, line)))

    def done(self) -> None:
        raise_if_errors(self.diags)

    def unknown_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.fm.data:
            if key not in allowed:
                hint = suggest(key, allowed)
                odd = next((c for c in key if c.isspace() and c != " "), None)
                if odd is not None:
                    hint = (f"the key contains U+{ord(odd):04X} {unicodedata.name(odd, '')}, an invisible "
                            "space: indent with plain spaces")
                self.error(key, f"unknown key '{key}'",
                           hint=hint or "put theme-specific data under 'extra:'")

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.fm.data:
            if required:
                self.diags.append(Diagnostic(self.rel, f"missing required key '{key}'", line=2,
                                             hint=f"add a line '{key}: ...' to the front matter"))
            return None
        if self.fm.data[key] is None:  # `key:` with nothing after it
            if required:
                self.error(key, f"'{key}' is empty", hint=f"write the {key} after '{key}:'")
            return None
        return self.fm.data[key]

    def string(self, key: str, required: bool = False) -> str:
        value = self._get(key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            # Quote what was written ("yes", ".inf"), not Python's reading of it (True, inf).
            written = (line_of(self.text, self.fm.lines.get(key)) or "").partition(":")[2].strip()
            scalar = isinstance(value, (int, float, bool)) and written and len(written) <= 80
            self.error(key, f"'{key}' must be text, not {_kind(value)}",
                       hint=f"put the value in quotes: {key}: \"{written}\"" if scalar else None)
            return ""
        if required and not value.strip():
            self.error(key, f"'{key}' is empty" if not value else f"'{key}' is blank: it holds only white space",
                       hint=f"write the {key} after '{key}:'")
        return value.strip()

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not {_kind(value)}")
            return False
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self._get(key, False)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping, not {_kind(value)}")
            return {}
        return value

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(key, f"'{key}' must be a list, not {_kind(value)}", hint=f"write {key}: [a, b]")
            return ()
        items = []
        for index, item in enumerate(value):
            if item is None or item == "":
                self.error(f"{key}.{index}", f"'{key}' item {index + 1} is empty",
                           hint=f"delete the empty item, or write text in it: {key}: [a, b]")
            elif isinstance(item, str) and not item.strip():
                self.error(f"{key}.{index}", f"'{key}' item {index + 1} is blank: it holds only white space",
                           hint=f"delete the blank item, or write text in it: {key}: [a, b]")
            elif not isinstance(item, str):
                self.error(f"{key}.{index}", f"'{key}' item {index + 1} must be text, not {_kind(item)}",
                           hint="put it in quotes to make it text" if isinstance(item, (int, float, bool)) else None)
            else:
                items.append(item.strip())
        return tuple(items)

    def names(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        return self.string_list(key)

    def datetime(self, key: str, config: SiteConfig, required: bool = False) -> datetime | None:
        value = self._get(key, required)
        if value is None:
            return None
        return parse_datetime_value(value, config, lambda msg, hint=None: self.error(key, msg, hint))

    def slug(self, default: str) -> str:
        value = self.string("slug") or default
        if ".." in value or "/" in value or "\\" in value:
            self.error("slug", f"slug '{value}' tries to leave the output folder",
                       hint=f"use a plain slug such as '{slugify(value)}'")
        elif not is_url_safe(value):
            where = "slug" if "slug" in self.fm.data else "file name"
            self.error("slug", f"{where} '{value}' is not URL-safe",
                       hint=f"use lowercase letters, digits and hyphens, e.g. '{slugify(value)}'")
        elif len(value) > MAX_SLUG_LENGTH:
            where = "slug" if "slug" in self.fm.data else "file name"
            self.error("slug", f"{where} is {len(value)} characters long; a slug may have at most "
                               f"{MAX_SLUG_LENGTH}", hint=f"shorten it, e.g. '{slugify(value)}'")
        return value

    def image(self, site: Path, rel: str, url: str, key: str = "image") -> Image | None:
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, str):
            value = {"src": value}
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping with 'src', not {_kind(value)}")
            return None
        for name in value:
            if name not in IMAGE_KEYS:
                self.error(f"{key}.{name}", f"unknown key '{key}.{name}'", hint=suggest(name, IMAGE_KEYS))
        fields = {}
        for name in IMAGE_KEYS:
            item = value.get(name)
            if item is not None and not isinstance(item, str):
                self.error(f"{key}.{name}", f"'{key}.{name}' must be text, not {_kind(item)}")
                item = None
            fields[name] = (item or "").strip()
        src = fields["src"]
        if not src:
            self.error(key, f"'{key}' needs 'src', the image file")
            return None
        line = self.fm.lines.get(f"{key}.src") or self.fm.lines.get(key)
        return self._resolve_image(site, rel, url, fields, line,
                                   lambda message, hint=None: self.error(f"{key}.src", message, hint))

    def body_images(self, site: Path, rel: str, url: str, body: str, body_line: int) -> tuple[Image, ...]:
        """The images of the Markdown body: each local one must be a readable image file.

        `![alt](src "caption | credit")`; problems are reported at the Markdown line.
        """
        images = []
        for ref in image_refs(body):
            line = body_line + ref.line
            if not ref.src or re.match(r"^([a-z][a-z0-9+.-]*:|//)", ref.src, re.IGNORECASE):
                continue  # a remote image (or data: URI) is shown as written

            def report(message: str, hint: str | None = None, line: int = line) -> None:
                self.diags.append(Diagnostic(self.rel, message, line=line, hint=hint,
                                             source_line=line_of(self.text, line)))

            fields = {"src": unquote(ref.src.split("#", 1)[0]), "alt": ref.alt.strip(), "caption": "", "credit": ""}
            image = self._resolve_image(site, rel, url, fields, line, report)
            if image is not None:
                images.append(dataclasses.replace(image, src=ref.src))
        return tuple(images)

    def _resolve_image(self, site: Path, rel: str, url: str, fields: dict[str, str], line: int | None = None,
                       report: Callable[..., None] | None = None) -> Image | None:
        report = report or (lambda message, hint=None: self.error("image.src", message, hint))
        src = fields["src"]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) and not re.match(r"^https?://", src, re.IGNORECASE):
            report(f"image source '{src}' is neither an http(s) URL nor a file",
                   hint="write https://... for an image hosted elsewhere, or a file name")
            return None
        if re.match(r"^https?://", src, re.IGNORECASE):
            return Image(src=src, url=src, file="", alt=fields["alt"], caption=fields["caption"],
                         credit=fields["credit"], line=line)
        if ".." in PurePosixPath(src).parts or "\\" in src:
            report(f"image path '{src}' must not contain '..'",
                   hint="shared images live in content/media/ and are written /media/name.jpg")
            return None
        if src.startswith("/"):
            file = "content" + src
            image_url = src
        else:
            file = (PurePosixPath(rel).parent / src).as_posix()
            image_url = url + src
        path = site / file
        try:
            found = path.is_file()
        except (OSError, ValueError) as exc:  # a name too long for the file system
            report(f"cannot read image {file}: {getattr(exc, 'strerror', None) or exc}")
            return None
        if not found:
            report(f"image file not found: {file}", hint=_nearby_hint(path))
            return None
        try:
            info = probe(path)
        except ImageProblem as exc:
            report(f"cannot read image {file}: {exc}",
                   hint="use a JPEG, PNG, WebP or GIF file; open and save a damaged photo again")
            return None
        return Image(src=src, url=image_url, file=file, alt=fields["alt"], caption=fields["caption"],
                     credit=fields["credit"], width=info.width, height=info.height, digest=info.digest,
                     alpha=info.alpha, line=line)


def _nearby_hint(path: Path) -> str | None:
    if path.parent.is_dir():
        return suggest(path.name, [p.name for p in path.parent.iterdir()])
    return None


def parse_datetime_value(value: Any, config: SiteConfig,
                         report: Callable[..., None]) -> datetime | None:
    """Read an ISO 8601 date or datetime; without an offset it is in the site timezone."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str):
        offset = _impossible_offset(value.strip())
        if offset:
            report(f"invalid date '{value}': the UTC offset {offset} does not exist; offsets run from "
                   "-23:59 to +23:59", "write the offset as +07:00, +05:45 or -03:30, or leave it out "
                   "for the site's timezone")
            return None
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            reason = str(exc) if "out of range" in str(exc) or "must be in" in str(exc) else "not ISO 8601"
            report(f"invalid date '{value}': {reason}", "write dates as 2023-11-09 or 2023-11-09 14:30")
            return None
    else:
        report(f"a date must be text like 2023-11-09 14:30, not {_kind(value)}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=config.tz)
    try:  # every stage may convert it to UTC or the site's timezone and add the news window
        for moment in (parsed.astimezone(timezone.utc), parsed.astimezone(config.tz)):
            moment + _DATE_MARGIN, moment - _DATE_MARGIN
    except OverflowError:
        report(f"invalid date '{value}': too close to the limits of the calendar (years 1 to 9999)",
               "write dates as 2023-11-09 or 2023-11-09 14:30")
        return None
    return parsed


_DATE_MARGIN = timedelta(days=3)
# "2023-11-09T14:30+07:00": the date, a "T" or space, the time, then an offset.
_TIME_PART = re.compile(r"^[^T ]+[T ](.*)$")


def _impossible_offset(text: str) -> str | None:
    """The UTC offset of an ISO 8601 date-time when its hours or minutes cannot exist
    (+25:00, +07:60); Python would read +07:60 as +08:00 without a word."""
    match = _TIME_PART.match(text)
    if not match:
        return None
    time_text = match.group(1)
    sign_at = max(time_text.rfind("+"), time_text.rfind("-"))
    if sign_at < 0:
        return None
    offset = time_text[sign_at:]
    digits = offset[1:].replace(":", "")
    if not digits.isdigit() or len(digits) not in (2, 4, 6):
        return None
    hours, minutes, seconds = int(digits[:2]), int(digits[2:4] or 0), int(digits[4:6] or 0)
    return offset if hours > 23 or minutes > 59 or seconds > 59 else None
