"""Faults during a build: interrupts, a full disk, a crash, a bug in sitegen.

Whatever stops a build, the output folder is either exactly the previous site or the
complete new one, never a mix; no working folder (.public.staging-*, .public.update-*,
.public.backup-*) is left beside it; and the next build succeeds and gives exactly what a
clean build gives. A user sees a short message, never a traceback, unless --debug.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

import generator
import generator.build
import generator.output.switch
import generator.output.write
import generator.pipeline
import generator.plan.pages
from generator.cli import main
from generator.errors import BuildError
from generator.interrupts import Terminated, dropped_interrupts_redelivered, sigterm_as_interrupt
from tests.conftest import BUILD_TIME, REPO, build_into, copy_site

ARTICLES = "content/articles/2023/11"
EPOCH = str(int(BUILD_TIME.timestamp()))  # the fixed clock of build_into, for subprocesses


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file and folder below root; folders map to b"<dir>"."""
    return {p.relative_to(root).as_posix(): b"<dir>" if p.is_dir() else p.read_bytes()
            for p in sorted(root.rglob("*"))}


def leftovers(out: Path) -> list[str]:
    """Working folders of a build beside the output (staging, update, backup, search mirror).

    Not a replaced output being deleted in the background (`.NAME.trash-PID`): that it
    goes is tests/test_trash.py's to check."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith(f".{out.name}.") and not p.name.startswith(f".{out.name}.trash-"))


def edit_titles(site: Path, marker: str) -> None:
    """Change the opening words of a few stories (their summaries too), so a build has
    pages to rewrite, listings included."""
    published = [p for p in sorted((site / "content/articles").rglob("*.md")) if "draft: true" not in p.read_text()]
    for path in published[::40]:
        head, sep, body = path.read_text().partition("\n---\n")
        path.write_text(f"{head}{sep}{marker}. {body.lstrip()}")


# --- Interrupts: a real `sitegen build` process stopped by SIGINT or SIGTERM ------------

def make_big_site(dest: Path, count: int = 300) -> Path:
    """The basic site plus `count` short articles: a build that takes a few seconds."""
    site = copy_site("basic", dest)
    words = ["banjir", "pasar", "jembatan", "sekolah", "listrik", "sungai", "hujan", "warga"]
    for i in range(count):
        month = i % 10 + 1
        folder = site / f"content/articles/2023/{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        a, b = words[i % len(words)], words[i * 3 % len(words)]
        (folder / f"kabar-{i:03d}.md").write_text(
            f"---\ntitle: Kabar {i} soal {a}\ndate: 2023-{month:02d}-{i % 27 + 1:02d} 09:{i % 60:02d}\n"
            f"section: {'kota' if i % 3 else 'sains'}\nreporter: Wartawan {i % 9}\ntags: [{a}, {b}]\n---\n"
            + f"Warga membicarakan {a} dan {b} sejak pagi.\n\n" * 4)
    return site


def start_build(site: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--source", str(site), "--out", str(out),
                             "--quiet", *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def handles_sigterm(pid: int) -> bool:
    """True once sitegen's command line runs in process `pid` (it catches SIGTERM then):
    a signal before that lands in Python's start-up, before sitegen could do anything."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    caught = next((line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), "0")
    return bool(int(caught, 16) & (1 << (signal.SIGTERM - 1)))


def interrupt(proc: subprocess.Popen[bytes], signum: int, when: float | Callable[[], bool]) -> tuple[int, str]:
    """Send `signum` `when` seconds after sitegen started (or once `when()` is true);
    the exit status and stderr."""
    deadline = time.monotonic() + 120
    while not handles_sigterm(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if callable(when):
        while not when() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    else:
        time.sleep(when)
    if proc.poll() is None:
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err.decode()


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_big_site(tmp_path_factory.mktemp("big"))


@pytest.fixture
def big(big_site: Path, tmp_path: Path) -> dict[str, Path]:
    """A copy of the big site, built once (without the search index) into tmp_path/public,
    so the cache in its .sitegen/ describes that output."""
    site = tmp_path / "site"
    shutil.copytree(big_site, site)
    out = tmp_path / "public"
    proc = start_build(site, out, "--no-search")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    return {"site": site, "out": out}


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["clean", "incremental"])
def test_interrupted_builds_leave_the_previous_output_and_a_usable_cache(mode: str, big: dict[str, Path],
                                                                        tmp_path: Path) -> None:
    site, out = big["site"], big["out"]
    extra = ["--no-search"] + (["--clean"] if mode == "clean" else [])
    rng = random.Random(f"sitegen-{mode}")
    trials = [(signal.SIGINT, 0.05), (signal.SIGTERM, 0.4), (signal.SIGINT, rng.uniform(0, 1.5)),
              (signal.SIGTERM, rng.uniform(0, 1.5)), (signal.SIGTERM, rng.uniform(0.5, 1.5))]
    stopped = 0
    for n, (signum, delay) in enumerate(trials):
        before = snapshot(out)
        edit_titles(site, f"Ralat {n}")
        status, err = interrupt(start_build(site, out, *extra), signum, delay)
        assert "Traceback" not in err, err
        assert leftovers(out) == [], (signum, delay)
        if status in (0, -signum):  # finished before the signal came (or as it came, at exit)
            before = snapshot(out)
            continue
        assert status == 128 + signum, (signum, delay, status, err)
        stopped += 1
        assert "terminated" in err if signum == signal.SIGTERM else "interrupted" in err
        # The build stopped before the switch (previous site), or the switch was already
        # done when the signal arrived (held until then): never a mix.
        after = snapshot(out)
        if after != before:
            fresh = tmp_path / f"fresh-{n}"
            build_into(site, fresh, clean=True)
            assert after == snapshot(fresh), (signum, delay)

    assert stopped >= 2, "the builds finished before the signals: make the site bigger"
    # The next build, with the cache the interrupted ones left, equals a clean build.
    proc = start_build(site, out, "--no-search")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    clean = tmp_path / "clean"
    build_into(site, clean, clean=True)
    assert snapshot(out) == snapshot(clean)
    assert leftovers(out) == [] and leftovers(clean) == []


@pytest.mark.slow
def test_an_interrupt_while_pagefind_runs_stops_it_and_keeps_the_output(big: dict[str, Path], tmp_path: Path) -> None:
    site, out = big["site"], big["out"]  # built without a search index: the next build adds one, in place
    before = snapshot(out)
    edit_titles(site, "Ralat cari")

    def indexing() -> bool:  # the folder of pages Pagefind reads exists only while it runs
        return any(name.startswith(".public.search-") for name in os.listdir(tmp_path))

    status, err = interrupt(start_build(site, out), signal.SIGTERM, indexing)
    assert status == 143, err
    time.sleep(1)  # Pagefind, had it been left running, would write into the folder now
    assert snapshot(out) == before
    assert leftovers(out) == []
    proc = start_build(site, out)
    assert proc.wait(timeout=600) == 0
    assert (out / "pagefind/pagefind-entry.json").is_file()


def pagefind_processes(under: Path) -> list[int]:
    """Pids of the processes whose command line names a path below `under` and Pagefind."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                args = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(b"pagefind" in a for a in args) and any(a.startswith(str(under).encode()) for a in args):
                found.append(int(entry))
    return found


# Pagefind writes these in an order of its own (a Rust HashMap's): see docs/guarantees.md.
UNORDERED = re.compile(r"pagefind/(?:.+/)?(?:filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)")


def reproducible(files: dict[str, bytes]) -> dict[str, bytes]:
    """A snapshot without the few files of the search index that are not reproducible."""
    return {rel: data for rel, data in files.items() if not UNORDERED.fullmatch(rel)}


def index_problems(out: Path) -> list[str]:
    """What is inconsistent in each bundle under out/pagefind: the entry's meta file must
    exist, and the fragments, index chunks and filters on disk must be exactly those the
    meta file names."""
    problems = []
    for entry in sorted((out / "pagefind").rglob("pagefind-entry.json")):
        bundle = entry.parent
        for code, language in json.loads(entry.read_text())["languages"].items():
            meta = bundle / f"pagefind.{language['hash']}.pf_meta"
            if not meta.is_file():
                problems.append(f"{meta} missing")
                continue
            names = re.findall(rb"%s_[0-9a-f]{7,}" % code.encode(), gzip.decompress(meta.read_bytes()))
            named = {m.decode() for m in names}
            on_disk = {p.name.split(".")[0] for kind in ("fragment", "index", "filter")
                       for p in (bundle / kind).glob("*") if p.is_file()}
            if named != on_disk:
                problems.append(f"{bundle}: named but missing {sorted(named - on_disk)[:3]}, "
                                f"unnamed {sorted(on_disk - named)[:3]}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_build_killed_while_pagefind_runs_leaves_the_old_pages_and_index(
        signum: int, big: dict[str, Path], tmp_path: Path) -> None:
    """An incremental build whose new index is being made is stopped, even by SIGKILL: the
    output keeps the old pages with their own index, and Pagefind stops with sitegen."""
    site, out = big["site"], big["out"]
    assert start_build(site, out).wait(timeout=600) == 0  # the previous site, with its index
    before = snapshot(out)
    assert "pagefind/pagefind-entry.json" in before and index_problems(out) == []
    edit_titles(site, "Ralat indeks")
    proc = start_build(site, out)
    status, err = interrupt(proc, signum, lambda: bool(pagefind_processes(tmp_path)))
    assert status == (143 if signum == signal.SIGTERM else -signal.SIGKILL), err
    assert "Traceback" not in err
    deadline = time.monotonic() + 10  # the kernel kills it with its parent, at once
    while pagefind_processes(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pagefind_processes(tmp_path) == []
    assert snapshot(out) == before  # neither new pages without their index, nor a half index
    if signum == signal.SIGTERM:
        assert leftovers(out) == []

    proc = start_build(site, out)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert leftovers(out) == [] and index_problems(out) == []
    clean = tmp_path / "clean"
    build_into(site, clean, clean=True, search=True)
    assert reproducible(snapshot(out)) == reproducible(snapshot(clean))


@pytest.mark.parametrize("mode", ["clean", "incremental"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_exits_130_or_143_and_cleans_up(mode: str, signum: int, basic_site: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    args = ["build", "--source", str(basic_site), "--out", str(out), "--quiet", "--no-search", "--jobs", "1"]
    assert main(args) == 0
    before = snapshot(out)
    edit_titles(basic_site, "Ralat baru")
    real_write = generator.output.write.write_outputs

    def write_then_signal(*a: Any, **k: Any) -> None:
        real_write(*a, **k)  # the new pages are staged...
        os.kill(os.getpid(), signum)  # ...when the signal comes
        time.sleep(10)
        raise AssertionError("the signal was not handled")

    monkeypatch.setattr(generator.output.write, "write_outputs", write_then_signal)  # the build imports it when it has work
    assert main(args + (["--clean"] if mode == "clean" else [])) == 128 + signum
    assert snapshot(out) == before
    assert leftovers(out) == []
    assert signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, signal.default_int_handler) or \
        not getattr(signal.getsignal(signal.SIGTERM), "__qualname__", "").startswith("sigterm_as_interrupt")
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("terminated" if signum == signal.SIGTERM else "interrupted") in err


# --- A full disk: a write, a copy or a rename fails part-way ---------------------------

class FailAt:
    """Fails the nth call that touches the output (or its working folders) with ENOSPC."""

    def __init__(self, real: Callable[..., Any], out: Path, nth: int):
        self.real, self.out, self.nth, self.calls = real, out, nth, 0

    def touches_output(self, *paths: Any) -> bool:
        return any(str(p) == str(self.out) or Path(str(p)).name.startswith(f".{self.out.name}.")
                   or str(p).startswith(f"{self.out}/") or f"/.{self.out.name}." in str(p) for p in paths)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.touches_output(*args[:2]):
            self.calls += 1
            if self.calls == self.nth:
                raise OSError(errno.ENOSPC, "No space left on device", str(args[0]))
        return self.real(*args, **kwargs)


def fail_path_write_bytes(monkeypatch: pytest.MonkeyPatch, out: Path, nth: int) -> FailAt:
    real = Path.write_bytes
    fail = FailAt(real, out, nth)
    monkeypatch.setattr(generator.output.switch.Path, "write_bytes", lambda self, data: fail(self, data))
    return fail


def fail_copyfile(monkeypatch: pytest.MonkeyPatch, out: Path, nth: int) -> FailAt:
    fail = FailAt(shutil.copyfile, out, nth)
    monkeypatch.setattr(generator.output.switch.shutil, "copyfile", fail)
    return fail


def fail_replace(monkeypatch: pytest.MonkeyPatch, out: Path, nth: int) -> FailAt:
    fail = FailAt(os.replace, out, nth)
    monkeypatch.setattr(generator.output.switch.os, "replace", fail)
    return fail


@pytest.mark.parametrize("mode", ["clean", "incremental"])
@pytest.mark.parametrize("patch, nth", [
    (fail_path_write_bytes, 1), (fail_path_write_bytes, 7), (fail_path_write_bytes, 40),
    (fail_copyfile, 1), (fail_copyfile, 3),
    (fail_replace, 1), (fail_replace, 2), (fail_replace, 5), (fail_replace, 25),
])
def test_a_full_disk_leaves_the_previous_output_and_the_next_build_succeeds(
        mode: str, patch: Callable[..., FailAt], nth: int, basic_site: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out, jobs=1)
    before = snapshot(out)
    edit_titles(basic_site, "Ralat penuh")
    (basic_site / "content/media/baru.jpg").write_bytes((basic_site / "content/media/jembatan.jpg").read_bytes())
    with monkeypatch.context() as patched:
        fail = patch(patched, out, nth)
        try:
            build_into(basic_site, out, jobs=1, clean=mode == "clean")
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
            assert snapshot(out) == before
        else:  # fewer than nth such calls: nothing failed
            assert fail.calls < nth
    assert leftovers(out) == []
    build_into(basic_site, out, jobs=1)
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, jobs=1, clean=True)
    assert snapshot(out) == snapshot(fresh)


def test_a_full_disk_is_reported_without_a_traceback(basic_site: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    fail_path_write_bytes(monkeypatch, out, 3)
    status = main(["build", "--source", str(basic_site), "--out", str(out), "--no-search", "--jobs", "1"])
    err = capsys.readouterr().err
    assert status == 74
    assert "No space left on device" in err and "Traceback" not in err and "bug in sitegen" not in err
    assert not out.exists() and leftovers(out) == []


def test_a_crash_after_the_switch_never_leaves_a_manifest_that_lies(basic_site: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies (no cleanup at all) right after saving the manifest. Were the
    manifest saved while the update's journal still existed, the next build would undo
    the update from the journal and then trust a manifest describing the undone files."""
    out = tmp_path / "public"
    build_into(basic_site, out, jobs=1)
    edit_titles(basic_site, "Ralat mati")

    class Killed(BaseException):
        pass

    real_save = generator.build.BuildCache.save_manifest

    def save_then_die(self: Any, manifest: Any) -> None:
        real_save(self, manifest)
        raise Killed()

    real_exit = generator.output.switch.Update.__exit__

    def exit_unless_killed(self: Any, kind: Any, exc: Any, tb: Any) -> None:
        if not isinstance(exc, Killed):  # a killed process runs no cleanup at all
            real_exit(self, kind, exc, tb)

    with monkeypatch.context() as patched:
        patched.setattr(generator.output.switch.Update, "__exit__", exit_unless_killed)
        patched.setattr(generator.build.BuildCache, "save_manifest", save_then_die)
        with pytest.raises(Killed):
            build_into(basic_site, out, jobs=1)
    for folder in out.parent.iterdir():  # what a killed process leaves: remove its working folders
        if folder.name.startswith(".public.update-"):
            shutil.rmtree(folder)
    build_into(basic_site, out, jobs=1)
    fresh = tmp_path / "fresh"
    build_into(basic_site, fresh, jobs=1, clean=True)
    assert snapshot(out) == snapshot(fresh)


def test_an_interrupt_while_indexing_leaves_the_old_pages_and_index(basic_site: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental build indexes into its staged update, before the switch; interrupted
    there, the half-written index goes with the update and the output is as it was."""
    for had_index in (False, True):
        out = tmp_path / f"public-{had_index}"
        build_into(basic_site, out, jobs=1, search=had_index)
        before = snapshot(out)
        edit_titles(basic_site, f"Ralat {had_index}")

        def half_index(root: Path, *args: Any) -> None:
            (root / "pagefind/fragment").mkdir(parents=True, exist_ok=True)
            (root / "pagefind/fragment/setengah.pf_fragment").write_bytes(b"half")
            raise KeyboardInterrupt()

        with monkeypatch.context() as patched:
            patched.setattr(generator.build, "index", lambda root, config, content, **where: half_index(root))
            with pytest.raises(KeyboardInterrupt):
                build_into(basic_site, out, jobs=1, search=True)
        assert snapshot(out) == before, had_index
        assert leftovers(out) == []


def test_working_folders_of_killed_builds_are_removed(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    dead = 2 ** 22 + 12345  # above Linux's default pid_max: no such process
    for kind in ("staging", "update", "backup", "old", "search"):
        (tmp_path / f".public.{kind}-{dead}/x").mkdir(parents=True)
    (tmp_path / f".public.staging-{os.getppid()}").mkdir()  # a build that is still running
    (tmp_path / ".public.notes").mkdir()  # not ours
    build_into(basic_site, out)
    assert leftovers(out) == sorted([".public.notes", f".public.staging-{os.getppid()}"])


# --- What a user sees: diagnostics for their mistakes, a short note for our bugs ----------

def test_an_internal_error_prints_a_short_report_request(basic_site: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    def broken_stage(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("tahap rusak")

    monkeypatch.setattr(generator.plan.pages, "plan_pages", broken_stage)  # the pipeline imports it when planning
    args = ["build", "--source", str(basic_site), "--out", str(tmp_path / "p"), "--no-search"]
    assert main(args) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"sitegen {generator.__version__}: internal error: RuntimeError: tahap rusak" in err
    assert "This is a bug in sitegen" in err and "report it" in err and "--debug" in err
    assert not (tmp_path / "p").exists() and leftovers(tmp_path / "p") == []

    assert main(args + ["--debug"]) == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "broken_stage" in err
    assert f"sitegen {generator.__version__}: internal error: RuntimeError: tahap rusak" in err


def test_content_and_config_problems_never_show_a_traceback(basic_site: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    cases = Path(__file__).resolve().parent / "bad_input"
    for case in sorted(cases.glob("*.md")):
        (basic_site / ARTICLES / case.name).write_bytes(case.read_bytes())
    args = ["build", "--source", str(basic_site), "--out", str(tmp_path / "p"), "--no-search"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert err.count(": error: ") >= len(list(cases.glob("*.md")))
    (basic_site / "site.toml").write_text('title = "A"\nbase_url = "https://x.org/"\n[paths]\ntags = [\n')
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("site.toml:") and "Traceback" not in err


def test_build_error_for_a_problem_found_while_rendering_keeps_the_output(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = snapshot(out)
    templates = basic_site / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text("{% extends 'base.html' %}{% block main %}{{ 1 // 0 }}{% endblock %}")
    for clean in (False, True):
        with pytest.raises(BuildError, match="ZeroDivisionError"):
            build_into(basic_site, out, clean=clean)
        assert snapshot(out) == before and leftovers(out) == []


def test_a_clean_build_killed_between_its_two_renames_gets_the_previous_site_back(basic_site: Path,
                                                                                   tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    before = snapshot(out)
    dead = 2 ** 22 + 54321
    os.replace(out, tmp_path / f".public.old-{dead}")  # the first rename happened, then the kill
    (tmp_path / f".public.staging-{dead}").mkdir()
    (basic_site / ARTICLES / "rusak.md").write_text("---\ntitle: [\n---\n")
    with pytest.raises(BuildError):  # even a build that fails puts the previous site back first
        build_into(basic_site, out)
    assert snapshot(out) == before and leftovers(out) == []


def test_a_signal_while_workers_are_forked_is_not_lost(big_site: Path, tmp_path: Path) -> None:
    """Python runs fork hooks (logging's, for one) around every fork; an interrupt raised
    inside one is printed as "Exception ignored" and lost, and the build went on. The
    signal here arrives at exactly that moment, from a hook of the test's own."""
    site = tmp_path / "site"
    shutil.copytree(big_site, site)
    out = tmp_path / "public"
    script = (
        "import os, signal, sys\n"
        "fired = []\n"
        "def hook():\n"
        "    if not fired:\n"
        "        fired.append(1)\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "os.register_at_fork(after_in_parent=hook)\n"
        "from generator.cli import main\n"
        f"sys.exit(main(['build', '--source', {str(site)!r}, '--out', {str(out)!r}, '--quiet',\n"
        "                '--no-search', '--jobs', '2']))\n")
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=600)
    err = proc.stderr.decode()
    assert proc.returncode == 143, err
    assert "Exception ignored" not in err and "Traceback" not in err
    assert not out.exists() and leftovers(out) == []


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, Terminated])
def test_an_interrupt_python_drops_inside_a_callback_is_delivered_again(
        interrupt: type[KeyboardInterrupt], capsys: pytest.CaptureFixture[str]) -> None:
    class DropsInterrupts:
        def __del__(self) -> None:
            raise interrupt()  # as a Ctrl-C or SIGTERM landing in one of importlib's weakref callbacks

    with pytest.raises(interrupt):
        with sigterm_as_interrupt(), dropped_interrupts_redelivered():
            DropsInterrupts()  # Python drops what __del__ raises, and would print "Exception ignored"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                time.sleep(0.01)
    assert "Traceback" not in capsys.readouterr().err


def test_an_interrupt_that_python_wrapped_is_still_an_interrupt(capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    # A signal that lands while Python creates a class (a dataclass's Field.__set_name__
    # during an import) reaches sitegen as RuntimeError("Error calling __set_name__ ...")
    # raised from the KeyboardInterrupt: it must stop the build as an interrupt (130).
    def interrupted_while_importing(*args: Any, **kwargs: Any) -> None:
        try:
            raise Terminated()
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__ on 'Field' instance 'x' of 'Y'") from exc

    monkeypatch.setattr(generator.build, "load", interrupted_while_importing)
    status = main(["build", "--source", str(tmp_path), "--out", str(tmp_path / "p"), "--no-search"])
    err = capsys.readouterr().err
    assert status == 143 and "terminated" in err and "internal error" not in err
