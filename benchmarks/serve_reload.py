"""Time from saving an article to the reload event of `sitegen serve`, on a large archive.

Run from the repository root:

    .venv/bin/python benchmarks/serve_reload.py                      # 10,000 articles, 3 edits
    .venv/bin/python benchmarks/serve_reload.py --articles 1000 --edits 5
    .venv/bin/python benchmarks/serve_reload.py --corpus /tmp/corpus   # reuse (or create) a corpus

Makes a synthetic archive with ../shared/bench/make_corpus.py (unless --corpus already holds
one), starts `sitegen serve --port 0` on it as a subprocess, listens on its event stream
(/__sitegen/events) like a browser would, then appends a sentence to one article at a time (a typo fix, as far as the build can tell). Each
figure is the wall time from the moment the edited file is closed to the moment the
`reload` event arrives: the watcher's debounce, the whole rebuild and the notification.
Prints every edit and the median. Edited files are restored at the end.

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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_CORPUS = REPO.parent / "shared/bench/make_corpus.py"
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
SITE_TOML = 'title = "Arsip Benchmark"\nbase_url = "https://example.org/"\n'


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
        self.events: queue.Queue[tuple[str, dict, float]] = queue.Queue()
        host = re.match(r"http://([^/]+)", url).group(1)  # type: ignore[union-attr]
        connection = http.client.HTTPConnection(host, timeout=None)
        connection.request("GET", "/__sitegen/events")
        self.stream = connection.getresponse()
        threading.Thread(target=self._read_events, daemon=True).start()

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)
            self.lines.put(line)

    def _read_events(self) -> None:
        name, data = "message", ""
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

    def next_event(self, timeout: float) -> tuple[str, dict, float]:
        return self.events.get(timeout=timeout)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -9


def wait_for_build_of(server: Server, rel: str, timeout: float) -> tuple[float, str]:
    """When the reload event of the first build that names `rel` arrived, and serve's line.

    serve prints "Changed PATHS: built in Ns (...)" for every rebuild; builds started by
    anything else (say, a theme edit in the checkout) are waited out, not measured.
    """
    while True:
        name, state, arrived = server.next_event(timeout)
        if name == "build-error":
            sys.exit("the edit did not build:\n" + state["error"])
        if name != "reload":
            continue
        while True:
            line = server.lines.get(timeout=timeout)
            if "built" in line or "error" in line:
                break
        if rel in line:
            return arrived, line.split(": ", 1)[-1].strip()
        print("  (skipped a rebuild not caused by the edit: " + line.strip()[:120] + ")", flush=True)


def make_corpus(folder: Path, articles: int) -> None:
    if not (folder / "content/articles").is_dir():
        print(f"Making a {articles}-article corpus in {folder} ...", flush=True)
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder), "--articles", str(articles)], check=True)
    if not (folder / "site.toml").exists():
        (folder / "site.toml").write_text(SITE_TOML, encoding="utf-8")
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
        name, _, _ = server.next_event(60)
        assert name == "hello", name
        originals: dict[Path, str] = {}
        figures = []
        try:
            for i in range(args.edits):
                article = files[(i * 7919) % len(files)]
                text = originals.setdefault(article, article.read_text(encoding="utf-8"))
                edited = text.rstrip("\n") + f"\n\nPembaruan {i + 1}: berita ini telah disunting.\n"
                with article.open("w", encoding="utf-8") as f:
                    f.write(edited)
                saved = time.monotonic()
                arrived, built = wait_for_build_of(server, article.relative_to(site).as_posix(), args.timeout)
                figures.append(arrived - saved)
                print(f"edit {i + 1}: {article.relative_to(site)}: reload event after {arrived - saved:.2f}s "
                      f"(serve: {built})", flush=True)
                time.sleep(2)  # let stray events from this save settle before the next one
        finally:
            for article, text in originals.items():
                article.write_text(text, encoding="utf-8")
            code = server.stop()
        print(f"median of {len(figures)} edits: {statistics.median(figures):.2f}s "
              f"(min {min(figures):.2f}s, max {max(figures):.2f}s); sitegen serve exited with {code}")


if __name__ == "__main__":
    main()
