"""Old URLs of a story or page (`aliases:`): checked and written one way, the site path.

An alias is a path of the site as a reader's browser asks for it: `/2019/05/old-story/`,
`/old-story.html`, or a WordPress query link `/?p=123` (also written `/index.php?p=123`).
Path aliases become small pages at that path that send readers to the new URL
(plan/aliases.py); a query alias cannot be a file (a static host ignores the query), so
the home page and the 404 page look it up in `/aliases.json` with a few lines of script.
"""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import unquote

# The paths a static host serves for a query link: the home page for "/?p=1", the 404
# page for "/index.php?p=1" (no such file). Only there does the lookup script run.
QUERY_PATHS = ("/", "/index.php")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_query_alias(alias: str) -> bool:
    """True for `/?p=123`: forwarded by script, not written as a page."""
    return "?" in alias


def normalize_alias(value: str, report: Callable[[str, str | None], None]) -> str | None:
    """The alias as a site path (`/2019/05/x/`, `/x.html`, `/?p=1`), or None after a report."""
    text = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/?#]*", "", text, flags=re.IGNORECASE) or "/"
        report(f"alias '{value}' is a full URL; an alias is a path of this site",
               f"write only the path: {path}")
        return None
    if not text.startswith("/"):
        report(f"alias '{value}' must start with '/'", f"write it as a path of the site: /{text}")
        return None
    if "#" in text:
        report(f"alias '{value}' has a '#fragment', which browsers never send to the server",
               f"write it without the fragment: {text.split('#', 1)[0]}")
        return None
    path, _, query = text.partition("?")
    decoded = unquote(path)
    if _CONTROL.search(decoded) or "\\" in decoded:
        report(f"alias '{value}' contains a control character or a backslash", None)
        return None
    segments = decoded.strip("/").split("/") if decoded.strip("/") else []
    if any(s in (".", "..") for s in segments):
        report(f"alias '{value}' tries to leave the output folder", None)
        return None
    if any(s == "" for s in segments):
        report(f"alias '{value}' has an empty path segment ('//')", None)
        return None
    if "?" in text:
        if decoded not in QUERY_PATHS or not query:
            report(f"alias '{value}': a query alias must be '/?KEY=VALUE' or '/index.php?KEY=VALUE'",
                   "a static host ignores the query of other paths; use the path alone")
            return None
        return "/?" + query  # both forms are served the same lookup
    if not segments:
        report(f"alias '{value}' is the home page", "an alias names an old URL of this story or page")
        return None
    if decoded.lower().endswith((".html", ".htm")):
        return "/" + "/".join(segments)
    # A folder with index.html: static hosts send /old-story on to /old-story/.
    return "/" + "/".join(segments) + "/"
