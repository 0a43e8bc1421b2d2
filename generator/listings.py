"""Group articles into paginated listings: home, sections and, later, tags and people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from generator.model import Article
from generator.routing import paged_url


@dataclass(frozen=True)
class ListingPage:
    """One page of a paginated listing."""

    number: int
    total: int
    items: tuple[Article, ...]
    first_url: str

    @property
    def url(self) -> str:
        """This page's URL."""
        return paged_url(self.first_url, self.number)

    @property
    def prev_url(self) -> str | None:
        """URL of the previous page, or None on the first."""
        return paged_url(self.first_url, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """URL of the next page, or None on the last."""
        return paged_url(self.first_url, self.number + 1) if self.number < self.total else None

    def page_url(self, number: int) -> str:
        """URL of page `number` of the same listing."""
        return paged_url(self.first_url, number)


def paginate(items: Sequence[Article], per_page: int, first_url: str) -> list[ListingPage]:
    """Split `items` into pages of `per_page`; an empty listing still has one page."""
    chunks = [tuple(items[i:i + per_page]) for i in range(0, len(items), per_page)] or [()]
    return [ListingPage(number=n, total=len(chunks), items=chunk, first_url=first_url)
            for n, chunk in enumerate(chunks, 1)]


def group_by_section(articles: Sequence[Article]) -> dict[str, list[Article]]:
    """Articles of each section, keeping the incoming (newest first) order."""
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.section, []).append(article)
    return groups
