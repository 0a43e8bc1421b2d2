"""`sitegen deploy`: its options and what it prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from generator.errors import terminal_safe


def add_deploy_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", **help_text: Any) -> None:
    """`sitegen deploy [--dry-run] [--max-deletes N] ...`."""
    parser = commands.add_parser("deploy", help="upload the built site to S3-compatible storage (only what changed)",
                                 **help_text)
    parser.add_argument("--source", "-s", type=Path, default=Path("."), help="site folder (default: .)")
    parser.add_argument("--out", type=Path, default=None, help="the built site (default: SOURCE/public)")
    parser.add_argument("--dry-run", "-n", action="store_true",
                        help="list what would be uploaded and deleted; change nothing")
    parser.add_argument("--max-deletes", type=int, default=None, metavar="N",
                        help="delete nothing when more than N files would be deleted "
                             "(default: [deploy] max_deletes, 256)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="parallel uploads (default: [deploy] workers, 16)")
    parser.add_argument("--force", action="store_true",
                        help="upload every file, also unchanged ones (after a change of Cache-Control settings)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.set_defaults(run=run_deploy)


def run_deploy(args: argparse.Namespace) -> int:
    """Deploy; 1 when the bucket refuses, cannot be reached, or more deletes than allowed were skipped."""
    from generator.config.options import BuildOptions, build_time
    from generator.config.site import load_config
    from generator.deploy.publish import deploy, where, with_overrides
    from generator.deploy.upload import DeployFailed
    from generator.progress import progress_for

    out = args.out if args.out is not None else args.source / "public"
    config = load_config(BuildOptions(source=args.source, out=out, build_time=build_time()))
    if (args.max_deletes is not None and args.max_deletes < 0) or (args.workers is not None and args.workers < 1):
        print("sitegen deploy: error: --max-deletes must be 0 or more and --workers 1 or more", file=sys.stderr)
        return 2
    settings = with_overrides(config.deploy, workers=args.workers)
    try:
        report = deploy(out, settings, dry_run=args.dry_run, max_deletes=args.max_deletes, force=args.force,
                        progress=progress_for(sys.stderr, args.quiet),
                        show=lambda line: print(terminal_safe(line)))
    except DeployFailed as exc:
        print("\n".join(d.format() for d in exc.diagnostics), file=sys.stderr)
        done = getattr(exc, "report", None)
        if done is not None and not args.quiet:
            print(done.summary(where(settings)))
        if done is not None or any(word in d.message for d in exc.diagnostics for word in ("uploading", "deleting")):
            # Only once the bucket has begun to change: an error before that changed nothing.
            print("sitegen deploy: stopped; running it again uploads what is still missing, then deletes",
                  file=sys.stderr)
        else:
            print("sitegen deploy: stopped; the bucket was not changed", file=sys.stderr)
        return 1
    if not args.quiet:
        print(report.summary(where(settings) + (f" at {settings.endpoint}" if settings.endpoint else "")))
    return 0
