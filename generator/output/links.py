"""Internal links of rendered pages, checked against the files the build will write.

Used by `sitegen check`: every href/src/srcset in a rendered page that points into the
site must name an output file. Links leaving the site, mail links and same-page anchors
are not checked.
"""

from __future__ import annotations

from typing import AbstractSet
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

IGNORED_SCHEMES = ("mailto", "tel", "data", "javascript", "sms")


def target_of(link: str, page_url: str, base: SplitResult) -> str | None:
    """The output path (relative to the output folder) an internal link names.

    `page_url` is the page's site path ("/kota/"), `base` the split base URL. Returns
    None for links that leave the site or stay on the page, and "" for a link into the
    site's host that lies outside its base path (always broken).
    """
    parts = urlsplit(link)
    if parts.scheme in IGNORED_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        if parts.netloc != base.netloc:
            return None  # another site
        path = parts.path or "/"
    else:
        if not parts.path:
            return None  # "#anchor" or "?query" on the same page
        base_path = _base_path(base)
        path = urlsplit(urljoin(base_path.rstrip("/") + page_url, parts.path)).path
    path = unquote(path)
    base_path = _base_path(base)
    if not (path + "/").startswith(base_path):
        return ""
    rel = path[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


def exists(rel: str, targets: AbstractSet[str], prefixes: tuple[str, ...] = ()) -> bool:
    """Whether the output will have the file `rel` (a folder means its index.html)."""
    if rel in targets or (rel + "/index.html") in targets:
        return True
    return bool(rel) and any(rel.startswith(prefix) for prefix in prefixes)


def _base_path(base: SplitResult) -> str:
    path = base.path or "/"
    return path if path.endswith("/") else path + "/"
