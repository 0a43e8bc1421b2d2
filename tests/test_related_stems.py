"""Related articles on real Indonesian text: word families share a stem, signals earn their weight."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
import scipy.sparse as sp

import generator.related.vectors as vectors
from generator.config.related import RelatedConfig
from generator.content.model import Article
from generator.related.engine import compute_related, explain_related, format_explanations
from generator.related.stems import Stems, algorithm
from generator.related.words import count_words

WIB = timezone(timedelta(hours=7))

# Word families as they appear in Indonesian news copy: the root and its affixed forms.
FAMILIES = {
    "banjir": ["banjir", "membanjiri", "kebanjiran", "dibanjiri", "banjirnya"],
    "pilih": ["pilih", "memilih", "dipilih", "terpilih", "pemilihan", "pilihan"],
    "bangun": ["bangun", "membangun", "dibangun", "pembangunan", "bangunan"],
    "ungsi": ["mengungsi", "pengungsi", "pengungsian", "diungsikan"],
    "tangkap": ["tangkap", "ditangkap", "tertangkap", "tangkapan"],
    "selidik": ["menyelidiki", "diselidiki", "penyelidikan", "penyelidik"],
}


def story(slug: str, title: str, body: str, *, tags: tuple[str, ...] = (), section: str = "nasional",
          day: int = 0, reporters: tuple[str, ...] = ()) -> Article:
    return Article(source=f"content/articles/{slug}.md", slug=slug, url=f"/{section}/{slug}/", title=title,
                   date=datetime(2024, 1, 10, 9, tzinfo=WIB) + timedelta(days=day), section=section,
                   body=body, body_line=8, tags=tags, reporters=reporters)


def stem_ids(words: list[str], language: str = "id", stem: bool = True) -> list[int]:
    """The one term each word counts as, through the engine's own tokeniser."""
    counted = count_words([story(f"w{k}", "", word) for k, word in enumerate(words)], Stems(language, stem))
    assert all(len(hashes) == 1 for hashes, _ in counted)
    return [int(hashes[0]) for hashes, _ in counted]


@pytest.mark.parametrize("root", sorted(FAMILIES))
def test_every_form_of_an_indonesian_word_family_counts_as_one_term(root: str) -> None:
    ids = stem_ids(FAMILIES[root])
    assert len(set(ids)) == 1, dict(zip(FAMILIES[root], ids))


def test_a_known_limit_of_the_snowball_stemmer_is_a_dropped_initial_consonant() -> None:
    # meN-/peN- drop a root's initial t, k, s or p (tangkap -> menangkap); Snowball does not
    # put it back, so those forms share a stem with each other but not with the root.
    ids = stem_ids(["menangkap", "penangkapan", "tangkap"])
    assert ids[0] == ids[1] != ids[2]


def test_different_families_stay_different_terms() -> None:
    firsts = [forms[0] for forms in FAMILIES.values()]
    assert len(set(stem_ids(firsts))) == len(firsts)


def test_without_stemming_or_without_a_stemmer_forms_stay_apart() -> None:
    forms = FAMILIES["banjir"]
    assert len(set(stem_ids(forms, stem=False))) == len(forms)
    assert algorithm("tlh") == ""  # no Snowball stemmer: words are compared as written
    assert len(set(stem_ids(forms, language="tlh"))) == len(forms)


def test_the_stemmer_follows_the_language() -> None:
    assert algorithm("id") == "indonesian" and algorithm("en-GB") == "english" and algorithm("pt_BR") == "portuguese"
    assert len(set(stem_ids(["flood", "floods", "flooding", "flooded"], language="en"))) == 1
    # The Indonesian stemmer leaves English plurals alone, so the language matters.
    assert len(set(stem_ids(["flood", "floods"], language="id"))) == 2


def test_a_story_is_related_through_affixed_forms_of_its_words() -> None:
    articles = [
        story("banjir-cilacap", "Banjir rendam Cilacap", "Banjir merendam Cilacap, warga mengungsi ke balai desa."),
        story("cilacap-kebanjiran", "Cilacap kebanjiran lagi",
              "Ribuan rumah terendam, pengungsian dibuka; air membanjiri jalan."),
        story("pemilihan-kepala-desa", "Pemilihan kepala desa", "Warga memilih kepala desa di balai desa."),
        story("calon-terpilih", "Calon terpilih dilantik", "Kepala desa terpilih dilantik setelah pemilihan."),
    ]
    config = RelatedConfig(count=1, min_score=0.0)
    stemmed = compute_related(articles, config)
    assert stemmed["content/articles/banjir-cilacap.md"] == ("content/articles/cilacap-kebanjiran.md",)
    assert stemmed["content/articles/calon-terpilih.md"] == ("content/articles/pemilihan-kepala-desa.md",)
    # Written forms alone share only "cilacap" and "desa": the stems are what relate them.
    plain = explain_related(articles, RelatedConfig(min_score=0.0, stem=False), "content/articles/banjir-cilacap.md")
    joined = explain_related(articles, config, "content/articles/banjir-cilacap.md")
    assert joined[0].text > next(e.text for e in plain if e.source.endswith("cilacap-kebanjiran.md"))


def test_explanations_show_shared_stems_as_the_form_readers_meet_most() -> None:
    body = "Pengungsi di pengungsian bertambah; pengungsi butuh selimut. Banjir merendam kampung."
    articles = [story("a", "Pengungsi bertambah", body), story("b", "Pengungsi kembali", body + " Pengungsi pulang.")]
    explanation = explain_related(articles, RelatedConfig(min_score=0.0), "content/articles/a.md")[0]
    assert "pengungsi" in explanation.shared_terms  # the most frequent form, not the stem "ungsi"
    assert "ungsi" not in explanation.shared_terms and "pengungsian" not in explanation.shared_terms
    assert "pengungsi" in format_explanations("content/articles/a.md", [explanation])


def test_word_counts_cached_under_one_stemmer_are_not_reused_under_another(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = [story("a", "Banjir", "Banjir membanjiri kota."), story("b", "Kebanjiran", "Kota kebanjiran.")]
    cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
    stemmed = compute_related(articles, RelatedConfig(), cache)
    counted: list[int] = []
    real = vectors.count_words
    monkeypatch.setattr(vectors, "count_words", lambda batch, stems: (counted.append(len(batch)) if batch else None) or real(batch, stems))
    assert compute_related(articles, RelatedConfig(), cache) == stemmed
    assert counted == []  # same stemmer: every count came from the cache
    compute_related(articles, RelatedConfig(stem=False), cache)
    assert counted == [2]


def test_coherence_is_the_mean_text_cosine_between_the_stories_carrying_a_feature() -> None:
    rng = np.random.default_rng(3)
    text = rng.random((6, 5))
    text /= np.linalg.norm(text, axis=1, keepdims=True)
    carriers = [[0, 1, 2], [3, 4], [5], [0, 2, 3, 4, 5]]
    features = sp.csr_matrix(np.array([[r in c for c in carriers] for r in range(6)], dtype=np.float64))
    got = vectors.coherence(features, sp.csr_matrix(text))
    for f, rows in enumerate(carriers):
        pairs = [text[a] @ text[b] for a in rows for b in rows if a != b]
        assert got[f] == pytest.approx(np.mean(pairs) if pairs else 0.0)


def test_a_desk_wide_tag_and_a_beat_reporter_do_not_outvote_the_words_of_the_story() -> None:
    # Floods in two cities, one desk: every story carries the desk's tags and one of
    # its two flood reporters; only the words say which flood a story is about.
    cities = {"bekasi": ["tanggul", "kalimalang", "cikarang", "pompa"],
              "cilacap": ["serayu", "kroya", "sawah", "nelayan"]}
    articles = []
    for k in range(6):
        for city, words in cities.items():
            # The reporter of the other city's flood, and the desk tags: both mislead.
            reporter = "rina" if (city == "bekasi") == (k % 2 == 0) else "budi"
            body = f"Banjir di {city} merendam permukiman. " + " ".join(words[j % 4] for j in range(k, k + 6))
            articles.append(story(f"{city}-{k}", f"Banjir {city} hari ke-{k}", body, tags=("banjir", "metro"),
                                  section="metro", day=k, reporters=(reporter,)))
    lists = compute_related(articles, RelatedConfig(count=3))
    for article in articles:
        city = article.slug.split("-")[0]
        assert [s.split("/")[-1].split("-")[0] for s in lists[article.source]] == [city] * 3


def test_language_must_be_a_language_tag() -> None:
    assert RelatedConfig(language="en-GB").problems() == ()
    assert [key for key, _ in RelatedConfig(language="bahasa indonesia").problems()] == ["language"]


def test_the_sites_language_chooses_the_stemmer_unless_related_names_one(tmp_path) -> None:
    from datetime import datetime, timezone

    from generator.config.options import BuildOptions
    from generator.config.site import load_config

    def related_language(toml: str) -> str:
        (tmp_path / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n' + toml)
        options = BuildOptions(source=tmp_path, out=tmp_path / "public", build_time=datetime.now(tz=timezone.utc))
        return load_config(options).related.language

    assert related_language("") == "id"
    assert related_language('language = "en-GB"\n') == "en"
    assert related_language('language = "en"\n[related]\nlanguage = "id"\n') == "id"
