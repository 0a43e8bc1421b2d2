"""Localized absolute dates with Babel; relative times are the browser's job."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_datetime, get_timezone


def format_date(when: datetime, pattern: str, language: str, timezone: str) -> str:
    """Format `when` in the site timezone with a CLDR pattern: "Kamis, 9 November 2023 14.30 WIB"."""
    # Zone and fold are in the key: within one zone, Python finds the two 01.30 of a
    # night the clocks go back equal, though they are different instants.
    return _format(when, when.tzinfo, when.fold, pattern, language, timezone)


# A story's date appears on its page, its cards, its search metadata: format each once per
# pattern. Babel is given the parsed locale and zone, which it would otherwise look up by
# name on every call.
@lru_cache(maxsize=1 << 17)
def _format(when: datetime, zone: object, fold: int, pattern: str, language: str, timezone: str) -> str:
    return format_datetime(when, pattern, tzinfo=_zone(timezone), locale=_locale(language))


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


@lru_cache(maxsize=64)
def _zone(timezone: str) -> object:
    return get_timezone(timezone)


def iso(when: datetime) -> str:
    """ISO 8601 with offset, seconds precision, for datetime attributes and feeds."""
    # Equal datetimes may differ in zone (14.30 WIB == 07.30 UTC) or fold: both are in the key.
    return _iso(when, when.tzinfo, when.fold)


# A story's date is written on its page, in its structured data, the sitemap and the
# feeds; with a zoneinfo offset to compute each time, formatting it once pays.
@lru_cache(maxsize=1 << 18)
def _iso(when: datetime, zone: object, fold: int) -> str:
    return when.isoformat(timespec="seconds")
