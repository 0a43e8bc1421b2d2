"""Stage 10, search index: Pagefind over the built article pages.

Takes: the built output folder and the published articles. Gives: the Pagefind bundle
under `pagefind/`, in shards of whole years for large archives (pagefind.py), and the
bundle paths the search page loads, known at planning time.
"""
