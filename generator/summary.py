"""What `sitegen build` prints when it is done: files written and kept, time per stage, size, scheduled stories."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from generator.errors import terminal_safe

if TYPE_CHECKING:
    from generator.build import BuildReport
    from generator.content.model import Article


def summarize(report: "BuildReport", out: Path) -> str:
    """One paragraph: what was written and kept, and the time of each stage."""
    total = sum(seconds for _, seconds in report.timings)
    stages = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings)
    if not report.written and not report.removed and not report.articles:
        return "\n".join([f"Nothing changed: {report.unchanged} files in {terminal_safe(str(out))} are up to date ({total:.2f}s)."]
                         + scheduled_lines(report.scheduled, report.future))
    kind = "clean build" if report.clean else "incremental build"
    lines = [f"Built {report.articles} articles into {terminal_safe(str(out))} ({kind}): {report.pages} pages; "
             f"{report.written} files written, {report.unchanged} unchanged, {report.removed} removed"
             + (f"; {report.drafts_skipped} drafts skipped" if report.drafts_skipped else "") + ".",
             f"Time {total:.2f}s: {stages}."]
    if report.search is not None:
        lines.append(report.search.summary())
    if report.size is not None:
        lines.append(report.size.line())
    lines += scheduled_lines(report.scheduled, report.future)
    return "\n".join(lines)


def scheduled_lines(scheduled: Sequence["Article"], future: bool) -> list[str]:
    """Name the next scheduled story and when it goes live."""
    if not scheduled:
        return []
    first = scheduled[0]
    title, source = terminal_safe(first.title), terminal_safe(first.source)
    when = first.date.isoformat(sep=" ", timespec="minutes")
    count = f"{len(scheduled)} scheduled stor{'y' if len(scheduled) == 1 else 'ies'}"
    if future:
        return [f"Previewing {count} (--future); the next, \"{title}\" ({source}), "
                f"is dated {when}."]
    return [f"{count.capitalize()} not published yet; next: \"{title}\" ({source}) "
            f"goes live at the first build after {when}."]
