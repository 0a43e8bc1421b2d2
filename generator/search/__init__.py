"""Stage 10, search index: Pagefind over the built article pages.

Takes: the built output folder, the published articles, their pages' fingerprints and the
last build's index state. Gives: the Pagefind shards under `pagefind/` (shards.py lays
them out, incremental.py runs Pagefind only for shards whose pages changed, overlay.py
keeps a sealed shard's changes in the corrections bundle, pagefind.py runs it) and
`pagefind/shards.json`, which the search page reads.
"""
