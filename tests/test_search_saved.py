"""Saved first screens (generator/search/saved.py): which words get a list, and that each
list is exactly the newest stories holding the word, matched the way Pagefind matches."""

from __future__ import annotations

from generator.search import saved
from generator.search.saved import KEEP, WINDOW, Story, read_story, saved_lists

PAGE = """<html><body><article class="story" data-pagefind-body>
<nav data-pagefind-ignore>Beranda Kota</nav><h1>Banjir di Kota</h1>
<p><span class="byline-label" data-pagefind-ignore>Reporter</span> Ani</p>
<p>Warga mengungsi karena banjir. Sungai meluap.</p>
<div hidden data-pagefind-ignore>
<span data-pagefind-meta="title">Banjir di Kota &amp; Desa</span>
<span data-pagefind-meta="date">Kamis, 9 November 2023 14.30 WIB</span>
<span data-pagefind-sort="date">1699515000</span>
<span data-pagefind-meta="section" data-pagefind-filter="section">Metropolitan</span>
<span data-pagefind-meta="tags">cuaca ekstrem, covid19</span>
</div></article></body></html>"""


def story(n: int, *words: str) -> Story:
    """Story number `n` (higher is newer) holding `words`."""
    return Story(f"2024/cerita-{n}/", 1_700_000_000 + n * 60, (("title", f"Cerita {n}"),), frozenset(words))


def test_a_page_is_read_as_pagefind_indexes_it() -> None:
    read = read_story("2023/11/banjir-di-kota/index.html", PAGE)
    assert read is not None and read.url == "2023/11/banjir-di-kota/" and read.stamp == 1699515000
    # Pagefind searches every metadata value too: the section, the tags.
    assert {"banjir", "warga", "sungai", "metropolitan", "ekstrem", "covid19"} <= read.words
    assert "covid" not in read.words  # letters and digits are one word, as Pagefind reads them
    assert "beranda" not in read.words and "reporter" not in read.words  # data-pagefind-ignore
    assert dict(read.meta)["title"] == "Banjir di Kota & Desa"
    assert read_story("tentang/index.html", "<html><body><p>banjir</p></body></html>") is None


def test_a_saved_list_is_the_newest_stories_holding_the_word() -> None:
    stories = [story(n, "banjir" if n % 2 else "kemarau", "warga") for n in range(200)]
    doc = saved_lists(stories, "id")
    listed = doc["lists"][doc["words"]["banjir"]]["p"]
    urls = [doc["stories"][i]["url"] for i in listed]
    assert urls == [f"2024/cerita-{n}/" for n in range(199, 199 - 2 * KEEP, -2)]


def test_words_in_fewer_than_keep_of_the_newest_stories_get_no_list() -> None:
    stories = [story(n, "warga", *(["langka"] if n < KEEP - 1 else [])) for n in range(100)]
    assert "langka" not in saved_lists(stories, "id")["words"]
    # Stories older than the window are not read at all: "lama" is only there.
    old = [story(-n, "lama") for n in range(1, KEEP + 5)]
    recent = [story(n, "warga") for n in range(WINDOW)]
    assert "lama" not in saved_lists(old + recent, "id")["words"]


def test_the_last_word_also_matches_longer_stems_and_other_words_whole_stems() -> None:
    # "kota" matches "kotak" as a query's last word (Pagefind's prefix), not before it.
    stories = [story(n, "kota" if n % 2 else "kotak", "warga") for n in range(100)]
    doc = saved_lists(stories, "id")
    entry = doc["lists"][doc["words"]["kota"]]
    assert len(entry["p"]) == KEEP and entry["e"] != entry["p"]
    prefix = [doc["stories"][i]["url"] for i in entry["p"]]
    assert prefix == [f"2024/cerita-{n}/" for n in range(99, 99 - KEEP, -1)]
    # Word forms read the same stem's list: "membanjiri" finds what "banjir" finds.
    forms = saved_lists([story(n, "banjir" if n % 2 else "membanjiri") for n in range(100)], "id")["words"]
    assert forms["banjir"] == forms["membanjiri"]


def test_stop_words_get_no_list() -> None:
    doc = saved_lists([story(n, "yang", "banjir") for n in range(100)], "id")
    assert "yang" not in doc["words"] and "banjir" in doc["words"]
    assert saved.FORMAT == doc["format"] and doc["keep"] == KEEP
