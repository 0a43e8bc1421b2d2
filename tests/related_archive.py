"""A generated archive (benchmarks/archive_corpus.py, as the benchmarks make it) read into articles."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from generator import pipeline
from generator.config.options import BuildOptions
from generator.content.model import Article
from tests.conftest import REPO

CORPUS = REPO / "benchmarks" / "archive_corpus.py"
LATER = datetime(2040, 1, 1, tzinfo=timezone.utc)  # the archive runs past any test clock


def make_archive(out: Path, articles: int, seed: int = 0) -> Path:
    """Write a site of `articles` stories into `out` with the benchmarks' generator."""
    subprocess.run([sys.executable, str(CORPUS), str(out), "--articles", str(articles), "--seed", str(seed)],
                   check=True, capture_output=True)
    return out


def read_articles(site: Path) -> list[Article]:
    """The site's published stories, read as a build reads them."""
    loaded = pipeline.load(BuildOptions(source=site, out=site / "public", build_time=LATER))
    return list(pipeline.read(loaded, 1).content.articles)


def stories(site: Path) -> list[Path]:
    """The story files, oldest folder first."""
    return sorted((site / "content" / "articles").rglob("*.md"))


def add_story(site: Path) -> Path:
    """A new story as benchmarks/publish_day.py publishes one: the newest, retitled."""
    newest = stories(site)[-1]
    target = newest.with_name("cerita-baru-hari-ini.md")
    text = newest.read_text(encoding="utf-8")
    target.write_text(re.sub(r"(?m)^title: .*$", 'title: "Cerita Baru Hari Ini"', text, count=1), encoding="utf-8")
    return target
