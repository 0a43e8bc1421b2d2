"""Ctrl-C and SIGTERM while a command runs: one exception for both, and none lost inside a callback."""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every cleanup runs the same way; exit status 143."""


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM (a CI timeout, `kill`) into Terminated while a command runs."""
    main_pid = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != main_pid:  # a forked worker: end quietly, the parent cleans up
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def dropped_interrupts_redelivered() -> Iterator[None]:
    """Deliver again a Ctrl-C or SIGTERM that Python dropped inside a callback.

    An exception raised by a signal handler while a weakref callback or __del__ runs (the
    import system has such callbacks) cannot propagate: Python prints "Exception ignored"
    with a traceback and carries on, and the build would go on as if never interrupted.
    Such an interrupt is kept quiet here and raised again in the main thread a moment
    later, from outside the callback.
    """
    previous = sys.unraisablehook

    def hook(unraisable: "sys.UnraisableHookArgs") -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous(unraisable)
            return
        signum = signal.SIGTERM if isinstance(unraisable.exc_value, Terminated) else signal.SIGINT
        # From another thread: raised here, it would be dropped again.
        later = threading.Timer(0.01, _thread.interrupt_main, args=(signum,))
        later.daemon = True
        later.start()

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous
