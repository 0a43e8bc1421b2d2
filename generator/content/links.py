"""The URLs an HTML fragment links to (href and src), read with the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser


class _Links(HTMLParser):
    """Collects the href and src of every tag, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src"):
                self.links.append(value.strip())
            elif name == "srcset":
                self.links.extend(part.strip().split(" ")[0] for part in value.split(",") if part.strip())


def links_in(html: str) -> list[str]:
    """Every href, src and srcset URL of an HTML document, in order, duplicates removed."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.links))
