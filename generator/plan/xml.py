"""XML text shared by the feeds and the sitemaps: escaping, dropping what XML cannot hold, dates."""

from __future__ import annotations

import re
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from generator.dates import iso

# Characters XML 1.0 cannot contain, even escaped: a control character in a headline must
# not make the whole feed unreadable.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Element text: escaped, with the characters XML cannot hold left out."""
    return escape(ILLEGAL_XML.sub("", value))


def xml_attr(value: str) -> str:
    """A quoted attribute value, likewise."""
    return quoteattr(ILLEGAL_XML.sub("", value))


def xml_date(when: datetime, what: str) -> str:
    """An RFC 3339 / W3C datetime; `what` names the document for the error on a naive time."""
    # Both formats need an offset once a time is given; a naive datetime here is a bug upstream.
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{what} dates must be timezone-aware: {when!r}")
    return iso(when)


def absolute(base_url: str, path: str) -> str:
    """A site path ("/a/b/") as an absolute URL; base_url may carry a sub-path ("/arsip/")."""
    if "://" in path:
        return path
    return base_url.rstrip("/") + path
