"""Group articles into paginated listings: sections, tags, people and months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Sequence

from generator.content.model import Article
from generator.content.slugs import assign_slugs


@dataclass(frozen=True)
class PageLink:
    """One entry of a listing's page navigation; `number` 0 is the newest page, None a gap."""

    number: int | None
    url: str = ""


@dataclass(frozen=True)
class ListingPage:
    """One page of a paginated listing.

    Pages are anchored at the oldest story: archived page 1 holds the oldest `per_page`
    stories, page 2 the next ones, and so on; the newest page (number 0, the listing's own
    URL) holds the rest, between `per_page` and twice that. A new story therefore changes
    the newest page only (and, each `per_page` stories, seals one more archived page),
    instead of moving every story of every page down by one place: a publication rewrites
    a handful of listing files, not thousands, and an archived page's address keeps its
    stories for good.
    """

    number: int
    items: tuple[Article, ...]
    url: str
    prev_url: str | None  # the newer neighbour
    next_url: str | None  # the older neighbour
    links: tuple[PageLink, ...]  # what the navigation shows, newest first; empty when one page

    @property
    def is_newest(self) -> bool:
        """True on the listing's own URL, the page with the newest stories."""
        return self.number == 0


def archived_url(first_url: str, number: int) -> str:
    """URL of archived page `number` (1 = the oldest stories) of the listing at `first_url`."""
    return f"{first_url}page/{number}/"


def paginate(items: Sequence[Article], per_page: int, first_url: str, radius: int = 2) -> list[ListingPage]:
    """Split newest-first `items` into a newest page and archived pages counted from the oldest.

    An empty listing still has its newest page. The navigation of archived page k names
    only pages whose existence does not depend on newer stories (the newest, the oldest and
    k's neighbours), so it stays unchanged while the listing grows.
    """
    sealed = max(0, len(items) // per_page - 1)
    oldest_first = list(reversed(items))
    chunks = [tuple(reversed(oldest_first[i * per_page:(i + 1) * per_page])) for i in range(sealed)]
    newest = tuple(items[:len(items) - sealed * per_page])

    def url_of(number: int) -> str:
        return first_url if number == 0 else archived_url(first_url, number)

    def links_for(number: int) -> tuple[PageLink, ...]:
        if not sealed:
            return ()
        # Positions newest first: the newest page is sealed + 1, archived page k is k.
        here = sealed + 1 if number == 0 else number
        shown = {sealed + 1, 1, *range(max(1, here - radius), min(sealed + 1, here + radius) + 1)}
        result: list[PageLink] = []
        for position in sorted(shown, reverse=True):
            if result and result[-1].number is not None and _position(result[-1].number, sealed) - position > 1:
                result.append(PageLink(None))
            page_number = 0 if position == sealed + 1 else position
            result.append(PageLink(page_number, url_of(page_number)))
        return tuple(result)

    pages = [ListingPage(number=0, items=newest, url=first_url, prev_url=None,
                         next_url=url_of(sealed) if sealed else None, links=links_for(0))]
    for number in range(sealed, 0, -1):
        pages.append(ListingPage(number=number, items=chunks[number - 1], url=url_of(number),
                                 prev_url=url_of(number + 1 if number < sealed else 0),
                                 next_url=url_of(number - 1) if number > 1 else None,
                                 links=links_for(number)))
    return pages


def _position(number: int, sealed: int) -> int:
    return sealed + 1 if number == 0 else number


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
    count: int | None  # None on archived pages, which do not show it


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
    count: int | None  # None where only the month's name is shown


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
