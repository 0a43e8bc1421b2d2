"""The state pushed to browsers: the latest build's id or error, and which pages each build changed."""

from __future__ import annotations

import threading
from typing import Any, Sequence

from generator.errors import Diagnostic


class BuildStatus:
    """The outcome of the latest build, which event streams wait on.

    Each successful build that changed the output gets a new generation, remembered with
    the output paths it changed, so that a page reloads only when it changed itself.
    """

    HISTORY = 100  # generations remembered; a page older than that reloads on the next one

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._version = 0
        self.generation = ""  # id of the last successful build, "" before the first
        self.error: str | None = None  # formatted diagnostics when the latest build failed
        self.closed = False
        self._history: list[tuple[str, frozenset[str] | None]] = []  # (generation, paths; None: all)

    def succeeded(self, generation: str, changed: frozenset[str] | None = None) -> None:
        """A good build; `changed` are the output paths it changed (None: maybe any)."""
        with self._cond:
            if generation != self.generation:
                self._history = self._history[1 - self.HISTORY:] + [(generation, changed)]
            self.generation, self.error = generation, None
            self._version += 1
            self._cond.notify_all()

    def failed(self, text: str) -> None:
        with self._cond:
            self.error = text
            self._version += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        with self._cond:
            return self._version, self._state()

    def wait(self, version: int, timeout: float) -> tuple[int, dict[str, Any] | None]:
        """Wait for a state newer than `version`; None on timeout or when closed."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self._version != version, timeout)
            if self.closed or self._version == version:
                return version, None
            return self._version, self._state()

    def changed_since(self, generation: str, rel: str | None) -> bool:
        """Whether output file `rel` changed after build `generation` (None: a file that
        did not exist, such as a missing page, counts as changed by every build)."""
        with self._cond:
            if generation == self.generation:
                return False
            names = [name for name, _ in self._history]
            if rel is None or generation not in names:
                return True
            return any(paths is None or rel in paths for _, paths in self._history[names.index(generation) + 1:])

    def _state(self) -> dict[str, Any]:
        return {"build": self.generation, "error": self.error}


def format_failure(diagnostics: Sequence[Diagnostic]) -> str:
    """Every diagnostic, then a count; the same text goes to the terminal and the overlay."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    lines = [d.format() for d in diagnostics]
    lines.append(f"{errors} error{'s' if errors != 1 else ''}; still serving the last good build")
    return "\n".join(lines)


def summarize_build(report: Any) -> str:
    """What a build did, from the fields its report has."""
    parts = [f"{report.pages} pages"]
    written, unchanged = getattr(report, "written", None), getattr(report, "unchanged", None)
    if written is not None and unchanged:
        parts = [f"{written} files written, {unchanged} unchanged"]
    return ", ".join(parts)
