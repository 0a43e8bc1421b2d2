"""Write the site so that a failed or interrupted build never damages the last good output.

A clean build writes a whole new folder beside the output and swaps it in with two
renames. An incremental build stages only the changed files, then moves them into the
output, keeping every file it replaces in a backup folder and a journal of what it did:
an error (or a crash, found by the next build) rolls the output back to what it was.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Iterable, Iterator

from generator.errors import BuildError, Diagnostic
from generator.output.trash import KIND as TRASH
from generator.output.trash import delete_later, trash_path
from generator.urls import output_path


def check_output_folder(out: Path, source: Path) -> None:
    """Refuse an output folder that would swallow the site's own sources."""
    out_r, src_r = out.resolve(), source.resolve()
    if out_r == src_r or out_r in src_r.parents:
        raise BuildError([Diagnostic(str(out), "the output folder contains the site's sources",
                                     hint="choose another --out, e.g. public/")])
    if out_r == src_r / ".sitegen":
        raise BuildError([Diagnostic(str(out), "the output folder is the build cache .sitegen/",
                                     hint="choose another --out, e.g. public/")])
    for name in ("content", "themes"):
        if out_r == src_r / name or (src_r / name) in out_r.parents:
            raise BuildError([Diagnostic(str(out), f"the output folder is inside {name}/",
                                         hint="choose another --out, e.g. public/")])


class _Writer:
    """Writes files below `self.root`, creating each folder once (mkdir is slow on some disks)."""

    def __init__(self, root: Path):
        self.root = root
        self.written = 0
        self._dirs: set[Path] = set()

    def write_page(self, url: str, text: str) -> None:
        """Write the file for a site URL."""
        self.write_bytes(str(output_path(url)), text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Write a file at a path relative to the output root."""
        path = self.root / rel
        self._ensure_dir(path.parent)
        path.write_bytes(data)
        self.written += 1

    def register(self, rel: str) -> None:
        """Count a file that a worker process wrote below `self.root`."""
        self.written += 1

    def copy_file(self, src: Path, rel: str) -> None:
        """Copy a static file (image, stylesheet) into the output."""
        path = self.root / rel
        self._ensure_dir(path.parent)
        shutil.copyfile(src, path)
        self.written += 1

    def _ensure_dir(self, folder: Path) -> None:
        if folder not in self._dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._dirs.add(folder)


class Staging(_Writer):
    """A sibling folder that becomes `out` in one rename, or vanishes on failure."""

    def __init__(self, out: Path):
        super().__init__(out.parent / f".{out.name}.staging-{os.getpid()}")
        self.out = out

    def __enter__(self) -> "Staging":
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # Anything still staged here failed or was interrupted: the old output stays as it was.
        # A second Ctrl-C waits until the folder is gone.
        with signals_held():
            if self.root.exists():
                shutil.rmtree(self.root, ignore_errors=True)

    def commit(self) -> None:
        """Swap the staged folder in place of the old output."""
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        with signals_held():
            moved = False
            if self.out.exists():
                os.replace(self.out, old)
                moved = True
            try:
                os.replace(self.root, self.out)
            except BaseException:
                if moved:  # put the old output back before reporting the failure
                    os.replace(old, self.out)
                raise
        if old.exists():
            # Deleted by a detached process, the build goes on; interrupted before the
            # rename, or the deleter killed, the next build deletes it (remove_stale).
            trash = trash_path(self.out)
            try:
                os.replace(old, trash)
            except OSError:
                shutil.rmtree(old, ignore_errors=True)
            else:
                delete_later(trash)


class Update(_Writer):
    """Changed files staged beside the output, moved in with a backup and a journal."""

    def __init__(self, out: Path, journal: Path):
        super().__init__(out.parent / f".{out.name}.update-{os.getpid()}")
        self.out = out
        self.journal = journal
        self.backup = out.parent / f".{out.name}.backup-{os.getpid()}"
        self.staged: list[str] = []
        self.plan: dict[str, object] | None = None  # set by apply; what rollback undoes

    def __enter__(self) -> "Update":
        for folder in (self.root, self.backup):
            if folder.exists():
                shutil.rmtree(folder)
        self.root.mkdir(parents=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with signals_held():
            if exc is not None and self.plan is not None:
                self.rollback()  # if this fails, the journal stays and the next build finishes it
            shutil.rmtree(self.root, ignore_errors=True)
            shutil.rmtree(self.backup, ignore_errors=True)
            _unlink(self.journal)

    def write_bytes(self, rel: str, data: bytes) -> None:
        super().write_bytes(rel, data)
        self.staged.append(rel)

    def copy_file(self, src: Path, rel: str) -> None:
        super().copy_file(src, rel)
        self.staged.append(rel)

    def register(self, rel: str) -> None:
        super().register(rel)
        self.staged.append(rel)

    def stage_tree(self, rel: str) -> None:
        """Take a folder built inside the staging root (e.g. a search index) as one unit."""
        self.staged.append(rel)

    def apply(self, removed: Iterable[str]) -> None:
        """Move staged files into the output and take removed ones out, backing up both.

        The journal is written first and names every path and whether it existed, so
        `recover` can undo a half-done apply whatever moment it stopped at.
        """
        from generator.output.safeload import sound_rel

        # Removed paths come from the last manifest, which may come from a CI cache: one
        # naming a place outside the output folder was never written by a build, and a
        # crafted one must not move files from elsewhere into the backup (deleted after).
        removed = sorted({rel for rel in removed if sound_rel(rel)} - set(self.staged))
        existed = [rel for rel in self.staged if _exists(self.out / rel)]
        self.plan = {"out": str(self.out), "backup": str(self.backup), "staged": self.staged,
                     "existed": existed, "removed": removed}
        _write_json(self.journal, self.plan)
        with signals_held():
            for rel in removed:
                _move(self.out / rel, self.backup / rel)
            for rel in self.staged:
                _move(self.out / rel, self.backup / rel)
                _move(self.root / rel, self.out / rel)
            _prune_empty_dirs(self.out, removed)

    def rollback(self) -> None:
        """Put the output back exactly as it was before `apply`."""
        if self.plan is not None:
            with signals_held():
                undo(self.plan)
            self.plan = None


def recover(journal: Path, out: Path | None = None) -> bool:
    """Undo an update that a crash left half-applied; True when there was one.

    With `out`, a journal naming any other output folder, a backup folder that is not
    one of its own, or a path outside them is dropped unread: `.sitegen/` may come from
    a CI cache, and a crafted journal must not move or delete files elsewhere.
    """
    try:
        plan = json.loads(journal.read_text())
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        _unlink(journal)
        return False
    if out is not None and not _sound_plan(plan, out):
        _unlink(journal)
        return False
    undo(plan)
    shutil.rmtree(plan["backup"], ignore_errors=True)
    _unlink(journal)
    return True


def _sound_plan(plan: object, out: Path) -> bool:
    """A journal that Update.apply() could have written for `out`."""
    from generator.output.safeload import sound_rels

    if not isinstance(plan, dict) or not all(isinstance(plan.get(k), str) for k in ("out", "backup")):
        return False
    backup = Path(plan["backup"])
    kind, _, pid = backup.name.removeprefix(f".{out.name}.").rpartition("-")
    return Path(plan["out"]).resolve() == out.resolve() and backup.parent.resolve() == out.parent.resolve() \
        and backup.name.startswith(f".{out.name}.") and kind == "backup" and pid.isdigit() \
        and all(sound_rels(plan.get(k)) for k in ("staged", "existed", "removed"))


def undo(plan: dict) -> None:
    """Restore the output as it was before the update described by `plan`."""
    out, backup = Path(plan["out"]), Path(plan["backup"])
    existed = set(plan["existed"])
    for rel in plan["staged"]:
        saved = backup / rel
        if _exists(saved):
            _remove(out / rel)
            _move(saved, out / rel)
        elif rel not in existed:
            _remove(out / rel)  # added by the update (or never reached: then absent anyway)
    for rel in plan["removed"]:
        if _exists(backup / rel):
            _remove(out / rel)  # whatever was written there since (a new search index)
            _move(backup / rel, out / rel)
    _prune_empty_dirs(out, [rel for rel in plan["staged"] if rel not in existed])


def remove_stale(out: Path) -> list[str]:
    """Remove the working folders of earlier builds into `out` that were killed outright
    (SIGKILL, power loss), so they do not pile up beside the output; a folder of a
    build that is still running is left alone. Run after `recover`. Returns their names."""
    removed = []
    prefix = f".{out.name}."
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return removed
    for path in sorted(siblings):
        kind, _, pid = path.name.removeprefix(prefix).rpartition("-")
        if not path.name.startswith(prefix) or kind not in ("staging", "update", "backup", "old", "search", TRASH) \
                or not pid.isdigit() or _running(int(pid)):
            continue
        if kind == "old" and not _exists(out):
            os.replace(path, out)  # killed between the two renames of a commit: the previous site
            continue
        if kind == TRASH:  # a replaced output whose deleter died: delete it without waiting, again
            delete_later(path)
            removed.append(path.name)
            continue
        _remove(path)
        removed.append(path.name)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # ours: Staging and Update clear their own folders when they start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _move(source: Path, target: Path) -> None:
    if _exists(source):
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        _unlink(path)


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def _prune_empty_dirs(root: Path, rels: Iterable[str]) -> None:
    """Remove folders left empty, as a clean build would not have them."""
    for rel in rels:
        folder = (root / rel).parent
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the output is being switched, then deliver them.

    Blocking them in this thread is not enough: a thread started earlier with them
    unblocked (numpy's OpenBLAS pool starts several) may take a process-wide SIGTERM,
    and Python then runs the handler in this thread all the same. So the handlers are
    also swapped for one that only takes note, and a noted signal is handed to the real
    handler once the block is over.
    """
    mask = {signal.SIGINT, signal.SIGTERM}
    noted: list[int] = []

    def note(signum: int, frame: object) -> None:
        noted.append(signum)

    try:
        previous = {signum: signal.signal(signum, note) for signum in sorted(mask)}
    except ValueError:  # not the main thread: only the main thread runs handlers anyway
        previous = {}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, mask)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - platforms without it
        old = None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)  # held signals now reach `note`
        _run_handlers()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if noted:
            _deliver(noted[0], previous.get(noted[0]))


def _run_handlers() -> None:
    """A Python call: Python runs pending signal handlers at such points, so one that was
    held above reaches `note` here, before the real handlers are back."""


def _deliver(signum: int, handler: object) -> None:
    """Hand a signal noted during a held block to the handler that was in place."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
