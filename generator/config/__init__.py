"""Stage 1, settings: everything sitegen can be told, validated in one place.

Takes: site.toml and the command line. Gives: a frozen `SiteConfig` (site.py), with the
`[related]`, `[search]` and `[images]` tables as their own records (related.py, search.py,
images.py), and `BuildOptions` (options.py), the only place the clock enters a build.
No feature module is imported here: features import their settings from this package.
"""
