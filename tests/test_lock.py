"""One build at a time per output folder: real `sitegen build` processes at once.

A second build into a folder another build is writing into must not touch it: it stops
with exit status 75 naming the other process and the folder (or waits for it with
--wait), and what is left is exactly what a clean build gives. A lock left by a build
that was killed outright never blocks the next one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Callable

import pytest

from generator.output.lock import BUSY_STATUS, OutputBusy, lock_path, output_lock
from tests.conftest import build_into
from tests.test_faults import edit_titles, leftovers, make_big_site, snapshot, start_build


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes] | None = None,
             timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc is None or proc.poll() is None, "the build ended first"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def holder(out: Path) -> int | None:
    """The pid in the output folder's lock file."""
    try:
        text = lock_path(out).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    _, err = proc.communicate(timeout=600)
    return proc.returncode, err.decode()


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_big_site(tmp_path_factory.mktemp("big-lock"))


@pytest.fixture
def big(big_site: Path, tmp_path: Path) -> dict[str, Path]:
    """A copy of the big site built once (no search index) into tmp_path/public."""
    site = tmp_path / "site"
    shutil.copytree(big_site, site)
    out = tmp_path / "public"
    status, err = finish(start_build(site, out, "--no-search"))
    assert status == 0, err
    return {"site": site, "out": out}


def test_a_build_into_a_folder_another_process_holds_stops_and_names_it(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = snapshot(out)
    edit_titles(basic_site, "Ralat kunci")
    with output_lock(out):  # what a running build holds
        assert holder(out) == os.getpid()
        status, err = finish(start_build(basic_site, out, "--no-search"))
        assert status == BUSY_STATUS == 75, err
        assert f"process {os.getpid()}" in err and str(out) in err and "Traceback" not in err
        assert snapshot(out) == before

        started = time.monotonic()
        status, err = finish(start_build(basic_site, out, "--no-search", "--wait", "1"))
        assert status == 75 and time.monotonic() - started >= 1, err
        assert "waited 1s" in err

        with pytest.raises(OutputBusy):  # the same for a build in this process (another open file)
            build_into(basic_site, out)
        assert snapshot(out) == before
        assert leftovers(out) == [lock_path(out).name]

    status, err = finish(start_build(basic_site, out, "--no-search"))
    assert status == 0, err
    assert leftovers(out) == []  # the lock file goes with the build
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, clean=True)
    assert snapshot(out) == snapshot(fresh)


@pytest.mark.slow
def test_builds_started_while_one_runs_refuse_or_wait_and_the_result_is_a_clean_build(
        big: dict[str, Path], tmp_path: Path) -> None:
    site, out = big["site"], big["out"]
    edit_titles(site, "Ralat bersama")
    first = start_build(site, out, "--no-search", "--clean")
    wait_for(lambda: holder(out) == first.pid, first)
    waiting = start_build(site, out, "--no-search", "--wait", "600")  # a CI step that queues up
    refused = start_build(site, out, "--no-search")  # an editor's save: refused at once
    status, err = finish(refused)
    assert status == 75, err
    assert f"process {first.pid}" in err and str(out) in err and "Traceback" not in err
    assert finish(first)[0] == 0
    status, err = finish(waiting)
    assert status == 0, err

    clean = tmp_path / "clean"
    build_into(site, clean, clean=True)
    assert snapshot(out) == snapshot(clean)
    assert leftovers(out) == []
    # The waiting build ran after the first had saved its manifest: nothing was left to do,
    # and an edit now is built (the cache was not corrupted either).
    edit_titles(site, "Ralat lagi")
    status, err = finish(start_build(site, out, "--no-search"))
    assert status == 0, err
    build_into(site, clean, clean=True)
    assert snapshot(out) == snapshot(clean)


@pytest.mark.slow
def test_a_lock_left_by_a_killed_build_does_not_block_the_next(big: dict[str, Path], tmp_path: Path) -> None:
    site, out = big["site"], big["out"]
    edit_titles(site, "Ralat mati")
    victim = start_build(site, out, "--no-search", "--jobs", "2")
    update = tmp_path / f".public.update-{victim.pid}"
    # Killed while its forked workers write pages: they must not keep the folder locked.
    wait_for(lambda: update.is_dir() and any(p.is_file() for p in update.rglob("*")), victim)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert lock_path(out).exists() and holder(out) == victim.pid  # the file stays, the lock does not

    status, err = finish(start_build(site, out, "--no-search"))
    assert status == 0, err
    assert leftovers(out) == []
    clean = tmp_path / "clean"
    build_into(site, clean, clean=True)
    assert snapshot(out) == snapshot(clean)


def test_a_leftover_lock_file_of_any_content_is_taken_over(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    for content in (b"", b"4194999\n", b"\x00not a pid\xff"):
        lock_path(out).write_bytes(content)
        build_into(basic_site, out)
        assert leftovers(out) == []
