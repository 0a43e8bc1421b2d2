"""How often Python's cyclic garbage collector runs in a sitegen process.

A build holds its whole site model (every story, page and digest) until the pages are
written, and makes millions of small objects that reference counting alone frees. With
Python's default thresholds the collector runs every 700 new objects and, as the heap
grows, walks the older generations again and again: about 15 % of the CPU time of a build
that publishes one story into a 10,000-story archive went to it. Running it every 50,000
new objects keeps collecting what does form cycles (Jinja's, Markdown plugins', in
`sitegen serve` across builds), with at most that many objects waiting.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)  # young objects before a collection; collections before an older one


def tune_collection() -> None:
    """Set the collector's thresholds for a process that builds sites (see module docstring)."""
    gc.set_threshold(*THRESHOLDS)
