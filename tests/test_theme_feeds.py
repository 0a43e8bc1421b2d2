"""A feed per tag and per person, linked from their pages, read with feedparser."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser

from generator.content.slugs import slugify


def feed_link(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    head = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">',
                     html.split("</head>")[0].split('href="/feed.xml"')[1]).group(1)
    shown = re.search(r'<p class="feed-link"><a href="([^"]+)"', html).group(1)
    assert head == shown
    return head


def test_each_tag_has_a_feed_of_its_stories_linked_from_its_page(sample_public: Path) -> None:
    page = sample_public / "tag/banjir/index.html"
    href = feed_link(page)
    assert href == "/tag/banjir/feed.xml"
    feed = feedparser.parse((sample_public / href.lstrip("/")).read_bytes())
    assert not feed.bozo and feed.feed.title.casefold().startswith("banjir | ")
    assert feed.entries and all(any(t.term.casefold() == "banjir" for t in e.tags) for e in feed.entries)
    stories = page.read_text(encoding="utf-8").count('<article class="card')
    assert len(feed.entries) == stories  # under feed_items: the same stories as the page


def test_each_person_has_a_feed_of_their_stories_linked_from_their_page(sample_public: Path) -> None:
    name = "Fajar Nugroho"
    page = sample_public / f"orang/{slugify(name)}/index.html"
    href = feed_link(page)
    feed = feedparser.parse((sample_public / href.lstrip("/")).read_bytes())
    assert not feed.bozo and feed.feed.title.startswith(name)
    assert feed.entries
    for entry in feed.entries:
        people = [a.name for a in entry.get("authors", [])] + [c.name for c in entry.get("contributors", [])]
        assert name in people, entry.title
