"""URLs: permalink patterns, and the one rule from a URL to its output file."""

from __future__ import annotations

from datetime import datetime


def article_url(pattern: str, section: str, when: datetime, slug: str) -> str:
    """Expand a permalink pattern such as /{section}/{year}/{month}/{slug}/."""
    return pattern.format(section=section, year=f"{when.year:04d}", month=f"{when.month:02d}",
                          day=f"{when.day:02d}", slug=slug)


def page_url(slug: str) -> str:
    """URL of a standalone page: /tentang/."""
    return f"/{slug}/"


def paged_url(first: str, page: int) -> str:
    """URL of page `page` of a listing whose first page is `first`: /nasional/page/2/."""
    return first if page == 1 else f"{first}page/{page}/"


def output_path(url: str) -> str:
    """Map a site URL to its file: "/" -> index.html, "/a/b/" -> a/b/index.html."""
    # Nearly every URL is plain: no empty, "." or ".." segment, so its path is the URL
    # itself. Called several times per page (planning, routes, fingerprints).
    if url.startswith("/") and "//" not in url and "/." not in url:
        return url[1:] + "index.html" if url.endswith("/") else url[1:]
    if not url.startswith("/"):
        raise ValueError(f"site URLs start with '/': {url!r}")
    parts = [p for p in url.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(f"URL leaves the output folder: {url!r}")
    if url.endswith("/"):
        parts.append("index.html")
    return "/".join(parts)


def link(base_path: str, url: str) -> str:
    """Prefix a site URL with the base path: ("/arsip/", "/nasional/") -> "/arsip/nasional/"."""
    if "://" in url or url.startswith("//"):
        return url
    return base_path.rstrip("/") + url
