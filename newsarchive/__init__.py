"""newsarchive: crawl a Chinese regional news portal into WARC files and one SQLite archive."""

from archive.vocabulary import SOFTWARE_VERSION as __version__  # the installed version (pyproject.toml)

__all__ = ["__version__"]
