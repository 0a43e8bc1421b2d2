"""The browser side of benchmarks/search_latency.py: a static server that logs every request,
and one search on the search page timed in Chromium.

Works with three kinds of search page, reading no layout in any:

* a page that marks its own progress (`data-search-marks`; sitegen's page since issue
  24): performance marks "sitegen-search:shown" with the stage, the count and the first
  ten links, set when a list reaches the screen; first results are the first mark with
  links, complete the mark of stage `complete`, the "early" first 10 the first earlier
  mark's links;
* a page that says where it is, `<html data-search-state="searching|partial|complete">`
  with the count in `[data-search-count]` (its value, else its text): first results are
  the first result item shown, complete is the state `complete`, and the first list
  shown while the state was `partial` (up to 10 links) is the "early" first 10;
* a page that does neither (Pagefind's Component UI alone): first results are the first
  result item shown, complete is the moment the count text (`pagefind-summary`) took the
  value it then kept for `settle` seconds.

Times are from the start of the navigation to `search page?q=QUERY` (performance.now()
in the page), which is what a reader waits after pressing Enter in the masthead box. The
tab is opened first (on about:blank) and the query sent once Chromium is quiet: a new
browser context opens a new window, whose own start-up (about 1 s of CPU: Chromium's
WebUI for the address bar's popup) would otherwise compete with the page on a small
machine, which a reader's browser, already open, does not do. The context is new, so the
cache is still empty. `settle=False` sends the query at once, as the benchmark did first.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote_plus

# Installed in every page before its own scripts. It reads no layout (reading layout
# forces style and layout work, which slowed the pages it timed), and it watches the page
# in one of two ways:
#
# * a page that marks its own progress (sitegen's: `data-search-marks` on the search
#   block) is timed by its "sitegen-search:shown" performance marks, which the page sets
#   at the first task after the frame that shows a list or a count; the probe then only
#   listens to marks and long tasks, and stops watching the document;
# * any other page (Pagefind's Component UI) by a MutationObserver that looks for the
#   first result item holding a link with text, the count text and data-search-state;
#   each change gets the time of the first task after the next frame (rAF, then a
#   timeout), as a change made inside a long task reaches the screen only when it ends.
PROBE = """(() => {
  const b = window.__searchBench = {marks: [], first: null, counts: [], states: [], early: [], long: []};
  const RESULTS = "[data-search-results] li, pagefind-results li, li.search-result";
  const painted = (entry) => requestAnimationFrame(() => setTimeout(() => { entry[2] = performance.now(); }, 0));
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) b.long.push([e.startTime, e.duration]);
    }).observe({type: "longtask", buffered: true});
  } catch (e) { b.long = null; }
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) if (e.name === "sitegen-search:shown") b.marks.push([e.startTime, e.detail]);
    }).observe({type: "mark", buffered: true});
  } catch (e) {}
  const links = () => Array.from(document.querySelectorAll(RESULTS)).slice(0, 10)
    .map(li => { const a = li.querySelector("a[href]"); return a ? a.getAttribute("href") : li.textContent.trim(); });
  const countText = () => {
    const el = document.querySelector("[data-search-count]");
    if (el) return el.getAttribute("data-search-count") || el.textContent.trim();
    const summary = document.querySelector("pagefind-summary");
    return summary ? summary.textContent.trim() : "";
  };
  const look = () => {
    const now = performance.now();
    const state = document.documentElement.getAttribute("data-search-state");
    const last = b.states.length ? b.states[b.states.length - 1][1] : null;
    if (state !== null && state !== last) { const e = [now, state, null]; b.states.push(e); painted(e); }
    const text = countText();
    const seen = b.counts.length ? b.counts[b.counts.length - 1][1] : "";
    if (text !== seen) { const e = [now, text, null]; b.counts.push(e); painted(e); }
    if (b.first === null) {
      // A result is there when its link has text: an empty placeholder item is not one yet.
      const item = Array.from(document.querySelectorAll(RESULTS)).find(li => {
        const a = li.querySelector("a[href]");
        return a && a.textContent.trim();
      });
      if (item) { b.first = [now, "", null]; painted(b.first); }
    }
    if (state === "partial") {
      // The first screen shown early: the first partial list, and what is appended to it
      // until it holds 10; a list re-ordered or replaced later is not the first screen.
      const shown = links(), early = b.early;
      if (shown.length && early.length < 10 && shown.slice(0, early.length).join(" ") === early.join(" ")) b.early = shown;
    }
  };
  const watcher = new MutationObserver(look);
  watcher.observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  document.addEventListener("DOMContentLoaded", () => {
    if (document.querySelector("[data-search-marks]")) { b.marked = true; watcher.disconnect(); }
  });
})();"""

# True once the search is over and painted: the page's "complete" mark; else the state
# says complete, or (a page without states) the count text holds a number that has stayed
# on screen for `settle` ms.
DONE = """(settle) => {
  const b = window.__searchBench;
  if (!b) return false;
  if (b.marked) return b.marks.some(m => m[1] && m[1].stage === "complete");
  if (b.states.length) { const s = b.states[b.states.length - 1]; return s[1] === "complete" && s[2] !== null; }
  const last = b.counts[b.counts.length - 1];
  return !!last && /\\d/.test(last[1]) && last[2] !== null && performance.now() - last[2] >= settle;
}"""

# What was seen, the same shape for both kinds of page: first results and complete (page
# time, ms), the final count text, the early first screen, the final first ten, long tasks.
FINAL = """() => {
  const b = window.__searchBench;
  if (b.marked) {
    const shown = b.marks.filter(m => m[1] && m[1].links && m[1].links.length);
    const done = b.marks.find(m => m[1] && m[1].stage === "complete");
    // The early list is the first one shown with results (the newest shard may have none).
    const early = b.marks.find(m => m[1] && m[1].stage !== "complete" && m[1].links && m[1].links.length)
      || b.marks.find(m => m[1] && m[1].stage !== "complete");
    // The complete count can be on screen before the complete list (a saved word's "total").
    const counted = b.marks.find(m => m[1] && (m[1].total === done[1].count || m[1].stage === "complete"));
    return {first: shown.length ? shown[0][0] : done[0], complete: done[0], count: String(done[1].count), counted: counted[0],
            early: early ? early[1].links : [], final: done[1].links, long: b.long, by: "marks",
            stage: early ? early[1].stage : null};
  }
  const links = Array.from(document.querySelectorAll("[data-search-results] li, pagefind-results li, li.search-result")).slice(0, 10)
    .map(li => { const a = li.querySelector("a[href]"); return a ? a.getAttribute("href") : li.textContent.trim(); });
  const done = b.states.length ? [...b.states].reverse().find(s => s[1] === "complete") : b.counts[b.counts.length - 1];
  return {first: b.first && b.first[2], complete: done[2], count: b.counts.length ? b.counts[b.counts.length - 1][1] : "",
          early: b.early, final: links, long: b.long, by: "dom", stage: b.early.length ? "partial" : null};
}"""


@dataclass(frozen=True)
class Request:
    """One request the server answered: its path, status and body bytes."""

    path: str
    status: int
    size: int


class RequestLog:
    """Every request served, in order; `mark()` and `since()` cut out one search's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[Request] = []

    def add(self, request: Request) -> None:
        """Record one answered request (called from the server's threads)."""
        with self._lock:
            self._requests.append(request)

    def mark(self) -> int:
        """A position in the log to count from."""
        with self._lock:
            return len(self._requests)

    def since(self, mark: int) -> list[Request]:
        """The requests answered after `mark`."""
        with self._lock:
            return list(self._requests[mark:])


class _LoggingHandler(SimpleHTTPRequestHandler):
    """Serves `root` under `prefix` like GitHub Pages (max-age=600), logging each request."""

    prefix = "/"
    log: RequestLog

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_base_path__")
        return super().translate_path("/" + clean[len(self.prefix):])

    def end_headers(self) -> None:
        # GitHub Pages' header: a warm cache answers from disk for ten minutes without asking.
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        while chunk := source.read(64 * 1024):
            outputfile.write(chunk)
            self._sent += len(chunk)

    def handle_one_request(self) -> None:
        self._status, self._sent = 0, 0
        super().handle_one_request()
        if self._status:
            self.log.add(Request(getattr(self, "path", ""), self._status, self._sent))


@contextlib.contextmanager
def serve_logged(root: Path, prefix: str) -> Iterator[tuple[str, RequestLog]]:
    """Serve a built site on 127.0.0.1 under `prefix`; yields its base URL and the request log."""
    log = RequestLog()
    handler = type("Handler", (_LoggingHandler,), {"prefix": prefix, "log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}", log
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Sample:
    """One search as the reader saw it; times in ms from the start of the navigation."""

    query: str
    cache: str
    hits: int | None
    first_ms: float | None
    complete_ms: float | None
    requests: int
    kilobytes: float
    long_tasks: int  # over 200 ms, before the search completed
    longest_task_ms: float | None  # None where the browser has no longtask observer
    early_overlap: int | None  # of the first 10 shown while partial, how many are in the final 10
    final_top: tuple[str, ...]
    timed_by: str = "dom"  # "marks": the page's own performance marks; "dom": the MutationObserver
    early_stage: str | None = None  # what the early list was: "saved" (build-time list), "partial" (newest shard)
    count_ms: float | None = None  # the complete count on screen (before the complete list for a saved word)
    settled_s: float | None = None  # waited for Chromium to be quiet before the query was sent (None: not waited)


def count_of(text: str) -> int | None:
    """The number in a count text ("8.247 hasil untuk …" → 8247), None if it has none."""
    match = re.search(r"\d[\d.,\u00a0\u202f ]*", text)
    return int(re.sub(r"\D", "", match.group())) if match else None


def wait_until_quiet(cdp: Any, idle_s: float = 0.3, share: float = 0.1, timeout_s: float = 10.0) -> float:
    """Wait until Chromium's processes have used at most `share` of one core for `idle_s`
    (CDP SystemInfo.getProcessInfo, polled every 0.1 s); the seconds waited."""
    def cpu() -> float:
        return sum(p["cpuTime"] for p in cdp.send("SystemInfo.getProcessInfo")["processInfo"])

    start = time.monotonic()
    before, then, quiet_since = cpu(), start, start
    while time.monotonic() - start < timeout_s:
        time.sleep(0.1)
        used, now = cpu(), time.monotonic()
        # cpuTime counts in 10 ms steps: one step in 0.1 s is 10 % of a core.
        if used - before > share * (now - then) + 1e-6:
            quiet_since = now
        before, then = used, now
        if now - quiet_since >= idle_s:
            break
    return time.monotonic() - start


def search_once(context: Any, page_url: str, query: str, cache: str, log: RequestLog,
                settle_ms: int = 1500, timeout_ms: int = 120_000, cdp: Any = None) -> Sample:
    """Open the search page at ?q=QUERY in `context` (a Playwright browser context), time it;
    with `cdp` (a browser CDP session) the tab is opened first and the query sent once Chromium is quiet."""
    page = context.new_page()
    page.add_init_script(PROBE)
    settled = None
    if cdp is not None:
        page.goto("about:blank")
        settled = wait_until_quiet(cdp)
    mark = log.mark()
    try:
        page.goto(f"{page_url}?q={quote_plus(query)}", wait_until="commit")
        page.wait_for_function(DONE, arg=settle_ms, polling=100, timeout=timeout_ms)
        seen = page.evaluate(FINAL)
    finally:
        page.close()
    served = log.since(mark)
    complete = seen["complete"]
    long = [d for start, d in (seen["long"] or []) if start <= complete]
    early = seen["early"]
    return Sample(
        query=query, cache=cache, hits=count_of(seen["count"]), first_ms=seen["first"], complete_ms=complete,
        requests=len(served), kilobytes=sum(r.size for r in served) / 1000,
        long_tasks=sum(d > 200 for d in long),
        longest_task_ms=max(long, default=0.0) if seen["long"] is not None else None,
        early_overlap=len(set(early) & set(seen["final"])) if early else None,
        final_top=tuple(seen["final"]), timed_by=seen["by"], early_stage=seen["stage"],
        count_ms=seen.get("counted", complete), settled_s=settled)


def search_cold_and_warm(browser: Any, page_url: str, query: str, log: RequestLog,
                         settle: bool = True) -> list[Sample]:
    """The same search in a new browser context (empty cache), then again in that context;
    each sent once Chromium is quiet unless `settle` is false."""
    context = browser.new_context()
    cdp = browser.new_browser_cdp_session() if settle else None
    try:
        return [search_once(context, page_url, query, "cold", log, cdp=cdp),
                search_once(context, page_url, query, "warm", log, cdp=cdp)]
    finally:
        if cdp is not None:
            cdp.detach()
        context.close()


def launch(playwright: Any, executable: str) -> Any:
    """Chromium with the flags the project's browser tests use, headless."""
    from tests.browser import CHROMIUM_ARGS

    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
