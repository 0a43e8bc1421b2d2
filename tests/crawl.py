"""Crawl a built site and find internal links that do not resolve to a file."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.links.append(value)
            if value and name == "srcset":
                self.links.extend(part.strip().split(" ")[0] for part in value.split(","))


def resolve(root: Path, base_path: str, url: str) -> Path | None:
    """The file a site URL path names, or None when it leaves the base path."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    target = root / rel
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(root: Path, base_url: str) -> list[str]:
    """Every internal href/src in every HTML file that names no file, as 'page -> link'."""
    base = urlsplit(base_url)
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    broken = []
    for page in sorted(root.rglob("*.html")):
        rel = page.relative_to(root).as_posix()
        page_url = base_path + (rel[:-len("index.html")] if rel.endswith("index.html") else rel)
        parser = _LinkParser()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ("mailto", "tel", "data", "javascript"):
                continue
            if parts.scheme and parts.netloc != base.netloc:
                continue  # external
            if not parts.path and (parts.fragment or parts.query):
                continue  # same-page anchor
            absolute = urljoin(page_url, link) if not parts.scheme else parts.path
            target = resolve(root, base_path, absolute)
            if target is None or not target.is_file():
                broken.append(f"{rel} -> {link}")
    return broken
