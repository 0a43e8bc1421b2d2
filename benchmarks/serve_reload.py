"""Time from saving an article to the reload of its open page in `sitegen serve`, on a large archive.

Run from the repository root:

    .venv/bin/python benchmarks/serve_reload.py                      # 10,000 articles, 3 edits
    .venv/bin/python benchmarks/serve_reload.py --articles 1000 --edits 5
    .venv/bin/python benchmarks/serve_reload.py --corpus "$WORK/corpus"   # reuse (or create) a corpus

Makes a synthetic archive with benchmarks/archive_corpus.py (unless --corpus already holds
one) and starts `sitegen serve --port 0` on it as a subprocess. For each edit it does what
an editor's browser tab does: loads the article's page, opens the event stream for that
page and build (/__sitegen/events?page=...&build=...), then appends a sentence to the
article. Three figures per edit, all from the moment the edited file is closed:

- reload: the event that tells the page to reload arrived (the watcher's debounce, the
  quick patch of the pages that show the story, the notification);
- page with the edit: the page, fetched again after that event, came back showing the
  edit (served from the patch while the full rebuild runs);
- rebuilt: serve printed the line of the full rebuild that follows every patch.

Prints every edit and the medians. Edited files are restored at the end.

--full makes every rebuild a clean one (the build cache is ignored), to compare the
incremental engine with rebuilding everything.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "archive_corpus.py"
# `python -m generator`, with Ctrl-C handled even when this script runs as a background job
# (which ignores SIGINT, and its children inherit that).
SITEGEN = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
import generator.cli as cli
sys.exit(cli.main(sys.argv[1:]))
"""
# The same with every rebuild a clean one (BuildOptions.clean: no cache), for --full.
FULL_REBUILDS = SITEGEN.replace("sys.exit(", """import dataclasses
_options_from = cli.options_from
cli.options_from = lambda args: dataclasses.replace(_options_from(args), clean=True)
sys.exit(""")
class Server:
    """`sitegen serve` in a subprocess, its output lines and its event stream."""

    def __init__(self, site: Path, start_timeout: float, full: bool = False):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        entry = ["-c", FULL_REBUILDS if full else SITEGEN]
        self.process = subprocess.Popen([sys.executable, *entry, "serve", "--source", str(site),
                                         "--port", "0"], cwd=REPO, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read_output, daemon=True).start()
        url, watching, built = None, False, False
        deadline = time.monotonic() + start_timeout
        while not (url and watching and built):
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                sys.exit("sitegen serve did not start:\n" + "".join(self.log))
            print("  serve: " + line.rstrip(), flush=True)
            match = re.search(r"(http://\S+)", line)
            url = url or (match.group(1) if match else None)
            watching = watching or line.startswith("Watching ")
            built = built or "built" in line
            if "error" in line:
                self.stop()
                sys.exit("the corpus does not build:\n" + "".join(self.log))
        self.url = url
        self.host = re.match(r"http://([^/]+)", url).group(1)  # type: ignore[union-attr]

    def get(self, path: str) -> str:
        """The text of one page."""
        connection = http.client.HTTPConnection(self.host, timeout=60)
        connection.request("GET", path)
        body = connection.getresponse().read().decode()
        connection.close()
        return body

    def open_page(self, path: str) -> "PageTab":
        """Load a page and open its event stream, as its tab in a browser would."""
        body = self.get(path)
        build = re.search(r'data-build="([^"]*)"', body)
        assert build, f"no live-reload script in {path}"
        return PageTab(self.host, path, build.group(1))

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)
            self.lines.put(line)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -9


class PageTab:
    """The event stream of one open page, read in a thread."""

    def __init__(self, host: str, path: str, build: str):
        self.path = path
        self.connection = http.client.HTTPConnection(host, timeout=None)
        self.connection.request("GET", "/__sitegen/events?" + urlencode({"page": path, "build": build}))
        self.socket = self.connection.sock  # kept to end the stream from this side
        self.stream = self.connection.getresponse()
        self.events: queue.Queue[tuple[str, dict, float]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.stream:
                arrived = time.monotonic()
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif not line and data:
                    self.events.put((name, json.loads(data), arrived))
                    name, data = "message", ""
        except (OSError, ValueError):
            pass

    def wait_for_reload(self, timeout: float) -> float:
        """When the event telling this page to reload arrived."""
        while True:
            name, state, arrived = self.events.get(timeout=timeout)
            if name == "build-error":
                sys.exit("the edit did not build:\n" + state["error"])
            if state.get("reload"):
                return arrived

    def close(self) -> None:
        try:
            self.socket.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        except OSError:
            pass
        self.socket.close()  # type: ignore[union-attr]


def wait_for_build_of(server: Server, rel: str, timeout: float) -> tuple[float, list[str]]:
    """When serve printed the line of the first full build that names `rel`, and its lines.

    serve prints "Changed PATHS: patched N pages ..." and "Changed PATHS: built in Ns (...)";
    builds started by anything else (say, a theme edit in the checkout) are waited out.
    """
    seen = []
    while True:
        line = server.lines.get(timeout=timeout)
        arrived = time.monotonic()
        if "error" in line and rel in line:
            sys.exit("the edit did not build:\n" + line)
        if rel not in line:
            print("  (skipped output not caused by the edit: " + line.strip()[:120] + ")", flush=True)
            continue
        seen.append(line.split(": ", 1)[-1].strip())
        if "built in" in line:
            return arrived, seen


def page_path(site: Path, article: Path) -> str:
    """The URL path of an article, by sitegen's own reading of it."""
    sys.path.insert(0, str(REPO))
    from generator.config.options import BuildOptions
    from generator.config.site import load_config
    from generator.content.parse import parse_article

    config = load_config(BuildOptions(source=site, out=site / "public", build_time=datetime.now(timezone.utc)))
    rel = article.relative_to(site).as_posix()
    return config.base_path.rstrip("/") + parse_article(rel, article.read_text(encoding="utf-8"), config).url


def make_corpus(folder: Path, articles: int) -> None:
    if not (folder / "content/articles").is_dir():
        print(f"Making a {articles}-article corpus in {folder} ...", flush=True)
        subprocess.run([sys.executable, str(CORPUS), str(folder), "--articles", str(articles)], check=True)
    # A snapshot of the theme as the site's own, so that theme edits made in the checkout
    # while the benchmark runs cannot break its builds (they still trigger rebuilds, which
    # the measurement skips: see `wait_for_build_of`).
    theme = folder / "themes/default"
    if theme.exists():
        shutil.rmtree(theme)
    shutil.copytree(REPO / "themes/default", theme)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="corpus folder to reuse or create (default: a temp dir)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per build")
    parser.add_argument("--full", action="store_true",
                        help="make every rebuild a clean one (no cache): the full-rebuild path, for comparison")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        site = args.corpus or Path(tmp) / "corpus"
        make_corpus(site, args.articles)
        files = sorted((site / "content/articles").rglob("*.md"))
        print(f"{len(files)} articles; starting sitegen serve{' (clean rebuilds)' if args.full else ''} ...", flush=True)
        started = time.monotonic()
        server = Server(site, args.timeout, args.full)
        print(f"ready after {time.monotonic() - started:.1f}s", flush=True)
        originals: dict[Path, str] = {}
        reloads, views, rebuilds = [], [], []
        try:
            for i in range(args.edits):
                article = files[(i * 7919) % len(files)]
                text = originals.setdefault(article, article.read_text(encoding="utf-8"))
                tab = server.open_page(page_path(site, article))
                edited = text.rstrip("\n") + f"\n\nPembaruan {i + 1}: berita ini telah disunting.\n"
                with article.open("w", encoding="utf-8") as f:
                    f.write(edited)
                saved = time.monotonic()
                reloaded = tab.wait_for_reload(args.timeout)
                # The tab reloads: the page must come back with the edit in it.
                body = server.get(tab.path)
                shown = time.monotonic()
                if f"Pembaruan {i + 1}: berita ini telah disunting." not in body:
                    sys.exit(f"the reloaded page {tab.path} does not show the edit")
                built, lines = wait_for_build_of(server, article.relative_to(site).as_posix(), args.timeout)
                tab.close()
                reloads.append(reloaded - saved)
                views.append(shown - saved)
                rebuilds.append(built - saved)
                print(f"edit {i + 1}: {article.relative_to(site)}: reload after {reloaded - saved:.2f}s, "
                      f"page with the edit after {shown - saved:.2f}s, rebuilt after {built - saved:.2f}s "
                      f"(serve: {'; '.join(lines)})", flush=True)
                time.sleep(2)  # let stray events from this save settle before the next one
        finally:
            for article, text in originals.items():
                article.write_text(text, encoding="utf-8")
            code = server.stop()
        for label, figures in (("reload", reloads), ("page with the edit", views), ("rebuilt", rebuilds)):
            print(f"{label}: median of {len(figures)} edits {statistics.median(figures):.2f}s "
                  f"(min {min(figures):.2f}s, max {max(figures):.2f}s)")
        print(f"sitegen serve exited with {code}")


if __name__ == "__main__":
    main()
