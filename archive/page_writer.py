"""The crawl's second process: it reads the crawl's pages and writes its archive database.

A crawl keeps the network, the WARC files and navigation in its own (Scrapy) process; what needs no
reactor runs here, on the other core (``crawler.offload`` starts it, ``ARCHIVE_OFFLOAD``):

- ``("read", profile key, url, content type, body)``: the page read as ``extract.assemble.read_page``
  reads it, answered ``("page", record)`` (or the exception), in the order asked;
- ``("call", name, args)``: an ``archive.store.Archive`` write (a capture row with the id the crawl
  gave it, a page's records, a sitemap, a skipped or failed URL, the run's end), in the order sent.
  A write that fails is answered ``("error", name, exception)`` and the next one goes on;
- ``("ask", name, args)``: the same, answered ``("answer", result)``: ``commit``, ``run_row``, ``close``.

Writes keep the crawl's guarantees: the crawl sends a capture's row only once its WARC record is
written, every page's writes are one unit (all or none) in transactions committed at most
``commit_interval`` seconds apart (and whenever nothing is waiting), and after each commit the highest
capture id it made durable goes back as ``("committed", id)``. The process dies with the crawl
(``PR_SET_PDEATHSIG``): a kill -9 of the crawl loses what the last interval wrote here, as it did in
one process; those pages are in the WARC, and the next run fetches them again (``archive.recovery``).

Frames on both pipes are a 4-byte length and a pickle. No Scrapy here.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import select
import signal
import struct
import sys
import time

from extract.assemble import Capture, read_page
from extract.pool import profile_for
from .store import Archive, open_archive

_LENGTH = struct.Struct("<I")
_PR_SET_PDEATHSIG = 1


def frame(message) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def frames(buffer: bytearray) -> list:
    """The whole frames at the start of ``buffer``, taken out of it."""
    found, pos = [], 0
    while len(buffer) - pos >= 4:
        (size,) = _LENGTH.unpack_from(buffer, pos)
        if len(buffer) - pos - 4 < size:
            break
        found.append(pickle.loads(buffer[pos + 4:pos + 4 + size]))
        pos += 4 + size
    del buffer[:pos]
    return found


def _die_with_parent(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):     # not Linux: the closed pipe ends it instead
        pass
    if os.getppid() != parent:            # it died before the line above
        os._exit(1)


class PageWriter:
    def __init__(self, archive: Archive, out: int):
        self.archive = archive
        self.out = out
        self.profiles: dict = {}
        self.highest = 0           # the highest capture id written
        self.acknowledged = 0      # the highest one said to be committed

    def send(self, message) -> None:
        try:
            data = frame(message)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:   # an exception that does not pickle
            data = frame((*message[:-1], RuntimeError(f"{message[-1]!r} ({exc})")))
        while data:
            data = data[os.write(self.out, data):]

    def handle(self, message) -> bool:
        """Do what ``message`` asks; False once the crawl is done with this process."""
        kind = message[0]
        if kind == "read":
            _, key, url, content_type, body = message
            started = time.perf_counter()
            try:
                answer = read_page(Capture(url, 200, content_type, body), profile_for(self.profiles, key))
            except Exception as exc:     # noqa: BLE001 -- the crawl raises it where it waits for the page
                answer = exc
            self.send(("page", answer, round((time.perf_counter() - started) * 1000)))
            return True
        _, name, args = message
        try:
            result = getattr(self.archive, name)(*args)
        except Exception as exc:         # noqa: BLE001 -- the crawl counts it and decides
            self.send(("error", name, exc) if kind == "call" else ("answer", exc))
            return name != "close"
        if name == "add_numbered_capture":
            self.highest = result
        elif name == "store_page" and "article" in result:     # the crawl counts it (new, edited, ...)
            self.send(("stored", result["article"]))
        if kind == "ask":
            self.send(("answer", result))
        return name != "close"

    def acknowledge(self) -> None:
        """Say which captures are durable, once their transaction is committed."""
        if self.highest > self.acknowledged and not self.archive.db.conn.in_transaction:
            self.acknowledged = self.highest
            self.send(("committed", self.highest))


def serve(archive: Archive, inp: int, out: int) -> None:
    writer, buffer = PageWriter(archive, out), bytearray()
    refused = False          # the last commit of its own failed: wait for the crawl (it halts on a full disk)
    while True:
        waiting = frames(buffer)
        if not waiting:
            # nothing to do: commit what waits (the crawl may be reading it, a crash would lose it)
            timeout = None
            if archive.db.conn.in_transaction and not refused:
                timeout = max(0.0, archive.commit_interval - (time.monotonic() - archive._batch_began))
            if not select.select([inp], [], [], timeout)[0]:
                try:
                    archive.commit()
                except Exception as exc:     # noqa: BLE001 -- a full disk: the crawl counts it and decides
                    refused = True
                    writer.send(("error", "commit", exc))
                    continue
                writer.acknowledge()
                continue
            refused = False
            chunk = os.read(inp, 1 << 20)
            if not chunk:                 # the crawl is gone without a word: nothing more is written
                return
            buffer += chunk
            continue
        for message in waiting:
            if not writer.handle(message):
                return
        writer.acknowledge()


def main() -> None:
    db_path, commit_interval, parent = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    _die_with_parent(parent)
    inp, out = sys.stdin.buffer.fileno(), sys.stdout.buffer.fileno()
    # what else prints goes to stderr: stdout is the pipe
    sys.stdout = sys.stderr
    try:
        archive = Archive(open_archive(db_path), commit_interval=commit_interval)
        try:
            serve(archive, inp, out)
        finally:
            archive.db.close()
    except Exception as exc:     # noqa: BLE001 -- one line: the crawl says the writer ended (WriterGone)
        print(f"archive writer: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
