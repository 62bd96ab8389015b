"""The crawl's second process, from the crawl's side: pages read and the database written on the other
core (``archive.page_writer``), the network, the WARC files and navigation kept here.

- ``WriterProcess`` starts ``python -m archive.page_writer`` on two pipes. Messages go out with
  non-blocking writes, what the pipe does not take yet waiting for the event loop to say it can
  (``add_writer``; a thread that wrote them cost 0.3 ms a page in hand-overs of the GIL), and answers
  come in on the event loop (``add_reader``); ``read_page`` is awaited by the spider, ``ask`` waits
  (only as the run ends).
- ``crawler.offloaded_archive.OffloadedArchive`` is the archive the rest of the crawl holds, writing
  through it.

A write that fails in the writer comes back as an error: counted in ``archive/errors``, and a full
disk (or a writer that died) stops the crawl, as in one process (``crawler.lifecycle.halt``).

Settings: ARCHIVE_OFFLOAD (``crawler.session`` starts the writer).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import select
import subprocess
import sys
from collections import deque
from pathlib import Path

import archive
from archive.page_writer import frame, frames

logger = logging.getLogger(__name__)
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
ROOT = Path(archive.__file__).resolve().parent.parent


class WriterGone(RuntimeError):
    """The writer process ended before the crawl was done with it."""


class WriterProcess:
    def __init__(self, db_path: Path, commit_interval: float, on_error=None, on_committed=None):
        # from the tree this code came from, whatever the working directory (a checkout's own modules)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "archive.page_writer", str(Path(db_path).resolve()), str(commit_interval),
             str(os.getpid())], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
        self.on_error = on_error or (lambda name, exc: logger.error("archive writer: %s failed: %s", name, exc))
        self.on_committed = on_committed or (lambda highest: None)
        self.on_stored = lambda article: None      # an article stored: new, edited, unchanged or mirror
        self._in_fd = self.proc.stdin.fileno()
        os.set_blocking(self._in_fd, False)
        self._unsent = bytearray()            # what the pipe did not take yet
        self._flushing = self._waiting = False      # a write is due at the loop's turn / when the pipe takes it
        try:                                  # Linux: a page or two fit at once (64 KB by default)
            fcntl.fcntl(self._in_fd, F_SETPIPE_SZ, 1 << 20)
            fcntl.fcntl(self.proc.stdout.fileno(), F_SETPIPE_SZ, 1 << 20)
        except OSError:
            pass
        self._fd = self.proc.stdout.fileno()
        os.set_blocking(self._fd, False)
        self._buffer = bytearray()
        self._pages: deque = deque()       # futures of the pages asked for, in order
        self._answers: deque = deque()     # slots of the questions asked, in order
        self._loop = None
        self.gone: str | None = None

    # -- out --------------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        """Out in order: gathered during the event loop's turn and written once at its end (a write
        per message cost more than the copy)."""
        self._unsent += data
        if self._loop is None:
            return
        if not self._flushing:
            self._flushing = True
            self._loop.call_soon(self._writable)

    def _attach(self) -> bool:
        """Answers read on the event loop, from the first call made while it runs."""
        if self._loop is None:
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:           # not running yet: what waits goes with the next call
                return False
            self._loop.add_reader(self._fd, self._readable)
            if self._unsent:
                self._flushing = True
                self._loop.call_soon(self._writable)
        return True

    def _writable(self) -> None:
        self._write_some()
        if self._unsent and not self._waiting:
            self._waiting = True           # the pipe is full: the loop says when it takes more
            self._loop.add_writer(self._in_fd, self._writable)
        elif not self._unsent:
            if self._waiting:
                self._waiting = False
                self._loop.remove_writer(self._in_fd)
            self._flushing = False

    def _flush(self) -> None:
        """Everything unsent written, waiting as long as it takes (outside the event loop's turn)."""
        while self._unsent and not self.gone:
            select.select([self._fd], [self._in_fd], [], 1.0)
            self._readable()                 # the writer may be waiting for us to read
            self._write_some()

    def _write_some(self) -> None:
        try:
            del self._unsent[:os.write(self._in_fd, self._unsent)]
        except BlockingIOError:
            pass
        except OSError:
            self._unsent.clear()

    def call(self, name: str, *args) -> None:
        """An archive write, in order; its failure comes back through ``on_error``."""
        self._attach()
        self._send(frame(("call", name, args)))

    def read_page(self, key, capture) -> asyncio.Future:
        """The page ``capture`` holds, read in the writer (``extract.assemble.read_page``): (its record,
        the milliseconds reading it took there)."""
        self._attach()
        future = self._loop.create_future()
        if self.gone:
            future.set_exception(WriterGone(self.gone))
            return future
        self._pages.append(future)
        self._send(frame(("read", key, capture.url, capture.content_type, capture.body)))
        return future

    def ask(self, name: str, *args):
        """An archive call whose answer is waited for here (the run's end): its result, or its exception."""
        if self.gone:
            raise WriterGone(self.gone)
        slot: list = []
        self._answers.append(slot)
        self._send(frame(("ask", name, args)))
        self._flush()
        while not slot:
            select.select([self._fd], [], [], 1.0)
            self._readable()
            if self.gone and not slot:
                raise WriterGone(self.gone)
        if isinstance(slot[0], BaseException):
            raise slot[0]
        return slot[0]

    # -- in ---------------------------------------------------------------------------------
    def _readable(self) -> None:
        while True:
            try:
                chunk = os.read(self._fd, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                self._ended()
                break
            self._buffer += chunk
        for message in frames(self._buffer):
            kind = message[0]
            if kind == "page":
                future = self._pages.popleft()
                if future.cancelled():
                    pass
                elif isinstance(message[1], BaseException):
                    future.set_exception(message[1])
                else:
                    future.set_result(message[1:])
            elif kind == "answer":
                self._answers.popleft().append(message[1])
            elif kind == "error":
                self.on_error(message[1], message[2])
            elif kind == "committed":
                self.on_committed(message[1])
            elif kind == "stored":
                self.on_stored(message[1])

    def _ended(self) -> None:
        if self.gone:
            return
        code = self.proc.poll()
        self.gone = f"the archive writer process ended (exit {code})" if code is not None else \
            "the archive writer process closed its pipe"
        if self._loop is not None:
            self._loop.remove_reader(self._fd)
        self.on_error("the writer", WriterGone(self.gone))
        while self._pages:
            future = self._pages.popleft()
            if not future.done():
                future.set_exception(WriterGone(self.gone))

    def close(self) -> None:
        """Let the writer finish (``ask("close")`` first) and end."""
        self._flush()
        if self._loop is not None and not self.gone:
            self._loop.remove_reader(self._fd)
            if self._waiting:
                self._loop.remove_writer(self._in_fd)
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
