"""newsarchive: crawl a Chinese regional news portal into WARC files and one SQLite archive."""

__version__ = "0.1.0"
