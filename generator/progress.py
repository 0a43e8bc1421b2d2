"""A one-line progress bar for long builds, shown only on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Receives progress from the build; this base class shows nothing (pipes, CI, --quiet)."""

    def start(self, stage: str, total: int) -> None:
        """A stage with `total` items begins."""

    def advance(self, done: int) -> None:
        """`done` more items of the current stage are finished."""

    def finish(self) -> None:
        """The current stage is over."""


class TerminalProgress(Progress):
    """Redraws `render  [#####.....]  5210/17162` on one line of a terminal, at most 10 times a second."""

    WIDTH = 30

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self.stage, self.total, self.done, self.last = "", 0, 0, 0.0

    def start(self, stage: str, total: int) -> None:
        self.stage, self.total, self.done, self.last = stage, total, 0, 0.0
        self._draw(force=True)

    def advance(self, done: int) -> None:
        self.done = min(self.total, self.done + done)
        self._draw(force=self.done == self.total)

    def finish(self) -> None:
        self.stream.write("\r\x1b[2K")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.WIDTH * self.done / self.total) if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r\x1b[2K{self.stage:<8} [{bar}] {self.done}/{self.total}")
        self.stream.flush()


def progress_for(stream: TextIO, quiet: bool) -> Progress:
    """A terminal progress bar when `stream` is a terminal and not quiet, else nothing."""
    return TerminalProgress(stream) if stream.isatty() and not quiet else Progress()
