"""Synthetic news archives with a known answer, for the related-articles benchmarks.

Each article is written from one hidden topic (an "event" such as one flood or one
transfer saga).  Topics come in families that share a broad tag and a few words (all
the floods share "banjir"), sit in a newsroom section, and run for a few weeks.  An
article's body mixes Indonesian stop words, the vocabulary of the whole paper
(Zipf-distributed, so some words are everywhere), its section's jargon and its
topic's words; its tags are half from its topic and half from popular cross-topic
tags such as "nasional" and "jakarta".  Everything is deterministic for a seed.

Not a benchmark on its own: imported by related_quality.py and related_speed.py.
To look at a few generated articles:

    .venv/bin/python benchmarks/topic_corpus.py 3
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content.model import Article  # noqa: E402
from generator.related.stopwords import STOP_WORDS  # noqa: E402

SECTIONS = ("nasional", "metro", "ekonomi", "olahraga", "teknologi", "internasional",
            "hiburan", "kesehatan")
# Popular tags that cut across topics, most popular first; "nasional" ends up on ~30%.
POPULAR_TAGS = ("nasional", "jakarta", "pemerintah", "viral", "daerah", "hukum",
                "politik", "internasional", "ekonomi", "olahraga")
_ONSETS = ("b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "ng", "p", "r", "s", "t", "w", "y")
_VOWELS = ("a", "a", "i", "u", "e", "o")
_CODAS = ("", "", "", "n", "ng", "r", "s", "k", "l", "t", "h")
WIB = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class CorpusShape:
    """Knobs of the generator; the defaults give a plausible mid-size archive."""

    topic_size: int = 40  # mean articles per hidden topic
    topics_per_family: int = 3
    words_per_topic: int = 30
    words_per_family: int = 25
    section_words: int = 150
    common_words: int = 6000
    body_words: tuple[int, int] = (220, 380)
    share_stop: float = 0.38
    share_topic: float = 0.03
    share_family: float = 0.05
    share_section: float = 0.10  # the rest is the paper's common vocabulary
    days: int = 5 * 365
    topic_days: int = 30


def lexicon(rng: np.random.Generator, n: int, taken: set[str], onsets: tuple[str, ...] = _ONSETS,
            syllables: tuple[int, int] = (2, 5)) -> list[str]:
    """Invent `n` distinct pronounceable pseudo-Indonesian words of `syllables` (low, high + 1)."""
    words: list[str] = []
    while len(words) < n:
        count = int(rng.integers(*syllables))
        word = "".join(onsets[rng.integers(len(onsets))] + _VOWELS[rng.integers(len(_VOWELS))]
                       for _ in range(count)) + _CODAS[rng.integers(len(_CODAS))]
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def zipf(n: int, s: float = 1.0) -> np.ndarray:
    """Zipf weights of ranks 1..n, summing to 1."""
    weights = 1.0 / np.arange(1, n + 1) ** s
    return weights / weights.sum()


def make_corpus(n: int, seed: int = 0, shape: CorpusShape = CorpusShape()) -> tuple[list[Article], list[int]]:
    """Return `n` articles and, for each, the id of the hidden topic it was written from."""
    rng = np.random.default_rng(seed)
    taken = set(STOP_WORDS) | set(POPULAR_TAGS) | set(SECTIONS)
    stop = sorted(STOP_WORDS)
    stop_p = zipf(len(stop), 0.8)
    common = lexicon(rng, shape.common_words, taken)
    common_p = zipf(len(common), 1.0)
    section_vocab = [lexicon(rng, shape.section_words, taken) for _ in SECTIONS]
    reporters = [[f"reporter-{s}-{i}" for i in range(12)] for s in SECTIONS]
    editors = [[f"editor-{s}-{i}" for i in range(2)] for s in SECTIONS]

    n_topics = max(2, round(n / shape.topic_size))
    n_families = max(1, n_topics // shape.topics_per_family)
    family_words = [lexicon(rng, shape.words_per_family, taken) for _ in range(n_families)]
    family_tags = [lexicon(rng, 2, taken) for _ in range(n_families)]
    family_section = rng.integers(len(SECTIONS), size=n_families)
    topic_family = rng.integers(n_families, size=n_topics)
    topic_words = [lexicon(rng, shape.words_per_topic, taken) for _ in range(n_topics)]
    # One tag of the topic's own and two shared by its family ("banjir", "cuaca-ekstrem"):
    # sibling stories look alike by tags alone.
    topic_tags = [lexicon(rng, 1, taken) + family_tags[topic_family[t]] for t in range(n_topics)]
    topic_start = rng.integers(shape.days, size=n_topics)
    topic_beat = [rng.choice(12, size=2, replace=False) for _ in range(n_topics)]
    # Topic sizes vary like real stories: most are small, a few run for months.
    topic_of = rng.choice(n_topics, size=n, p=rng.dirichlet(np.full(n_topics, 4.0)))
    family_of = topic_family[topic_of]
    section_of = family_section[family_of]
    lengths = rng.integers(*shape.body_words, size=n)
    shares = [shape.share_stop, shape.share_topic, shape.share_family, shape.share_section]
    counts = rng.multinomial(lengths, shares + [1 - sum(shares)])  # (n, 5) words per pool
    # Draw every pool's words for the whole corpus at once: per-article draws are slow.
    stop_draw = iter(np.split(rng.choice(len(stop), size=counts[:, 0].sum() + 8 * n, p=stop_p),
                              np.cumsum(counts[:, 0] + 8)[:-1]))
    common_draw = iter(np.split(rng.choice(len(common), size=counts[:, 4].sum() + 12 * n, p=common_p),
                                np.cumsum(counts[:, 4] + 12)[:-1]))
    topic_draw = rng.integers(shape.words_per_topic, size=(n, counts[:, 1].max() + 2))
    family_draw = rng.integers(shape.words_per_family, size=(n, counts[:, 2].max() + 2))
    section_draw = rng.integers(shape.section_words, size=(n, counts[:, 3].max()))
    popular_p = np.array([0.16, 0.14, 0.12, 0.11, 0.10, 0.09, 0.08, 0.07, 0.07, 0.06])
    epoch = datetime(2019, 1, 1, 8, 0, tzinfo=WIB)

    articles: list[Article] = []
    for i, t in enumerate(topic_of.tolist()):
        fam, sec = int(family_of[i]), int(section_of[i])
        c = counts[i]
        stops, commons = next(stop_draw), next(common_draw)
        tw, sw, fw = topic_words[t], section_vocab[sec], family_words[fam]
        words = ([stop[k] for k in stops[:c[0]]]
                 + [tw[k] for k in topic_draw[i, :c[1]]]
                 + [fw[k] for k in family_draw[i, :c[2]]]
                 + [sw[k] for k in section_draw[i, :c[3]]]
                 + [common[k] for k in commons[:c[4]]])
        rng.shuffle(words)
        body = _markdown(words, rng)
        # Headlines name the event once and its broader story once, like real ones.
        title_words = ([tw[topic_draw[i, -1]], fw[family_draw[i, -1]]]
                       + [common[k] for k in commons[-12:-7]])
        rng.shuffle(title_words)
        summary = " ".join([tw[topic_draw[i, -2]], fw[family_draw[i, -2]]] + [stop[k] for k in stops[-8:]]
                           + [common[k] for k in commons[-7:]])
        own = [topic_tags[t][k] for k in rng.choice(3, size=2, replace=False)]
        popular = [POPULAR_TAGS[k] for k in rng.choice(len(POPULAR_TAGS), size=2, replace=False,
                                                        p=popular_p)]
        beat = topic_beat[t]
        reporter = int(beat[rng.integers(2)]) if rng.random() < 0.7 else int(rng.integers(12))
        date = epoch + timedelta(days=int(topic_start[t]) + int(rng.integers(shape.topic_days)),
                                 minutes=int(rng.integers(24 * 60)))
        slug = f"{'-'.join(title_words[:4])}-{i}"
        articles.append(Article(
            source=f"content/articles/{SECTIONS[sec]}/{slug}.md", slug=slug,
            url=f"/{SECTIONS[sec]}/{slug}/", title=" ".join(title_words).capitalize(),
            date=date, section=SECTIONS[sec], body=body, body_line=12,
            reporters=(reporters[sec][reporter],), editors=(editors[sec][int(rng.integers(2))],),
            tags=tuple(own + popular), summary=summary,
        ))
    return articles, topic_of.tolist()


def _markdown(words: list[str], rng: np.random.Generator) -> str:
    """Lay words out as Markdown paragraphs with the odd link, emphasis and HTML tag."""
    paragraphs: list[str] = []
    start = 0
    while start < len(words):
        end = start + int(rng.integers(30, 70))
        chunk = words[start:end]
        if len(chunk) > 6:
            k = int(rng.integers(len(chunk) - 2))
            style = int(rng.integers(4))
            if style == 0:
                chunk[k] = f"[{chunk[k]}](https://contoh.id/berita/{chunk[k + 1]}-2024)"
            elif style == 1:
                chunk[k] = f"**{chunk[k]}**"
            elif style == 2:
                chunk[k] = f'<span class="sorot">{chunk[k]}</span>'
        text = " ".join(chunk)
        paragraphs.append(text[:1].upper() + text[1:] + ".")
        start = end
    return "\n\n".join(paragraphs) + "\n"


if __name__ == "__main__":
    sample, topics = make_corpus(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    for article, topic in zip(sample, topics):
        print(f"--- topic {topic} {article.source}\n{article.title}\n{article.tags}\n{article.body[:400]}")
