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
import html
import json
import mimetypes
import os
import secrets
import select
import shutil
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import parse_qs, quote, unquote, urlsplit

from generator.output.cache import Memory
from generator.serve.patch import LastBuild
from generator.config.site import CONFIG_NAME, load_config
from generator.config.options import BuildOptions
from generator.errors import BuildError, Diagnostic

PREFIX = "/__sitegen/"  # the preview's own URLs; no site page can start with "__"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "livereload.js"
SCRIPT_FILE = Path(__file__).with_name("livereload.js")
SERVE_DIR = Path(".sitegen") / "serve"  # relative to the site folder
WATCH_STEP_MS = 50  # a burst of events ends after this much quiet...
WATCH_DEBOUNCE_MS = 1600  # ...or after this long at most
PING_SECONDS = 15.0  # keep-alive comment on idle event streams

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
}

_PLACEHOLDER = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>sitegen serve</title></head>"
                "<body><p>sitegen serve: {message}</p></body></html>")


def content_type(path: Path) -> str:
    """The Content-Type for a file, with a charset for text; never guessed from the bytes."""
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def inject_script(body: bytes, generation: str) -> bytes:
    """Add the live-reload script before the last `</body>` (or at the end) of an HTML page."""
    tag = f'<script src="{SCRIPT_PATH}" data-build="{html.escape(generation)}"></script>'.encode()
    at = body.lower().rfind(b"</body>")
    return body + tag if at < 0 else body[:at] + tag + body[at:]


def resolve_request(root: Path, rel: str) -> Path | None:
    """Map the URL path after the base path (still percent-encoded) to a path inside `root`.

    Returns None for anything that could name a file outside `root`: `..` or `.` segments
    (plain or encoded), encoded slashes or backslashes, NUL bytes, undecodable escapes, and
    symlinks whose target lies outside. The result may not exist.
    """
    lowered = rel.lower()
    if "\\" in rel or "\x00" in rel or any(bad in lowered for bad in ("%2f", "%5c", "%00")):
        return None
    try:
        decoded = unquote(rel, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = decoded.split("/")
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    root_real = root.resolve()
    candidate = root_real.joinpath(*[p for p in parts if p])
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):  # symlink loop
        return None
    if real != root_real and not real.is_relative_to(root_real):
        return None
    return real


class BuildStatus:
    """The outcome of the latest build, which event streams wait on.

    Each successful build that changed the output gets a new generation, remembered with
    the output paths it changed, so that a page reloads only when it changed itself.
    """

    HISTORY = 100  # generations remembered; a page older than that reloads on the next one

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._version = 0
        self.generation = ""  # id of the last successful build, "" before the first
        self.error: str | None = None  # formatted diagnostics when the latest build failed
        self.closed = False
        self._history: list[tuple[str, frozenset[str] | None]] = []  # (generation, paths; None: all)

    def succeeded(self, generation: str, changed: frozenset[str] | None = None) -> None:
        """A good build; `changed` are the output paths it changed (None: maybe any)."""
        with self._cond:
            if generation != self.generation:
                self._history = self._history[1 - self.HISTORY:] + [(generation, changed)]
            self.generation, self.error = generation, None
            self._version += 1
            self._cond.notify_all()

    def failed(self, text: str) -> None:
        with self._cond:
            self.error = text
            self._version += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        with self._cond:
            return self._version, self._state()

    def wait(self, version: int, timeout: float) -> tuple[int, dict[str, Any] | None]:
        """Wait for a state newer than `version`; None on timeout or when closed."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self._version != version, timeout)
            if self.closed or self._version == version:
                return version, None
            return self._version, self._state()

    def changed_since(self, generation: str, rel: str | None) -> bool:
        """Whether output file `rel` changed after build `generation` (None: a file that
        did not exist, such as a missing page, counts as changed by every build)."""
        with self._cond:
            if generation == self.generation:
                return False
            names = [name for name, _ in self._history]
            if rel is None or generation not in names:
                return True
            return any(paths is None or rel in paths for _, paths in self._history[names.index(generation) + 1:])

    def _state(self) -> dict[str, Any]:
        return {"build": self.generation, "error": self.error}


def format_failure(diagnostics: Sequence[Diagnostic]) -> str:
    """Every diagnostic, then a count; the same text goes to the terminal and the overlay."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    lines = [d.format() for d in diagnostics]
    lines.append(f"{errors} error{'s' if errors != 1 else ''}; still serving the last good build")
    return "\n".join(lines)


def watch_roots(source: Path) -> list[Path]:
    """Folders watched recursively: content/, the site's themes/ and the packaged themes."""
    from generator.render.templates import PACKAGE_THEMES, SOURCE_THEMES

    found: list[Path] = []
    for folder in (source / "content", source / "themes", SOURCE_THEMES, PACKAGE_THEMES):
        if not folder.is_dir():
            continue
        real = folder.resolve()
        if any(real == f or real.is_relative_to(f) for f in found):
            continue
        found = [f for f in found if not f.is_relative_to(real)] + [real]
    return found


class _Either:
    """An `is_set()` that is true when any of the events is set (for watchfiles' stop_event)."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


class Preview:
    """The preview server: build, serve, watch, rebuild, notify."""

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, *,
                 out: Path | None = None, watch: bool = True,
                 clock: Callable[[], datetime] = lambda: datetime.now(tz=timezone.utc),
                 debug: bool = False, stdout: Any = None, stderr: Any = None):
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
        server_class = _Server6 if ":" in self.host else _Server
        self.httpd = server_class((self.host, self.port), _Handler)
        self.httpd.preview = self
        _remove_stale_staging(self.out)
        self._say(f"Serving the preview at {self.url} (Ctrl-C to stop)")
        if self.host not in ("127.0.0.1", "localhost", "::1"):
            self._say(f"warning: listening on {self.host}: other machines can see this preview, drafts included",
                      err=True)
        self._spawn("sitegen-http", lambda: self.httpd.serve_forever(poll_interval=0.2))  # type: ignore[union-attr]
        if self.watching:
            self._spawn("sitegen-watch", self._watch_trees)
            self._spawn("sitegen-watch-root", self._watch_root)
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
        print(text, file=stream, flush=True)

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
            self._say(f"{what}built in {elapsed:.2f}s ({_summary(report)}){tail}")
            if self.base_path != old_base and self.httpd is not None:
                self._say(f"The base path changed: the preview is now at {self.url}")
            if report.plan is not None:
                self.last = LastBuild.from_plan(report.plan)
                self.last.showing  # noqa: B018 - worked out now, so the next patch need not wait
            return True

    def _patch(self, changed: Sequence[str], what: str) -> None:
        """Serve the pages that show an edited story at once, from memory (generator/patch.py)."""
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
        if target is None or not target.is_file():
            return None
        return target.relative_to(self.out.resolve()).as_posix()

    def _describe(self, changed: Iterable[str]) -> str:
        names = sorted(changed)
        if not names:
            return "Rebuild: " if self.builds else "First build: "
        shown = []
        for name in names[:3]:
            try:
                shown.append(Path(name).relative_to(self.options.source.resolve()).as_posix())
            except ValueError:
                shown.append(name)
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        return f"Changed {', '.join(shown)}{more}: "

    def _base_path(self) -> str:
        try:
            return load_config(self.options).base_path
        except BuildError:
            if self.options.base_url:
                return urlsplit(self.options.base_url).path.rstrip("/") + "/"
            return getattr(self, "base_path", "/")

    # -- watching -----------------------------------------------------------------------

    def _watch_trees(self) -> None:
        """Watch content/ and the theme folders recursively; re-arm when one appears or goes."""
        from watchfiles import watch

        source = self.options.source
        while not self._stop.is_set():
            self._rearm.clear()
            roots = watch_roots(source)
            if not roots:
                self._trees_ready.set()
                while not (self._stop.is_set() or self._rearm.wait(0.5)):
                    pass
                continue
            try:
                for changes in watch(*roots, debounce=WATCH_DEBOUNCE_MS, step=WATCH_STEP_MS,
                                     stop_event=_Either(self._stop, self._rearm), rust_timeout=1000,
                                     yield_on_timeout=True, raise_interrupt=False):
                    if not self._trees_ready.is_set():
                        self._trees_ready.set()
                        self._say("Watching " + ", ".join(self._shown(r) for r in roots) + f", {CONFIG_NAME}")
                    if changes:
                        self.queue_rebuild(path for _, path in changes)
            except Exception as exc:  # noqa: BLE001 - e.g. a watched folder was deleted
                if self._stop.is_set():
                    return
                self._say(f"watcher restarting: {exc}", err=True)
                self.queue_rebuild()
                self._stop.wait(1.0)

    def _watch_root(self) -> None:
        """Watch the site folder itself, not recursively: site.toml, and content/ or themes/
        appearing or disappearing. Editors that save by renaming are seen here too."""
        from watchfiles import watch

        source = self.options.source
        names = {CONFIG_NAME, "content", "themes"}
        while not self._stop.is_set():
            try:
                for changes in watch(source, watch_filter=lambda _c, path: Path(path).name in names,
                                     recursive=False, debounce=WATCH_DEBOUNCE_MS, step=WATCH_STEP_MS,
                                     stop_event=self._stop, rust_timeout=1000, yield_on_timeout=True,
                                     raise_interrupt=False):
                    self._root_ready.set()
                    if not changes:
                        continue
                    if any(Path(path).name != CONFIG_NAME for _, path in changes):
                        self._rearm.set()
                    self.queue_rebuild(path for _, path in changes)
            except Exception as exc:  # noqa: BLE001
                if self._stop.is_set():
                    return
                self._say(f"watcher restarting: {exc}", err=True)
                self._stop.wait(1.0)

    def _shown(self, folder: Path) -> str:
        try:
            return folder.relative_to(self.options.source.resolve()).as_posix() + "/"
        except ValueError:
            return str(folder) + "/"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    preview: Preview

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host up with getfqdn, which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away mid-response
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD for the built site under its base path, plus the preview's own URLs."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "sitegen-serve"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: the terminal is for build results

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        preview = self.server.preview
        raw = self.path.split("#", 1)[0]
        path, _, query = raw.partition("?")
        if path == EVENTS_PATH:
            return self._events(query, head)
        if path == SCRIPT_PATH:
            return self._send(200, SCRIPT_FILE.read_bytes(), "text/javascript; charset=utf-8", head)
        base = preview.base_path
        if path in ("/", base.rstrip("/")) and path != base:
            return self._redirect(base + ("?" + query if query else ""))
        if not path.startswith(base) or path.startswith(PREFIX):
            return self._not_found(head)
        rel = path[len(base):]
        _wait_for(preview.out)
        target = resolve_request(preview.out, rel)
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                parts = [quote(p) for p in unquote(rel).split("/") if p]
                return self._redirect(base + "/".join(parts) + "/" + ("?" + query if query else ""))
            target = resolve_request(preview.out, rel + "index.html")
        if target is None or not target.is_file():
            return self._not_found(head)
        self._send_file(200, target, head)

    def _send_file(self, status: int, target: Path, head: bool) -> None:
        kind = content_type(target)
        try:
            if kind.startswith("text/html"):
                preview = self.server.preview
                generation = preview.status.generation  # read first: a patch is in place before its id
                body = preview.patched_page(target)
                body = target.read_bytes() if body is None else body
                return self._send(status, inject_script(body, generation), kind, head)
            with target.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                self._headers(status, kind, size)
                if not head:
                    shutil.copyfileobj(f, self.wfile)
        except FileNotFoundError:  # swapped away by a rebuild between the check and the read
            self._not_found(head)

    def _not_found(self, head: bool) -> None:
        preview = self.server.preview
        page = resolve_request(preview.out, "404.html")
        if page is not None and page.is_file():
            body = page.read_bytes()
        elif preview.builds == 0 and preview.status.error is None:
            body = _PLACEHOLDER.format(message="building the site…").encode()
        elif preview.builds == 0:
            body = _PLACEHOLDER.format(message="the site does not build yet").encode()
        else:
            body = _PLACEHOLDER.format(message="page not found").encode()
        self._send(404, inject_script(body, preview.status.generation), "text/html; charset=utf-8", head)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _send(self, status: int, body: bytes, kind: str, head: bool) -> None:
        self._headers(status, kind, len(body))
        if not head:
            self.wfile.write(body)

    def _headers(self, status: int, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _events(self, query: str, head: bool) -> None:
        """A server-sent event stream: the state now, then every new build outcome."""
        preview = self.server.preview
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        # The page says which file it shows and from which build, so it reloads only
        # when that file changed; without them (another client) any new build counts.
        asked = parse_qs(query)
        version, state = preview.status.snapshot()
        seen = asked.get("build", [state["build"]])[0]
        page = asked.get("page", [None])[0]
        rel = preview.output_file(page) if page is not None else None
        try:
            self.wfile.write(b"retry: 1000\n")
            self._event("hello", dict(state, reload=preview.status.changed_since(seen, rel)))
            quiet_since = time.monotonic()
            while not preview.status.closed:
                version, new_state = preview.status.wait(version, 1.0)
                if new_state is not None:
                    if new_state["error"]:
                        self._event("build-error", dict(new_state, reload=False))
                    else:
                        self._event("build", dict(new_state, reload=preview.status.changed_since(seen, rel)))
                        seen = new_state["build"]
                    quiet_since = time.monotonic()
                elif preview.status.closed or self._client_gone():
                    break
                elif time.monotonic() - quiet_since >= PING_SECONDS:
                    self.wfile.write(b": ping\n\n")
                    quiet_since = time.monotonic()
        except (ConnectionError, TimeoutError, ValueError):
            pass  # the page went away (ValueError: the socket was closed at shutdown)

    def _client_gone(self) -> bool:
        """An event stream's client never sends more; a readable socket means it hung up."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and not self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return True

    def _event(self, name: str, data: dict[str, Any]) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())


def _summary(report: Any) -> str:
    """What a build did, from the fields its report has."""
    parts = [f"{report.pages} pages"]
    written, unchanged = getattr(report, "written", None), getattr(report, "unchanged", None)
    if written is not None and unchanged:
        parts = [f"{written} files written, {unchanged} unchanged"]
    return ", ".join(parts)


def _wait_for(folder: Path, seconds: float = 1.0) -> None:
    """A rebuild swaps the output folder with two renames; wait out that instant."""
    deadline = time.monotonic() + seconds
    while not folder.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


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
