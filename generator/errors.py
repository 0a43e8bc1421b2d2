"""Diagnostics: problems in user input, reported with file, line and a hint."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
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
        # Content reaches the terminal only through terminal_safe; a line break of a message
        # is kept only where it starts an indented line, as sitegen's own long messages do.
        def kept(part: str) -> str:
            return re.sub(r"\n(?!    )", r"\\n", terminal_safe(part, newlines=True))

        text = f"{terminal_safe(self.location())}: {self.severity}: {kept(self.message)}"
        if self.source_line is not None:
            shown, caret = clip_line(self.source_line.rstrip(), self.column)
            text += f"\n    {terminal_safe(shown)}"
            if caret is not None:
                before = shown[:caret - 1]  # the caret moves with the escapes written before it
                text += "\n    " + " " * (caret - 1 + len(terminal_safe(before)) - len(before)) + "^"
        if self.hint:
            text += f"\n    hint: {kept(self.hint)}"
        return text


# What a terminal would act on rather than show: C0 and C1 controls but the tab (ESC starts
# the sequences that set a title or clear the screen), DEL, bidirectional controls that
# reorder the text around them, and the line and paragraph separators.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str, newlines: bool = False) -> str:
    """`text` (from content, file names or other programs) fit to print on a terminal: every
    control character shown as a visible escape (\\x1b, \\u202e); a line break kept only with
    `newlines`, for text whose line breaks are sitegen's own."""
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n" and newlines:
            return char
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    return _TERMINAL_UNSAFE.sub(escape, text)


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


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32LE"), (b"\x00\x00\xfe\xff", "UTF-32BE"),
         (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE"))


def wide_encoding(raw: bytes) -> tuple[str, bool] | None:
    """(encoding, has_bom) when `raw` is UTF-16 or UTF-32 text rather than UTF-8, else None.

    Found by its byte order mark or, without one, by the NUL bytes that UTF-16 puts beside
    every ASCII character: one in each pair of bytes, always on the same side (text in
    Indonesian or English is mostly ASCII). A binary file has NULs without that pattern.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name, True
    sample = raw[:8192]
    sample = sample[:len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.02:
        return "UTF-16LE", False  # "a\0b\0"
    if even >= pairs * 0.3 and odd <= pairs * 0.02:
        return "UTF-16BE", False  # "\0a\0b"
    return None


def wide_encoding_diagnostic(path: str, raw: bytes) -> Diagnostic | None:
    """The diagnostic for a file saved as UTF-16 or UTF-32, saying so and how to convert it."""
    found = wide_encoding(raw)
    if found is None:
        return None
    name, bom = found
    family = name[:6]  # UTF-16 or UTF-32
    order = "little-endian" if name.endswith("LE") else "big-endian"
    return Diagnostic(path, f"the file is {family} text ({order}{', with a byte order mark' if bom else ''}), "
                            "not UTF-8", line=1,
                      hint=f"save it as UTF-8 in your editor, or convert it: "
                           f"iconv -f {family if bom else name} -t UTF-8 FILE > FILE.new && mv FILE.new FILE")


def in_mode(diags: Iterable[Diagnostic], broken: str) -> list[Diagnostic]:
    """Broken-link errors as `[links] broken` (or --broken-links) wants them: errors, or warnings."""
    if broken == "warn":
        return [replace(d, severity="warning") for d in diags]
    return list(diags)
