"""Write the changed files: pages rendered in worker processes, photos resized, files copied."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any, Callable, MutableMapping, Sequence, TypeVar
from urllib.parse import urlsplit

from generator.errors import BuildError, Diagnostic, raise_if_errors
from generator.images.make import make_variants
from generator.output.files import Output
from generator.output.links import PageLinks, page_links
from generator.output.switch import Staging, Update
from generator.parallel import map_chunks
from generator.progress import Progress
from generator.render.renderer import Renderer

T = TypeVar("T")
Timer = Callable[[str, Callable[[], T]], T]  # runs one named stage and remembers its time

# From this many pages to render, templates are compiled before the workers fork; for a
# handful of pages, compiling the few they use in place is cheaper.
PRECOMPILE_FROM = 200


def write_outputs(outputs: Sequence[Output], renderer: Renderer, writer: Staging | Update,
                  jobs: int, progress: Progress, timed: Timer, thorough: bool = False,
                  links: MutableMapping[str, PageLinks] | None = None) -> int:
    """Render pages (in worker processes) and copy files into the writer's folder; returns
    how many files were written. Cached photo variants are checked against their records
    before they are copied (`thorough`, for --clean: by digest, each of them). `links`
    receives the internal links and ids of each HTML page written, for the link check."""
    pages = [o for o in outputs if o.page is not None]
    if len(pages) >= PRECOMPILE_FROM:
        renderer.compile_templates()
    progress.start("render", len(pages))
    try:
        # Workers get positions in `pages`, which they hold from the fork: sending the pages
        # themselves would pickle every story body in this process, for nothing.
        results = timed("render", lambda: map_chunks(_render_chunk, range(len(pages)), jobs,
                                                     shared=(renderer, writer.root, writer.out, pages,
                                                             {writer.root}, urlsplit(renderer.config.base_url)),
                                                     progress=progress.advance))
    finally:
        progress.finish()
    diags: list[Diagnostic] = []
    for rel, problems, record in results:
        if problems:
            diags.extend(d for d in problems if d not in diags)
        else:
            writer.register(rel)
            if record is not None and links is not None:
                links[rel] = record
    raise_if_errors(diags)
    copies = [o for o in outputs if o.copy_from is not None]
    variants = [o.variant for o in copies if o.variant is not None]
    if variants:  # made only when missing from .sitegen/images/ or not as recorded there
        try:
            timed("images", lambda: make_variants(variants, renderer.config.images, jobs, progress, thorough))
        except OSError as exc:
            if exc.errno not in _DISK_FULL:
                raise
            # The photo cache (.sitegen/images/) is on a full disk: a file named is the one being written.
            cache = variants[0].path.parent
            raise on_disk(exc, Path(str(exc.filename)) if exc.filename else cache, cache) from exc
    timed("copy", lambda: [_copy(writer, o, renderer.config.source) for o in copies])
    return len(pages) + len(copies)


# A write refused for want of room: the disk (or the user's quota on it) is full.
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _copy(writer: Staging | Update, output: Output, site: Path) -> None:
    """Copy one file into the output. A failure to write names the output path and its
    disk; a file of the site that cannot be read is a diagnostic naming it, as an
    unreadable story is (exit status 1)."""
    assert output.copy_from is not None
    try:
        writer.copy_file(output.copy_from, output.rel)
    except OSError as exc:
        # shutil.copyfile names the source when the copy itself fails (sendfile), even for
        # a full disk; only a source that cannot be opened is a problem of the source.
        if exc.filename == str(output.copy_from) and exc.filename2 is None and exc.errno not in _DISK_FULL:
            try:
                shown = output.copy_from.relative_to(site).as_posix()
            except ValueError:
                shown = str(output.copy_from)
            raise BuildError([Diagnostic(shown, f"cannot read file: {exc.strerror or exc}")]) from None
        raise on_disk(exc, writer.out / output.rel) from exc


def on_disk(exc: OSError, path: Path, folder: Path | None = None) -> OSError:
    """The error to report when writing `path` (into `folder`, by default its own) failed:
    that path, the system's reason and the disk (the folder it is mounted at), whichever
    file the system named.

    A plain OSError of the same errno (a PermissionError stays one), so that it crosses
    worker processes and the command line reports it as a refused write (exit status 74).
    """
    reason = exc.strerror or str(exc)
    folder = folder if folder is not None else path.parent
    disk = _mount_point(folder)
    if exc.errno == errno.ENOSPC:
        reason += f": the disk holding {folder} (mounted at {disk}) is full"
    elif exc.errno == errno.EDQUOT:
        reason += f": your quota on the disk holding {folder} (mounted at {disk}) is used up"
    else:
        reason += f" (writing into {folder}, on the disk mounted at {disk})"
    return OSError(exc.errno, reason, str(path))


def _mount_point(folder: Path) -> Path:
    """The folder a disk is mounted at that holds `folder` (which may not exist yet)."""
    current = Path(os.path.abspath(folder))
    while current.parent != current and not os.path.ismount(current):
        current = current.parent
    return current


def _render_chunk(positions: list[int], shared: tuple[Renderer, Path, Path, Sequence[Output], set[Path], Any]
                  ) -> list[tuple[str, tuple[Diagnostic, ...], PageLinks | None]]:
    renderer, root, out, outputs, made, base = shared
    results = []
    for position in positions:
        output = outputs[position]
        assert output.page is not None
        try:
            text = renderer.render(output.page)
        except BuildError as exc:
            results.append((output.rel, exc.diagnostics, None))
            continue
        data = text.encode("utf-8")
        # The page's links, read here while its text is at hand (HTML pages: feeds and
        # sitemaps hold absolute URLs only).
        record = page_links(text, output.page.url, output.rel, base) if output.page.template is not None else None
        path = root / output.rel
        try:
            make_folder(path.parent, made)
            path.write_bytes(data)
        except OSError as exc:  # the staging path is the build's own: name the output path and its disk
            raise on_disk(exc, out / output.rel) from exc
        results.append((output.rel, (), record))
    return results


def make_folder(folder: Path, made: set[Path]) -> None:
    """Create `folder` and any parent not in `made` (the folders known to exist), one
    mkdir each: on some disks a mkdir costs as much as rendering a page, and pathlib's
    mkdir(parents=True) tries the folder first, fails, and makes its parent."""
    if folder in made:
        return
    if folder.parent not in made and folder.parent != folder:
        make_folder(folder.parent, made)
    try:
        os.mkdir(folder)
    except FileExistsError:  # another worker made it, or it is the writer's root
        if not folder.is_dir():
            raise
    made.add(folder)
