"""A clean build over an existing output leaves the old folder to a detached deleter."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import generator
import generator.output.switch
from generator.output.trash import delete_later, wait_for_deleters
from tests.conftest import build_into

DEAD = 2 ** 22 + 4242  # above Linux's default pid_max: no such process


def siblings(out: Path) -> list[str]:
    """Everything beside the output that a build of it made."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def gone_within(path: Path, seconds: float) -> bool:
    """Whether `path` disappears within `seconds` (deleted by another process)."""
    deadline = time.monotonic() + seconds
    while path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_replaced_output_is_not_deleted_by_the_build(basic_site: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    (out / "sisa-lama.txt").write_text("from the previous output")
    handed: list[Path] = []
    monkeypatch.setattr(generator.output.switch, "delete_later", handed.append)
    build_into(basic_site, out, clean=True)
    assert handed == [tmp_path / f".public.trash-{os.getpid()}"]
    assert (handed[0] / "sisa-lama.txt").read_text() == "from the previous output"  # still there: not waited for
    assert not (out / "sisa-lama.txt").exists() and (out / "index.html").is_file()


def test_the_detached_deleter_removes_the_replaced_output(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    build_into(basic_site, out, clean=True)
    assert wait_for_deleters(60)
    assert siblings(out) == []
    assert (out / "index.html").is_file()


def test_the_deleter_outlives_the_build_command(basic_site: Path, tmp_path: Path) -> None:
    """`sitegen build` returns while the deleter works; the deleter finishes on its own."""
    out = tmp_path / "public"
    build_into(basic_site, out)
    command = [sys.executable, "-m", "generator", "build", "--quiet", "--no-search", "--clean",
               "--source", str(basic_site), "--out", str(out)]
    subprocess.run(command, check=True, cwd=Path(generator.__file__).parent.parent)
    deadline = time.monotonic() + 60
    while siblings(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert siblings(out) == []


def test_trash_left_by_a_killed_deleter_is_deleted_by_the_next_build(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    stale = tmp_path / f".public.trash-{DEAD}"
    (stale / "arsip/2023").mkdir(parents=True)
    (stale / "arsip/2023/index.html").write_text("old")
    build_into(basic_site, out)
    assert gone_within(stale, 60)
    assert wait_for_deleters(60)
    assert siblings(out) == []


def test_a_deletion_in_progress_is_left_to_its_deleter(basic_site: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    busy = tmp_path / f".public.trash-{os.getppid()}"  # a running process's: a deleter at work
    busy.mkdir()
    handed: list[Path] = []
    monkeypatch.setattr(generator.output.switch, "delete_later", handed.append)
    build_into(basic_site, out)
    assert handed == [] and busy.is_dir()


def test_a_deleter_claims_the_folder_under_its_own_pid(tmp_path: Path) -> None:
    trash = tmp_path / f".public.trash-{DEAD}"
    (trash / "a/b").mkdir(parents=True)
    (trash / "a/b/index.html").write_text("x")
    delete_later(trash)
    delete_later(trash)  # a second deleter finds the folder claimed and leaves
    assert wait_for_deleters(60)
    assert list(tmp_path.iterdir()) == []
