"""The `sitegen` command line."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from generator import __version__
from generator.config import BuildOptions
from generator.errors import BuildError

if TYPE_CHECKING:
    from generator.build import BuildReport



def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except BuildError as exc:
        print(format_errors(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sitegen: interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - last line of defence: no raw traceback for users
        if args.debug:
            raise
        kind, value, _ = sys.exc_info()
        print(f"sitegen {__version__}: internal error: {kind.__name__ if kind else ''}: {value}\n"
              "This is a bug in sitegen, not in your site. Please report it to the sitegen\n"
              "issue tracker with the output of the same command run with --debug.", file=sys.stderr)
        return 70


def make_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per action."""
    parser = argparse.ArgumentParser(prog="sitegen", description="Static site generator for news archives.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="render the site into a folder")
    add_common(build)
    build.add_argument("--out", type=Path, default=None, help="output folder (default: SOURCE/public)")
    build.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    build.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="worker processes (default: one per core)")
    build.add_argument("--clean", action="store_true",
                       help="ignore the cache in .sitegen/ and write a whole new output folder")
    build.set_defaults(run=run_build)

    serve = commands.add_parser("serve", help="preview the site locally, rebuilding and reloading on changes")
    add_common(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.set_defaults(run=run_serve)
    return parser


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every site command takes."""
    parser.add_argument("--source", "-s", type=Path, default=Path("."), help="site folder (default: .)")
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    parser.add_argument("--base-url", help="override base_url from site.toml (e.g. for GitHub Pages)")
    parser.add_argument("--safe", action="store_true",
                        help="escape raw HTML in Markdown (archives with outside contributions)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def options_from(args: argparse.Namespace) -> BuildOptions:
    """Turn parsed arguments into build options; the clock is read here and only here."""
    source = args.source
    out = args.out if getattr(args, "out", None) is not None else source / "public"
    return BuildOptions(source=source, out=out, build_time=build_time(), drafts=args.drafts,
                        base_url=args.base_url, safe=args.safe,
                        search=not getattr(args, "no_search", False), jobs=getattr(args, "jobs", None),
                        clean=getattr(args, "clean", False))


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)


def run_build(args: argparse.Namespace) -> int:
    """`sitegen build`."""
    from generator.build import build

    from generator.progress import progress_for

    options = options_from(args)
    report = build(options, progress_for(sys.stderr, args.quiet))
    if not args.quiet:
        print(summarize(report, options.out))
    return 0


def summarize(report: "BuildReport", out: Path) -> str:
    """One paragraph: what was written and kept, and the time of each stage."""
    total = sum(seconds for _, seconds in report.timings)
    stages = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings)
    if not report.written and not report.removed and not report.articles:
        return f"Nothing changed: {report.unchanged} files in {out} are up to date ({total:.2f}s)."
    kind = "clean build" if report.clean else "incremental build"
    lines = [f"Built {report.articles} articles into {out} ({kind}): {report.pages} pages; "
             f"{report.written} files written, {report.unchanged} unchanged, {report.removed} removed"
             + (f"; {report.drafts_skipped} drafts skipped" if report.drafts_skipped else "") + ".",
             f"Time {total:.2f}s: {stages}."]
    if report.search is not None:
        lines.append(report.search.summary())
    return "\n".join(lines)


def run_serve(args: argparse.Namespace) -> int:
    """`sitegen serve` (generator/serve.py)."""
    from generator.serve import run

    return run(args)


def format_errors(exc: BuildError) -> str:
    """All diagnostics, then a count, as compilers print them."""
    errors = sum(1 for d in exc.diagnostics if d.severity == "error")
    lines = [d.format() for d in exc.diagnostics]
    lines.append(f"sitegen: {errors} error{'s' if errors != 1 else ''}; nothing was written")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
