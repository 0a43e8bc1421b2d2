"""Localized absolute dates with Babel; relative times are the browser's job."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from babel.dates import format_datetime


def format_date(when: datetime, pattern: str, language: str, timezone: str) -> str:
    """Format `when` in the site timezone with a CLDR pattern: "Kamis, 9 November 2023 14.30 WIB"."""
    return format_datetime(when, pattern, tzinfo=timezone, locale=language.replace("-", "_"))


def iso(when: datetime) -> str:
    """ISO 8601 with offset, seconds precision, for datetime attributes and feeds."""
    # Equal datetimes may differ in zone (14.30 WIB == 07.30 UTC) or fold: both are in the key.
    return _iso(when, when.tzinfo, when.fold)


# A story's date is written on its page, in its structured data, the sitemap and the
# feeds; with a zoneinfo offset to compute each time, formatting it once pays.
@lru_cache(maxsize=1 << 18)
def _iso(when: datetime, zone: object, fold: int) -> str:
    return when.isoformat(timespec="seconds")
