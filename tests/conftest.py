"""Shared fixtures: build a site in a temp folder, crawl it, serve it."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from generator.build import BuildReport, build
from generator.config.options import BuildOptions
from tests.browser import CHROMIUM_ARGS, chromium_path, serve

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
BUILD_TIME = datetime(2023, 11, 9, 16, 30, tzinfo=timezone.utc)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-expected", action="store_true",
                     help="rewrite tests/sites/*/expected from the current output")


def copy_site(name: str, dest: Path) -> Path:
    """Copy a fixture site (without its expected output) into `dest`."""
    target = dest / name
    shutil.copytree(SITES / name, target, ignore=shutil.ignore_patterns("expected", ".sitegen", "public"))
    return target


def copy_sample_site(dest: Path) -> Path:
    """Copy the repository's sample archive (site.toml + content) into `dest`."""
    target = dest / "sample"
    target.mkdir()
    shutil.copy(REPO / "site.toml", target / "site.toml")
    shutil.copytree(REPO / "content", target / "content")
    return target


def build_into(source: Path, out: Path, **options: object) -> BuildReport:
    """Build `source` into `out` with a fixed clock; no search index unless asked (it is slow)."""
    options.setdefault("search", False)
    return build(BuildOptions(source=source, out=out, build_time=BUILD_TIME, **options))  # type: ignore[arg-type]


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    """A writable copy of tests/sites/basic."""
    return copy_site("basic", tmp_path)


# The sample archive runs into 2024, past the fixed clock: its fixtures build it whole
# (future=True), or the stories dated after BUILD_TIME would wait as scheduled stories.


@pytest.fixture(scope="session")
def sample_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built once at the root base URL."""
    out = tmp_path_factory.mktemp("sample") / "public"
    build_into(REPO, out, search=True, future=True)
    return out


@pytest.fixture(scope="session")
def sample_public_subpath(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built for https://example.github.io/arsip/."""
    out = tmp_path_factory.mktemp("sample-arsip") / "public"
    build_into(REPO, out, base_url="https://example.github.io/arsip/", search=True, future=True)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one per test module (skipped when not installed)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site_url(sample_public_subpath: Path) -> Iterator[str]:
    """The sample archive built under /arsip/, served as GitHub Pages serves a project site."""
    with serve(sample_public_subpath, "/arsip/") as url:
        yield url
