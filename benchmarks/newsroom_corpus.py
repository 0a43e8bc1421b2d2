"""Synthetic archives shaped like a real newsroom's, with the exact story as the truth.

benchmarks/topic_corpus.py is tidy: every story carries its topic's tags and its words
are spelled one way.  A real archive is not, and this generator has what makes related
lists hard there:

* **Sibling stories.**  Desks (sections) cover families of stories ("floods"), and a
  family holds a few different stories ("this flood in Bekasi", "that one in Kampung
  Melayu").  Siblings share most of their words (the family's vocabulary is larger and
  used more than the story's own), the family tag, the desk's tags, and the desk's
  beat reporters and editors.  Only the story's own words tell siblings apart.
* **Untagged and mis-tagged stories.**  A third of the stories carry no tags; a quarter
  carry a sibling story's own tag instead of theirs.
* **Indonesian morphology.**  Content words are roots that appear in affixed forms,
  made by the real rules: meN- and peN- with their nasal assimilation (pukul ->
  memukul, tulis -> menulis, sapu -> menyapu, kirim -> mengirim), ber-, di-, ter-,
  ke-...-an, peN-...-an, -kan, -i, -an and -nya.  Counting forms as different words
  splits the evidence.
* **Briefs.**  A third of the stories are one or two short paragraphs.

The words are invented (pronounceable pseudo-Indonesian roots), so nothing here is
taken from a real archive; the truth for precision@5 is the exact story a story was
written from.  Everything is deterministic for a seed.

Not a benchmark on its own: imported by related_quality.py and related_speed.py.
To look at a few generated stories:

    .venv/bin/python benchmarks/newsroom_corpus.py 5
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content.model import Article  # noqa: E402
from generator.related.stopwords import STOP_WORDS  # noqa: E402
from topic_corpus import lexicon, zipf  # noqa: E402

DESKS = ("nasional", "metro", "ekonomi", "olahraga", "teknologi", "internasional",
         "hiburan", "kesehatan")
# Tags on a large part of the archive, whatever the story.
PAPER_TAGS = ("berita-utama", "viral", "pilihan-editor", "terpopuler")
_ONSETS = ("b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "w", "y")
WIB = timezone(timedelta(hours=7))
# Roots: two or three syllables, no "ng" onset.
_roots = partial(lexicon, onsets=_ONSETS, syllables=(2, 4))


@dataclass(frozen=True)
class NewsroomShape:
    """Knobs of the generator; the defaults give a hard but plausible archive."""

    story_size: int = 20  # mean articles per exact story (event)
    min_story: int = 8  # fewest articles of one story
    stories_per_family: tuple[int, int] = (2, 5)  # siblings: from..to-1
    family_roots: int = 60
    story_roots: int = 25
    desk_roots: int = 200
    common_roots: int = 5000
    body_words: tuple[int, int] = (200, 420)
    brief_words: tuple[int, int] = (25, 70)
    share_brief: float = 1 / 3
    share_untagged: float = 1 / 3
    share_sibling_tag: float = 1 / 4
    share_stop: float = 0.36
    share_story: float = 0.06
    share_family: float = 0.14
    share_desk: float = 0.12  # the rest is the paper's common vocabulary
    share_root_form: float = 0.4  # a content word appears bare this often, else affixed
    reporters_per_desk: int = 8
    days: int = 6 * 365
    story_days: int = 21




def _nasal(prefix: str, root: str) -> str:
    """meN-/peN- + root with Indonesian nasal assimilation (me + tulis -> menulis)."""
    head = root[0]
    if head in "aeiou":
        return prefix + "ng" + root
    if head in "bfv":
        return prefix + "m" + root
    if head == "p":
        return prefix + "m" + root[1:]
    if head in "cdjz":
        return prefix + "n" + root
    if head == "t":
        return prefix + "n" + root[1:]
    if head == "s":
        return prefix + "ny" + root[1:]
    if head == "k":
        return prefix + "ng" + root[1:]
    if head in "gh":
        return prefix + "ng" + root
    return prefix + root  # l, m, n, r, w, y


def word_forms(root: str) -> tuple[str, ...]:
    """The affixed forms of a root a news story might use, the root itself first."""
    ber = "be" if root.startswith("r") else "ber"
    return (
        root,
        _nasal("me", root), _nasal("me", root) + "kan", _nasal("me", root) + "i",
        "di" + root, "di" + root + "kan", "di" + root + "i",
        ber + root, "ter" + root,
        "ke" + root + "an", _nasal("pe", root) + "an", _nasal("pe", root),
        root + "an", root + "nya",
    )




def make_corpus(n: int, seed: int = 0, shape: NewsroomShape = NewsroomShape()) -> tuple[list[Article], list[int]]:
    """Return `n` stories and, for each, the id of the exact story it was written from."""
    rng = np.random.default_rng(seed)
    taken = set(STOP_WORDS) | set(DESKS) | set(PAPER_TAGS)
    stop = sorted(STOP_WORDS)
    stop_p = zipf(len(stop), 0.8)
    common = _roots(rng, shape.common_roots, taken)
    common_p = zipf(len(common), 1.0)
    desk_vocab = [_roots(rng, shape.desk_roots, taken) for _ in DESKS]
    desk_tags = [[desk, *_roots(rng, 2, taken)] for desk in DESKS]
    reporters = [[f"reporter-{d}-{i}" for i in range(shape.reporters_per_desk)] for d in DESKS]
    editors = [[f"editor-{d}-{i}" for i in range(2)] for d in DESKS]

    # Exact stories, grouped into families of siblings, families into desks.
    n_stories = max(2, round(n / shape.story_size))
    family_of_story: list[int] = []
    while len(family_of_story) < n_stories:
        size = int(rng.integers(*shape.stories_per_family))
        family_of_story += [len(set(family_of_story))] * size
    family_of_story = family_of_story[:n_stories]
    n_families = family_of_story[-1] + 1
    family_desk = rng.integers(len(DESKS), size=n_families)
    family_words = [_roots(rng, shape.family_roots, taken) for _ in range(n_families)]
    family_tag = [_roots(rng, 1, taken)[0] for _ in range(n_families)]
    family_beat = [rng.choice(shape.reporters_per_desk, size=2, replace=False) for _ in range(n_families)]
    story_words = [_roots(rng, shape.story_roots, taken) for _ in range(n_stories)]
    story_tag = [f"{family_tag[f]}-{_roots(rng, 1, taken)[0]}" for f in family_of_story]
    story_start = rng.integers(shape.days, size=n_stories)
    siblings = [[s for s in range(n_stories) if family_of_story[s] == f and s != own]
                for own, f in enumerate(family_of_story)]

    # Every story has at least `min_story` articles, so a perfect list of five exists;
    # the rest are spread unevenly, as some stories run for weeks.
    floor = np.repeat(np.arange(n_stories), min(shape.min_story, n // n_stories))
    story_of = np.concatenate([floor, rng.choice(n_stories, size=n - len(floor),
                                                 p=rng.dirichlet(np.full(n_stories, 4.0)))])
    rng.shuffle(story_of)
    brief = rng.random(n) < shape.share_brief
    lengths = np.where(brief, rng.integers(*shape.brief_words, size=n), rng.integers(*shape.body_words, size=n))
    shares = [shape.share_stop, shape.share_story, shape.share_family, shape.share_desk]
    counts = rng.multinomial(lengths, shares + [1 - sum(shares)])
    tagging = rng.random(n)  # below share_untagged: none; then a sibling's tag; else its own
    epoch = datetime(2019, 1, 1, 7, 0, tzinfo=WIB)
    forms_p = np.array([shape.share_root_form] + [(1 - shape.share_root_form) / 13] * 13)

    def spell(roots: list[str], picks: np.ndarray) -> list[str]:
        forms = rng.choice(14, size=len(picks), p=forms_p)
        return [word_forms(roots[k])[f] for k, f in zip(picks.tolist(), forms.tolist())]

    articles: list[Article] = []
    for i, s in enumerate(story_of.tolist()):
        fam = family_of_story[s]
        d = int(family_desk[fam])
        c = counts[i]
        words = ([stop[k] for k in rng.choice(len(stop), size=c[0], p=stop_p)]
                 + spell(story_words[s], rng.integers(shape.story_roots, size=c[1]))
                 + spell(family_words[fam], rng.integers(shape.family_roots, size=c[2]))
                 + spell(desk_vocab[d], rng.integers(shape.desk_roots, size=c[3]))
                 + spell(common, rng.choice(len(common), size=c[4], p=common_p)))
        rng.shuffle(words)
        body = _markdown(words, rng, 1 if brief[i] else 0)
        # A headline names the story once or twice and its family once, among other words.
        title_words = (spell(story_words[s], rng.integers(shape.story_roots, size=int(rng.integers(1, 3))))
                       + spell(family_words[fam], rng.integers(shape.family_roots, size=1))
                       + spell(common, rng.choice(len(common), size=int(rng.integers(3, 6)), p=common_p)))
        rng.shuffle(title_words)
        summary = " ".join(spell(story_words[s], rng.integers(shape.story_roots, size=1))
                           + spell(family_words[fam], rng.integers(shape.family_roots, size=2))
                           + [stop[k] for k in rng.choice(len(stop), size=6, p=stop_p)]
                           + spell(common, rng.choice(len(common), size=6, p=common_p)))
        tags: list[str] = []
        if tagging[i] >= shape.share_untagged:
            wrong = tagging[i] < shape.share_untagged + shape.share_sibling_tag and siblings[s]
            own = story_tag[siblings[s][rng.integers(len(siblings[s]))]] if wrong else story_tag[s]
            tags = [own, family_tag[fam], desk_tags[d][int(rng.integers(3))]]
            if rng.random() < 0.5:
                tags.append(PAPER_TAGS[int(rng.integers(len(PAPER_TAGS)))])
        beat = family_beat[fam]
        reporter = int(beat[rng.integers(2)]) if rng.random() < 0.8 else int(rng.integers(shape.reporters_per_desk))
        date = epoch + timedelta(days=int(story_start[s]) + int(rng.integers(shape.story_days)),
                                 minutes=int(rng.integers(24 * 60)))
        slug = f"{'-'.join(title_words[:4])}-{i}"
        articles.append(Article(
            source=f"content/articles/{DESKS[d]}/{slug}.md", slug=slug,
            url=f"/{DESKS[d]}/{slug}/", title=" ".join(title_words).capitalize(),
            date=date, section=DESKS[d], body=body, body_line=10,
            reporters=(reporters[d][reporter],), editors=(editors[d][int(rng.integers(2))],),
            tags=tuple(tags), summary=summary,
        ))
    return articles, story_of.tolist()


def _markdown(words: list[str], rng: np.random.Generator, paragraphs_at_most: int) -> str:
    """Lay words out as Markdown paragraphs (a brief in one or two) with the odd markup."""
    if paragraphs_at_most:
        cut = int(rng.integers(len(words) // 3, len(words))) if rng.random() < 0.5 else len(words)
        groups = [words[:cut], words[cut:]]
    else:
        groups, start = [], 0
        while start < len(words):
            end = start + int(rng.integers(30, 70))
            groups.append(words[start:end])
            start = end
    paragraphs = []
    for chunk in (g for g in groups if g):
        if len(chunk) > 6 and rng.random() < 0.5:
            k = int(rng.integers(len(chunk) - 2))
            chunk = [*chunk]
            chunk[k] = (f"[{chunk[k]}](https://contoh.id/berita/{chunk[k + 1]}-2024)" if rng.random() < 0.5
                        else f"**{chunk[k]}**")
        text = " ".join(chunk)
        paragraphs.append(text[:1].upper() + text[1:] + ".")
    return "\n\n".join(paragraphs) + "\n"


if __name__ == "__main__":
    sample, truth = make_corpus(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    for article, story in zip(sample, truth):
        print(f"--- story {story} {article.source}\n{article.title}\n{article.summary}\n"
              f"{article.tags} {article.reporters}\n{article.body[:400]}")
