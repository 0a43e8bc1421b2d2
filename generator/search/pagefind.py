"""Client-side search: run Pagefind over the built article pages.

Pagefind comes from the `pagefind-bin` wheel (the binary ships inside it, nothing is
downloaded) and runs as `python -m pagefind_bin` in a child process.  Only article
pages are indexed: the theme marks their `<article>` with `data-pagefind-body`, and
each run sees a scratch folder holding nothing but the article pages it should index
(hard links to the built files, beside the output folder, never inside it), so listing
pages, tag pages and the like are never even parsed.

Memory.  Pagefind holds the whole index of one run in memory (2.7 GB for 10,000
pages, 12.4 GB for 50,000, measured), so the archive is indexed in shards (shards.py),
each one Pagefind run with its own bundle under `pagefind/<name>/`; which shards a build
runs is decided in incremental.py.  See docs/search.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from generator.errors import BuildError, Diagnostic
from generator.search.shards import Shard

BUNDLE_DIR = "pagefind"  # the bundle (or the folder of shard bundles) in the output
_NAMES_SHOWN = 6  # shard names listed in the summary line
_STDERR_TAIL = 12  # lines of Pagefind's own output quoted in a failure diagnostic
# Markers the default theme writes on article pages; read only when index_site is not
# given the articles (see find_article_pages).
_BODY_MARK = b"data-pagefind-body"
_DATE_MARK = re.compile(rb'data-pagefind-sort="date"[^>]*>\s*(-?\d+)\s*<')


@dataclass(frozen=True)
class SearchReport:
    """What indexing did, for the build summary."""

    pages: int  # pages in the index (all shards)
    seconds: float  # wall time of the indexing step
    index_bytes: int  # size of everything under pagefind/
    shards: tuple[str, ...]  # shard names, newest first; () when there is one index
    peak_memory: int | None = None  # largest resident size of one Pagefind run, bytes
    indexed: tuple[str, ...] = ()  # shards Pagefind ran for in this build ("" for the single index)
    files: int = 0  # files this build wrote under pagefind/ (the shards indexed again and the list)

    def summary(self) -> str:
        """One line for the build summary."""
        text = (f"Search index: {self.pages} pages, {self.files} file{'s' if self.files != 1 else ''} written, "
                f"{_megabytes(self.index_bytes)}, in {self.seconds:.2f}s")
        details = []
        if self.shards:
            names = ", ".join(self.indexed[:_NAMES_SHOWN]) + (", …" if len(self.indexed) > _NAMES_SHOWN else "")
            details.append(f"{len(self.shards)} shards, {len(self.indexed)} re-indexed"
                           + (f" ({names})" if self.indexed else ""))
        elif not self.indexed:
            details.append("unchanged")
        if self.peak_memory:
            details.append(f"Pagefind peak {_megabytes(self.peak_memory)}")
        return text + (f" ({', '.join(details)})" if details else "") + "."


def find_article_pages(root: Path, tz: ZoneInfo) -> list[tuple[str, datetime]]:
    """Article pages of a built site and their dates, read from the theme's markers.

    For callers that do not pass the articles to `index_site`: every HTML file outside
    the bundle folder carrying `data-pagefind-body`, dated by its `data-pagefind-sort`
    timestamp (pages without one go with the newest).
    """
    found: list[tuple[str, datetime | None]] = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(f"{BUNDLE_DIR}/"):
            continue
        data = path.read_bytes()
        if _BODY_MARK not in data:
            continue
        match = _DATE_MARK.search(data)
        found.append((rel, datetime.fromtimestamp(int(match.group(1)), tz) if match else None))
    newest = max((when for _, when in found if when is not None), default=datetime.now(tz))
    return [(rel, when or newest) for rel, when in found]


# --- Running Pagefind -----------------------------------------------------------------

def pagefind_version() -> str:
    """The installed Pagefind's version: another one may write another index format."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return "unknown"


def pagefind_command(site: Path, bundle: Path, language: str) -> list[str]:
    """The command line that indexes every HTML file under `site` into `bundle`."""
    # Absolute paths: Pagefind runs in a scratch folder of its own (see run_pagefind).
    return [sys.executable, "-m", "pagefind_bin",
            "--site", os.path.abspath(site),
            "--output-path", os.path.abspath(bundle),
            "--force-language", index_language(language)]


def index_language(language: str) -> str:
    """The ISO 639-1 code Pagefind indexes in: one language for every page, so Indonesian
    stemming applies everywhere and shards can be merged ("id-ID" -> "id")."""
    return language.split("-")[0].split("_")[0].lower()


@dataclass(frozen=True)
class _Run:
    seconds: float
    max_rss: int | None  # bytes


def run_pagefind(command: Sequence[str], what: str) -> _Run:
    """Run one Pagefind command; any failure becomes a BuildError naming `what`.

    The child runs in an empty temporary folder with PAGEFIND_* variables removed, so
    a stray pagefind.yml in the current folder or the environment cannot change the
    index.  Its output goes to temporary files (no pipe to fill up) and is quoted when
    it fails.

    Pagefind never outlives the build: it runs in a process group of its own, which is
    killed on every way out of here (an error, Ctrl-C, SIGTERM); and on Linux the kernel
    kills it when sitegen dies without running any of that (SIGKILL, an OOM kill), since
    it would otherwise go on writing into a folder the next build is using.
    """
    from generator.parallel import parent_death_signal

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sitegen-pagefind-") as work, \
            tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            # `python -m pagefind_bin` execs the binary: the group and the death signal carry over.
            proc = subprocess.Popen(list(command), cwd=work, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, start_new_session=True,
                                    preexec_fn=parent_death_signal(signal.SIGKILL))  # noqa: PLW1509 - only prctl
        except OSError as exc:
            raise BuildError([Diagnostic("pagefind", f"could not start Pagefind for {what}: {exc}",
                                         hint=_SKIP_HINT)]) from None
        try:
            status, max_rss = _wait(proc)
        except BaseException:  # Ctrl-C or SIGTERM: stop Pagefind before the caller removes its folder
            _kill_group(proc)
            raise
        seconds = time.perf_counter() - start
        if status != 0:
            out.seek(0)
            err.seek(0)
            tail = _tail(err.read()) or _tail(out.read()) or ["(no output)"]
            reason = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
            raise BuildError([Diagnostic(
                "pagefind", f"Pagefind failed ({reason}) indexing {what}:\n    " + "\n    ".join(tail),
                hint=_SKIP_HINT)])
    return _Run(seconds, max_rss)


_SKIP_HINT = "sitegen build --no-search builds the site without the search index"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and anything it started (its own process group), and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the child leads its group (start_new_session)
    except OSError:  # already gone (or not a group leader): kill the child itself
        proc.kill()
    proc.wait()


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, int | None]:
    """Wait for the child; return its exit status and peak resident memory in bytes."""
    if hasattr(os, "wait4"):
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except ChildProcessError:  # already reaped elsewhere
            return proc.wait(), None
        proc.returncode = os.waitstatus_to_exitcode(status)
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        return proc.returncode, usage.ru_maxrss * scale
    return proc.wait(), None


def _tail(data: bytes) -> list[str]:
    lines = [line.rstrip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    # Pagefind repeats its final error line; keep each line once, in order.
    return list(dict.fromkeys(lines))[-_STDERR_TAIL:]


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def mirror(root: Path, pages: Iterable[str], mirror: Path, base: Path | None = None) -> None:
    """Make a folder holding just `pages` (hard links, same relative paths, so the same URLs),
    each from `root`, or from `base` when `root` does not have it."""
    missing = []
    for page in pages:
        try:
            source = root / page
            if base is not None and not os.path.lexists(source):
                source = base / page
            _link_or_copy(source, mirror / page)
        except FileNotFoundError:
            missing.append(page)
    if missing:
        raise BuildError([Diagnostic("pagefind", f"{len(missing)} article pages to index were not written, "
                                     f"e.g. {missing[0]}")])


def bundle_pages(bundle: Path) -> int:
    """Pages in a finished bundle, from its pagefind-entry.json."""
    entry = bundle / "pagefind-entry.json"
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        return sum(int(lang.get("page_count", 0)) for lang in data.get("languages", {}).values())
    except (OSError, ValueError, AttributeError) as exc:
        raise BuildError([Diagnostic("pagefind", f"Pagefind wrote no usable index to {bundle.name}/: {exc}",
                                     hint=_SKIP_HINT)]) from None


def tree_size(folder: Path) -> int:
    """Bytes of every file under `folder`."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def run_shards(root: Path, shards: Sequence[Shard], language: str, base: Path | None,
               scratch: Path | None) -> tuple[dict[str, tuple[int, int]], int | None]:
    """One Pagefind run per shard into root/pagefind[/name]: (pages, bytes) by name, and the peak memory."""
    done: dict[str, tuple[int, int]] = {}
    peak: int | None = None
    if not shards:
        return done, peak
    base = Path(os.path.abspath(base)) if base is not None else None
    # Beside the output (same file system, so hard links work), not inside it: a crash
    # cannot leave it in a folder that gets published. Named before it is made, so an
    # interrupt right after mkdir still finds it to remove; named by process, so the next
    # build removes what a killed one left (remove_stale).
    links = Path(os.path.abspath(scratch)) if scratch is not None \
        else root.parent / f".{root.name}.search-{os.getpid()}"
    try:
        shutil.rmtree(links, ignore_errors=True)  # left by a dead process with our pid
        links.mkdir()
        for shard in shards:
            folder = links / (shard.name or "all")
            mirror(root, shard.pages, folder, base)
            bundle = root / shard.folder
            what = f"{len(shard.pages)} articles" + (f" of shard {shard.name}" if shard.name else "")
            # pagefind_command is looked up here at each run, so that tests can stand in another command.
            run = run_pagefind(pagefind_command(folder, bundle, language), what)
            shutil.rmtree(folder, ignore_errors=True)
            done[shard.name] = (bundle_pages(bundle), tree_size(bundle))
            if run.max_rss is not None:
                peak = max(peak or 0, run.max_rss)
    except OSError as exc:  # an unreadable or vanished output folder, a full disk
        raise BuildError([Diagnostic("pagefind", f"could not prepare the search index in {root}: {exc}",
                                     hint=_SKIP_HINT)]) from None
    finally:
        shutil.rmtree(links, ignore_errors=True)
    return done, peak
