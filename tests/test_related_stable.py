"""Related weights come from the sealed part of the archive, so a new story moves only the lists it changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from generator.config.related import RelatedConfig
from generator.related import vectors
from generator.related.engine import compute_related
from generator.related.vectors import make_signals, seal_size
from tests.related_archive import add_story, make_archive, read_articles


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, list]:
    site = make_archive(tmp_path_factory.mktemp("stable") / "archive", 700)
    before = read_articles(site)
    add_story(site)
    return before, read_articles(site)


def test_the_sealed_part_grows_in_steps_of_about_nine_percent() -> None:
    # A small archive is sealed whole (the steps are below one story up to 14).
    assert [seal_size(n) for n in range(15)] == list(range(15))
    assert seal_size(15) == 14
    assert seal_size(3000) == seal_size(3001) == 2896
    assert seal_size(10_000) == seal_size(10_600) == 9741
    steps = sorted({seal_size(n) for n in range(1000, 20_000)})
    assert all(1.05 < b / a < 1.10 for a, b in zip(steps, steps[1:]))


def test_the_sealed_part_is_the_oldest_stories(before_and_after: tuple[list, list]) -> None:
    before, _ = before_and_after
    signals = make_signals(before, RelatedConfig())
    dates = np.array([a.date.timestamp() for a in signals.articles])
    assert signals.sealed.sum() == seal_size(len(before)) < len(before)
    assert dates[signals.sealed].max() <= dates[~signals.sealed].min()


def rows_by_source(matrix: sp.csr_matrix, keys: np.ndarray, articles: tuple) -> dict[str, dict[int, float]]:
    return {a.source: dict(zip(keys[matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]]].tolist(),
                               matrix.data[matrix.indptr[i]:matrix.indptr[i + 1]].tolist()))
            for i, a in enumerate(articles)}


def test_a_new_story_leaves_the_weights_of_stories_sharing_no_open_word_with_it(before_and_after) -> None:
    before, after = before_and_after
    old, new = make_signals(before, RelatedConfig()), make_signals(after, RelatedConfig())
    a = rows_by_source(old.text, old.term_keys, old.articles)
    b = rows_by_source(new.text, new.term_keys, new.articles)
    # Words of the new story that are not counted in the sealed part: only their
    # stories can see a weight move (and stories whose unshared word it now shares).
    newcomer = next(i for i, art in enumerate(new.articles) if art.source.endswith("cerita-baru-hari-ini.md"))
    its_words = set(new.term_keys[new.text.indices[new.text.indptr[newcomer]:new.text.indptr[newcomer + 1]]].tolist())
    moved = [s for s in a if a[s] != b[s]]
    assert all(its_words & (set(a[s]) | set(b[s])) for s in moved)
    assert len(moved) < len(before) // 10
    # Tags and bylines: every other story's weights are exactly as they were.
    assert rows_by_source(old.tags, np.arange(len(old.tag_names)), old.articles) == {
        s: v for s, v in rows_by_source(new.tags, np.array([old.tag_names.index(t) if t in old.tag_names else -1
                                                            for t in new.tag_names]), new.articles).items()
        if s in a}


def test_a_new_story_changes_few_lists_besides_those_it_enters(before_and_after) -> None:
    before, after = before_and_after
    old, new = compute_related(before, RelatedConfig()), compute_related(after, RelatedConfig())
    source = next(s for s in new if s not in old)
    changed = [s for s in old if old[s] != new[s]]
    entered = [s for s in changed if source in new[s]]
    assert entered  # the new story is a copy of the newest: it is listed somewhere
    # With weights from the whole archive (ln(1 + n/df)), every weight moved with n and
    # 252 of these 700 lists changed (19 where the story entered); now 22 (19).
    assert len(changed) - len(entered) <= len(before) // 100


def test_a_feature_with_two_sealed_stories_is_judged_on_them_alone() -> None:
    text = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]))
    # Feature 0: sealed stories 0 and 1 agree; open stories 2 and 3 disagree with them.
    # Feature 1: one sealed story (1) and the open ones: judged on all three.
    features = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]))
    sealed = np.array([True, True, False, False])
    everywhere = vectors.coherence(features, text)
    judged = vectors.coherence(features, text, sealed)
    assert judged[0] == pytest.approx(1.0) and everywhere[0] == pytest.approx(1 / 3)
    assert judged[1] == pytest.approx(everywhere[1]) == pytest.approx(1 / 3)


def test_a_feature_is_counted_in_the_sealed_part_doubled_as_the_archive_doubles_it() -> None:
    # (whole archive, sealed part): the sealed count stands until the newer stories
    # double it; a feature the sealed part lacks counts by powers of two.
    whole, sealed = np.array([5, 3, 4, 9, 5, 1, 8, 9]), np.array([2, 3, 2, 4, 0, 0, 0, 0])
    assert vectors.effective_df(whole, sealed).tolist() == [4, 3, 4, 8, 4, 1, 8, 8]


@pytest.mark.parametrize("candidates", [1, 40, 500, 5000])
def test_a_query_is_the_longest_run_of_the_most_telling_features_within_the_budget(
        before_and_after: tuple[list, list], candidates: int) -> None:
    import math
    from dataclasses import replace

    from generator.related.rank import query_matrices

    config = replace(RelatedConfig(), candidates=candidates)
    signals = make_signals(before_and_after[0], config)
    query, _ = query_matrices(signals, config)
    combined = sp.hstack([signals.tags * math.sqrt(config.tags), signals.text * math.sqrt(config.text)], format="csr")
    df = np.concatenate([signals.tag_df, signals.term_df])
    for row in range(0, combined.shape[0], 7):
        a, b = combined.indptr[row], combined.indptr[row + 1]
        features = sorted(zip(combined.indices[a:b].tolist(), combined.data[a:b].tolist()),
                          key=lambda f: (-f[1] / max(df[f[0]], 1), f[0]))  # most weight per story first
        spent, chosen = 0, []
        for column, weight in features:
            spent += df[column]
            if spent > candidates:
                break
            chosen.append((column, weight))
        a, b = query.indptr[row], query.indptr[row + 1]
        assert sorted(chosen) == sorted(zip(query.indices[a:b].tolist(), query.data[a:b].tolist()))
