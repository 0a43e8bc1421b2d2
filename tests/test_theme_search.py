"""The search page as readers see it (issue 19, point 6), in Chromium at desktop and phone size.

Same set-up as test_theme_browser: the sample archive served under /arsip/, the browser's
clock fixed two hours after the newest story, in two browser timezones.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import REPO
from tests.test_search import articles_of
from tests.test_theme_browser import AXE_TAGS, SIZES, axe, box, open_page

pytestmark = pytest.mark.browser

TIMEZONES = ["Asia/Jakarta", "America/New_York"]

# What Pagefind indexes of a story page, as one line of text: the article without the
# parts marked data-pagefind-ignore, a space after each block (a full stop after a
# heading) as Pagefind reads them.
INDEXED_TEXT = """async url => {
  const doc = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
  const found = {
    title: doc.querySelector('h1').textContent.trim(),
    people: [...doc.querySelectorAll('.byline a')].map(a => a.textContent.trim()),
    date: doc.querySelector('.byline time').textContent.trim(),
  };
  const story = doc.querySelector('[data-pagefind-body]');
  story.querySelectorAll('[data-pagefind-ignore]').forEach(e => e.remove());
  // Pagefind ends a heading with a full stop when it has no punctuation of its own.
  story.querySelectorAll('h2, h3, h4, h5, h6').forEach(e => { if (!/[.!?:]$/.test(e.textContent.trim())) e.append('.'); });
  story.querySelectorAll('p, li, h2, h3, h4, h5, h6, figcaption, blockquote, td, th').forEach(e => e.append(' '));
  return {...found, text: story.textContent.replace(/\\s+/g, ' ')};
}"""


def search(browser: Any, site_url: str, query: str, size: str, timezone_id: str = "Asia/Jakarta",
           scheme: str = "light") -> Any:
    """The search page for `query`, once every shard has answered."""
    page = open_page(browser, site_url + "cari/?q=" + query, size, timezone_id=timezone_id, scheme=scheme)
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
    return page


def results(page: Any) -> list[dict[str, str]]:
    """Each result's link, date and excerpt as the reader sees them."""
    return page.locator(".search-result").evaluate_all("""els => els.map(el => ({
        href: el.querySelector('.search-result-title a').href,
        date: el.querySelector('.search-result-date').textContent,
        excerpt: el.querySelector('.search-result-excerpt').textContent.replace(/\\s+/g, ' ').trim()}))""")


@pytest.mark.parametrize("timezone_id", TIMEZONES)
@pytest.mark.parametrize("size", SIZES)
def test_excerpts_are_story_text_without_byline_headline_or_date(browser, site_url: str, size: str,
                                                                  timezone_id: str) -> None:
    page = search(browser, site_url, "banjir", size, timezone_id)
    found = results(page)
    assert len(found) == 5
    for result in found:
        story = page.evaluate(INDEXED_TEXT, result["href"])
        excerpt = result["excerpt"]
        assert excerpt and excerpt in story["text"], (excerpt, story["text"][:300])
        for name in story["people"]:  # "…Rina Wulandari. Bambang Sutrisno. Kamis," before
            assert name not in excerpt, (name, excerpt)
        assert story["title"] not in excerpt and "WIB" not in excerpt
        # The result's date is the byline's, in the site's zone whatever the browser's.
        assert result["date"] == story["date"]
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_reporters_name_finds_their_stories_though_excerpts_leave_it_out(browser, site_url: str,
                                                                          size: str) -> None:
    name = "Fajar Nugroho"
    written = {a.url for a in articles_of(REPO) if name in a.reporters}
    assert len(written) >= 3
    page = search(browser, site_url, name.replace(" ", "%20"), size)
    found = results(page)
    assert {r["href"].split("/arsip", 1)[1] for r in found} >= written
    for result in found:
        assert name not in result["excerpt"], result
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_masthead_search_moves_focus_to_the_results(browser, site_url: str, size: str) -> None:
    page = open_page(browser, site_url, size)
    page.locator("#site-search-q").fill("banjir")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/cari/?q=banjir")
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
    assert page.evaluate("document.activeElement.matches('[data-search-results]')")
    assert box(page.locator("[data-search-results]"))["y"] < SIZES[size]["height"]  # on the first screen
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_every_tab_stop_of_the_search_form_is_visible_and_large_enough(browser, site_url: str, size: str) -> None:
    page = search(browser, site_url, "banjir", size)
    page.locator("#search-q").focus()
    stops = []
    for _ in range(8):  # the box, its button, four menus, then the results
        page.keyboard.press("Tab")
        stops.append(page.evaluate("""() => { const el = document.activeElement, r = el.getBoundingClientRect();
            return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 20),
                    hidden: el.closest('[hidden]') !== null || r.width === 0, w: r.width, h: r.height}; }"""))
    assert [s["tag"] for s in stops[:5]] == ["BUTTON", "SELECT", "SELECT", "SELECT", "SELECT"]
    # No idle "clear" button takes a stop: after the menus come the results.
    assert stops[5]["tag"] in ("A", "SECTION"), stops
    for stop in stops:
        assert not stop["hidden"] and stop["h"] >= 24 and stop["w"] >= 24, stop
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
def test_search_results_have_no_axe_violations(browser, site_url: str, size: str, scheme: str) -> None:
    page = search(browser, site_url, "banjir", size, scheme=scheme)
    assert page.locator(".search-result").count() == 5
    assert axe(page, {"runOnly": {"type": "tag", "values": AXE_TAGS}}) == []
    page.get_by_label("Rubrik").select_option("Nasional")
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete' && "
                           "document.querySelectorAll('.search-result').length === 3")
    assert axe(page, {"runOnly": {"type": "tag", "values": AXE_TAGS}}) == []
    page.context.close()


CLS_FROM_START = ("window.__shifts = 0; new PerformanceObserver(l => { for (const e of l.getEntries())"
                  " if (!e.hadRecentInput) window.__shifts += e.value; })"
                  ".observe({type: 'layout-shift', buffered: true});")


@pytest.mark.parametrize("size", SIZES)
def test_the_search_page_shifts_under_0_01_while_results_arrive_with_a_fixed_clock(browser, site_url: str,
                                                                                 size: str) -> None:
    from datetime import timedelta

    from tests.test_theme_browser import NEWEST

    ctx = browser.new_context(viewport=SIZES[size], locale="id-ID", timezone_id="Asia/Jakarta")
    page = ctx.new_page()
    page.clock.set_fixed_time(NEWEST + timedelta(hours=2))
    page.add_init_script(CLS_FROM_START)
    page.goto(site_url + "cari/?q=banjir")
    page.wait_for_function("document.documentElement.dataset.searchState === 'complete'")
    page.wait_for_timeout(500)
    assert page.locator(".search-result").count() == 5
    assert page.evaluate("window.__shifts") < 0.01
    ctx.close()
