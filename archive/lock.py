"""One writer per data directory: an exclusive ``flock`` on ``DATA/.lock``.

The lock goes when the process does (a kill -9 included), so a crashed run never leaves a
stale lock behind; the file records who holds it, for the message of the run that waits.
"""

from __future__ import annotations

import fcntl
import os
import socket
from datetime import datetime, timezone
from pathlib import Path


class LockBusy(Exception):
    """Another process holds the data directory."""


class DataLock:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / ".lock"
        self._fh = None

    def acquire(self) -> "DataLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise LockBusy(f"{self.path.parent} is in use by {holder}") from None
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

    def __enter__(self) -> "DataLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
