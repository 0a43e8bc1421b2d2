"""`sitegen serve`: safe static serving, live reload over server-sent events, the error overlay."""

from __future__ import annotations

import dataclasses
import http.client
import io
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from pathlib import Path
from typing import Iterator

import pytest

from generator.config.options import BuildOptions
from generator.serve.http import EVENTS_PATH, SCRIPT_PATH, content_type, inject_script, resolve_request
from generator.cli import make_parser
from generator.serve.preview import Preview, is_loopback
from generator.serve.status import BuildStatus
from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.conftest import BUILD_TIME, REPO, build_into, copy_sample_site

BASE = "https://example.github.io/arsip/"
ARTICLE = "content/articles/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur.md"
ARTICLE_URL = "nasional/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur/"
SECRET = "SECRET-MARKER-4f1c"
TIMEOUT = 120  # seconds; a slow 2-core CI machine building while the browser runs


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects; the path is sent exactly as written."""
    try:
        with _OPENER.open(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def make_preview(site: Path, base_url: str | None = BASE, watch: bool = False, builds: bool = True) -> Preview:
    """A preview on port 0, in this process, once its first build is done (and watchers armed)."""
    options = BuildOptions(source=site, out=site / "public", build_time=BUILD_TIME, base_url=base_url)
    preview = Preview(options, port=0, watch=watch, clock=lambda: BUILD_TIME,
                      stdout=io.StringIO(), stderr=io.StringIO())
    preview.start()
    assert preview.wait_ready(TIMEOUT), "the preview did not finish its first build"
    if builds:
        assert preview.builds == 1, preview.stderr.getvalue()
    return preview


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """The sample archive previewed under /arsip/, with a secret outside the served folder."""
    tmp = tmp_path_factory.mktemp("serve")
    site = copy_sample_site(tmp)
    with (site / "site.toml").open("a") as f:
        f.write(f"\n# {SECRET}\n")
    (tmp / "outside").mkdir()
    (tmp / "outside/secret.txt").write_text(SECRET)
    preview = make_preview(site)
    yield preview
    preview.stop()


class EventStream:
    """Reads the preview's server-sent events in a thread, so tests can wait for one."""

    def __init__(self, origin: str, page: str | None = None, build: str | None = None):
        netloc = urllib.parse.urlsplit(origin).netloc
        connection = http.client.HTTPConnection(netloc, timeout=TIMEOUT)
        # As the live-reload script asks: for the page it shows, built by `build`.
        query = urllib.parse.urlencode({k: v for k, v in (("page", page), ("build", build)) if v is not None})
        connection.request("GET", EVENTS_PATH + ("?" + query if query else ""))
        self.socket = connection.sock  # kept to end the stream from this side
        self.response = connection.getresponse()
        assert self.response.status == 200
        assert self.response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        self.events: list[tuple[str, dict, float]] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    with self.cond:
                        self.events.append((name, json.loads(data), time.monotonic()))
                        self.cond.notify_all()
                    name, data = "message", ""
        except (OSError, ValueError):
            pass

    def next(self, after: int, timeout: float = TIMEOUT) -> tuple[str, dict, float]:
        """The first event with index >= `after`."""
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.events) > after, timeout), f"no event after {self.events}"
            return self.events[after]

    def close(self) -> None:
        try:
            self.socket.shutdown(socket.SHUT_RDWR)  # wakes the reader thread at once
        except OSError:
            pass
        self.socket.close()


def origin(preview: Preview) -> str:
    parts = urllib.parse.urlsplit(preview.url)
    return f"{parts.scheme}://{parts.netloc}"


# -- unit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name,expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("static/style.css", "text/css; charset=utf-8"),
    ("static/sitegen.js", "text/javascript; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("latest.json", "application/json"),
    ("static/favicon.svg", "image/svg+xml"),
    ("media/photo.webp", "image/webp"),
    ("media/photo.JPG", "image/jpeg"),
    ("pagefind/index/x.pf_index", "application/octet-stream"),
])
def test_content_type(name: str, expected: str) -> None:
    assert content_type(Path(name)) == expected


def test_script_goes_before_the_last_body_end_tag() -> None:
    page = b"<html><body><pre>&lt;/body&gt;</pre></BODY></html>"
    assert inject_script(page, "x-1") == (
        b'<html><body><pre>&lt;/body&gt;</pre><script src="' + SCRIPT_PATH.encode()
        + b'" data-build="x-1"></script></BODY></html>')
    assert inject_script(b"<p>no body", "x-1").startswith(b"<p>no body<script ")


@pytest.mark.parametrize("rel", ["../site.toml", "%2e%2e/site.toml", "%2E%2E/x", "a/%2e%2e/%2e%2e/x",
                                 "..%2fsite.toml", "..%2Fsite.toml", "..%5csite.toml", "..\\site.toml",
                                 "./index.html", "%00", "a%00.html", "%ff%fe"])
def test_resolve_refuses_everything_that_could_leave_the_root(tmp_path: Path, rel: str) -> None:
    (tmp_path / "index.html").write_text("x")
    assert resolve_request(tmp_path, rel) is None


def test_resolve_follows_symlinks_only_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a/page.html").write_text("x")
    (tmp_path / "secret.txt").write_text(SECRET)
    (root / "inside.html").symlink_to(root / "a/page.html")
    (root / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (root / "up").symlink_to(tmp_path)
    assert resolve_request(root, "inside.html") == (root / "a/page.html").resolve()
    assert resolve_request(root, "a/page.html") == (root / "a/page.html").resolve()
    assert resolve_request(root, "outside.txt") is None
    assert resolve_request(root, "up/secret.txt") is None
    assert resolve_request(root, "") == root.resolve()


# -- HTTP -----------------------------------------------------------------------------------


def test_article_is_served_under_the_base_path_with_the_script(served: Preview) -> None:
    assert served.url.endswith("/arsip/")
    status, headers, body = get(served.url + ARTICLE_URL)
    assert status == 200, (served.stdout.getvalue(), served.stderr.getvalue(),
                           sorted(str(p.relative_to(served.out)) for p in served.out.rglob("*/2023/11/*")))
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Banjir Rendam Tiga Kecamatan" in body
    assert re.search(rb'<script src="/__sitegen/livereload\.js" data-build="[0-9a-f]+-1"></script></body>', body)
    on_disk = (served.out / ARTICLE_URL / "index.html").read_bytes()
    assert b"__sitegen" not in on_disk
    assert body.replace(re.search(rb"<script src=\"/__sitegen/[^>]*></script>", body).group(0), b"") == on_disk
    assert b'href="/arsip/' in body  # links as in production, under the base path


def test_home_redirects_and_directories_get_their_slash(served: Preview) -> None:
    status, headers, _ = get(origin(served) + "/")
    assert (status, headers["Location"]) == (301, "/arsip/")
    status, headers, _ = get(origin(served) + "/arsip")
    assert (status, headers["Location"]) == (301, "/arsip/")
    status, headers, _ = get(served.url + "nasional?x=1")
    assert (status, headers["Location"]) == (301, "/arsip/nasional/?x=1")
    status, _, body = get(served.url)
    assert status == 200 and b"Kabar Nusantara" in body


@pytest.mark.parametrize("name,kind", [
    ("static/style.css", "text/css; charset=utf-8"),
    ("static/sitegen.js", "text/javascript; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("latest.json", "application/json"),
    ("static/favicon.svg", "image/svg+xml"),
    ("robots.txt", "text/plain; charset=utf-8"),
])
def test_files_have_their_content_type_and_no_script(served: Preview, name: str, kind: str) -> None:
    status, headers, body = get(served.url + name)
    assert status == 200
    assert headers["Content-Type"] == kind
    assert body == (served.out / name).read_bytes()  # byte for byte: nothing injected


def test_missing_page_is_404_with_the_404_page(served: Preview) -> None:
    status, headers, body = get(served.url + "tidak/ada/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = (served.out / "404.html").read_bytes()
    assert body.startswith(page[:page.lower().rfind(b"</body>")])
    assert SCRIPT_PATH.encode() in body


def test_head_sends_headers_only(served: Preview) -> None:
    request = urllib.request.Request(served.url + "static/style.css", method="HEAD")
    with _OPENER.open(request, timeout=30) as response:
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == (served.out / "static/style.css").stat().st_size
        assert response.read() == b""


@pytest.mark.parametrize("path", [
    "/../site.toml",
    "/%2e%2e/site.toml",
    "/%2e%2e/",
    "/arsip/../../../site.toml",
    "/arsip/%2e%2e/%2e%2e/%2e%2e/site.toml",
    "/arsip/%2E%2E/%2E%2E/%2E%2E/site.toml",
    "/arsip/..%2f..%2f..%2fsite.toml",
    "/arsip/..%2f..%2fetc/passwd",
    "/arsip/..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/arsip/..%5c..%5c..%5csite.toml",
    "/arsip/%252e%252e/%252e%252e/%252e%252e/site.toml",
    "/arsip/static/..%2f..%2f..%2f..%2fsite.toml",
    "/arsip//etc/passwd",
    "/arsip/%2fetc%2fpasswd",
    "/etc/passwd",
    "/__sitegen/../site.toml",
])
def test_traversal_is_refused(served: Preview, path: str) -> None:
    status, _, body = get(origin(served) + path)
    assert status in (403, 404, 301)
    if status == 301:  # only ever back into the site
        return
    assert SECRET.encode() not in body
    assert b"root:x:0:0" not in body


@pytest.mark.parametrize("path", [
    "a" * 256,  # one segment longer than a file name may be: ENAMETOOLONG
    "kota/" + "b" * 300 + "/",
    "%61" * 300 + ".html",
    "/".join(["c" * 255] * 20),  # a path longer than PATH_MAX
])
def test_a_name_the_file_system_refuses_is_404_and_serving_goes_on(served: Preview, path: str) -> None:
    status, headers, body = get(served.url + path)
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert SCRIPT_PATH.encode() in body
    status, _, body = get(served.url + "robots.txt")  # the server still answers
    assert status == 200 and body == (served.out / "robots.txt").read_bytes()


def test_an_event_stream_for_a_page_with_a_refused_name_still_says_hello(served: Preview) -> None:
    events = EventStream(origin(served), page="/arsip/" + "d" * 300 + "/")
    try:
        name, data, _ = events.next(0)
        assert name == "hello"
    finally:
        events.close()


def test_a_file_the_system_refuses_to_read_is_404(served: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.stat

    def stat(path: Path, *args: object, **kwargs: object) -> os.stat_result:
        if path.name == "robots.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    status, _, _ = get(served.url + "robots.txt")
    assert status == 404
    monkeypatch.undo()
    assert get(served.url + "robots.txt")[0] == 200


@pytest.mark.parametrize("argv, expected", [
    (["serve", "--port", "99999"], "99999 is out of range: must be a whole number from 0 to 65535"),
    (["serve", "--port", "-1"], "-1 is out of range: must be a whole number from 0 to 65535"),
    (["serve", "--port", "http"], "must be a whole number from 0 to 65535 (0 picks a free port), not 'http'"),
    (["build", "--jobs", "0"], "argument --jobs/-j: 0 is out of range: must be a whole number of 1 or more"),
    (["build", "-j", "-1"], "argument --jobs/-j: -1 is out of range: must be a whole number of 1 or more"),
    (["check", "--jobs", "0"], "0 is out of range: must be a whole number of 1 or more"),
    (["check", "--jobs", "2.5"], "must be a whole number of 1 or more, not '2.5'"),
])
def test_a_number_out_of_range_on_the_command_line_is_exit_2_with_the_range(
        argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    with pytest.raises(SystemExit) as info:
        main(argv + ["--source", str(tmp_path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "internal error" not in err and "Traceback" not in err


def test_symlinks_pointing_outside_are_refused(served: Preview, tmp_path: Path) -> None:
    outside = served.options.source.parent / "outside"
    (served.out / "bocor.txt").symlink_to(outside / "secret.txt")
    (served.out / "bocor").symlink_to(outside)
    (served.out / "boleh.txt").symlink_to(served.out / "robots.txt")
    try:
        for path in ("bocor.txt", "bocor/secret.txt", "bocor/"):
            status, _, body = get(served.url + path)
            assert status in (403, 404), path
            assert SECRET.encode() not in body
        status, _, body = get(served.url + "boleh.txt")  # a link that stays inside is fine
        assert status == 200 and body == (served.out / "robots.txt").read_bytes()
    finally:
        for name in ("bocor.txt", "bocor", "boleh.txt"):
            (served.out / name).unlink()


def test_the_script_is_only_in_responses_never_in_built_files(served: Preview, tmp_path: Path) -> None:
    status, headers, body = get(origin(served) + SCRIPT_PATH)
    assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"EventSource" in body
    for path in served.out.rglob("*"):
        if path.is_file():
            assert b"__sitegen" not in path.read_bytes(), path
    build_into(served.options.source, tmp_path / "public", base_url=BASE)
    for path in (tmp_path / "public").rglob("*"):
        if path.is_file():
            assert b"__sitegen" not in path.read_bytes(), path
    # The preview never leaves a public/ folder in the site.
    assert not (served.options.source / "public").exists()
    assert served.out == served.options.source / ".sitegen/serve/site"


# -- rebuilds and events --------------------------------------------------------------------


def test_rebuild_failure_keeps_the_last_good_site_and_reports_the_diagnostics(basic_site: Path) -> None:
    preview = make_preview(basic_site, base_url=None)
    first = preview.status.generation
    stream = EventStream(origin(preview), page="/kota/2023/11/jembatan-baru-dibuka/", build=first)
    try:
        name, hello, _ = stream.next(0)
        assert (name, hello) == ("hello", {"build": first, "error": None, "reload": False})
        article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
        good = article.read_text()
        url = preview.url + "kota/2023/11/jembatan-baru-dibuka/"

        # A new headline: the page is patched (and reloads) at once, then the build
        # writes it exactly so, and only the files it does not show change again.
        article.write_text(good.replace("title: ", "title: Judul <b>Baru</b> ", 1))
        assert preview.rebuild({str(article)})
        name, patched, _ = stream.next(1)
        assert name == "build" and patched["reload"] and patched["error"] is None
        name, built, _ = stream.next(2)
        assert name == "build" and not built["reload"] and built["build"] != patched["build"]
        assert "Judul &lt;b&gt;Baru&lt;/b&gt;" in get(url)[2].decode()

        article.write_text(good.replace("title: ", "title: [Rusak <script>", 1))
        assert not preview.rebuild({str(article)})
        name, state, _ = stream.next(3)
        assert name == "build-error" and state["build"] == built["build"] and not state["reload"]
        assert "content/articles/2023/11/jembatan-baru-dibuka.md:3:5: error: invalid YAML" in state["error"]
        assert "still serving the last good build" in state["error"]
        assert "content/articles/2023/11/jembatan-baru-dibuka.md:3:5" in preview.stderr.getvalue()
        status, _, body = get(url)  # the last good build is still served
        assert status == 200 and "Judul &lt;b&gt;Baru&lt;/b&gt;" in body.decode()
        late = EventStream(origin(preview))  # a page opened now gets the error at once
        assert late.next(0)[1]["error"] == state["error"]
        late.close()

        # While the site does not build, another story's edit is not patched in: the
        # last good build stays what is served.
        other = basic_site / "content/articles/2023/11/pasar-apung-bersolek/index.md"
        other_text = other.read_text()
        other.write_text(other_text.replace("title: ", "title: Disunting ", 1))
        assert not preview.rebuild({str(other)})
        assert stream.next(4)[0] == "build-error"
        assert "Disunting" not in get(preview.url + "kota/2023/11/pasar-apung-bersolek/")[2].decode()
        other.write_text(other_text)

        # Back to exactly the last good text: the build writes nothing, so the build id
        # stays (pages do not reload) and the error is gone (the overlay goes).
        article.write_text(good.replace("title: ", "title: Judul <b>Baru</b> ", 1))
        assert preview.rebuild({str(article)}), preview.stderr.getvalue()
        name, state, _ = stream.next(5)
        assert (name, state) == ("build", {"build": built["build"], "error": None, "reload": False})

        article.write_text(good)
        assert preview.rebuild({str(article)}), preview.stderr.getvalue()
        name, state, _ = stream.next(6)
        assert name == "build" and state["error"] is None and state["reload"]
        assert "Judul" not in get(url)[2].decode()
    finally:
        stream.close()
        preview.stop()


def test_a_page_is_told_to_reload_only_by_builds_that_changed_its_file() -> None:
    status = BuildStatus()
    status.succeeded("s-1")  # the first build: every file
    status.succeeded("s-2", frozenset({"a/index.html"}))
    status.succeeded("s-3", frozenset({"feed.xml"}))
    assert status.changed_since("s-1", "a/index.html")
    assert not status.changed_since("s-2", "a/index.html")
    assert not status.changed_since("s-3", "a/index.html")  # the current build
    assert status.changed_since("s-2", None)  # a missing page: any new build may bring it
    assert status.changed_since("other-session-7", "a/index.html")
    status.succeeded("s-4")  # e.g. a clean build: any file
    assert status.changed_since("s-3", "b/index.html")


def test_an_edit_is_served_patched_while_the_build_runs_and_other_pages_do_not_reload(
        basic_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build

    preview = make_preview(basic_site, base_url=None)
    first = preview.status.generation
    page = "kota/2023/11/jembatan-baru-dibuka/"
    shown = EventStream(origin(preview), page="/" + page, build=first)
    elsewhere = EventStream(origin(preview), page="/tentang/", build=first)
    release = threading.Event()
    real_build = generator.build.build

    def slow_build(*args: object, **kwargs: object) -> object:
        assert release.wait(TIMEOUT)
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.build, "build", slow_build)
    article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
    article.write_text(article.read_text().replace("title: ", "title: Disunting ", 1))
    builder = threading.Thread(target=preview.rebuild, args=({str(article)},))
    builder.start()
    try:
        name, state, _ = shown.next(1)
        assert name == "build" and state["reload"]
        assert "Disunting" in get(preview.url + page)[2].decode()  # served from memory...
        assert "Disunting" not in (preview.out / page / "index.html").read_text()  # ...before the build wrote it
        assert "patched" in preview.stdout.getvalue()
        release.set()
        builder.join(TIMEOUT)
        name, state, _ = shown.next(2)
        assert name == "build" and not state["reload"]  # the build wrote the page exactly as patched
        assert "Disunting" in (preview.out / page / "index.html").read_text()
        elsewhere.next(2)
        assert [(e[0], e[1]["reload"]) for e in elsewhere.events] == [("hello", False), ("build", False),
                                                                     ("build", False)]
    finally:
        release.set()
        shown.close()
        elsewhere.close()
        preview.stop()


def test_a_clean_build_after_a_patch_serves_its_own_files(basic_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.build

    preview = make_preview(basic_site, base_url=None)
    real_build = generator.build.build

    def edit_then_build(options: BuildOptions, **kwargs: object) -> object:
        # The story changes again after the patch, and the build is a clean one.
        article.write_text(article.read_text().replace("title: ", "title: Disunting ", 1))
        return real_build(dataclasses.replace(options, clean=True), **kwargs)  # type: ignore[arg-type]

    article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
    article.write_text(article.read_text().replace("title: ", "title: Pertama ", 1))
    monkeypatch.setattr(generator.build, "build", edit_then_build)
    try:
        assert preview.rebuild({str(article)}), preview.stderr.getvalue()
        assert "patched" in preview.stdout.getvalue()
        html = get(preview.url + "kota/2023/11/jembatan-baru-dibuka/")[2].decode()
        assert "Disunting Pertama" in html  # what the build wrote, not the patch
    finally:
        preview.stop()


def test_watcher_rebuilds_after_an_edit_and_after_site_toml_changes(basic_site: Path) -> None:
    preview = make_preview(basic_site, base_url=None, watch=True)
    stream = EventStream(origin(preview))
    try:
        assert stream.next(0)[0] == "hello"
        article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
        article.write_text(article.read_text().replace("title: ", "title: Disunting ", 1))
        name, state, _ = stream.next(1)
        assert name == "build" and state["reload"]
        assert "Disunting" in get(preview.url + "kota/2023/11/jembatan-baru-dibuka/")[2].decode()

        config = basic_site / "site.toml"
        config.write_text(config.read_text().replace('title = "Warta Uji"', 'title = "Warta Baru"'))
        # Events may arrive in several bursts; wait for a build that shows the new title.
        index = 2
        while "Warta Baru" not in get(preview.url)[2].decode():
            assert stream.next(index)[0] == "build"
            index += 1
        assert not (basic_site / "public").exists()
    finally:
        stream.close()
        preview.stop()


def test_first_build_failure_serves_a_placeholder_with_the_overlay_script(basic_site: Path) -> None:
    (basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md").write_text("---\ntitle: [\n---\n")
    preview = make_preview(basic_site, base_url=None, builds=False)
    try:
        status, _, body = get(preview.url)
        assert status == 404 and SCRIPT_PATH.encode() in body
        stream = EventStream(origin(preview))
        name, state, _ = stream.next(0)
        assert name == "hello" and state["build"] == "" and "jembatan-baru-dibuka.md" in state["error"]
        stream.close()
    finally:
        preview.stop()


# -- the command ----------------------------------------------------------------------------


# `python -m generator`, with Ctrl-C handled even when this test run ignores SIGINT (a
# background job does, and its children inherit that).
SITEGEN = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
           "from generator.cli import main; sys.exit(main(sys.argv[1:]))")


class Cli:
    """`sitegen serve --port 0` in a subprocess; `url` is what it printed, once it watches."""

    def __init__(self, site: Path, *extra: str):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen([sys.executable, "-c", SITEGEN, "serve", "--source", str(site),
                                         "--port", "0", *extra], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        url, watching, built = None, False, False
        deadline = time.monotonic() + TIMEOUT
        while not (url and watching and built):
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise AssertionError("sitegen serve did not start:\n" + self.output) from None
            match = re.search(r"(http://127\.0\.0\.1:\d+/\S*)", line)
            url = url or (match.group(1) if match else None)
            watching = watching or line.startswith("Watching ")
            built = built or "built" in line or "error" in line
        self.url = url

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.seen.append(line)
            self.lines.put(line)

    @property
    def output(self) -> str:
        return "".join(self.seen)

    def stop(self) -> int:
        """Ctrl-C, then the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        time.sleep(0.2)  # let the reader catch the last lines
        return code


def test_cli_serves_and_stops_cleanly_on_ctrl_c(basic_site: Path) -> None:
    cli = Cli(basic_site, "--base-url", BASE)
    try:
        assert cli.url.endswith("/arsip/")
        status, _, body = get(cli.url)
        assert status == 200 and SCRIPT_PATH.encode() in body
    finally:
        code = cli.stop()
    output = cli.output
    assert code == 0, output
    assert "sitegen serve: stopped" in output
    assert "Traceback" not in output
    assert not (basic_site / "public").exists()
    assert not list((basic_site / ".sitegen/serve").glob(".site.*"))  # no staging folder left behind


def test_cli_reports_a_port_in_use(basic_site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", "--source", str(basic_site),
                                 "--port", str(port)], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port 0" in result.stderr


def test_open_shows_the_preview_in_the_browser_once_the_first_build_is_ready(
        basic_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_parser().parse_args(["serve", "-o"]).open and make_parser().parse_args(["serve", "--open"]).open
    assert not make_parser().parse_args(["serve"]).open
    opened: list[tuple[str, int]] = []
    previews: list[Preview] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append((url, previews[0].builds)) or True)
    options = BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME, base_url=BASE)
    previews.append(Preview(options, port=0, watch=False, clock=lambda: BUILD_TIME, stdout=io.StringIO(),
                            stderr=io.StringIO(), open_browser=True))
    preview = previews[0]
    preview.start()
    try:
        assert preview.wait_ready(TIMEOUT)
        deadline = time.monotonic() + 10
        while not opened and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened == [(preview.url, 1)]  # the preview's own URL, after its first build
        assert preview.url.endswith("/arsip/") and get(preview.url)[0] == 200
        assert preview.rebuild()
        time.sleep(0.2)
        assert len(opened) == 1  # once, not at every rebuild
    finally:
        preview.stop()

    # Without --open no browser; a browser that cannot be started is said, and serving goes on.
    monkeypatch.setattr(webbrowser, "open", lambda *args, **kwargs: opened.append(("again", 0)) or False)
    quiet = make_preview(basic_site, watch=False)
    quiet.stop()
    assert len(opened) == 1
    failing = Preview(options, port=0, watch=False, clock=lambda: BUILD_TIME, stdout=io.StringIO(),
                      stderr=io.StringIO(), open_browser=True)
    failing.start()
    try:
        assert failing.wait_ready(TIMEOUT)
        deadline = time.monotonic() + 10
        while "could not open a browser" not in failing.stderr.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert f"could not open a browser; open {failing.url} yourself" in failing.stderr.getvalue()
    finally:
        failing.stop()


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("127.255.0.9", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("LOCALHOST", True), ("::ffff:127.0.0.1", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("10.0.0.1", False), ("example.org", False),
])
def test_only_a_non_loopback_host_is_said_to_be_visible_to_other_machines(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serving_on_another_loopback_address_gives_no_warning(basic_site: Path) -> None:
    options = BuildOptions(source=basic_site, out=basic_site / "public", build_time=BUILD_TIME)
    preview = Preview(options, host="127.0.0.2", port=0, watch=False, clock=lambda: BUILD_TIME,
                      stdout=io.StringIO(), stderr=io.StringIO())
    preview.start()
    try:
        assert preview.wait_ready(TIMEOUT)
        assert preview.url.startswith("http://127.0.0.2:")
        assert get(preview.url)[0] == 200
        assert "other machines" not in preview.stderr.getvalue()
    finally:
        preview.stop()


# -- the browser ----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_browser_reloads_on_edit_and_shows_then_clears_the_error_overlay(tmp_path: Path) -> None:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    site = copy_sample_site(tmp_path)
    article = site / ARTICLE
    good = article.read_text(encoding="utf-8")
    cli = Cli(site, "--base-url", BASE)
    url = cli.url
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url + ARTICLE_URL)
            heading = page.locator("article h1").first
            expect(heading).to_have_text("Banjir Rendam Tiga Kecamatan di Jakarta Timur", timeout=TIMEOUT * 1000)
            expect(page.locator("html")).to_have_attribute("data-sitegen-live", "connected",
                                                           timeout=TIMEOUT * 1000)
            page.evaluate("window.__notReloaded = true")

            # 1. A new title appears without reloading by hand.
            article.write_text(good.replace('title: "Banjir Rendam', 'title: "Air Bah Rendam', 1), encoding="utf-8")
            expect(heading).to_have_text("Air Bah Rendam Tiga Kecamatan di Jakarta Timur", timeout=TIMEOUT * 1000)
            assert page.evaluate("window.__notReloaded === undefined")  # the page reloaded itself
            expect(page.locator("html")).to_have_attribute("data-sitegen-live", "connected",
                                                           timeout=TIMEOUT * 1000)

            # 2. A YAML error shows the overlay naming the file; the page stays as it was.
            article.write_text(good.replace('title: "Banjir', 'title: ["Banjir', 1), encoding="utf-8")
            overlay = page.locator("#sitegen-overlay")
            expect(overlay).to_be_visible(timeout=TIMEOUT * 1000)
            expect(overlay).to_contain_text(ARTICLE, timeout=TIMEOUT * 1000)
            expect(overlay).to_contain_text("invalid YAML")
            assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"
            expect(heading).to_have_text("Air Bah Rendam Tiga Kecamatan di Jakarta Timur")

            # 3. Fixing the file clears the overlay and shows the fixed page.
            article.write_text(good, encoding="utf-8")
            expect(heading).to_have_text("Banjir Rendam Tiga Kecamatan di Jakarta Timur", timeout=TIMEOUT * 1000)
            expect(overlay).to_have_count(0, timeout=TIMEOUT * 1000)
            browser.close()
    finally:
        code = cli.stop()
    assert code == 0, cli.output
    assert f"{ARTICLE}:" in cli.output  # the diagnostics went to the terminal too
