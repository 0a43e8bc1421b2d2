"""Ranking only the rows a change can reach gives the lists of a clean ranking, byte for byte."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.related.incremental as incremental
import generator.related.textrows as textrows
from generator.config.related import RelatedConfig
from generator.content.model import Article
from generator.related.engine import compute_related
from tests.conftest import build_into
from tests.related_archive import add_story, make_archive, read_articles, stories

CONFIG = RelatedConfig()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    return read_articles(make_archive(tmp_path_factory.mktemp("incremental") / "archive", 600, seed=1))


class Spy:
    """Counts the rows each ranking ranked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ranked: list[int] = []
        real = incremental.rank

        def rank(signals, config, rows, **kwargs):  # type: ignore[no-untyped-def]
            self.ranked.append(len(rows))
            return real(signals, config, rows, **kwargs)
        monkeypatch.setattr(incremental, "rank", rank)


class Kept(dict):
    """What a build keeps between rankings: the ranking state (the dict itself) and the word counts."""

    def __init__(self) -> None:
        super().__init__()
        self.words: dict = {}

    def rank(self, articles: list[Article], config: RelatedConfig = CONFIG) -> dict[str, tuple[str, ...]]:
        return compute_related(articles, config, self.words, self, record=record)


def record(article: Article) -> bytes:
    """A digest of every field, as the parse cache keeps one per story."""
    return hashlib.blake2b(repr(article).encode(), digest_size=16).digest()


def after(state: Kept, articles: list[Article], config: RelatedConfig = CONFIG) -> dict[str, tuple[str, ...]]:
    """The lists ranked incrementally from `state`, checked against a clean ranking."""
    lists = state.rank(articles, config)
    assert lists == compute_related(articles, config)
    return lists


def newest_copy(articles: list[Article]) -> Article:
    newest = max(articles, key=lambda a: (a.date, a.source))
    return replace(newest, source=newest.source.rsplit("/", 1)[0] + "/cerita-baru.md", slug="cerita-baru",
                   title="Cerita Baru Hari Ini", date=newest.date + timedelta(hours=1))


def test_a_new_story_ranks_a_few_rows_and_gives_the_clean_lists(archive, monkeypatch) -> None:
    state = Kept()
    before = state.rank(archive)
    spy = Spy(monkeypatch)
    lists = after(state, [*archive, newest_copy(archive)])
    assert spy.ranked[0] < len(archive) // 10
    assert sum(before[s] != lists[s] for s in before) >= 1


def test_a_new_story_weighs_the_text_of_a_few_rows(archive, monkeypatch) -> None:
    state = Kept()
    state.rank(archive)
    weighed: list[int] = []
    real = textrows.weigh_rows
    monkeypatch.setattr(textrows, "weigh_rows", lambda n, *rest: weighed.append(n) or real(n, *rest))
    after(state, [*archive, newest_copy(archive)])
    assert weighed and 1 <= weighed[0] < len(archive) // 10  # the new story, and those sharing a word it moved


def test_a_corrupt_text_record_or_missing_word_counts_read_as_no_state(archive) -> None:
    state = Kept()
    state.rank(archive)
    good = dict(state)
    counted = good["counted"]
    broken = [
        {**counted, "count": b"\xff" * len(counted["count"])},  # negative counts
        {**counted, "vocabulary": counted["vocabulary"][8:] + counted["vocabulary"][:8]},  # not ascending
        {**counted, "keys": counted["keys"][:-1]},  # a key cut short
        {**counted, "sealed_count": counted["count"][:-8] + (2**40).to_bytes(8, "little")},  # more than in all
        "not a record",
    ]
    gone = [a for a in archive if a is not archive[5]]
    for value in broken:
        state.clear()
        state.update({**good, "counted": value})
        after(state, gone)
        state.clear()
        state.update(good)
    words = dict(state.words)
    state.words.clear()  # the word counts of a deleted story are needed to take its words out
    after(state, gone)
    state.words.update(words)


def test_an_edit_a_deletion_and_a_new_tag_give_the_clean_lists(archive, monkeypatch) -> None:
    state = Kept()
    state.rank(archive)
    spy = Spy(monkeypatch)
    middle = archive[len(archive) // 2]
    edited = [replace(a, body=a.body + "\n\nBanjir bandang merendam tanggul Kalimalang.") if a is middle else a
              for a in archive]
    after(state, edited)
    newest = max(archive, key=lambda a: (a.date, a.source))
    gone = [a for a in edited if a is not newest]  # today's story withdrawn
    after(state, gone)
    tagged = [replace(a, tags=(*a.tags, "tag-baru-sekali")) if a is archive[-2] else a for a in gone]
    after(state, tagged)
    incremental_runs = spy.ranked[0::2]  # each after() ranks incrementally, then cleanly
    assert spy.ranked[1::2] == [600, 599, 599]
    assert max(incremental_runs) < len(archive) // 4  # each step ranked a part, not the archive


def test_deleting_a_sealed_story_gives_the_clean_lists(archive) -> None:
    # The seal's edge moves by one story: weights move, most rows are ranked again.
    state = Kept()
    state.rank(archive)
    after(state, [a for a in archive if a is not archive[100]])


def test_a_draft_a_pin_and_new_settings_give_the_clean_lists(archive) -> None:
    state = Kept()
    state.rank(archive)
    drafted = [replace(a, draft=True) if a is archive[7] else a for a in archive]
    after(state, drafted)
    pinned = [replace(a, related=(archive[3].slug,)) if a is archive[9] else a for a in drafted]
    after(state, pinned)
    after(state, drafted)  # the pin taken out again: the list kept from the pinned build must not stay
    after(state, pinned, replace(CONFIG, allow_newer=False))


def test_a_story_that_moves_the_seal_a_step_gives_the_clean_lists(archive) -> None:
    from generator.related.vectors import seal_size

    first = next(n for n in range(500, 600) if seal_size(n + 1) > seal_size(n))
    state = Kept()
    state.rank(archive[:first])
    after(state, archive[:first + 1])  # every weight moves
    after(state, archive[:first + 2])


def test_a_state_of_other_settings_or_a_malformed_one_ranks_every_row(archive, monkeypatch) -> None:
    state = Kept()
    state.rank(archive, replace(CONFIG, count=4))
    spy = Spy(monkeypatch)
    after(state, archive)  # the state was ranked with count = 4
    assert state.rank(archive) and spy.ranked[-1] == 0  # nothing changed
    good = dict(state)
    bounds, rows = good["short"]
    broken = [
        ("sources", good["sources"][:-1]),  # one story short
        ("sections", [*good["sections"][:-1], 7]),  # not a str
        ("timestamp", good["timestamp"][:-3]),  # not whole float64s
        ("text", good["text"][:2]),  # values missing
        ("short", (bounds, rows[:-8])),  # bounds past the end
        ("short", (bounds, (2**40).to_bytes(8, "little") + rows[8:])),  # a story number out of range
        ("computed", (good["computed"][0], good["computed"][1][8:] + good["computed"][1][:8])),  # off its shortlist
        ("threshold", "not bytes"),
    ]
    for key, value in broken:
        state.clear()
        state.update({**good, key: value})
        after(state, archive)
    # Ranked incrementally, cleanly, (nothing), then each broken state incrementally and cleanly.
    assert spy.ranked == [len(archive), len(archive), 0] + [len(archive)] * 2 * len(broken)


@settings(deadline=None, max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["add", "edit", "delete", "tag", "date"]),
                                st.integers(0, 10_000)), min_size=1, max_size=4))
def test_any_sequence_of_changes_gives_the_clean_lists(archive, steps) -> None:
    articles = list(archive[:250])
    state = Kept()
    state.rank(articles)
    for number, (kind, pick) in enumerate(steps):
        k = pick % len(articles)
        if kind == "add":
            articles.append(replace(newest_copy(articles), source=f"content/articles/baru-{number}.md",
                                    slug=f"baru-{number}", body=articles[k].body))
        elif kind == "edit":
            articles[k] = replace(articles[k], body=articles[k].body + " " + articles[(k * 7) % len(articles)].title)
        elif kind == "delete" and len(articles) > 2:
            del articles[k]
        elif kind == "tag":
            articles[k] = replace(articles[k], tags=(*articles[k].tags, f"tag-{pick % 3}"))
        elif kind == "date":
            articles[k] = replace(articles[k], date=articles[k].date - timedelta(days=pick % 900))
        after(state, articles)


def test_a_build_after_a_new_story_writes_the_pages_of_a_clean_build(tmp_path: Path) -> None:
    site = make_archive(tmp_path / "site", 300, seed=2)
    build_into(site, tmp_path / "out", future=True)
    add_story(site)
    build_into(site, tmp_path / "out", future=True)
    shutil.rmtree(site / ".sitegen")
    build_into(site, tmp_path / "clean", future=True)
    pages = [p.relative_to(tmp_path / "clean") for p in (tmp_path / "clean").rglob("index.html")]
    differ = [p for p in pages if (tmp_path / "out" / p).read_bytes() != (tmp_path / "clean" / p).read_bytes()]
    assert len(pages) > 300 and differ == []
    assert any(re.search(rb"cerita-baru-hari-ini", (tmp_path / "out" / p).read_bytes()) for p in pages
               if "cerita-baru" not in str(p))


def test_an_edit_to_tags_only_leaves_the_word_counts_file_as_it_was(tmp_path: Path) -> None:
    site = make_archive(tmp_path / "site", 120, seed=3)
    build_into(site, tmp_path / "out", future=True)
    words, ranking = site / ".sitegen" / "words.pickle", site / ".sitegen" / "ranking.pickle"
    before = words.stat().st_ino, ranking.stat().st_ino  # a cache file is replaced whole when written
    story = stories(site)[40]
    story.write_text(re.sub(r"(?m)^tags: \[", 'tags: ["tag-baru-sekali", ', story.read_text(encoding="utf-8"), count=1),
                     encoding="utf-8")
    build_into(site, tmp_path / "out", future=True)
    assert words.stat().st_ino == before[0] and ranking.stat().st_ino != before[1]
    add_story(site)
    build_into(site, tmp_path / "out", future=True)
    assert words.stat().st_ino != before[0]
