"""`sitegen import wordpress|feed`: the command line of the importer and its summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from generator.errors import terminal_safe


def add_import_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """`sitegen import wordpress EXPORT.xml` and `sitegen import feed FILE-OR-URL`."""
    parser = commands.add_parser("import", help="bring an existing archive in (WordPress export, RSS/Atom feed)")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    wordpress = kinds.add_parser("wordpress", help="a WordPress export file (Tools > Export)")
    wordpress.add_argument("export", type=Path, metavar="EXPORT.xml")
    wordpress.add_argument("--media", type=Path, default=None, metavar="UPLOADS_DIR",
                           help="a local copy of the old site's wp-content/uploads (photos are copied from it)")
    feed = kinds.add_parser("feed", help="an RSS 2.0 or Atom feed, from a file or a URL")
    feed.add_argument("feed", metavar="FILE-OR-URL")
    feed.add_argument("--section", default=None, metavar="KEY",
                      help="section of stories whose entry has no category (default: the first section of site.toml)")
    for sub in (wordpress, feed):
        sub.add_argument("--into", type=Path, default=Path("."), metavar="DIR",
                         help="the site folder holding site.toml (default: .)")
        sub.add_argument("--force", action="store_true", help="overwrite files that exist already")
        sub.add_argument("--quiet", "-q", action="store_true", help="print only the counts and problems")
        sub.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    wordpress.set_defaults(run=run_import_wordpress)
    feed.set_defaults(run=run_import_feed)


def _config(into: Path, now: object):  # type: ignore[no-untyped-def]
    from generator.config.options import BuildOptions
    from generator.config.site import load_config

    return load_config(BuildOptions(source=into, out=into / "public", build_time=now))  # type: ignore[arg-type]


def run_import_wordpress(args: argparse.Namespace) -> int:
    """Import a WXR file; 1 when it cannot be read or a file would be overwritten."""
    from generator.config.options import build_time
    from generator.importer.wordpress import import_wordpress
    from generator.importer.write import ExistingFiles
    from generator.importer.wxr import ExportError
    from generator.progress import progress_for

    now = build_time()
    config = _config(args.into, now)
    if args.media is not None and not args.media.is_dir():
        print(f"sitegen import: error: --media {terminal_safe(str(args.media))} is not a folder", file=sys.stderr)
        return 1
    try:
        result = import_wordpress(args.export, args.into, config, args.media, args.force, now,
                                  progress_for(sys.stderr, args.quiet))
    except ExportError as exc:
        print(f"sitegen import: error: {terminal_safe(str(exc))}\nsitegen import: nothing was written",
              file=sys.stderr)
        return 1
    except ExistingFiles as exc:
        return _refused(exc.paths)
    print(wordpress_summary(result, args.export, args.into, config))
    return 0


def run_import_feed(args: argparse.Namespace) -> int:
    """Import an RSS or Atom feed."""
    from generator.config.options import build_time
    from generator.importer.feed import FeedError, import_feed
    from generator.importer.write import ExistingFiles

    now = build_time()
    config = _config(args.into, now)
    try:
        result = import_feed(args.feed, args.into, config, args.section, args.force, now)
    except FeedError as exc:
        print(f"sitegen import: error: {terminal_safe(str(exc))}\nsitegen import: nothing was written",
              file=sys.stderr)
        return 1
    except ExistingFiles as exc:
        return _refused(exc.paths)
    print(terminal_safe(result, newlines=True))
    return 0


def _refused(paths: Sequence[str]) -> int:
    shown = "\n".join(f"    {terminal_safe(p)}" for p in paths[:20])
    more = f"\n    ... and {len(paths) - 20} more" if len(paths) > 20 else ""
    print(f"sitegen import: error: {len(paths)} file{'s' if len(paths) != 1 else ''} exist already:\n{shown}{more}\n"
          "    hint: pass --force to overwrite them\nsitegen import: nothing was written", file=sys.stderr)
    return 1


def sections_block(titles: dict[str, str], declared: Sequence[str]) -> list[str]:
    """The [sections.*] tables for site.toml that the imported stories need."""
    missing = [key for key in titles if key not in declared]
    if not declared or not missing:
        return []
    lines = ["Add these sections to site.toml (the imported stories use them):", ""]
    for key in missing:
        title = titles[key].replace("\\", "\\\\").replace('"', '\\"')
        lines += [f"[sections.{key}]", f'title = "{title}"', ""]
    return lines


def wordpress_summary(result, export: Path, into: Path, config) -> str:  # type: ignore[no-untyped-def]
    """Counts, then everything that needs a look, each with the post IDs concerned."""
    posts = [s for s in result.stories if s.kind == "article"]
    pages = [s for s in result.stories if s.kind == "page"]
    drafts = sum(1 for s in posts if s.front.get("draft"))
    scheduled = sum(1 for s in posts if s.front.get("_scheduled"))
    missing = result.media.missing
    lines = [f"Imported {terminal_safe(str(export))} into {terminal_safe(str(into))}: "
             f"{len(posts) - drafts - scheduled} posts, {len(pages)} pages, {drafts} drafts, {scheduled} scheduled; "
             f"{result.written} files written.",
             f"Photos: {len(result.media.copied)} found in the media folder ({result.photos_copied} copied), "
             f"{len(missing)} missing (left as links to the old site); {result.lead_photos} lead photos."]
    lines += sections_block(result.sections.titles, [s.key for s in config.sections])

    def post(story_id: int) -> str:
        return f"{story_id}"

    unconverted = [(s.item.post_id, s.rel, sorted(set(s.unconverted))) for s in result.stories if s.unconverted]
    if unconverted:
        lines.append("Not converted (the markup is gone, any text inside it kept):")
        lines += [f"    post {pid} ({rel}): {', '.join(what)}" for pid, rel, what in unconverted]
    notes = [(s.item.post_id, s.rel, note) for s in result.stories for note in s.notes]
    if notes or result.skipped:
        lines.append("Notes:")
        lines += [f"    post {pid} ({rel}): {note}" for pid, rel, note in notes]
        lines += [f"    {line}" for line in result.skipped]
    if result.old.unresolved:
        lines.append(f"Links to the old site that name nothing imported ({len(result.old.unresolved)}), "
                     "now absolute links to it:")
        lines += [f"    {url} (in post {', '.join(post(i) for i in sorted(ids))})"
                  for url, ids in sorted(result.old.unresolved.items())]
    if missing:
        lines.append("Photos not in the media folder (shown from the old site until you add them):")
        lines += [f"    {url} (in post {', '.join(post(i) for i in sorted(ids))})" for url, ids in sorted(missing.items())]
    return terminal_safe("\n".join(lines), newlines=True)
