"""Stage 8, render: a planned page into HTML.

Takes: a `Page`, `SiteData` and the theme. Gives: the page's text: its template (templates.py)
with its data, its Markdown body and its structured data (seo.py), put together by
renderer.py in the build's worker processes.
"""
