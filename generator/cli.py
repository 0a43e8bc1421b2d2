"""The `sitegen` command line."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Callable, Sequence

from generator import __version__
from generator.collector import tune_collection
from generator.cli_help import described
from generator.config.links import BROKEN_CHOICES
from generator.config.options import BuildOptions, build_time
from generator.errors import BuildError, terminal_safe
from generator.interrupts import Terminated, dropped_interrupts_redelivered, sigterm_as_interrupt
from generator.output.lock import BUSY_STATUS, OutputBusy
from generator.summary import scheduled_lines, summarize


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    tune_collection()  # a build's heap is large and long-lived (generator/collector.py)
    try:
        with sigterm_as_interrupt(), dropped_interrupts_redelivered():
            return args.run(args)
    except OutputBusy as exc:  # another build holds the output folder: not the site's fault
        print("\n".join(d.format() for d in exc.diagnostics), file=sys.stderr)
        print("sitegen: the output folder is busy; nothing was written", file=sys.stderr)
        return BUSY_STATUS
    except BuildError as exc:
        print(format_errors(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`sitegen related ... | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt as exc:
        return report_interrupt(exc)
    except OSError as exc:  # the machine's fault, not sitegen's: a full disk, a permission
        if args.debug:
            traceback.print_exc()
        where = f"{terminal_safe(str(exc.filename))}: " if exc.filename else ""
        print(f"sitegen: error: {where}{exc.strerror or exc}\n"
              "sitegen: stopped; a build leaves the previous output as it was", file=sys.stderr)
        return 74
    except Exception as exc:  # noqa: BLE001 - last line of defence: no raw traceback for users
        interrupt = interrupt_behind(exc)
        if interrupt is not None:  # Python wrapped it (a signal while a class was being made)
            return report_interrupt(interrupt)
        if args.debug:
            traceback.print_exc()
        kind, value, _ = sys.exc_info()
        print(f"sitegen {__version__}: internal error: {kind.__name__ if kind else ''}: {terminal_safe(str(value))}\n"
              "This is a bug in sitegen, not in your site. Please report it to the sitegen\n"
              "issue tracker with the output of the same command run with --debug.", file=sys.stderr)
        return 70


def report_interrupt(exc: KeyboardInterrupt) -> int:
    """Say that Ctrl-C or SIGTERM stopped the command; its exit status."""
    what = "terminated" if isinstance(exc, Terminated) else "interrupted"
    # Signals are held while the output is switched: it is the old site or the new one.
    print(f"sitegen: {what}; the output folder holds the previous site (or the new one, "
          "if it was already complete)", file=sys.stderr)
    return 128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)


def interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM an exception was raised from, if any.

    Python wraps an exception raised while it creates a class (`__set_name__`, as a
    dataclass's fields do while a module is imported) in a RuntimeError: a signal that
    arrives then must still stop the command as an interrupt, not as an internal error.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def whole_number(low: int, high: int | None = None, note: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from `low` (to `high`); anything else is a wrong
    command line (exit status 2) whose message gives the valid range."""
    wanted = f"a whole number from {low} to {high}" if high is not None else f"a whole number of {low} or more"

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {wanted}{note}, not {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is out of range: must be {wanted}{note}")
        return value

    return parse


PORT = whole_number(0, 65535, " (0 picks a free port)")
JOBS = whole_number(1)


def make_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per action."""
    parser = argparse.ArgumentParser(prog="sitegen", description="Static site generator for news archives.")
    parser.add_argument("--version", "-V", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="render the site into a folder", **described("build"))
    add_common(build)
    build.add_argument("--out", type=Path, default=None, help="output folder (default: SOURCE/public)")
    build.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    build.add_argument("--jobs", "-j", type=JOBS, default=None, metavar="N",
                       help="worker processes (default: one per core)")
    build.add_argument("--clean", action="store_true",
                       help="ignore the cache in .sitegen/ and write a whole new output folder")
    build.add_argument("--strict", action="store_true",
                       help="treat warnings about the content (an image without alt text) as errors")
    add_broken_links(build)
    build.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                       help="when another build writes into the same output folder, wait up to this long "
                            "for it (default: 0, stop at once with exit status 75)")
    build.set_defaults(run=run_build)

    serve = commands.add_parser("serve", help="preview the site locally, rebuilding and reloading on changes",
                                **described("serve"))
    add_common(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1; an address other than localhost or "
                            "a loopback address lets other machines see the preview)")
    serve.add_argument("--port", type=PORT, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--open", "-o", action="store_true",
                       help="open the preview in the web browser once the first build is ready")
    serve.set_defaults(run=run_serve)

    related = commands.add_parser("related", help="show an article's related list and why each story is on it",
                                  **described("related"))
    related.add_argument("path", type=Path, help="the article's Markdown file")
    add_common(related)
    related.set_defaults(run=run_related)

    check = commands.add_parser("check", help="validate the site as a build would, writing nothing (exit 1 on errors)",
                                **described("check"))
    add_common(check)
    check.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors and warnings")
    check.add_argument("--strict", action="store_true",
                       help="treat warnings about the content (an image without alt text) as errors")
    add_broken_links(check)
    check.add_argument("--jobs", "-j", type=JOBS, default=None, metavar="N",
                       help="worker processes (default: one per core)")
    check.set_defaults(run=run_check)

    init = commands.add_parser("init", help="create a new site in an empty folder", **described("init"))
    init.add_argument("dir", type=Path, metavar="DIR", help="the new site's folder (new or empty)")
    init.add_argument("--requirement", default=None, metavar="SPEC",
                      help="pip requirement the GitHub workflow installs sitegen from, e.g. "
                           "'sitegen-news @ git+https://github.com/ORG/sitegen@v0.1.0' (default: the git "
                           "source and commit or the archive URL this sitegen was installed from, else "
                           "sitegen-news==VERSION)")
    init.add_argument("--deploy", choices=("pages", "s3"), default="pages",
                      help="the workflow written: publish on GitHub Pages (default) or to S3-compatible storage "
                           "with sitegen deploy (docs/deploy.md)")
    init.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    init.set_defaults(run=run_init)

    new = commands.add_parser("new", help="start a new story in content/articles/YYYY/MM/", **described("new"))
    new.add_argument("title", metavar="TITLE", help="the headline; the file name is made from it")
    new.add_argument("--section", required=True, help="a section key of site.toml")
    # One name per option, repeated for several: a list would swallow the headline after it.
    new.add_argument("--reporter", action="append", default=[], metavar="NAME",
                     help="a reporter; repeat the option for several")
    new.add_argument("--editor", action="append", default=[], metavar="NAME", help="an editor; repeat for several")
    new.add_argument("--source", "-s", type=Path, default=Path("."), help="site folder (default: .)")
    new.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    new.set_defaults(run=run_new)

    from generator.listing import add_list_parser

    add_list_parser(commands, **described("list"))
    from generator.deploy.command import add_deploy_parser
    from generator.importer.command import add_import_parser

    add_import_parser(commands)
    add_deploy_parser(commands, **described("deploy"))
    return parser


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every site command takes."""
    parser.add_argument("--source", "-s", type=Path, default=Path("."), help="site folder (default: .)")
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    parser.add_argument("--future", action="store_true",
                        help="include scheduled stories (dated after now) to preview them")
    parser.add_argument("--base-url", help="override base_url from site.toml (e.g. for GitHub Pages)")
    parser.add_argument("--safe", action="store_true",
                        help="escape raw HTML in Markdown (archives with outside contributions)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def add_broken_links(parser: argparse.ArgumentParser) -> None:
    """--broken-links, for the commands that check links."""
    parser.add_argument("--broken-links", choices=BROKEN_CHOICES, default=None,
                        help="a broken internal link fails the command (error) or is a warning (warn); "
                             "default: [links] broken of site.toml, else error")


def options_from(args: argparse.Namespace) -> BuildOptions:
    """Turn parsed arguments into build options; the clock is read here and only here."""
    source = args.source
    out = args.out if getattr(args, "out", None) is not None else source / "public"
    return BuildOptions(source=source, out=out, build_time=build_time(), drafts=args.drafts,
                        base_url=args.base_url, safe=args.safe,
                        search=not getattr(args, "no_search", False), jobs=getattr(args, "jobs", None),
                        clean=getattr(args, "clean", False), future=getattr(args, "future", False),
                        strict=getattr(args, "strict", False), wait=getattr(args, "wait", 0.0),
                        broken_links=getattr(args, "broken_links", None))


def run_build(args: argparse.Namespace) -> int:
    """`sitegen build`."""
    from generator.build import build
    from generator.progress import progress_for

    options = options_from(args)
    report = build(options, progress_for(sys.stderr, args.quiet))
    if not args.quiet:
        print(summarize(report, options.out), flush=True)
    for warning in report.warnings:  # after the summary, so that they are the last thing read
        print(warning.format(), file=sys.stderr)
    return 0


def run_check(args: argparse.Namespace) -> int:
    """`sitegen check`: every validation of a build, nothing written."""
    from generator.check import check

    options = options_from(args)
    report = check(options)
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    if not args.quiet:
        warned = len(report.warnings)
        print(f"Checked {report.articles} articles, {report.pages} pages and {report.links} internal links: "
              f"no errors" + (f", {warned} warning{'s' if warned != 1 else ''}" if warned else "")
              + (f"; {report.drafts_skipped} drafts skipped" if report.drafts_skipped else "") + ".")
        for line in scheduled_lines(report.scheduled, report.future) + ([report.size.line()] if report.size else []):
            print(line)
    return 0


def run_init(args: argparse.Namespace) -> int:
    """`sitegen init DIR`: a new site that builds at once."""
    from generator.scaffold import WORKFLOWS, Requirement, check_requirement, default_requirement, init_site

    if args.requirement is not None:
        requirement = Requirement(check_requirement(args.requirement), "given with --requirement")
    else:
        requirement = default_requirement()
    written = init_site(args.dir, build_time(), requirement.spec, args.deploy)
    workflow = WORKFLOWS[args.deploy][0]
    print(f"Created a new site in {args.dir}: " + ", ".join(written) + ".")
    print(f"Its GitHub workflow installs {requirement.spec!r} with pip ({requirement.note}); "
          f"to install sitegen from elsewhere, change SITEGEN_REQUIREMENT in {workflow}.")
    if not requirement.certain:
        print(f"sitegen: warning: {requirement.note}: the workflow installs {requirement.spec!r}, which pip finds "
              "only where that version is published; check it, or run init again with --requirement SPEC "
              "(e.g. 'sitegen-news @ git+https://github.com/ORG/sitegen@v0.1.0')", file=sys.stderr)
    publish = ("set [deploy] in site.toml and the secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the GitHub "
               "repository, and push (docs/deploy.md)" if args.deploy == "s3" else
               "push it to GitHub and set Settings > Pages > Source to \"GitHub Actions\"")
    print(f"Next: cd {args.dir} && sitegen serve (a preview that reloads as you edit); to publish, {publish}.")
    return 0


def run_new(args: argparse.Namespace) -> int:
    """`sitegen new "Judul" --section KEY`: a new story from the archetype."""
    from generator.scaffold import new_article

    rel, draft = new_article(args.source, args.title, args.section, build_time(), args.reporter, args.editor)
    print(terminal_safe(str(args.source / rel)))  # alone on stdout, for `$EDITOR "$(sitegen new ...)"`
    if draft:
        print("sitegen new: the story is a draft (draft: true): no build publishes it. To publish it, "
              "set draft: false in its front matter or delete that line; sitegen serve --drafts "
              "previews it meanwhile", file=sys.stderr)
    else:
        print("sitegen new: the story is not a draft: the next build publishes it", file=sys.stderr)
    return 0


def run_related(args: argparse.Namespace) -> int:
    """`sitegen related PATH`: the related list with each candidate's score and reasons.

    The stories come from the build's own stages (generator/pipeline.py), so drafts and
    scheduled stories are left out exactly as the build leaves them out.
    """
    from generator.errors import Diagnostic, suggest
    from generator.parallel import default_jobs
    from generator.pipeline import load, read
    from generator.related.engine import explain_related, format_explanations

    options = options_from(args)
    loaded = load(options)
    content = read(loaded, options.jobs or default_jobs()).content
    wanted = args.path.resolve()
    try:
        rel = wanted.relative_to(options.source.resolve()).as_posix()
    except ValueError:
        rel = args.path.as_posix()
    sources = [a.source for a in content.articles]
    if rel not in sources:
        scheduled = next((a for a in content.scheduled if a.source == rel), None)
        if scheduled is not None:
            when = scheduled.date.isoformat(sep=" ", timespec="minutes")
            raise BuildError([Diagnostic(rel, f"a scheduled story: it goes live at the first build after {when} "
                                              "and is on no related list until then",
                                         hint="pass --future to see the lists as they will be")])
        raise BuildError([Diagnostic(args.path.as_posix(), "not an article of this site",
                                     hint=suggest(rel, sources) or "give the path of a file in content/articles/")])
    print(format_explanations(rel, explain_related(content.articles, loaded.config.related, rel)))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """`sitegen serve`: returns 0 after Ctrl-C, 1 when the port cannot be used."""
    from generator.serve.preview import Preview

    preview = Preview(options_from(args), host=args.host, port=args.port, clock=build_time, debug=args.debug,
                      open_browser=args.open)
    try:
        preview.start()
    except OSError as exc:
        print(f"sitegen serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}\n"
              "    hint: pass --port 0 to use any free port", file=sys.stderr)
        return 1
    try:
        while not preview.wait_stopped(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("\nsitegen serve: stopping", flush=True)
    preview.stop()
    abandoned = False
    if preview.building:
        print("sitegen serve: waiting up to 5s for the build in progress (Ctrl-C again to quit now)", flush=True)
        try:
            abandoned = not preview.wait_idle(5.0)
        except KeyboardInterrupt:
            abandoned = True
    if abandoned:
        # The build thread cannot be interrupted; leave without waiting for it. Its output
        # folder is the preview's own and the next build repairs or replaces it.
        print("sitegen serve: stopped (the unfinished preview build is discarded)", flush=True)
        sys.stderr.flush()
        os._exit(0)
    print("sitegen serve: stopped", flush=True)
    return 0


def format_errors(exc: BuildError) -> str:
    """All diagnostics, then a count, as compilers print them."""
    errors = sum(1 for d in exc.diagnostics if d.severity == "error")
    lines = [d.format() for d in exc.diagnostics]
    lines.append(f"sitegen: {errors} error{'s' if errors != 1 else ''}; nothing was written")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
