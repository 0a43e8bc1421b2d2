"""Links and photos of the old site, pointed at the imported ones.

A link to an imported post or page (by its permalink, `?p=ID` or `?page_id=ID`) gets the
new URL; any other link into the old site (attachment pages, categories, feeds, comments,
posts left out) becomes an absolute link to the old site and is listed in the summary.
A photo of the old site's uploads is copied from the media folder when it is there.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

MEDIA_PREFIX = "media/wp"  # under content/: the site path /media/wp/2013/03/a.jpg


def _host(netloc: str) -> str:
    return netloc.lower().removeprefix("www.")


@dataclass
class OldSite:
    """The old site's address and what of it was imported."""

    base: str  # https://example.com or https://example.com/blog
    by_path: dict[str, str] = field(default_factory=dict)  # old path without trailing "/" -> new URL
    by_id: dict[int, str] = field(default_factory=dict)  # post ID -> new URL
    unresolved: dict[str, set[int]] = field(default_factory=dict)  # old URL -> post IDs linking to it

    def path_of(self, url: str) -> str | None:
        """The path of an old-site URL below the old base ("/2010/10/05/x/"), or None if elsewhere."""
        parts = urlsplit(urljoin(self.base + "/", url))
        base = urlsplit(self.base)
        hosts = {_host(base.netloc)}
        if parts.scheme not in ("http", "https", "") or _host(parts.netloc) not in hosts:
            return None
        path = re.sub(r"/{2,}", "/", unquote(parts.path) or "/")
        prefix = base.path.rstrip("/")
        if prefix and not (path == prefix or path.startswith(prefix + "/")):
            return None
        return path[len(prefix):] or "/"

    def target(self, url: str) -> str | None:
        """The new URL of an old link, when it names an imported post or page."""
        path = self.path_of(url)
        if path is None:
            return None
        query = parse_qs(urlsplit(url).query)
        for key in ("p", "page_id"):
            value = query.get(key, [""])[0]
            if value.isdigit() and path in ("/", "/index.php") and int(value) in self.by_id:
                return self.by_id[int(value)]
        return self.by_path.get(path.rstrip("/") or "/") if not query else None

    def rewrite(self, href: str, post_id: int) -> str:
        """A link of post `post_id` as the imported site should have it."""
        href = href.strip()
        if href.startswith(("#", "mailto:", "tel:", "javascript:")) or not href:
            return href
        path = self.path_of(href)
        if path is None:
            return href
        fragment = urlsplit(href).fragment
        new = self.target(href)
        if new is not None:
            return new + (f"#{fragment}" if fragment else "")
        absolute = urljoin(self.base + "/", href)
        if not absolute.startswith(self.base) and urlsplit(href).netloc == "":
            absolute = urlsplit(self.base)._replace(path=urlsplit(absolute).path, query=urlsplit(href).query,
                                                    fragment=fragment).geturl()
        self.unresolved.setdefault(absolute, set()).add(post_id)
        return absolute


@dataclass
class Media:
    """Photos of the old site, copied from a local copy of wp-content/uploads."""

    folder: Path | None  # the --media folder, or None
    copied: dict[str, str] = field(default_factory=dict)  # old URL -> new site path
    missing: dict[str, set[int]] = field(default_factory=dict)  # old URL -> post IDs
    old_hosts: frozenset[str] = frozenset()
    pending: dict[str, Path] = field(default_factory=dict)  # site-relative target -> file to copy

    def upload_path(self, url: str) -> str | None:
        """"2013/03/a.jpg" for an upload URL (wp-content/uploads or WordPress.com's files host)."""
        path = unquote(urlsplit(url).path)
        if "/wp-content/uploads/" in path:
            rel = path.split("/wp-content/uploads/", 1)[1]
        else:
            match = re.search(r"/(\d{4}/\d{2}/[^/]+)$", path)
            rel = match.group(1) if match else ""
        parts = PurePosixPath(rel).parts
        if not rel or any(p in ("..", ".") for p in parts) or "\\" in rel:
            return None
        return rel

    def local(self, url: str, post_id: int) -> str:
        """The site path of the copied photo, or the old URL (noted as missing) when it is not there."""
        if url in self.copied:
            return self.copied[url]
        parts = urlsplit(url)
        host = _host(parts.netloc)
        if parts.scheme not in ("http", "https", "") or (
                host and host not in self.old_hosts and not host.endswith(".files.wordpress.com")
                and "/wp-content/uploads/" not in parts.path):
            return url
        rel = self.upload_path(url)
        if rel is None:
            return url
        candidates = [rel, re.sub(r"-\d+x\d+(\.\w+)$", r"\1", rel)]  # a resized copy: the original
        for candidate in candidates:
            source = self.folder / candidate if self.folder is not None else None
            if source is not None and source.is_file():
                self.pending[f"content/{MEDIA_PREFIX}/{candidate}"] = source
                self.copied[url] = f"/{MEDIA_PREFIX}/{candidate}"
                return self.copied[url]
        self.missing.setdefault(url, set()).add(post_id)
        return url

    def conflicts(self, site: Path) -> list[str]:
        """Photos to copy whose target exists with other content."""
        return [rel for rel, source in self.pending.items()
                if (site / rel).exists() and (site / rel).read_bytes() != source.read_bytes()]

    def copy_all(self, site: Path) -> int:
        """Copy the photos used by the imported stories into content/media/wp/."""
        for rel, source in self.pending.items():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return len(self.pending)
