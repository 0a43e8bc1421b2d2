"""Stage 6, plan: which template renders which URL with what data, and who owns each path.

Takes: `Content`, the related lists and `SiteConfig`. Gives: `SiteData` and one `Page` per
output page (pages.py), grouped listings (listings.py), feeds and sitemaps as text
(feeds.py, sitemaps.py); claims.py fails the build when two sources claim one path.
"""
