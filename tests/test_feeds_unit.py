"""Atom feeds: valid to feedparser, stable ids, escaped text, an author on every entry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from generator.config.site import SiteConfig
from generator.content.model import Article
from generator.plan.feeds import render_atom

WIB = timezone(timedelta(hours=7))
HOSTILE = '</title><script>alert(1)</script> & "x" ]]>'
ATOM = "{http://www.w3.org/2005/Atom}"


def make_config(base_url: str = "https://arsip.example.org/") -> SiteConfig:
    return SiteConfig(source=Path("/site"), title="Warta Arsip", base_url=base_url, language="id")


def make_article(slug: str, day: int = 9, **fields: object) -> Article:
    values: dict[str, object] = dict(
        source=f"content/articles/{slug}.md", slug=slug, url=f"/nasional/2023/11/{slug}/",
        title=f"Judul {slug}", date=datetime(2023, 11, day, 14, 30, tzinfo=WIB), section="nasional",
        body="Isi.", body_line=5, reporters=("Ari Putra", "Sari Dewi"), editors=("Budi",),
        tags=("banjir", "jakarta"), summary="Ringkasan berita.")
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def render(articles: list[Article], config: SiteConfig | None = None, title: str = "Nasional") -> str:
    return render_atom(title=title, feed_path="/nasional/feed.xml", page_path="/nasional/",
                       articles=articles, config=config or make_config(),
                       section_titles={"nasional": "Berita Nasional"})


def parse(xml: str) -> feedparser.FeedParserDict:
    # Bytes, so feedparser checks the declared encoding instead of guessing.
    parsed = feedparser.parse(xml.encode("utf-8"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def test_feed_is_well_formed_with_updated_and_self_link() -> None:
    updated = datetime(2023, 11, 10, 8, 0, tzinfo=WIB)
    xml = render([make_article("a", day=9), make_article("b", day=8, updated=updated)])
    feed = parse(xml).feed
    assert feed.title == "Nasional"
    assert feed.id == "https://arsip.example.org/nasional/"
    assert feed.updated == "2023-11-10T08:00:00+07:00"  # newest modified, not newest published
    links = {link.rel: link for link in feed.links}
    assert links["self"].href == "https://arsip.example.org/nasional/feed.xml"
    assert links["self"].type == "application/atom+xml"
    assert links["alternate"].href == "https://arsip.example.org/nasional/"
    assert links["alternate"].type == "text/html"
    assert feed.generator == "sitegen"
    assert feed.language == "id"
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>\n')


def test_every_entry_has_id_title_link_and_dates_with_offset() -> None:
    updated = datetime(2023, 11, 10, 1, 15, tzinfo=timezone.utc)
    articles = [make_article("a"), make_article("b", day=8, updated=updated)]
    entries = parse(render(articles)).entries
    assert len(entries) == 2
    for entry, article in zip(entries, articles):
        assert entry.id == f"https://arsip.example.org{article.url}"
        assert entry.title == article.title
        assert entry.link == f"https://arsip.example.org{article.url}"
        assert entry.published_parsed is not None and entry.updated_parsed is not None
        assert datetime.fromisoformat(entry.published) == article.date
        assert datetime.fromisoformat(entry.updated) == article.modified
        assert entry.summary == "Ringkasan berita."
    assert entries[0].published == "2023-11-09T14:30:00+07:00"
    assert entries[0].updated == entries[0].published  # no `updated`: modified is the date
    assert entries[1].updated == "2023-11-10T01:15:00+00:00"


def test_entry_authors_contributors_and_categories() -> None:
    entry = parse(render([make_article("a")])).entries[0]
    assert [a.name for a in entry.authors] == ["Ari Putra", "Sari Dewi"]
    assert [c.name for c in entry.contributors] == ["Budi"]
    assert [(t.term, t.label) for t in entry.tags] == [
        ("nasional", "Berita Nasional"), ("banjir", "banjir"), ("jakarta", "jakarta")]


def test_unsigned_story_falls_back_to_site_title_as_author() -> None:
    entry = parse(render([make_article("a", reporters=())])).entries[0]
    assert [a.name for a in entry.authors] == ["Warta Arsip"]


def test_hostile_title_round_trips_as_text_and_is_escaped_in_raw_xml() -> None:
    article = make_article("a", title=HOSTILE, summary=HOSTILE, reporters=(HOSTILE,), tags=(HOSTILE,))
    xml = render([article], title=HOSTILE)
    assert "<script>" not in xml
    assert "</title><script>" not in xml
    assert "]]>" not in xml
    parsed = parse(xml)
    assert parsed.feed.title == HOSTILE
    entry = parsed.entries[0]
    assert entry.title == HOSTILE
    assert entry.summary == HOSTILE
    assert entry.authors[0].name == HOSTILE
    assert entry.tags[1].term == HOSTILE
    # A strict XML parser agrees with feedparser's lenient one.
    root = ElementTree.fromstring(xml.encode("utf-8"))
    assert root.findtext(f"{ATOM}entry/{ATOM}title") == HOSTILE


def test_xml_illegal_control_characters_are_dropped() -> None:
    xml = render([make_article("a", title="Bel\x07 berbunyi\x00\x1f\ttab", summary="a\x0bb")])
    root = ElementTree.fromstring(xml.encode("utf-8"))
    assert root.findtext(f"{ATOM}entry/{ATOM}title") == "Bel berbunyi\ttab"
    assert root.findtext(f"{ATOM}entry/{ATOM}summary") == "ab"
    parse(xml)


def test_ids_and_whole_document_are_identical_across_renders() -> None:
    articles = [make_article("a"), make_article("b", day=8)]
    first, second = render(articles), render(list(articles))
    assert first == second
    assert [e.id for e in parse(first).entries] == [e.id for e in parse(second).entries]


def test_entries_keep_the_order_given() -> None:
    articles = [make_article("old", day=1), make_article("new", day=9)]
    assert [e.title for e in parse(render(articles)).entries] == ["Judul old", "Judul new"]


def test_empty_feed_is_valid_with_a_fixed_updated() -> None:
    xml = render([])
    feed = parse(xml).feed
    assert feed.updated_parsed is not None
    assert feed.updated == "1970-01-01T00:00:00+00:00"
    assert xml == render([])


def test_sub_path_base_url_is_kept_in_every_link() -> None:
    config = make_config("https://user.github.io/arsip/")
    parsed = parse(render([make_article("a")], config))
    assert parsed.feed.id == "https://user.github.io/arsip/nasional/"
    assert {link.href for link in parsed.feed.links} == {
        "https://user.github.io/arsip/nasional/", "https://user.github.io/arsip/nasional/feed.xml"}
    assert parsed.entries[0].link == "https://user.github.io/arsip/nasional/2023/11/a/"


def test_naive_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render([make_article("a", date=datetime(2023, 11, 9, 14, 30))])


def test_iso_dates_keep_their_own_offset_even_when_equal_to_an_earlier_one() -> None:
    from zoneinfo import ZoneInfo

    from generator.dates import iso

    jakarta = datetime(2023, 11, 9, 14, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    utc = datetime(2023, 11, 9, 7, 30, tzinfo=timezone.utc)
    assert jakarta == utc
    assert (iso(jakarta), iso(utc)) == ("2023-11-09T14:30:00+07:00", "2023-11-09T07:30:00+00:00")
    first = datetime(2023, 11, 5, 1, 30, tzinfo=ZoneInfo("America/New_York"))  # the hour that repeats
    assert (iso(first), iso(first.replace(fold=1))) == ("2023-11-05T01:30:00-04:00", "2023-11-05T01:30:00-05:00")
