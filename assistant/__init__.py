"""Newsdesk: question answering over news articles with exact, checkable citations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsdesk")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
