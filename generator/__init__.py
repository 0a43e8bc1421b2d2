"""sitegen: a static site generator for news article archives."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sitegen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
