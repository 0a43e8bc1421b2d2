"""Localized absolute dates with Babel; relative times are the browser's job."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime


def format_date(when: datetime, pattern: str, language: str, timezone: str) -> str:
    """Format `when` in the site timezone with a CLDR pattern: "Kamis, 9 November 2023 14.30 WIB"."""
    return format_datetime(when, pattern, tzinfo=timezone, locale=language.replace("-", "_"))


def iso(when: datetime) -> str:
    """ISO 8601 with offset, seconds precision, for datetime attributes and feeds."""
    return when.isoformat(timespec="seconds")
