"""Listings are paginated from the oldest story, so a new story leaves archived pages alone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from generator.content.model import Article
from generator.plan.listings import ListingPage, paginate

START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def stories(n: int) -> list[Article]:
    """n stand-in articles, newest first (only identity and order matter here)."""
    return [f"story-{i}" for i in range(n - 1, -1, -1)]  # type: ignore[misc]


def by_url(pages: list[ListingPage]) -> dict[str, ListingPage]:
    return {p.url: p for p in pages}


# No deadline: the machines running the suite are shared, and a slow example is not a failure.
@settings(deadline=None)
@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=25))
def test_every_story_is_listed_once_newest_first(n: int, per_page: int) -> None:
    pages = paginate(stories(n), per_page, "/t/")
    listed = [item for page in pages for item in page.items]
    assert listed == stories(n)
    newest = pages[0]
    assert newest.is_newest and newest.url == "/t/"
    if n >= per_page:
        assert per_page <= len(newest.items) < 2 * per_page
    assert all(len(p.items) == per_page for p in pages[1:])


# No deadline: the machines running the suite are shared, and a slow example is not a failure.
@settings(deadline=None)
@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=25))
def test_a_new_story_changes_only_the_newest_pages(n: int, per_page: int) -> None:
    before = by_url(paginate(stories(n), per_page, "/t/"))
    after = by_url(paginate(stories(n + 1), per_page, "/t/"))
    changed = [url for url, page in before.items() if after.get(url) != page]
    assert "/t/" in changed or n == 0
    # Besides the newest page, only pages near the top change, and only when a page is sealed.
    assert len(changed) <= (4 if len(after) > len(before) else 1)
    assert set(before) <= set(after)


def test_archived_pages_are_numbered_from_the_oldest() -> None:
    pages = paginate(stories(100), 10, "/t/")
    assert [p.url for p in pages] == ["/t/"] + [f"/t/page/{k}/" for k in range(9, 0, -1)]
    oldest = pages[-1]
    assert oldest.items == tuple(stories(100)[-10:])
    assert oldest.prev_url == "/t/page/2/" and oldest.next_url is None
    assert pages[0].next_url == "/t/page/9/" and pages[1].prev_url == "/t/"


def test_navigation_names_the_newest_the_oldest_and_neighbours() -> None:
    page = by_url(paginate(stories(200), 10, "/t/"))["/t/page/9/"]
    assert [link.number for link in page.links] == [0, None, 11, 10, 9, 8, 7, None, 1]
    assert page.links[0].url == "/t/"
    assert paginate(stories(15), 10, "/t/")[0].links == ()


def test_an_empty_listing_has_its_newest_page() -> None:
    [page] = paginate([], 10, "/t/")
    assert page.items == () and page.next_url is None and page.links == ()
