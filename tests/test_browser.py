"""The sample archive in a real browser: relative times, latest stories, accessibility."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest

from generator.config.options import BuildOptions
from generator.config.site import load_config
from generator.content.discover import discover
from generator.content.parse import load_content
from tests.browser import serve
from tests.conftest import BUILD_TIME, REPO

pytestmark = pytest.mark.browser
BASE = "https://example.github.io/arsip/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def newest_article():
    options = BuildOptions(source=REPO, out=REPO / "public", build_time=BUILD_TIME)
    config = load_config(options)
    return load_content(discover(REPO), config, drafts=False).articles[0]


def open_page(browser, url: str, now=None):
    page = browser.new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.on("response", lambda res: problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None)
    if now is not None:
        page.clock.set_fixed_time(now)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, problems


def test_story_published_two_hours_ago_keeps_its_date_and_says_2_jam_lalu_beside(
        browser, site_url: str, newest_article) -> None:
    now = newest_article.date + timedelta(hours=2)
    page, problems = open_page(browser, site_url + newest_article.url.lstrip("/"), now=now)
    byline_time = page.locator(".byline time[data-relative]")
    assert byline_time.inner_text() == "Jumat, 8 Maret 2024 17.00\u00a0WIB"  # a news page's date is a fact
    assert page.locator(".byline .time-ago").inner_text() == "2 jam lalu"
    assert problems == []
    page.close()


def test_latest_list_is_filled_on_article_pages(browser, site_url: str, newest_article) -> None:
    now = newest_article.date + timedelta(hours=2)
    older = load_second_article_url()
    page, problems = open_page(browser, site_url + older.lstrip("/"), now=now)
    items = page.locator(".latest-list li")
    assert items.count() == 5
    first = items.first
    assert first.locator("a").get_attribute("href").startswith("/arsip/")
    assert first.locator("img").count() == 1
    assert first.locator("time").inner_text() == "2 jam lalu"
    assert page.locator(".latest-fallback").is_hidden()
    assert problems == []
    page.close()


def load_second_article_url() -> str:
    options = BuildOptions(source=REPO, out=REPO / "public", build_time=BUILD_TIME)
    config = load_config(options)
    return load_content(discover(REPO), config, drafts=False).articles[3].url


def test_without_javascript_the_latest_box_links_home(browser, sample_public_subpath: Path, newest_article) -> None:
    with serve(sample_public_subpath, "/arsip/") as url:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(url + newest_article.url.lstrip("/"))
        fallback = page.locator(".latest-fallback a")
        assert fallback.is_visible() and fallback.get_attribute("href") == "/arsip/"
        assert "WIB" in page.locator(".byline time").inner_text()
        context.close()


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]]


@pytest.mark.parametrize("path", [
    "", "nasional/", "tag/", "orang/", "arsip/", "arsip/2023/", "arsip/2023/11/", "halaman-tidak-ada/",
    "cari/", "cari/?q=banjir",
])
def test_listing_pages_have_no_axe_violations(browser, site_url: str, path: str) -> None:
    page, problems = open_page(browser, site_url + path)
    assert axe_violations(page) == []
    if path == "halaman-tidak-ada/":
        # The 404 page itself is the only failing request, and its own assets all load.
        assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
        assert [p for p in problems if "404" not in p] == []
        assert f"HTTP 404: {site_url}{path}" in problems and len(problems) == 2
    else:
        assert problems == []
    page.close()


def test_article_tag_and_person_pages_have_no_axe_violations(browser, site_url: str, newest_article) -> None:
    from generator.content.slugs import slugify

    paths = [newest_article.url.lstrip("/"), f"tag/{slugify(newest_article.tags[0])}/"]
    person = (newest_article.reporters + newest_article.editors)[0]
    paths.append(f"orang/{slugify(person)}/")
    for path in paths:
        page, problems = open_page(browser, site_url + path)
        assert page.locator("h1").count() == 1, path
        assert axe_violations(page) == [], path
        assert problems == [], path
        page.close()


@pytest.fixture(scope="module")
def embed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The basic site with a story holding a YouTube URL alone on its line, served at /."""
    from tests.conftest import build_into, copy_site
    from tests.test_embeds import write_story

    root = tmp_path_factory.mktemp("embed")
    site = copy_site("basic", root)
    write_story(site)
    build_into(site, root / "public")
    with serve(root / "public") as url:
        yield url


def test_a_video_loads_from_youtube_nocookie_only_when_the_reader_asks(browser, embed_site: str) -> None:
    from tests.test_embeds import ID, STORY_PATH

    page = browser.new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    video_hosts: list[str] = []

    def player(route) -> None:  # no network in tests: a stand-in for the player page
        video_hosts.append(route.request.url)
        route.fulfill(status=200, content_type="text/html",
                      body="<!doctype html><html lang=en><title>Pemutar</title><p>player</p></html>")

    page.route("**/*", lambda route: player(route) if "127.0.0.1" not in route.request.url
               else route.continue_())
    page.goto(f"{embed_site}{STORY_PATH}/")
    page.wait_for_load_state("networkidle")
    embed = page.locator(".embed")
    link = embed.locator("a.embed-link")
    assert link.inner_text() == "Putar video di YouTube"
    assert link.get_attribute("href") == f"https://www.youtube.com/watch?v={ID}"
    assert embed.locator("iframe").count() == 0 and video_hosts == []  # nothing loaded from the host yet
    assert axe_violations(page) == []
    button = embed.get_by_role("button", name="Putar di halaman ini (memuat pemutar YouTube)")
    button.click()
    frame = embed.locator("iframe")
    assert frame.get_attribute("src") == f"https://www.youtube-nocookie.com/embed/{ID}?autoplay=1"
    assert frame.get_attribute("title") == "Video YouTube"
    assert button.count() == 0 and link.is_visible()
    page.wait_for_load_state("networkidle")
    assert video_hosts == [f"https://www.youtube-nocookie.com/embed/{ID}?autoplay=1"]
    assert axe_violations(page) == []
    page.close()


def test_without_javascript_a_video_is_a_plain_link(browser, embed_site: str) -> None:
    from tests.test_embeds import ID, STORY_PATH

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{embed_site}{STORY_PATH}/")
    link = page.get_by_role("link", name="Putar video di YouTube")
    assert link.is_visible() and link.get_attribute("href") == f"https://www.youtube.com/watch?v={ID}"
    assert page.locator(".embed button, .embed iframe").count() == 0
    context.close()
