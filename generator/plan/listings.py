"""Group articles into paginated listings: sections, tags, people and months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Sequence

from generator.content.model import Article
from generator.content.slugs import assign_slugs
from generator.urls import paged_url


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

    def window(self, radius: int = 2) -> list[int | None]:
        """Page numbers to link: first, last and a few around this one; None marks a gap.

        Linking every page would make each page of a 300-page tag list 300 links long,
        and the whole listing quadratic to render.
        """
        shown = sorted({1, self.total, *range(max(1, self.number - radius),
                                                 min(self.total, self.number + radius) + 1)})
        result: list[int | None] = []
        for number in shown:
            if result and number - (result[-1] or 0) > 1:
                result.append(None)
            result.append(number)
        return result


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


@dataclass(frozen=True)
class Group:
    """Articles sharing a tag or a person, with the stable slug of their page."""

    name: str
    slug: str
    articles: tuple[Article, ...]  # newest first


@dataclass(frozen=True)
class Summary:
    """What a listing page shows of its whole tag or person: the name and the story count.

    Pages get this rather than the Group, so that an edit to one story changes the
    fingerprint of the one listing page showing it, not of every page of the tag.
    """

    name: str
    slug: str
    count: int


def summarise(group: Group) -> Summary:
    """The name and size of a group, without its articles."""
    return Summary(name=group.name, slug=group.slug, count=len(group.articles))


def group_by_tag(articles: Sequence[Article]) -> list[Group]:
    """One group per tag; tags differing only in case are one tag, shown as most often written."""
    spellings: dict[str, dict[str, int]] = {}
    members: dict[str, list[Article]] = {}
    for article in articles:
        for tag in article.tags:
            key = tag.casefold()
            counts = spellings.setdefault(key, {})
            counts[tag] = counts.get(tag, 0) + 1
            members.setdefault(key, []).append(article)
    names = {key: min(counts, key=lambda s: (-counts[s], s)) for key, counts in spellings.items()}
    return _groups({names[key]: items for key, items in members.items()})


def group_by_person(articles: Sequence[Article]) -> list[Group]:
    """One group per reporter or editor, whatever their role on each story."""
    members: dict[str, list[Article]] = {}
    for article in articles:
        for name in dict.fromkeys(article.reporters + article.editors):
            members.setdefault(name, []).append(article)
    return _groups(members)


def _groups(members: dict[str, list[Article]]) -> list[Group]:
    slugs = assign_slugs(list(members))
    groups = [Group(name=name, slug=slugs[name], articles=tuple(items)) for name, items in members.items()]
    return sorted(groups, key=lambda g: (g.slug, g.name))


@dataclass(frozen=True)
class Month:
    """The articles of one calendar month in the site timezone."""

    year: int
    month: int
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class MonthSummary:
    """A month as a listing page names it (its own, or its neighbours): date and story count."""

    year: int
    month: int
    count: int


def summarise_month(month: Month) -> MonthSummary:
    """The date and size of a month, without its articles."""
    return MonthSummary(year=month.year, month=month.month, count=len(month.articles))


def group_by_month(articles: Sequence[Article], tz: tzinfo) -> list[Month]:
    """Months that have articles, newest first; dates are taken in the site timezone."""
    months: dict[tuple[int, int], list[Article]] = {}
    for article in articles:
        local = article.date.astimezone(tz)
        months.setdefault((local.year, local.month), []).append(article)
    return [Month(year=y, month=m, articles=tuple(items))
            for (y, m), items in sorted(months.items(), reverse=True)]
