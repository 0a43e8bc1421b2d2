"""Write the site into a staging folder and swap it in only when everything succeeded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType

from generator.errors import BuildError, Diagnostic
from generator.routing import output_path


def check_output_folder(out: Path, source: Path) -> None:
    """Refuse an output folder that would swallow the site's own sources."""
    out_r, src_r = out.resolve(), source.resolve()
    if out_r == src_r or out_r in src_r.parents:
        raise BuildError([Diagnostic(str(out), "the output folder contains the site's sources",
                                     hint="choose another --out, e.g. public/")])
    for name in ("content", "themes"):
        if out_r == src_r / name or (src_r / name) in out_r.parents:
            raise BuildError([Diagnostic(str(out), f"the output folder is inside {name}/",
                                         hint="choose another --out, e.g. public/")])


class Staging:
    """A sibling folder that becomes `out` in one rename, or vanishes on failure."""

    def __init__(self, out: Path):
        self.out = out
        self.root = out.parent / f".{out.name}.staging-{os.getpid()}"
        self.written = 0

    def __enter__(self) -> "Staging":
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # Anything still staged here failed or was interrupted: the old output stays as it was.
        if self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)

    def write_page(self, url: str, text: str) -> None:
        """Write the file for a site URL."""
        self.write_bytes(str(output_path(url)), text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Write a file at a path relative to the output root."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written += 1

    def copy_file(self, src: Path, rel: str) -> None:
        """Copy a static file (image, stylesheet) into the output."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, path)
        self.written += 1

    def commit(self) -> None:
        """Swap the staged folder in place of the old output."""
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(self.root, self.out)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
