"""Text-only baselines for benchmarks/related_quality.py: TF-IDF cosine, with and without stems.

Deliberately plain and exhaustive (every pair is scored), so they are a yardstick for
the engine, not an alternative to it: headline, summary and body as one text, words
lower-cased, weighted by (1 + ln tf) x ln(N / df), rows L2-normalised, the five
nearest by cosine.  No tags, sections or people.  With `stem`, every distinct word is
first reduced by Snowball's Indonesian stemmer.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np
import scipy.sparse as sp
import snowballstemmer

from generator.content.model import Article

_WORD = re.compile(r"[^\W\d_]{2,}")


def tfidf_lists(articles: Sequence[Article], stem: bool, count: int = 5) -> dict[str, tuple[str, ...]]:
    """The `count` most similar articles of each article by TF-IDF cosine over its whole text."""
    stemmer = snowballstemmer.stemmer("indonesian")
    stems: dict[str, str] = {}
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for row, article in enumerate(articles):
        counts: dict[int, int] = {}
        for word in _WORD.findall(f"{article.title} {article.summary} {article.body}".lower()):
            if stem:
                word = stems.get(word) or stems.setdefault(word, stemmer.stemWord(word))
            col = vocabulary.setdefault(word, len(vocabulary))
            counts[col] = counts.get(col, 0) + 1
        for col, tf in counts.items():
            rows.append(row)
            cols.append(col)
            vals.append(1 + np.log(tf))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(articles), len(vocabulary)))
    df = np.bincount(matrix.indices, minlength=len(vocabulary))
    matrix = matrix @ sp.diags(np.log(len(articles) / df))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sp.diags(1 / np.maximum(norms, 1e-12)) @ matrix
    result = {}
    for start in range(0, len(articles), 1000):
        block = (matrix[start:start + 1000] @ matrix.T).toarray()
        for k, scores in enumerate(block):
            scores[start + k] = -np.inf
            best = np.argsort(-scores, kind="stable")[:count]
            result[articles[start + k].source] = tuple(articles[j].source for j in best if scores[j] > 0)
    return result
