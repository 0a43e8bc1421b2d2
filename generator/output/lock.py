"""One build at a time per output folder.

Two builds into one folder (an editor's save while a build runs, two CI steps) would
each undo the other's half-done switch (`recover`), remove its working folders and
overwrite its manifest: a mix of two sites, or a search index of neither, reported as
success. So a build holds an exclusive `flock` on `.NAME.lock` beside the output folder
`NAME` from before it reads the cache until its manifest is saved; a second build waits
up to `wait` seconds and then stops with `OutputBusy`, naming the holder's pid.

The kernel releases a flock when its holder dies, however it dies, so a lock is never
stale: a lock file left by a killed build is simply locked again by the next one (and
its pid overwritten). The file is removed while still locked when the build ends; a
build that was waiting on the old file notices that the path now names another file
(or none) and opens it again, so two builds never both hold "the" lock.

A flock belongs to the open file, which forked children share: a worker left behind by
a killed build would keep the folder locked for as long as it lives. So children close
their copy right after the fork (and exec'd programs never get one: O_CLOEXEC), and only
the build's own process holds the lock.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from generator.errors import BuildError, Diagnostic

BUSY_STATUS = 75  # EX_TEMPFAIL: another build writes into the same folder; try again later
_POLL = 0.05  # seconds between attempts while waiting


_HELD: set[int] = set()  # lock files this process holds open


def _close_in_child() -> None:
    """After a fork, in the child: let go of the parent's locks (see the module's text)."""
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


class OutputBusy(BuildError):
    """Another process is building into the same output folder."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]):
        super().__init__(diagnostics)


def lock_path(out: Path) -> Path:
    """The lock file of an output folder: `.NAME.lock` beside it."""
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}.lock"


def _fallback_path(out: Path) -> Path:
    """Where the lock goes when the output's parent folder cannot hold it (read-only)."""
    import tempfile

    key = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
    return Path(tempfile.gettempdir()) / f"sitegen-lock-{key}"


@contextmanager
def output_lock(out: Path, wait: float = 0.0) -> Iterator[Path]:
    """Hold the output folder `out` for this process; OutputBusy after `wait` seconds."""
    path = lock_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(path, out, wait)
    except OutputBusy:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        path = _fallback_path(out)  # a read-only folder: nothing will be written there anyway
        fd = _acquire(path, out, wait)
    _HELD.add(fd)
    try:
        yield path
    finally:
        try:
            if _same_file(fd, path):
                path.unlink()  # still locked: a waiter on this file sees it gone and opens anew
        except OSError:
            pass
        _HELD.discard(fd)
        os.close(fd)  # releases the lock


def _acquire(path: Path, out: Path, wait: float) -> int:
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        # O_NOFOLLOW: a planted symlink must not make the pid land in another file.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise OutputBusy([_busy(out, holder, wait)]) from None
            time.sleep(_POLL)
            continue
        except BaseException:
            os.close(fd)
            raise
        if not _same_file(fd, path):  # removed by the holder that just let go: take the new one
            os.close(fd)
            continue
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # the pid is only for the message of a build that waits
        return fd


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _holder(fd: int) -> int | None:
    """The pid written by the process holding the lock (it writes it just after locking)."""
    for _ in range(20):
        try:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        except OSError:
            return None
        if text.isdigit():
            return int(text)
        time.sleep(0.005)
    return None


def _busy(out: Path, holder: int | None, wait: float) -> Diagnostic:
    who = f"process {holder}" if holder is not None else "another process"
    waited = f" (waited {wait:g}s)" if wait > 0 else ""
    return Diagnostic(str(out), f"another sitegen build ({who}) is writing into this output folder{waited}",
                      hint="wait for it to finish and build again, pass --wait SECONDS to wait for it, "
                           "or build into another folder with --out")
