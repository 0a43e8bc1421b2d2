"""The preview's HTTP side: files of the built site under its base path, the live-reload script, and the event stream browsers listen on."""

from __future__ import annotations

import html
import json
import mimetypes
import os
import select
import shutil
import socket
import socketserver
import stat
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, unquote

from generator.serve.status import BuildStatus

PREFIX = "/__sitegen/"  # the preview's own URLs; no site page can start with "__"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "livereload.js"
SCRIPT_FILE = Path(__file__).with_name("livereload.js")
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


def file_kind(path: Path | None) -> str | None:
    """"dir", "file" or None when nothing can be served from `path`.

    Every file-system question a request asks goes through here: a name the system
    refuses (a segment of 256 bytes or more is ENAMETOOLONG), a folder it may not look
    into, or any other OSError means there is nothing to serve, never an error.
    """
    if path is None:
        return None
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else None


def _read_or_none(path: Path | None) -> bytes | None:
    """The bytes of a file of the output, or None when it is not there or cannot be read."""
    if file_kind(path) != "file":
        return None
    try:
        return path.read_bytes()  # type: ignore[union-attr]
    except OSError:
        return None


class Served(Protocol):
    """What the handler needs of the preview: the output folder, its state, patched pages."""

    out: Path
    base_path: str
    builds: int
    status: BuildStatus

    def patched_page(self, path: Path) -> bytes | None:
        """The patched text of the output file at `path`, if an edit patched it."""

    def output_file(self, url_path: str) -> str | None:
        """The output path a URL path of the site is served from, if that file exists."""


class Server(ThreadingHTTPServer):
    daemon_threads = True
    preview: Served

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host up with getfqdn, which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away mid-response
        super().handle_error(request, client_address)


class Server6(Server):
    address_family = socket.AF_INET6


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD for the built site under its base path, plus the preview's own URLs."""

    server: Server
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
        if file_kind(target) == "dir":
            if not path.endswith("/"):
                parts = [quote(p) for p in unquote(rel).split("/") if p]
                return self._redirect(base + "/".join(parts) + "/" + ("?" + query if query else ""))
            target = resolve_request(preview.out, rel + "index.html")
        if target is None or file_kind(target) != "file":
            return self._not_found(head)
        self._send_file(200, target, head)

    def _send_file(self, status: int, target: Path, head: bool) -> None:
        kind = content_type(target)
        if kind.startswith("text/html"):
            preview = self.server.preview
            generation = preview.status.generation  # read first: a patch is in place before its id
            body = preview.patched_page(target)
            if body is None:
                try:
                    body = target.read_bytes()
                except ConnectionError:
                    raise
                except OSError:  # swapped away by a rebuild between the check and the read, or refused
                    return self._not_found(head)
            return self._send(status, inject_script(body, generation), kind, head)
        try:
            f = target.open("rb")
        except ConnectionError:
            raise
        except OSError:  # as above
            return self._not_found(head)
        with f:
            size = os.fstat(f.fileno()).st_size
            self._headers(status, kind, size)
            if not head:
                shutil.copyfileobj(f, self.wfile)

    def _not_found(self, head: bool) -> None:
        preview = self.server.preview
        if preview.builds == 0 and preview.status.error is None:
            message = "building the site…"
        elif preview.builds == 0:
            message = "the site does not build yet"
        else:
            message = "page not found"
        body = _read_or_none(resolve_request(preview.out, "404.html"))
        if body is None:
            body = _PLACEHOLDER.format(message=message).encode()
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


def _wait_for(folder: Path, seconds: float = 1.0) -> None:
    """A rebuild swaps the output folder with two renames; wait out that instant."""
    deadline = time.monotonic() + seconds
    while not folder.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
