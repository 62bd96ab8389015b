"""What a running crawl is doing, on stderr (issue 16: ``crawl`` was silent until it ended).

- On a terminal: one live line, rewritten every second: run, elapsed, pages, articles stored
  (new and edited), failures, queue, pages/s.
- Elsewhere (a log, cron): the same as a plain line every ARCHIVE_STATUS_INTERVAL seconds.
- With ARCHIVE_STATUS_JSON: a JSON object per line on stdout, for other tools
  (``{"status": "running", "run": 7, "pages": 523, …}``); the CLI ends the stream with the summary.

Settings: ARCHIVE_PROGRESS (auto, line or off: auto is a live line on a terminal and plain lines
elsewhere), ARCHIVE_STATUS_INTERVAL, ARCHIVE_STATUS_JSON.
"""

from __future__ import annotations

import json
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from .session import ArchiveSession


class ProgressReporter:
    def __init__(self, stats, run_id: int | None, interval: float, live: bool, as_json: bool, stream=None):
        self.stats = stats
        self.run_id = run_id
        self.interval = interval
        self.live = live
        self.as_json = as_json
        self.stream = stream or (sys.stdout if as_json else sys.stderr)
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        mode, as_json = s.get("ARCHIVE_PROGRESS", "auto"), s.getbool("ARCHIVE_STATUS_JSON")
        if mode == "off" and not as_json:
            raise NotConfigured
        live = not as_json and mode == "auto" and sys.stderr.isatty()
        session = ArchiveSession.for_crawler(crawler)
        reporter = cls(crawler.stats, session.run_id, 1.0 if live else
                       s.getfloat("ARCHIVE_STATUS_INTERVAL"), live, as_json)
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def status(self) -> dict:
        get = self.stats.get_value
        elapsed = time.monotonic() - self.started
        pages = get("response_received_count", 0)
        return {"status": "running", "run": self.run_id, "elapsed": round(elapsed, 1), "pages": pages,
                "articles": get("archive/articles", 0) + get("archive/interviews", 0),
                "articles_new": get("archive/articles_new", 0), "articles_edited": get("archive/articles_edited", 0),
                "failures": get("archive/failure", 0),
                "queue": max(0, get("scheduler/enqueued", 0) - get("scheduler/dequeued", 0)),
                "pages_per_second": round(pages / elapsed, 1) if elapsed > 0 else 0.0}

    def line(self, status: dict) -> str:
        minutes, seconds = divmod(int(status["elapsed"]), 60)
        return (f"run {status['run']} · {minutes}m{seconds:02d}s · {status['pages']} pages · articles "
                f"{status['articles_new']} new, {status['articles_edited']} edited · {status['failures']} failures · "
                f"queue {status['queue']} · {status['pages_per_second']} pages/s")

    def report(self) -> None:
        status = self.status()
        if self.as_json:
            self.stream.write(json.dumps(status, ensure_ascii=False) + "\n")
        elif self.live:
            self.stream.write("\r\x1b[K" + self.line(status))
        else:
            self.stream.write(self.line(status) + "\n")
        self.stream.flush()

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
