"""Related articles: what is listed, in which order, and why."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.related.rows as related_module
from generator.config.related import RelatedConfig
from generator.content.model import Article
from generator.errors import BuildError
from generator.related.engine import compute_related, explain_related, format_explanations

WIB = timezone(timedelta(hours=7))
DAY0 = datetime(2024, 1, 10, 9, 0, tzinfo=WIB)


def story(slug: str, title: str, body: str, *, tags: tuple[str, ...] = (), section: str = "nasional",
          day: int = 0, reporters: tuple[str, ...] = (), draft: bool = False,
          related: tuple[str, ...] = (), related_line: int | None = None, summary: str = "") -> Article:
    """An article as the content loader would make it, with only what the test cares about."""
    return Article(
        source=f"content/articles/{slug}.md", slug=slug, url=f"/{section}/{slug}/", title=title,
        date=DAY0 + timedelta(days=day), section=section, body=body, body_line=8,
        reporters=reporters, tags=tags, summary=summary, draft=draft, related=related,
        related_line=related_line,
    )


def desk() -> list[Article]:
    """Three flood stories and three football stories; the right answer is obvious."""
    return [
        story("banjir-kampung-melayu", "Banjir rendam Kampung Melayu",
              "Banjir setinggi satu meter merendam permukiman warga di Kampung Melayu. "
              "Luapan Sungai Ciliwung membuat ratusan warga mengungsi ke posko pengungsian.",
              tags=("banjir", "ciliwung", "jakarta"), section="metro", day=0),
        story("ciliwung-meluap-lagi", "Ciliwung meluap, pengungsi bertambah",
              "Debit Sungai Ciliwung naik setelah hujan deras di Bogor. Pengungsi banjir di "
              "posko pengungsian bertambah dan petugas menyiapkan perahu karet.",
              tags=("banjir", "ciliwung"), section="metro", day=1),
        story("tanggul-jebol-bekasi", "Tanggul jebol, banjir meluas ke Bekasi",
              "Tanggul sungai jebol sehingga banjir meluas. Warga mengungsi ke posko "
              "pengungsian dan perahu karet dikerahkan untuk evakuasi.",
              tags=("banjir", "bekasi"), section="metro", day=2),
        story("persija-menang-derbi", "Persija menang di derbi ibu kota",
              "Persija mengalahkan lawannya dua gol tanpa balas. Pelatih memuji lini tengah "
              "dan suporter memenuhi stadion sepanjang pertandingan liga.",
              tags=("sepak-bola", "persija", "jakarta"), section="olahraga", day=0),
        story("pelatih-persija-bicara", "Pelatih Persija bicara soal lini tengah",
              "Pelatih Persija menilai lini tengah tampil disiplin. Ia meminta pemain menjaga "
              "fokus jelang pertandingan liga berikutnya di stadion.",
              tags=("sepak-bola", "persija"), section="olahraga", day=1),
        story("suporter-padati-stadion", "Suporter padati stadion jelang laga liga",
              "Ribuan suporter memadati stadion. Panitia pertandingan menambah petugas agar "
              "laga liga berjalan aman bagi pemain dan penonton.",
              tags=("sepak-bola", "liga"), section="olahraga", day=2),
    ]


FLOOD = {"content/articles/banjir-kampung-melayu.md", "content/articles/ciliwung-meluap-lagi.md",
         "content/articles/tanggul-jebol-bekasi.md"}
FOOTBALL = {"content/articles/persija-menang-derbi.md", "content/articles/pelatih-persija-bicara.md",
            "content/articles/suporter-padati-stadion.md"}


def archive(n: int, seed: int = 7) -> list[Article]:
    """A few hundred articles from ten vocabularies, enough to exercise the chunked paths."""
    rng = random.Random(seed)
    topics = [[f"kata{t}x{k}" for k in range(25)] for t in range(10)]
    common = [f"umum{k}" for k in range(300)]
    articles = []
    for i in range(n):
        t = i % 10
        words = rng.choices(topics[t], k=30) + rng.choices(common, k=120)
        articles.append(story(f"artikel-{i:04d}", " ".join(rng.choices(topics[t], k=4)), " ".join(words),
                              tags=(f"topik-{t}", rng.choice(["nasional", "jakarta", "viral"])),
                              section=f"desk{t % 3}", day=rng.randrange(400),
                              reporters=(f"wartawan{rng.randrange(6)}",)))
    return articles


def test_flood_stories_list_the_other_flood_stories_first():
    related = compute_related(desk(), RelatedConfig())
    for source, listed in related.items():
        family = FLOOD if source in FLOOD else FOOTBALL
        assert set(listed[:2]) == family - {source}


def test_never_lists_the_article_itself():
    articles = desk() + archive(120)
    for source, listed in compute_related(articles, RelatedConfig(min_score=0.0)).items():
        assert source not in listed


def test_lists_at_most_count_articles_and_no_duplicates():
    articles = archive(200)
    for count in (1, 3, 7):
        for listed in compute_related(articles, RelatedConfig(count=count, min_score=0.0)).values():
            assert len(listed) <= count
            assert len(set(listed)) == len(listed)


def test_every_article_gets_a_full_list_when_enough_articles_are_similar():
    related = compute_related(archive(200), RelatedConfig())
    assert all(len(listed) == 5 for listed in related.values())


def test_same_lists_whatever_the_input_order():
    articles = desk() + archive(150)
    expected = compute_related(articles, RelatedConfig())
    for seed in range(3):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        assert compute_related(shuffled, RelatedConfig()) == expected


def test_small_candidate_budget_still_gives_valid_lists():
    # Tiny budgets push every row through the partition and budget paths.
    config = RelatedConfig(candidates=15, rescore=6, max_terms=8, min_score=0.0)
    articles = archive(300)
    related = compute_related(articles, config)
    assert set(related) == {a.source for a in articles}
    for source, listed in related.items():
        assert source not in listed and len(listed) <= 5 and len(set(listed)) == len(listed)


def test_pinned_articles_come_first_in_the_given_order():
    articles = desk()
    articles[0] = replace(articles[0], related=("suporter-padati-stadion", "persija-menang-derbi"))
    listed = compute_related(articles, RelatedConfig())[articles[0].source]
    assert listed[:2] == ("content/articles/suporter-padati-stadion.md",
                          "content/articles/persija-menang-derbi.md")
    assert set(listed[2:4]) == FLOOD - {articles[0].source}


def test_pinned_articles_are_not_repeated_and_count_towards_the_limit():
    articles = desk()
    articles[0] = replace(articles[0], related=("ciliwung-meluap-lagi", "ciliwung-meluap-lagi",
                                                "persija-menang-derbi", "banjir-kampung-melayu"))
    listed = compute_related(articles, RelatedConfig(count=3))[articles[0].source]
    assert listed == ("content/articles/ciliwung-meluap-lagi.md",
                      "content/articles/persija-menang-derbi.md",
                      "content/articles/tanggul-jebol-bekasi.md")


def test_unknown_pinned_slug_is_reported_with_file_line_and_suggestion():
    articles = desk()
    articles[1] = replace(articles[1], related=("tanggul-jebol-bekas",), related_line=9)
    with pytest.raises(BuildError) as caught:
        compute_related(articles, RelatedConfig())
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.path == "content/articles/ciliwung-meluap-lagi.md"
    assert diagnostic.line == 9
    assert "tanggul-jebol-bekas" in diagnostic.message
    assert "tanggul-jebol-bekasi" in (diagnostic.hint or "")


def test_drafts_are_never_listed_even_when_pinned():
    articles = desk()
    articles[1] = replace(articles[1], draft=True)
    articles[0] = replace(articles[0], related=("ciliwung-meluap-lagi",))
    related = compute_related(articles, RelatedConfig(min_score=0.0))
    assert all(articles[1].source not in listed for listed in related.values())
    assert related[articles[1].source]  # a draft built with --drafts still gets its own list


def test_allow_newer_false_lists_only_articles_published_before_or_at_the_same_time():
    articles = archive(200)
    when = {a.source: a.date for a in articles}
    related = compute_related(articles, RelatedConfig(allow_newer=False, min_score=0.0))
    assert any(related.values())
    for source, listed in related.items():
        assert all(when[other] <= when[source] for other in listed)


def test_min_score_cuts_the_list_short():
    loose = compute_related(desk(), RelatedConfig(min_score=0.0))
    strict = compute_related(desk(), RelatedConfig(min_score=0.5))
    assert sum(map(len, strict.values())) < sum(map(len, loose.values()))
    for source, listed in strict.items():
        assert len(listed) >= 2  # the two sibling stories clear the bar
        assert listed == loose[source][:len(listed)]
        for explained in explain_related(desk(), RelatedConfig(min_score=0.5), source):
            assert explained.listed == (explained.score >= 0.5)


def test_words_shared_only_as_stop_words_or_markup_do_not_relate_articles():
    articles = [
        story("satu", "Yang dan di ke",
              "Ini adalah <span class='sorot'>yang</span> [itu](https://a.id/pasar)"),
        story("dua", "Dari ini itu",
              "Dengan untuk pada <span class='sorot'>tidak</span> https://a.id/pasar"),
    ]
    assert compute_related(articles, RelatedConfig(min_score=0.0, section=0.0)) == {
        "content/articles/satu.md": (), "content/articles/dua.md": ()}


def test_explain_gives_the_shared_tags_and_terms_behind_each_score():
    articles = desk()
    explained = explain_related(articles, RelatedConfig(), "content/articles/ciliwung-meluap-lagi.md")
    listed = compute_related(articles, RelatedConfig())["content/articles/ciliwung-meluap-lagi.md"]
    assert tuple(e.source for e in explained if e.listed) == listed
    top = explained[0]
    assert top.source == "content/articles/banjir-kampung-melayu.md"
    assert set(top.shared_tags) == {"banjir", "ciliwung"}
    # pengungsian, mengungsi and pengungsi share a stem, shown as its most frequent form.
    assert "ciliwung" in top.shared_terms and "pengungsi" in top.shared_terms
    assert "pengungsian" not in top.shared_terms and "ungsi" not in top.shared_terms
    assert "di" not in top.shared_terms
    assert top.score == pytest.approx(top.tags + top.text + top.section + top.people + top.neighbours)
    assert top.section > 0 and not top.pinned


def test_explain_flags_pinned_articles_and_shows_runners_up():
    articles = desk()
    articles[0] = replace(articles[0], related=("persija-menang-derbi",))
    explained = explain_related(articles, RelatedConfig(count=2), articles[0].source)
    assert explained[0].pinned and explained[0].listed
    assert explained[0].source == "content/articles/persija-menang-derbi.md"
    assert [e.listed for e in explained[:2]] == [True, True]
    assert any(not e.listed for e in explained)


def test_explain_of_an_unknown_path_suggests_the_closest_one():
    with pytest.raises(BuildError) as caught:
        explain_related(desk(), RelatedConfig(), "content/articles/banjir-kampung-melay.md")
    assert "banjir-kampung-melayu.md" in (caught.value.diagnostics[0].hint or "")


def test_rare_shared_tag_counts_more_than_a_common_one():
    base = "laporan singkat redaksi"
    articles = [story("a", "Satu", base, tags=("nasional", "gempa-cianjur"))]
    articles += [story(f"umum-{i}", f"Lain {i}", base, tags=("nasional",)) for i in range(8)]
    articles += [story("b", "Dua", base, tags=("gempa-cianjur",))]
    explained = explain_related(articles, RelatedConfig(count=3, min_score=0.0), "content/articles/a.md")
    assert explained[0].source == "content/articles/b.md"
    assert explained[0].tags > 2 * explained[1].tags


def test_empty_archive_gives_empty_mapping():
    assert compute_related([], RelatedConfig()) == {}


def test_config_problems_name_the_key():
    assert RelatedConfig().problems() == ()
    keys = {key for key, _ in RelatedConfig(count=0, min_score=-1.0, text=float("nan")).problems()}
    assert keys == {"count", "min_score", "text"}
    with pytest.raises(ValueError):
        compute_related(desk(), RelatedConfig(count=0))


def test_formatted_explanation_names_each_article_and_what_it_shares():
    source = "content/articles/ciliwung-meluap-lagi.md"
    text = format_explanations(source, explain_related(desk(), RelatedConfig(), source))
    assert text.splitlines()[0] == f"related articles for {source}:"
    assert "content/articles/banjir-kampung-melayu.md" in text
    assert "shared tags: banjir, ciliwung" in text or "shared tags: ciliwung, banjir" in text


def test_a_two_article_site_relates_its_two_stories():
    articles = [story("a", "Banjir di Kemang", "Banjir merendam Kemang."),
                story("b", "Banjir surut", "Banjir di Kemang mulai surut.")]
    assert compute_related(articles, RelatedConfig()) == {
        "content/articles/a.md": ("content/articles/b.md",),
        "content/articles/b.md": ("content/articles/a.md",)}


def test_words_with_accents_and_curly_quotes_are_matched_whole():
    articles = [story("a", "Kafe “Ölü” tutup", "Pemilik kafé di Menteng menutup usaha."),
                story("b", "Kafé baru", "Kafé di Menteng — “Ölü” — buka lagi.")]
    (top,) = explain_related(articles, RelatedConfig(min_score=0.0), "content/articles/b.md")
    assert {"kafé", "ölü", "menteng"} <= set(top.shared_terms)


WORDS = ["banjir", "ciliwung", "persija", "liga", "gempa", "cianjur", "harga", "beras", "yang", "di"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(WORDS), max_size=12),
                          st.lists(st.sampled_from(["banjir", "bola", "nasional"]), max_size=3),
                          st.integers(0, 30), st.booleans()),
                max_size=12),
       st.integers(1, 4), st.booleans())
def test_any_archive_gets_valid_deterministic_lists(rows, count, allow_newer):
    articles = [story(f"s{i}", " ".join(words[:3]), " ".join(words), tags=tuple(tags), day=day,
                      draft=draft)
                for i, (words, tags, day, draft) in enumerate(rows)]
    config = RelatedConfig(count=count, allow_newer=allow_newer, min_score=0.0)
    related = compute_related(articles, config)
    by_source = {a.source: a for a in articles}
    assert set(related) == set(by_source)
    for source, listed in related.items():
        assert source not in listed and len(listed) <= count and len(set(listed)) == len(listed)
        assert not any(by_source[other].draft for other in listed)
        if not allow_newer:
            assert all(by_source[other].date <= by_source[source].date for other in listed)
    assert compute_related(list(reversed(articles)), config) == related


def test_cached_word_counts_give_the_same_lists_and_follow_edits():
    articles = desk()
    words: dict = {}
    plain = compute_related(articles, RelatedConfig())
    assert compute_related(articles, RelatedConfig(), words) == plain
    assert len(words) == len(articles)
    assert compute_related(articles, RelatedConfig(), words) == plain  # now from the cache
    # A story rewritten to be about football must move, cache or not.
    edited = list(articles)
    edited[2] = replace(articles[2], title="Persija menang lagi di stadion",
                        body="Persija menang di laga liga. Pelatih memuji lini tengah dan suporter di stadion.")
    fresh = compute_related(edited, RelatedConfig())
    assert compute_related(edited, RelatedConfig(), words) == fresh
    assert fresh != plain
    assert len(words) == len(edited)  # counts of the old text are dropped


def test_lists_of_untouched_stories_survive_an_edit_elsewhere_in_a_large_archive():
    rng = random.Random(7)
    vocabulary = ["".join(rng.choices("abcdefghijklmnop", k=6)) for _ in range(400)]
    articles = [story(f"cerita-{n}", " ".join(rng.choices(vocabulary, k=6)),
                      " ".join(rng.choices(vocabulary, k=120)),
                      tags=tuple(rng.sample([f"tag{t}" for t in range(40)], 3)), day=n % 30)
                for n in range(600)]
    before = compute_related(articles, RelatedConfig())
    edited = list(articles)
    edited[300] = replace(articles[300], body=articles[300].body + " " + " ".join(vocabulary[:3]) + " tambahan")
    after = compute_related(edited, RelatedConfig())
    changed = [s for s in before if before[s] != after[s]]
    # Only stories whose lists involve the edited one may move; not the archive.
    assert len(changed) < 30, changed


def test_the_best_of_a_row_do_not_depend_on_the_rows_ranked_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Shortlists are cut inside ties all the time (stories alike score alike). Which tied
    # entries make the cut must depend on the row alone, not on the other rows of its
    # block, whose number follows from the archive's size; ranking one row for
    # `sitegen related PATH` must give the same cut too.
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 500, size=60)
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    values = rng.integers(0, 4, size=int(indptr[-1])).astype(float)
    values[rng.random(len(values)) < 0.05] = -np.inf  # excluded pairs (the story itself, newer ones)
    whole = related_module.best_in_rows(indptr, values, 20)
    monkeypatch.setattr(related_module, "CHUNK_ENTRIES", 500)  # a row or two per block
    assert np.array_equal(related_module.best_in_rows(indptr, values, 20), whole)
    for row in range(len(lengths)):
        chosen = whole[(whole >= indptr[row]) & (whole < indptr[row + 1])]
        finite = np.isfinite(values[indptr[row]:indptr[row + 1]]).sum()
        assert len(chosen) == min(20, finite) and np.isfinite(values[chosen]).all()
        left_out = np.setdiff1d(np.arange(indptr[row], indptr[row + 1]), chosen)
        if len(left_out) and len(chosen):
            assert values[left_out].max() <= values[chosen].min()  # the best, whatever the ties
