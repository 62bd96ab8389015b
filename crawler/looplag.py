"""How long the crawl's event loop stood still: the longest lag of a timer that should fire every
ARCHIVE_LOOP_LAG_INTERVAL seconds, in ``reactor/max_lag_ms``.

Everything of a crawl but the network waits runs in the reactor's thread (extraction of a page,
decompression, WARC writing, database writes); while one of them runs, no other request is
served. A page that takes long to handle shows here, whatever the reason (issue 12: a 15 MB page
once held the loop for minutes). ``bench/extract_limits.py --crawl`` reports it.

Settings: ARCHIVE_LOOP_LAG_INTERVAL (seconds; 0 switches the monitor off).
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class LoopLagMonitor:
    def __init__(self, stats, interval: float):
        self.stats = stats
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self._due = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("ARCHIVE_LOOP_LAG_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        monitor = cls(crawler.stats, interval)
        crawler.signals.connect(monitor.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(monitor.spider_closed, signal=signals.spider_closed)
        return monitor

    def spider_opened(self, spider) -> None:
        self._due = time.monotonic() + self.interval
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def tick(self) -> None:
        now = time.monotonic()
        self.stats.max_value("reactor/max_lag_ms", round(max(0.0, now - self._due) * 1000))
        self._due = now + self.interval

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
