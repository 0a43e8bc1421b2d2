"""Spread per-item work (parsing, rendering) over worker processes.

Workers are forked, so they start with the parent's site model already in memory and
receive only lists of ids or paths; results come back in input order, so the output
is the same for any number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_WORKER = 64  # below this, starting processes costs more than it saves
CHUNK = 64

# The work of the pool being run. Set in the parent just before forking and cleared
# after; the children read their copy. It never holds anything between two calls.
_WORK: tuple[Callable[[Any, Any], Any], Any] | None = None


def default_jobs() -> int:
    """The machine's cores, as the default for --jobs."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Workers need fork (Linux, and macOS with care); elsewhere everything runs in-process."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def map_chunks(func: Callable[[list[T], Any], list[R]], items: Sequence[T], jobs: int,
               shared: Any = None, progress: Callable[[int], None] | None = None,
               chunk_size: int = CHUNK, min_items: int = MIN_ITEMS_PER_WORKER) -> list[R]:
    """Apply `func(chunk, shared)` to chunks of `items`; the results, flattened, in order.

    `progress(n)` is called as each chunk of n items finishes. Heavy items (a photo to
    resize) take a smaller `chunk_size` and `min_items` (items per worker worth a fork).
    """
    items = list(items)
    chunks = [items[i:i + chunk_size] for i in range(0, len(items), chunk_size)]
    parts: list[list[R]] = []
    if jobs <= 1 or len(items) < 2 * min_items or not can_fork():
        for chunk in chunks:
            parts.append(func(chunk, shared))
            if progress:
                progress(len(chunk))
        return [result for part in parts for result in part]
    global _WORK
    _WORK = (func, shared)
    try:
        with _start_pool(min(jobs, len(chunks))) as pool:
            for chunk, part in zip(chunks, pool.imap(_run, chunks, chunksize=1)):
                parts.append(part)
                if progress:
                    progress(len(chunk))
    finally:
        _WORK = None
    return [result for part in parts for result in part]


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def parent_death_signal(signum: int) -> Callable[[], None] | None:
    """A function for a child process to run first thing after the fork: from then on the
    kernel sends it `signum` when the parent dies, even by SIGKILL, so no child of a killed
    build goes on writing (Linux; None elsewhere). Made in the parent, so that the child
    only calls into libc: a child of a threaded process may do little else before exec.
    The kernel sends it when the thread that forked ends, so fork from a lasting thread."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody will send it now
            os.kill(os.getpid(), signum)

    return arm


def _start_pool(processes: int) -> Any:
    """Fork the workers with Ctrl-C and SIGTERM held: Python runs fork hooks around each
    fork, and an interrupt raised inside one is printed and then lost. The signal is
    delivered once the pool exists, which the caller's `with` then stops."""
    pool = None
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            pool = multiprocessing.get_context("fork").Pool(processes, initializer=_quiet_signals,
                                                            initargs=(parent_death_signal(signal.SIGKILL),))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        return pool
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise


def _quiet_signals(die_with_parent: Callable[[], None] | None = None) -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops the pool), and SIGTERM, which
    the parent sends to stop the pool, ends the worker at once without a traceback. The
    worker starts with both held (see _start_pool): it takes them again from here on.
    A worker of a build that is killed outright is killed too (`parent_death_signal`)."""
    if die_with_parent is not None:
        die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _run(chunk: list[Any]) -> list[Any]:
    assert _WORK is not None
    func, shared = _WORK
    return func(chunk, shared)
