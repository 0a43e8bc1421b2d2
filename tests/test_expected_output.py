"""The basic fixture site builds to exactly the expected tree, file by file.

Regenerate after an intended change with: pytest tests/test_expected_output.py --regen-expected
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SITES, build_into

EXPECTED = SITES / "basic" / "expected"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_basic_site_matches_expected_tree(basic_site: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    if request.config.getoption("--regen-expected"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(out, EXPECTED)
        pytest.skip("expected output regenerated; review the diff and commit it")
    assert EXPECTED.is_dir(), "no expected tree yet: run pytest with --regen-expected once"
    got, want = tree(out), tree(EXPECTED)
    assert sorted(got) == sorted(want), "the set of output files changed"
    for name in want:
        assert got[name] == want[name], f"{name} differs from tests/sites/basic/expected/{name}"
