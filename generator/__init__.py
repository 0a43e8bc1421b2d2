"""sitegen: a static site generator for news article archives."""

# The single source of the version: pyproject.toml reads it from here (hatch), and the
# build cache is keyed by it, so a new release never trusts an old cache.
__version__ = "0.1.0"
