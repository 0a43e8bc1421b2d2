"""Diagnostics: problems in user input, reported with file, line and a hint."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem in the site's input, pinned to a file and (when known) a line."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: Severity = "error"
    source_line: str | None = None

    def location(self) -> str:
        """Return `path:line:col` with the parts that are known."""
        loc = self.path
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def format(self) -> str:
        """Render as `path:line:col: error: message`, then the source line and hint."""
        text = f"{self.location()}: {self.severity}: {self.message}"
        if self.source_line is not None:
            shown, caret = clip_line(self.source_line.rstrip(), self.column)
            text += f"\n    {shown}"
            if caret is not None:
                text += "\n    " + " " * (caret - 1) + "^"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


SHOWN_LINE = 120  # characters of a source line quoted under a diagnostic


def clip_line(line: str, column: int | None) -> tuple[str, int | None]:
    """A long source line cut to SHOWN_LINE characters around `column`, with "…" where
    it was cut, and the caret's column in the text shown."""
    if len(line) <= SHOWN_LINE:
        return line, column
    start = 0 if column is None else max(0, min(column - 1 - SHOWN_LINE // 2, len(line) - SHOWN_LINE))
    shown = line[start:start + SHOWN_LINE]
    caret = None if column is None else column - start
    if start > 0:
        shown = "…" + shown
        caret = None if caret is None else caret + 1
    if start + SHOWN_LINE < len(line):
        shown += "…"
    return shown, caret


class BuildError(Exception):
    """The build stopped because of errors in the input; carries every diagnostic.

    Plain data only, so it pickles across worker-process boundaries.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(self.diagnostics)

    def __str__(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """Return a "did you mean" hint for a misspelt word, or None."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else None


def line_of(text: str, lineno: int | None) -> str | None:
    """Return the 1-based line `lineno` of `text`, or None when out of range."""
    if lineno is None or lineno < 1:
        return None
    lines = text.splitlines()
    return lines[lineno - 1] if lineno <= len(lines) else None


def raise_if_errors(diagnostics: Sequence[Diagnostic]) -> None:
    """Raise BuildError when any diagnostic is an error."""
    if any(d.severity == "error" for d in diagnostics):
        raise BuildError(sorted(diagnostics, key=sort_key))


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    """Order diagnostics by file, then position, so reports are stable."""
    return (d.path, d.line or 0, d.column or 0, d.message)
