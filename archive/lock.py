"""Exclusive ``flock`` locks: one writer per data directory (``DATA/.lock``), one per worker shard.

A lock goes when the process does (a kill -9 included, and before the process is a zombie: the
kernel closes its files as it exits), so a crashed writer never leaves a stale lock behind, and
a PID given to another program since is never mistaken for the writer. The file records who
holds it, for the message of the process that finds it taken.
"""

from __future__ import annotations

import fcntl
import os
import socket
from datetime import datetime, timezone
from pathlib import Path


class LockBusy(Exception):
    """Another process holds the lock."""


class FileLock:
    """An exclusive lock on ``path``, for whatever ``what`` names in the message when it is taken."""

    def __init__(self, path: Path, what: str | Path | None = None):
        self.path = Path(path)
        self.what = what or self.path
        self._fh = None

    def acquire(self) -> "FileLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise LockBusy(f"{self.what} is in use by {holder}") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()} since "
                 f"{datetime.now(timezone.utc).isoformat(timespec='seconds')}\n")
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def __enter__(self) -> "FileLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def is_held(path: Path) -> bool:
    """Whether a live process holds the lock on ``path`` now (taken and let go again at once)."""
    try:
        fh = open(path)
    except FileNotFoundError:
        return False
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def holder_pid(path: Path) -> int | None:
    """The PID the holder of the lock on ``path`` wrote in it (``pid N on HOST since TIME``)."""
    try:
        words = Path(path).read_text().split()
    except OSError:
        return None
    return int(words[1]) if len(words) > 1 and words[0] == "pid" and words[1].isdigit() else None


class DataLock(FileLock):
    """The data directory's lock: every command that writes there takes it."""

    def __init__(self, data_dir: Path):
        super().__init__(Path(data_dir) / ".lock", Path(data_dir))
