"""The progress bar shows on a terminal only."""

from __future__ import annotations

import io

from generator.progress import Progress, TerminalProgress, progress_for


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_counts_up_to_the_total() -> None:
    stream = FakeTerminal()
    bar = TerminalProgress(stream)
    bar.start("render", 200)
    bar.advance(64)
    bar.advance(136)
    bar.finish()
    text = stream.getvalue()
    assert "render   [" in text and "0/200" in text and "200/200" in text
    assert text.endswith("\r\x1b[2K")  # the line is cleared for the summary


def test_no_bar_when_not_a_terminal_or_quiet() -> None:
    assert type(progress_for(io.StringIO(), quiet=False)) is Progress
    assert type(progress_for(FakeTerminal(), quiet=True)) is Progress
    assert isinstance(progress_for(FakeTerminal(), quiet=False), TerminalProgress)
