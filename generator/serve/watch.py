"""What the preview watches for changes, and a stop signal made of two events."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterable

from generator.config.values import CONFIG_NAME

WATCH_STEP_MS = 50  # a burst of events ends after this much quiet...
WATCH_DEBOUNCE_MS = 1600  # ...or after this long at most


def watch_roots(source: Path) -> list[Path]:
    """Folders watched recursively: content/, the site's themes/ and the packaged themes."""
    from generator.render.theme import PACKAGE_THEMES, SOURCE_THEMES

    found: list[Path] = []
    for folder in (source / "content", source / "themes", SOURCE_THEMES, PACKAGE_THEMES):
        if not folder.is_dir():
            continue
        real = folder.resolve()
        if any(real == f or real.is_relative_to(f) for f in found):
            continue
        found = [f for f in found if not f.is_relative_to(real)] + [real]
    return found


class AnyOf:
    """An `is_set()` that is true when any of the events is set (for watchfiles' stop_event)."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


def watch_trees(source: Path, stop: threading.Event, rearm: threading.Event, ready: threading.Event,
                queue: Callable[[Iterable[str]], None], say: Callable[..., None]) -> None:
    """Watch content/ and the theme folders recursively; re-arm when one appears or goes."""
    from watchfiles import watch

    while not stop.is_set():
        rearm.clear()
        roots = watch_roots(source)
        if not roots:
            ready.set()
            while not (stop.is_set() or rearm.wait(0.5)):
                pass
            continue
        try:
            for changes in watch(*roots, debounce=WATCH_DEBOUNCE_MS, step=WATCH_STEP_MS,
                                 stop_event=AnyOf(stop, rearm), rust_timeout=1000,
                                 yield_on_timeout=True, raise_interrupt=False):
                if not ready.is_set():
                    ready.set()
                    say("Watching " + ", ".join(_shown(source, r) for r in roots) + f", {CONFIG_NAME}")
                if changes:
                    queue(path for _, path in changes)
        except Exception as exc:  # noqa: BLE001 - e.g. a watched folder was deleted
            if stop.is_set():
                return
            say(f"watcher restarting: {exc}", err=True)
            queue()
            stop.wait(1.0)

def watch_root(source: Path, stop: threading.Event, rearm: threading.Event, ready: threading.Event,
               queue: Callable[[Iterable[str]], None], say: Callable[..., None]) -> None:
    """Watch the site folder itself, not recursively: site.toml, and content/ or themes/
    appearing or disappearing. Editors that save by renaming are seen here too."""
    from watchfiles import watch

    names = {CONFIG_NAME, "content", "themes"}
    while not stop.is_set():
        try:
            for changes in watch(source, watch_filter=lambda _c, path: Path(path).name in names,
                                 recursive=False, debounce=WATCH_DEBOUNCE_MS, step=WATCH_STEP_MS,
                                 stop_event=stop, rust_timeout=1000, yield_on_timeout=True,
                                 raise_interrupt=False):
                ready.set()
                if not changes:
                    continue
                if any(Path(path).name != CONFIG_NAME for _, path in changes):
                    rearm.set()
                queue(path for _, path in changes)
        except Exception as exc:  # noqa: BLE001
            if stop.is_set():
                return
            say(f"watcher restarting: {exc}", err=True)
            stop.wait(1.0)


def _shown(source: Path, folder: Path) -> str:
    try:
        return folder.relative_to(source.resolve()).as_posix() + "/"
    except ValueError:
        return str(folder) + "/"
