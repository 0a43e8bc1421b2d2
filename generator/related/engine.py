"""Related articles: for each story, the stories that share the most distinctive things.

Scoring (see docs/related.md for the newsroom version).  Every article becomes three
sparse, length-normalised vectors -- tags, salient terms of its text, people
(reporters and editors) -- plus its section.  Tags, terms and people are weighted by
inverse document frequency, so sharing a tag that sits on 30% of the archive counts
for little and sharing a rare one counts for a lot; the frequencies are counted in the
archive's sealed part (vectors.sealed_rows), so a new story leaves them as they were.
The score of a pair is

    tags * cos(tags) + text * cos(terms) + section * [same section] + people * cos(people)
      + neighbours * (mean cos(terms) with the row's `count` best by the rest, itself left out)

with the weights from `RelatedConfig` (the last part is one round of feedback, rank._feedback).

Speed.  Scoring every pair is quadratic, so candidates are found through an inverted
index instead: each article "queries" with its most telling tags and terms (weight per
posting looked up) until their posting lists add up to `candidates` articles, as one
sparse matrix product per chunk of rows.  The best `rescore` candidates by that
partial score are then re-scored exactly, feedback included, and the list is cut from
those.  Work and memory are therefore bounded by articles x `candidates`, whatever
the shape of the archive.  Words are hashed in numpy rather than looked up one by one
in a dict, which is what makes tokenising 100,000 articles take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

import numpy as np
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.content.model import Article
from generator.errors import BuildError, Diagnostic, suggest, terminal_safe
from generator.related.incremental import previous_text, ranked_rows
from generator.related.rank import Ranked, query_matrices, rank, score_pairs
from generator.related.textrows import save_counted
from generator.related.vectors import Signals, make_signals
from generator.related.words import TermCounts


@dataclass(frozen=True)
class Explanation:
    """Why one article was (or nearly was) listed as related to another."""

    source: str
    slug: str
    title: str
    score: float  # the sum of the five weighted components below
    tags: float
    text: float
    section: float
    people: float
    neighbours: float  # agreement with the words of the story's best first-round candidates
    shared_tags: tuple[str, ...]  # most telling first
    shared_terms: tuple[str, ...]  # most telling first
    shared_people: tuple[str, ...]
    pinned: bool  # listed because the front matter pins it
    listed: bool  # False for runners-up that did not make the list


def compute_related(articles: Sequence[Article], config: RelatedConfig,
                    words: dict[bytes, TermCounts] | None = None,
                    state: dict[str, Any] | None = None,
                    record: Callable[[Article], bytes] | None = None) -> dict[str, tuple[str, ...]]:
    """Map every article's source to the sources of its related articles, best first.

    `words` caches each article's word counts between builds (see vectors._term_rows).
    `state` is the previous call's ranking state, replaced by this one's: with it, only
    the text rows whose words or weights changed are weighed (textrows.py) and only the
    rows a change can reach are ranked again (incremental.py), with the same lists.
    `record` gives an article's record digest (the parse cache's), which changes with its
    text: an article whose digest is the last build's is not hashed again.
    """
    _check_config(config)
    signals = make_signals(articles, config, words, previous=previous_text(state, config) if words is not None else None,
                           record=record)
    pins = _resolve_pins(signals.articles)
    # Every row keeps 2 x count computed entries, enough for any number of pins: the
    # lists do not depend on how many other stories pin.
    (bounds, rows), _ = ranked_rows(signals, config, query_matrices(signals, config), {} if state is None else state,
                                    pins, lambda i, pinned, computed: _assemble(i, pinned, computed, signals, config))
    if state is not None and signals.counted is not None:
        save_counted(state, signals.counted)
    sources = [a.source for a in signals.articles]
    listed = np.array(sources, dtype=object)[rows].tolist()
    ends = bounds.tolist()
    return {source: tuple(listed[ends[i]:ends[i + 1]]) for i, source in enumerate(sources)}


def explain_related(articles: Sequence[Article], config: RelatedConfig, source: str) -> list[Explanation]:
    """Explain the related list of the article at `source`, then the runners-up."""
    _check_config(config)
    signals = make_signals(articles, config, want_names=True)
    sources = [a.source for a in signals.articles]
    try:
        i = sources.index(source)
    except ValueError:
        raise BuildError([Diagnostic(source, "no article with this path",
                                     hint=suggest(source, sources))]) from None
    pins = _resolve_pins(signals.articles)[i]
    # Rank without the score floor so runners-up below it can be shown too; the
    # order is the same, so the listed part matches compute_related exactly.
    ranked, weights, _ = rank(signals, replace(config, min_score=0.0), np.array([i]),
                              extra=min(len(pins), config.count) + config.count)
    above = ranked.score >= config.min_score
    chosen = _assemble(i, pins, ranked.col[above].tolist(), signals, config)
    runners = [j for j in ranked.col.tolist() if j not in chosen][:config.count]
    exact = score_pairs(signals, config, np.full(len(chosen) + len(runners), i),
                         np.array(chosen + runners, dtype=np.int64), weights, ranked=np.array([i]))
    pinned = set(pins)
    return [_explain(signals, i, j, k, exact, pinned=j in pinned, listed=k < len(chosen))
            for k, j in enumerate(chosen + runners)]


def format_explanations(source: str, explanations: Sequence[Explanation]) -> str:
    """Render explain_related's answer as plain text for `sitegen related PATH`."""
    lines = [f"related articles for {terminal_safe(source)}:"]
    if not explanations:
        lines.append("  (none: no other article shares a distinctive tag or term)")
    for number, e in enumerate(explanations, 1):
        mark = "pinned" if e.pinned else ("listed" if e.listed else "not listed")
        lines.append(f"{number:>3}. {terminal_safe(e.source)}  score {e.score:.3f}  [{mark}]")
        lines.append(f"       tags {e.tags:.3f} + text {e.text:.3f} + section {e.section:.3f}"
                     f" + people {e.people:.3f} + neighbours {e.neighbours:.3f}")
        for label, shared in (("shared tags", e.shared_tags), ("shared terms", e.shared_terms),
                              ("shared people", e.shared_people)):
            if shared:
                lines.append(f"       {label}: {terminal_safe(', '.join(shared))}")
    return "\n".join(lines)


def _check_config(config: RelatedConfig) -> None:
    problems = config.problems()
    if problems:
        raise ValueError("; ".join(message for _, message in problems))


def _assemble(i: int, pins: list[int], computed: list[int], signals: Signals,
              config: RelatedConfig) -> list[int]:
    """Pinned first in their order, then computed ones, without repeats, self or drafts."""
    chosen: list[int] = []
    for j in pins + computed:
        if len(chosen) == config.count:
            break
        if j != i and signals.eligible[j] and j not in chosen:
            chosen.append(j)
    return chosen


def _resolve_pins(articles: tuple[Article, ...]) -> list[list[int]]:
    """Turn each article's pinned slugs into row numbers, or fail listing every bad slug."""
    by_slug: dict[str, int] = {}
    for row, article in enumerate(articles):
        by_slug.setdefault(article.slug, row)
    problems: list[Diagnostic] = []
    pins: list[list[int]] = []
    for article in articles:
        rows = []
        for slug in article.related:
            if slug in by_slug:
                rows.append(by_slug[slug])
            else:
                problems.append(Diagnostic(
                    article.source, f"related article '{slug}' does not exist",
                    line=article.related_line,
                    hint=suggest(slug, by_slug) or "pin articles by their slug (a draft needs --drafts)"))
        pins.append(rows)
    if problems:
        raise BuildError(problems)
    return pins


def _explain(signals: Signals, i: int, j: int, k: int, exact: Ranked, *, pinned: bool,
             listed: bool) -> Explanation:
    article = signals.articles[j]
    own_tags = {t.strip().casefold(): t for t in signals.articles[i].tags}
    return Explanation(
        source=article.source, slug=article.slug, title=article.title,
        score=float(exact.score[k]), tags=float(exact.tags[k]), text=float(exact.text[k]),
        section=float(exact.section[k]), people=float(exact.people[k]),
        neighbours=float(exact.neighbours[k]),
        shared_tags=tuple(own_tags.get(t, t) for t in _shared(signals.tags, signals.tag_names, i, j)),
        shared_terms=_shared(signals.text, signals.term_names, i, j, limit=10),
        shared_people=_shared(signals.people, signals.people_names, i, j),
        pinned=pinned, listed=listed,
    )


def _shared(matrix: sp.csr_matrix, names: tuple[str, ...], i: int, j: int,
            limit: int | None = None) -> tuple[str, ...]:
    """Features both rows carry, the biggest contributors to their dot product first."""
    product = matrix[i].multiply(matrix[j]).tocoo()
    order = np.lexsort((product.col, -product.data))
    return tuple(names[product.col[o]] for o in order[:limit])
