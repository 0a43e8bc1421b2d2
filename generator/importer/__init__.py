"""Bring an existing archive in: `sitegen import wordpress` and `sitegen import feed`.

Takes: a WordPress export (WXR) or an RSS/Atom feed, the site's settings, optionally a
local copy of the old site's uploads.
Gives: Markdown stories and pages in content/ with front matter (aliases for the old
URLs), photos in content/media/wp/, and a summary of what needs a look (docs/import.md).
"""
