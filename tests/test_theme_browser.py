"""The default theme as readers see it (issue 19), in real Chromium at desktop and phone size.

The sample archive is built once with the fixed BUILD_TIME and served under /arsip/; the
browser's clock is fixed relative to the newest story, in two browser timezones.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from generator.content.slugs import slugify
from tests.test_browser import AXE_TAGS

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
NEWEST = datetime(2024, 3, 8, 10, 0, tzinfo=timezone.utc)  # Jumat, 8 Maret 2024 17.00 WIB
NEWEST_URL = "budaya/2024/03/warga-karangasem-gelar-megibung-jelang-nyepi/"
NEWEST_DATE = "Jumat, 8 Maret 2024 17.00\u00a0WIB"
PAGE_KINDS = {
    "home": "", "section": "nasional/", "article": NEWEST_URL, "tag": "tag/banjir/",
    "person": "orang/fajar-nugroho/", "tags": "tag/", "people": "orang/", "archive": "arsip/",
    "year": "arsip/2023/", "month": "arsip/2023/11/", "page": "tentang/", "404": "halaman-tidak-ada/",
    "search": "cari/",
}
LISTINGS_WITH_PHOTOS = ["home", "section", "article", "tag", "person", "month"]


def open_page(browser: Any, url: str, size: str = "desktop", now: datetime | None = NEWEST + timedelta(hours=2),
              timezone_id: str = "Asia/Jakarta", scheme: str = "light", **context: Any) -> Any:
    """A page in a fresh context at a screen size, clock, timezone and colour scheme."""
    ctx = browser.new_context(viewport=SIZES[size], locale="id-ID", timezone_id=timezone_id,
                              color_scheme=scheme, **context)
    page = ctx.new_page()
    if now is not None:
        page.clock.set_fixed_time(now)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


# --- 1, 2: times -------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("timezone_id", ["Asia/Jakarta", "America/New_York"])
@pytest.mark.parametrize("age, shown", [
    (timedelta(minutes=30), "30 menit lalu"), (timedelta(hours=2), "2 jam lalu"),
    (timedelta(hours=30), "kemarin"), (timedelta(days=4, hours=3), "4 hari lalu"),
    (timedelta(days=10), NEWEST_DATE),
])
def test_card_times_are_relative_under_a_week_then_the_site_date(browser, site_url: str, age: timedelta,
                                                                 shown: str, timezone_id: str, size: str) -> None:
    page = open_page(browser, site_url, size, now=NEWEST + age, timezone_id=timezone_id)
    assert page.locator(".card--lead .card-meta time").inner_text() == shown
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("timezone_id", ["Asia/Jakarta", "America/New_York"])
def test_byline_keeps_the_full_date_in_the_site_zone_with_the_relative_time_beside(
        browser, site_url: str, size: str, timezone_id: str) -> None:
    page = open_page(browser, site_url + NEWEST_URL, size, now=NEWEST + timedelta(days=4, hours=3),
                     timezone_id=timezone_id)
    assert page.locator(".byline time").inner_text() == NEWEST_DATE
    assert page.locator(".byline .time-ago").inner_text() == "4 hari lalu"
    assert box(page.locator(".byline .time-ago"))["y"] == box(page.locator(".byline time"))["y"]  # one line
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("timezone_id", ["Asia/Jakarta", "America/New_York"])
def test_latest_box_writes_older_dates_as_the_pages_do_in_any_browser_zone(browser, site_url: str,
                                                                         timezone_id: str, size: str) -> None:
    page = open_page(browser, site_url + NEWEST_URL, size, now=NEWEST + timedelta(days=2),
                     timezone_id=timezone_id)
    times = page.locator(".latest-list time").all_inner_texts()
    assert len(times) == 5
    # 25/2 11.30 WIB is 24/2 23.30 in New York: the box still says the site's date.
    assert "Minggu, 25 Februari 2024 11.30\u00a0WIB" in times
    for text in times:
        assert "/" not in text and (text.endswith("\u00a0WIB") or text.endswith(" lalu") or text == "kemarin")
    page.context.close()


# --- 3: home page --------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_home_page_shows_each_story_once(browser, site_url: str, size: str) -> None:
    page = open_page(browser, site_url, size)
    links = page.locator("main .card-title a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert len(links) > 20 and len(links) == len(set(links))
    page.context.close()


def test_phone_home_page_has_compact_cards_after_the_lead(browser, site_url: str) -> None:
    page = open_page(browser, site_url, "phone")
    lead = box(page.locator(".card--lead .card-thumb img"))
    assert lead["width"] > 300  # the lead story: the whole width
    cards = page.locator("main .card:not(.card--lead)")
    for i in range(cards.count()):
        card = cards.nth(i)
        assert box(card)["height"] < 200, i  # a full-width photo card is over 400
        thumb = card.locator(".card-thumb img")
        if thumb.count():
            assert box(thumb)["width"] < 130
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 7000  # was 12,675 px with a full-width photo on every card
    page.context.close()


def test_desktop_lead_story_leaves_no_empty_space_under_it(browser, site_url: str) -> None:
    page = open_page(browser, site_url, "desktop")
    lead, text = box(page.locator(".card--lead")), box(page.locator(".card--lead .card-text"))
    second = box(page.locator(".lead-grid .card").nth(1))
    assert second["y"] - (lead["y"] + lead["height"]) < 40
    assert text["x"] > lead["x"] + lead["width"] / 2  # headline beside its photo
    page.context.close()


# --- 4: side column ----------------------------------------------------------------------

def test_desktop_article_has_related_and_latest_in_a_side_column(browser, site_url: str) -> None:
    page = open_page(browser, site_url + NEWEST_URL, "desktop")
    story, related, latest = (box(page.locator(s)) for s in (".story", ".related", ".latest-box"))
    assert related["x"] >= story["x"] + story["width"] and latest["x"] == related["x"]
    assert related["y"] < 300 and latest["y"] < related["y"] + related["height"] + 80
    assert page.locator(".latest-list li").count() == 5
    page.context.close()


def test_phone_article_puts_related_and_latest_under_the_story(browser, site_url: str) -> None:
    page = open_page(browser, site_url + NEWEST_URL, "phone")
    story, related = box(page.locator(".story")), box(page.locator(".related"))
    assert related["y"] >= story["y"] + story["height"] and related["width"] <= 390
    page.context.close()


# --- 5: section menu ---------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_every_section_link_is_visible_on_screen(browser, site_url: str, size: str) -> None:
    page = open_page(browser, site_url, size)
    links = page.locator(".sections-nav a")
    assert links.count() == 7  # home and six sections
    for i in range(links.count()):
        place = box(links.nth(i))
        assert place["x"] >= 0 and place["x"] + place["width"] <= SIZES[size]["width"], links.nth(i).inner_text()
        assert links.nth(i).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.context.close()


# --- 7: photos ---------------------------------------------------------------------------

LCP_SCRIPT = """() => new Promise(resolve => new PerformanceObserver(list => {
  const entries = list.getEntries(); const el = entries[entries.length - 1].element;
  resolve(el ? {tag: el.tagName, loading: el.loading, priority: el.getAttribute('fetchpriority'),
                srcset: el.getAttribute('srcset') || (el.parentElement.querySelector('source') || {}).srcset || '',
                current: el.currentSrc, width: el.getBoundingClientRect().width} : null);
}).observe({type: 'largest-contentful-paint', buffered: true}))"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", LISTINGS_WITH_PHOTOS)
def test_the_lcp_image_is_eager_high_priority_and_offers_every_width(browser, site_url: str, kind: str,
                                                                  size: str) -> None:
    page = open_page(browser, site_url + PAGE_KINDS[kind], size)
    first = page.locator("main img").first
    assert first.get_attribute("loading") == "eager" and first.get_attribute("fetchpriority") == "high"
    assert len(first.get_attribute("srcset").split(",")) >= 2
    lcp = page.evaluate(LCP_SCRIPT)
    if lcp is not None and lcp["tag"] == "IMG":
        assert lcp["loading"] == "eager" and lcp["priority"] == "high", lcp
    assert page.locator("main img[loading=eager]").count() == 1
    page.context.close()


def test_card_photos_are_sharp_on_a_dense_phone_screen(browser, site_url: str) -> None:
    page = open_page(browser, site_url + "nasional/", "phone", device_scale_factor=3)
    img = page.locator(".card-list img").nth(1)
    img.scroll_into_view_if_needed()
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    chosen = int(re.search(r"-(\d+)\.(?:webp|jpg)$", img.evaluate("el => el.currentSrc")).group(1))
    assert chosen >= box(img)["width"] * 2  # at least 2 image pixels per CSS pixel
    page.context.close()


# --- 8: tap targets ------------------------------------------------------------------------

TARGETS = (".chip a, .byline a, .kicker a, .breadcrumbs a, .footer-links a, .sections-nav a, .share a, "
           ".share button, .pagination a, .more a, .month-nav a, .feed-link a, .index-list a, .profile-links a")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_links_and_buttons_are_at_least_24_css_px(browser, site_url: str, kind: str, size: str) -> None:
    page = open_page(browser, site_url + PAGE_KINDS[kind], size)
    targets = page.locator(TARGETS)
    assert targets.count() > 5
    small = [(t.inner_text(), b) for t in targets.all() if t.is_visible()
             and ((b := box(t))["height"] < 24 or b["width"] < 24)]
    assert small == []
    page.context.close()


# --- 9: dark mode ----------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_dark_mode_declares_color_scheme_and_turns_the_page_dark(browser, site_url: str, size: str) -> None:
    page = open_page(browser, site_url + NEWEST_URL, size, scheme="dark")
    assert "dark" in page.evaluate("getComputedStyle(document.documentElement).colorScheme")
    assert page.locator('meta[name="color-scheme"]').get_attribute("content") == "light dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 20, 20)"
    page.context.close()
    light = open_page(browser, site_url + NEWEST_URL, size)
    assert light.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    light.context.close()


# --- 10: print -----------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_a_printed_story_is_the_story_its_credits_date_and_address(browser, site_url: str, size: str) -> None:
    page = open_page(browser, site_url + NEWEST_URL, size)
    page.emulate_media(media="print")
    for hidden in (".site-search", ".sections-nav", ".latest-box", ".related", ".story-tags", ".share",
                   ".site-footer", ".breadcrumbs"):
        assert page.locator(hidden).first.is_hidden(), hidden
    for shown in (".story h1", ".byline", ".byline time", ".lead-figure", ".story-body"):
        assert page.locator(shown).first.is_visible(), shown
    url = page.locator(".print-url")
    assert url.is_visible() and url.inner_text() == "https://example.github.io/arsip/" + NEWEST_URL
    page.emulate_media(media="screen")
    assert url.is_hidden()
    page.context.close()


# --- axe, layout shift -----------------------------------------------------------------------

def axe(page: Any, options: dict[str, Any]) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=options)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_kind_has_no_axe_violations(browser, site_url: str, kind: str, size: str, scheme: str) -> None:
    page = open_page(browser, site_url + PAGE_KINDS[kind], size, scheme=scheme)
    assert axe(page, {"runOnly": {"type": "tag", "values": AXE_TAGS}}) == []
    # Named landmarks are told apart (the footer's and the month archive's navigation).
    assert axe(page, {"runOnly": {"type": "rule", "values": ["landmark-unique", "landmark-no-duplicate-banner",
                                                              "landmark-no-duplicate-contentinfo"]}}) == []
    page.context.close()


CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", [NEWEST_URL, "nasional/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur/"])
def test_article_pages_do_not_shift_while_loading(browser, site_url: str, path: str, size: str) -> None:
    page = open_page(browser, site_url + path, size, now=NEWEST + timedelta(hours=2))
    assert page.evaluate(CLS_SCRIPT) == 0
    page.context.close()


# --- share row -------------------------------------------------------------------------------

def test_share_row_links_to_whatsapp_x_and_facebook_and_loads_nothing_from_them(browser, site_url: str) -> None:
    from urllib.parse import parse_qs, urlsplit

    requests: list[str] = []
    ctx = browser.new_context(viewport=SIZES["desktop"], locale="id-ID", timezone_id="Asia/Jakarta")
    ctx.on("request", lambda r: requests.append(r.url))
    page = ctx.new_page()
    page.goto(site_url + NEWEST_URL)
    page.wait_for_load_state("networkidle")
    assert all(u.startswith(site_url.split("/arsip/")[0]) for u in requests), requests
    address = "https://example.github.io/arsip/" + NEWEST_URL
    hrefs = {a.inner_text(): a.get_attribute("href") for a in page.locator(".share a").all()}
    assert set(hrefs) == {"WhatsApp", "X", "Facebook"}
    assert parse_qs(urlsplit(hrefs["WhatsApp"]).query)["text"][0].endswith(" " + address)
    assert parse_qs(urlsplit(hrefs["X"]).query)["url"] == [address]
    assert parse_qs(urlsplit(hrefs["Facebook"]).query)["u"] == [address]
    assert page.locator(".share script, .share iframe, .share img").count() == 0
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.locator(".share button")
    assert copy.inner_text() == "Salin tautan"
    copy.click()
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert copy.inner_text() == "Tautan disalin"
    assert page.get_by_role("button", name="Bagikan…").count() == 0  # no share sheet on a desktop
    ctx.close()


def test_phones_get_the_system_share_sheet(browser, site_url: str) -> None:
    ctx = browser.new_context(viewport=SIZES["phone"], has_touch=True, is_mobile=True, locale="id-ID")
    # Chromium on Linux has no share sheet: a stand-in records what the page asks for.
    ctx.add_init_script("navigator.share = data => { window.shared = data; return Promise.resolve(); };")
    page = ctx.new_page()
    page.goto(site_url + NEWEST_URL)
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Bagikan…").click()
    assert page.evaluate("window.shared.url") == "https://example.github.io/arsip/" + NEWEST_URL
    ctx.close()


def test_person_page_links_its_feed(browser, site_url: str) -> None:
    page = open_page(browser, site_url + f"orang/{slugify('Fajar Nugroho')}/", "phone")
    link = page.locator(".feed-link a")
    assert link.is_visible() and link.get_attribute("href") == f"/arsip/orang/{slugify('Fajar Nugroho')}/feed.xml"
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_person_page_shows_the_profile_above_the_stories_and_marks_only_edited_ones(browser, site_url: str,
                                                                                   size: str) -> None:
    page = open_page(browser, site_url + PAGE_KINDS["person"], size)
    photo, bio = box(page.locator(".profile-photo img")), box(page.locator(".profile-bio"))
    assert photo["width"] >= 90 and photo["y"] < SIZES[size]["height"]  # on the first screen
    assert bio["x"] >= photo["x"] + photo["width"]  # the bio beside the photo, at both sizes
    assert page.locator(".profile-role").inner_text() == "Reporter olahraga"
    assert box(page.locator(".card-list .card").first)["y"] > bio["y"]
    # Reporting is the rule: no card says "Reporter"; the story Fajar edited says "Editor".
    assert [r.lower() for r in page.locator(".card-list .role").all_inner_texts()] == ["editor"]
    page.context.close()
