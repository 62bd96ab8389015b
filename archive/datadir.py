"""Check a data directory before a command writes to it, so that what is wrong is one line.

Without these checks the first sign of a file where ``warc/`` should be, a read-only or
immutable directory, or a damaged ``archive.db`` was a traceback from deep inside a crawl
(issue 12). Each check raises ``DataDirError`` with the path and what to do.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

# What a crawl writes below the data directory.
SUBDIRECTORIES = ("warc", "logs", "indexes")


class DataDirError(Exception):
    """The data directory, or something in it, cannot be used as it is."""


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _writable_directory(path: Path, what: str) -> None:
    if path.exists() and not path.is_dir():
        raise DataDirError(f"{path} is not a directory (the {what} goes there): move the file away")
    try:
        path.mkdir(parents=True, exist_ok=True)
        # access() says nothing of an immutable directory (chattr +i) or a read-only mount for root:
        # only a real write tells.
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise DataDirError(f"cannot write in {path} ({what}): {_describe(exc)}") from None


def check_database(db_path: Path, *, write: bool) -> None:
    """``archive.db`` is an SQLite database we can read (and write, with ``write``)."""
    if not db_path.exists():
        return
    if db_path.is_dir():
        raise DataDirError(f"{db_path} is a directory, not the archive database")
    if write and not os.access(db_path, os.W_OK):
        raise DataDirError(f"cannot write {db_path}: permission denied")
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode={'rw' if write else 'ro'}", uri=True, timeout=30)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if write:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DataDirError(f"{db_path} cannot be used: {exc} (restore it, or rebuild it from the WARC files "
                           f"with `newsarchive reparse`)") from None


def check_data_dir(data: Path, *, write: bool = True) -> None:
    """The data directory and what a crawl writes in it are usable."""
    data = Path(data)
    if write:
        _writable_directory(data, "data directory")
        for name in SUBDIRECTORIES:
            _writable_directory(data / name, f"{name} folder")
    elif not data.is_dir():
        raise DataDirError(f"{data} is not a data directory (no such directory)")
    check_database(data / "archive.db", write=write)
