"""`sitegen serve`: build into a private folder, serve it, rebuild on change, reload browsers.

Threads: one HTTP server (stdlib, one thread per connection), one builder that calls
`generator.build.build` for every rebuild (so it is exactly as fast as `sitegen build`),
and two watchers (watchfiles) that queue changed paths for the builder. The main thread
only waits for Ctrl-C.

The preview output lives in SOURCE/.sitegen/serve/site, never in public/. The live-reload
script is added to HTML responses as they are sent; the files on disk are what
`sitegen build` would write (without the search index, which a preview skips).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import secrets
import shutil
import signal
import sys
import threading
import time
import traceback
import webbrowser
from datetime import datetime, timezone
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlsplit

from generator.config.options import BuildOptions
from generator.config.site import load_config
from generator.errors import BuildError, terminal_safe
from generator.output.cache import Memory
from generator.serve.http import Handler, Server, Server6, file_kind, resolve_request
from generator.serve.patch import LastBuild
from generator.serve.status import BuildStatus, format_failure, summarize_build
from generator.serve.watch import watch_root, watch_trees

SERVE_DIR = Path(".sitegen") / "serve"  # relative to the site folder


class Preview:
    """The preview server: build, serve, watch, rebuild, notify."""

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, *,
                 out: Path | None = None, watch: bool = True,
                 clock: Callable[[], datetime] = lambda: datetime.now(tz=timezone.utc),
                 debug: bool = False, stdout: Any = None, stderr: Any = None, open_browser: bool = False):
        out = out if out is not None else options.source / SERVE_DIR / "site"
        # Preview builds skip the search index: it would delay every reload (docs/serve.md).
        self.options = dataclasses.replace(options, out=out, search=False)
        self.out = out
        self.memory = Memory()  # cache files kept between rebuilds
        # The plan of the last successful build, which quick patches start from (generator/serve/patch.py).
        self.last: LastBuild | None = None
        # Output path -> bytes of pages patched after an edit, served until the build is done.
        self._patched: dict[str, bytes] = {}
        self._unpatched: set[str] = set()  # patched pages a failed build put back
        self.host, self.port = host, port
        self.clock = clock
        self.debug = debug
        self.watching = watch
        self.open_browser = open_browser  # --open: show the preview in a browser once it is built
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.status = BuildStatus()
        self.base_path = self._base_path()
        self.builds = 0
        self.building = False
        self._serial = 0  # numbers the builds that changed the output
        self._session = secrets.token_hex(4)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._rearm = threading.Event()
        self._pending: set[str] = set()
        self._pending_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._first_build = threading.Event()
        self._trees_ready = threading.Event()
        self._root_ready = threading.Event()
        self._threads: list[threading.Thread] = []
        self.httpd: ThreadingHTTPServer | None = None

    # -- life cycle ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.httpd is not None
        host = self.httpd.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.httpd.server_address[1]}{self.base_path}"

    def start(self) -> None:
        """Bind the port (OSError when taken), then start serving, watching and the first build."""
        server_class = Server6 if ":" in self.host else Server
        self.httpd = server_class((self.host, self.port), Handler)
        self.httpd.preview = self
        _remove_stale_staging(self.out)
        self._say(f"Serving the preview at {self.url} (Ctrl-C to stop)")
        if not is_loopback(self.host):
            self._say(f"warning: listening on {self.host}: other machines can see this preview, drafts included",
                      err=True)
        self._spawn("sitegen-http", lambda: self.httpd.serve_forever(poll_interval=0.2))  # type: ignore[union-attr]
        if self.watching:
            source, say = self.options.source, self._say
            self._spawn("sitegen-watch", lambda: watch_trees(source, self._stop, self._rearm, self._trees_ready,
                                                             self.queue_rebuild, say))
            self._spawn("sitegen-watch-root", lambda: watch_root(source, self._stop, self._rearm, self._root_ready,
                                                                 self.queue_rebuild, say))
        self._spawn("sitegen-build", self._builder)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once the first build finished (either way) and the watchers are armed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        events = [self._first_build] + ([self._trees_ready, self._root_ready] if self.watching else [])
        for event in events:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not event.wait(left):
                return False
        return True

    def wait_idle(self, timeout: float) -> bool:
        """Wait for the build in progress, if any; False if it is still running."""
        deadline = time.monotonic() + timeout
        while self.building and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self.building

    def wait_stopped(self, timeout: float) -> bool:
        """True once the preview was asked to stop; waits up to `timeout` seconds."""
        return self._stop.wait(timeout)

    def stop(self) -> None:
        """Stop watching and serving. A build in progress goes on in its daemon thread; see
        `wait_idle` and `run`."""
        self._stop.set()
        self._wake.set()
        self.status.close()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        for thread in self._threads:
            if thread.name != "sitegen-build":
                thread.join(timeout=5)

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _say(self, text: str, err: bool = False) -> None:
        stream = self.stderr if err else self.stdout
        print(terminal_safe(text, newlines=True), file=stream, flush=True)  # file names, diagnostics

    def _open(self) -> None:
        """Open the preview in the user's browser (--open); say so when there is none."""
        url = self.url
        try:
            opened = webbrowser.open(url)
        except Exception:  # noqa: BLE001 - a broken browser setting must not stop the preview
            opened = False
        if not opened:
            self._say(f"sitegen serve: could not open a browser; open {url} yourself", err=True)

    # -- building -----------------------------------------------------------------------

    def queue_rebuild(self, changed: Iterable[str] = ()) -> None:
        """Ask the builder for a rebuild; requests made while it builds become one rebuild."""
        with self._pending_lock:
            self._pending.update(changed)
            self._wake.set()

    def _builder(self) -> None:
        # Build workers are forked from this thread and inherit its signal mask: with SIGINT
        # blocked they ignore a terminal's Ctrl-C, which the main thread handles for everyone.
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.rebuild()
        finally:
            self._first_build.set()
        if self.open_browser and not self._stop.is_set():
            # In a thread of its own: a terminal browser would hold the builder until it quits.
            threading.Thread(target=self._open, name="sitegen-open", daemon=True).start()
        while not self._stop.is_set():
            self._wake.wait()
            if self._stop.is_set():
                return
            with self._pending_lock:
                changed, self._pending = self._pending, set()
                self._wake.clear()
            self.rebuild(changed)

    def rebuild(self, changed: Iterable[str] = ()) -> bool:
        """Patch the pages an edit shows on, if it allows, then build and tell the browsers;
        True when the build succeeded."""
        from generator.build import build
        from generator.output.limits import SizeLimits

        with self._build_lock:
            changed = sorted(changed)
            what = self._describe(changed)
            self.building = True
            try:
                self._patch(changed, what)
                started = time.perf_counter()
                # No host size check: the preview is never published, and it walks every file.
                report = build(dataclasses.replace(self.options, build_time=self.clock()),
                               limits=SizeLimits(check=False), memory=self.memory,
                               need_plan=self.last is None)
            except BuildError as exc:
                text = format_failure(exc.diagnostics)
                self._say(f"{what}build failed:\n{text}", err=True)
                self._drop_patch()
                self.status.failed(text)
                return False
            except Exception as exc:  # noqa: BLE001 - keep serving; report like the CLI does
                text = (f"internal error: {type(exc).__name__}: {exc}\n"
                        "This is a bug in sitegen, not in your site; still serving the last good build.")
                if self.debug:
                    text += "\n\n" + traceback.format_exc()
                self._say(f"{what}{text}", err=True)
                self._drop_patch()
                self.status.failed(text)
                return False
            finally:
                self.building = False
            elapsed = time.perf_counter() - started
            self.builds += 1
            old_base = self.base_path
            self.base_path = self._base_path()
            paths = self._changed_files(report.changed)  # also ends the patches: the files are there now
            if report.clean or self.base_path != old_base:
                paths = None
            # A build that changed nothing keeps the build id: an overlay goes, nothing reloads.
            same = bool(self.status.generation) and paths is not None and not paths
            if not same:
                self._serial += 1
            self.status.succeeded(self.status.generation if same else f"{self._session}-{self._serial}", paths)
            tail = "" if self.builds == 1 else "; nothing to reload" if same else \
                "; reloading the pages that show a change" if paths is not None else "; reloading every page"
            self._say(f"{what}built in {elapsed:.2f}s ({summarize_build(report)}){tail}")
            if self.base_path != old_base and self.httpd is not None:
                self._say(f"The base path changed: the preview is now at {self.url}")
            if report.plan is not None:
                self.last = LastBuild.from_plan(report.plan)
                self.last.showing  # noqa: B018 - worked out now, so the next patch need not wait
            return True

    def _patch(self, changed: Sequence[str], what: str) -> None:
        """Serve the pages that show an edited story at once, from memory (serve/patch.py)."""
        from generator.serve.patch import edited_stories, patch_pages

        last = self.last
        # While the site does not build, the last good build is what is served: a patch
        # would show a page the failing build cannot stand behind.
        if last is None or not changed or self.status.error is not None:
            return
        started = time.perf_counter()
        source = self.options.source.resolve()
        rels = []
        for name in changed:
            try:
                rels.append(Path(name).resolve().relative_to(source).as_posix())
            except ValueError:
                return  # a packaged theme
        try:
            edited = edited_stories(last, rels)
            pages = patch_pages(last, edited, self.memory.templates) if edited else None
        except Exception:  # noqa: BLE001 - a patch is only a head start: the build follows and reports
            if self.debug:
                self._say("patch skipped:\n" + traceback.format_exc(), err=True)
            return
        if not pages:
            return
        self._patched.update(pages)
        self._serial += 1
        self.status.succeeded(f"{self._session}-{self._serial}", frozenset(pages))
        plural = "s" if len(pages) != 1 else ""
        self._say(f"{what}patched {len(pages)} page{plural} in {time.perf_counter() - started:.2f}s;"
                  " building the rest")

    def _changed_files(self, written: Sequence[str]) -> frozenset[str]:
        """Output paths a build changed for the browsers: what it wrote or removed, and the
        patched pages it did not write exactly as they were patched. Clears the patches."""
        paths = set(written) | self._unpatched
        for rel, body in self._patched.items():
            try:
                same = (self.out / rel).read_bytes() == body
            except OSError:
                same = False
            if same:
                paths.discard(rel)
            else:
                paths.add(rel)
        self._patched, self._unpatched = {}, set()
        return frozenset(paths)

    def _drop_patch(self) -> None:
        """After a failed build the last good build is served again: the patched pages go
        back to what they were, which the next good build must tell their browsers."""
        self._unpatched.update(self._patched)
        self._patched = {}

    def patched_page(self, path: Path) -> bytes | None:
        """The patched text of the output file at `path` (resolved), if an edit patched it."""
        patched = self._patched
        if not patched:
            return None
        try:
            return patched.get(path.relative_to(self.out.resolve()).as_posix())
        except ValueError:
            return None

    def output_file(self, url_path: str) -> str | None:
        """The output path a URL path of the site is served from, if that file exists."""
        base = self.base_path
        if not url_path.startswith(base):
            return None
        rel = url_path[len(base):]
        target = resolve_request(self.out, rel + "index.html" if rel.endswith("/") or not rel else rel)
        if target is None or file_kind(target) != "file":
            return None
        return target.relative_to(self.out.resolve()).as_posix()

    def _describe(self, changed: Iterable[str]) -> str:
        names = sorted(changed)
        if not names:
            return "Rebuild: " if self.builds else "First build: "
        shown = []
        for name in names[:3]:
            try:
                shown.append(terminal_safe(Path(name).relative_to(self.options.source.resolve()).as_posix()))
            except ValueError:
                shown.append(terminal_safe(name))
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        return f"Changed {', '.join(shown)}{more}: "

    def _base_path(self) -> str:
        try:
            return load_config(self.options).base_path
        except BuildError:
            if self.options.base_url:
                return urlsplit(self.options.base_url).path.rstrip("/") + "/"
            return getattr(self, "base_path", "/")


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach: `localhost` or any loopback
    address (127.0.0.0/8, ::1, and IPv4 loopback written as IPv6)."""
    if host.strip().lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:  # another host name: it may resolve to any interface
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def _remove_stale_staging(out: Path) -> None:
    """Remove staging folders of previews stopped in the middle of a clean build.

    Only `.NAME.staging-PID` of dead processes: a staging folder is never needed again,
    unlike an update's backup, which the build's own recovery uses.
    """
    for leftover in out.parent.glob(f".{out.name}.staging-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass  # alive but not ours
