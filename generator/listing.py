"""`sitegen list drafts|scheduled`: the stories a build withholds, one a line.

The stories come from the build's own stages (generator/pipeline.py), read with drafts
included so that they can be told apart: a draft is what a build without --drafts skips
(and counts), a scheduled story what it holds back until its time (a scheduled draft is
a draft). Lines are tab-separated, every field made terminal-safe.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from generator.config.options import BuildOptions, build_time
from generator.content.model import Article
from generator.errors import terminal_safe


def add_list_parser(commands: Any, **described: Any) -> argparse.ArgumentParser:
    """The `list` command under the main parser's sub-commands."""
    listing = commands.add_parser("list", help="list the stories a build withholds: drafts or scheduled stories",
                                  **described)
    listing.add_argument("what", choices=("drafts", "scheduled"), metavar="drafts|scheduled",
                         help="drafts (draft: true) or scheduled stories (dated after now)")
    listing.add_argument("--source", "-s", type=Path, default=Path("."), help="site folder (default: .)")
    listing.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    listing.set_defaults(run=run_list)
    return listing


def withheld(source: Path, now: Any) -> tuple[list[Article], list[Article], Any]:
    """The drafts (by path) and the scheduled stories (by date) a build at `now` withholds,
    and the site's timezone."""
    from generator.parallel import default_jobs
    from generator.pipeline import load, read

    options = BuildOptions(source=source, out=source / "public", build_time=now, drafts=True, search=False)
    loaded = load(options)
    content = read(loaded, default_jobs()).content
    drafts = sorted((a for a in (*content.articles, *content.scheduled) if a.draft), key=lambda a: a.source)
    scheduled = [a for a in content.scheduled if not a.draft]  # sorted by date
    return drafts, scheduled, loaded.config.tz


def run_list(args: argparse.Namespace) -> int:
    """`sitegen list drafts|scheduled`: path and title, and for a scheduled story when it goes live."""
    drafts, scheduled, tz = withheld(args.source, build_time())
    if args.what == "drafts":
        for article in drafts:
            print(f"{terminal_safe(article.source)}\t{terminal_safe(article.title)}")
        print(f"{len(drafts)} draft{'s' if len(drafts) != 1 else ''}"
              + ("; to publish one, set draft: false in its front matter or delete that line "
                 "(sitegen serve --drafts previews them)" if drafts else ""), file=sys.stderr)
        return 0
    for article in scheduled:
        when = article.date.astimezone(tz)
        print(f"{terminal_safe(article.source)}\t{terminal_safe(article.title)}\t"
              f"{terminal_safe(when.strftime('%Y-%m-%d %H:%M %Z')).rstrip()}")
    print(f"{len(scheduled)} scheduled stor{'y' if len(scheduled) == 1 else 'ies'}"
          + (f", each going live at the first build after its time ({terminal_safe(str(tz))}); "
             "sitegen serve --future previews them" if scheduled else ""), file=sys.stderr)
    return 0
