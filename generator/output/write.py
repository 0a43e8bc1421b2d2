"""Write the changed files: pages rendered in worker processes, photos resized, files copied."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence, TypeVar

from generator.errors import BuildError, Diagnostic, raise_if_errors
from generator.images.make import make_variants
from generator.output.files import Output
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
                  jobs: int, progress: Progress, timed: Timer, thorough: bool = False) -> int:
    """Render pages (in worker processes) and copy files into the writer's folder; returns
    how many files were written. Cached photo variants are checked against their records
    before they are copied (`thorough`, for --clean: by digest, each of them)."""
    pages = [o for o in outputs if o.page is not None]
    if len(pages) >= PRECOMPILE_FROM:
        renderer.compile_templates()
    progress.start("render", len(pages))
    try:
        # Workers get positions in `pages`, which they hold from the fork: sending the pages
        # themselves would pickle every story body in this process, for nothing.
        results = timed("render", lambda: map_chunks(_render_chunk, range(len(pages)), jobs,
                                                     shared=(renderer, writer.root, pages),
                                                     progress=progress.advance))
    finally:
        progress.finish()
    diags: list[Diagnostic] = []
    for rel, problems in results:
        if problems:
            diags.extend(d for d in problems if d not in diags)
        else:
            writer.register(rel)
    raise_if_errors(diags)
    copies = [o for o in outputs if o.copy_from is not None]
    variants = [o.variant for o in copies if o.variant is not None]
    if variants:  # made only when missing from .sitegen/images/ or not as recorded there
        timed("images", lambda: make_variants(variants, renderer.config.images, jobs, progress, thorough))
    timed("copy", lambda: [writer.copy_file(o.copy_from, o.rel) for o in copies])  # type: ignore[arg-type]
    return len(pages) + len(copies)


def _render_chunk(positions: list[int], shared: tuple[Renderer, Path, Sequence[Output]]
                  ) -> list[tuple[str, tuple[Diagnostic, ...]]]:
    renderer, root, outputs = shared
    made: set[Path] = set()
    results = []
    for position in positions:
        output = outputs[position]
        assert output.page is not None
        try:
            data = renderer.render(output.page).encode("utf-8")
        except BuildError as exc:
            results.append((output.rel, exc.diagnostics))
            continue
        path = root / output.rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        results.append((output.rel, ()))
    return results
