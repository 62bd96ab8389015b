"""Pages read (``extract.assemble.read_page``) in other processes, answers in the order asked.

A reparse reads its WARC files and writes its database in one process; reading pages is most of
its work and needs nothing but the capture and the profile, so ``processes`` workers do it while
the first reads and writes (``newsarchive reparse --jobs N``). The caller asks with ``submit`` and
takes each answer with ``result``, in the same order: the records it stores, and the capture ids
they name, come out as a single process makes them.

Pages go in batches (one message of ``batch`` pages, one answer) and round robin over the workers:
a message per page cost more than a small page's reading. Workers are forked: they start at once
with what the parent has imported, and hold nothing of the parent's but its modules (the parent's
database is never touched in a worker). A worker ends when its pipe closes, the parent's death
included. Batches are sent by a thread of the parent: a worker blocked writing a large answer
the parent has not read yet, while the parent blocks writing the next batch, would wait forever.

Pure Python: no Scrapy, no database.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections import deque

from .assemble import Capture, read_page
from .profile import ProfileError, load_profile

ProfileKey = tuple[str, str | None]      # (profile name or path, base URL): what load_profile takes


def profile_for(cache: dict, key: ProfileKey):
    """The profile ``key`` names, loaded once per process (None where it cannot be loaded)."""
    if key not in cache:
        try:
            cache[key] = load_profile(*key)
        except ProfileError:          # the parent reads with no profile too (its warning says why)
            cache[key] = None
    return cache[key]


def _serve(conn) -> None:
    """A worker: each message is a batch of (profile key, url, content type, body); the answer is
    their records, or the exception a page raised (the parent raises it in its turn)."""
    profiles: dict = {}
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:                  # the pool closes
            return
        answers = []
        for key, url, content_type, body in batch:
            try:
                answers.append(read_page(Capture(url, 200, content_type, body), profile_for(profiles, key)))
            except Exception as exc:       # noqa: BLE001 -- handed to the parent, which raises it
                answers.append(exc)
        conn.send(answers)


class ExtractionPool:
    def __init__(self, processes: int, batch: int = 8):
        context = multiprocessing.get_context("fork")
        self.batch = batch
        self._workers = []
        for _ in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child,), daemon=True)
            process.start()
            child.close()
            self._workers.append((process, parent))
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="extract-pool-sender", daemon=True)
        self._sender.start()
        self._filling: list = []
        self._sent: deque = deque()        # the connection of each batch sent, in order
        self._answers: deque = deque()     # answers of the oldest batch received, not yet taken
        self._next = 0

    def submit(self, key: ProfileKey, capture: Capture) -> None:
        """Read ``capture`` (a page, ``extract.assemble.may_read``) with the profile ``key`` names."""
        self._filling.append((key, capture.url, capture.content_type, capture.body))
        if len(self._filling) >= self.batch:
            self._send()

    def _send(self) -> None:
        process, conn = self._workers[self._next]
        self._next = (self._next + 1) % len(self._workers)
        self._outbox.put((conn, self._filling))
        self._sent.append(conn)
        self._filling = []

    def _send_all(self) -> None:
        while (item := self._outbox.get()) is not None:
            conn, batch = item
            try:
                conn.send(batch)
            except OSError:            # closed: the pool is closing, or the worker died (result() says)
                pass

    def result(self):
        """The record of the oldest page submitted and not yet taken."""
        if not self._answers:
            if not self._sent:
                self._send()
            self._answers.extend(self._sent.popleft().recv())
        answer = self._answers.popleft()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        # a worker forked after another holds a copy of that one's pipe: closing it is no EOF there
        for _, conn in self._workers:
            self._outbox.put((conn, None))
        self._outbox.put(None)
        self._sender.join(timeout=5)
        for process, conn in self._workers:
            conn.close()
        for process, _ in self._workers:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        self._workers = []

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
