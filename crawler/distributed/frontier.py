"""The shared frontier's idle rule and lease upkeep (an extension of every worker).

scrapy-redis gives the shared request queue and duplicate filter. On its own, on current Scrapy,
a worker quits as soon as its own engine is idle, while the others may still queue work, and a
worker's taken requests die with it (FINDINGS). Here:

- the idle rule: a worker stays open while the run is not yet seeded, the queue holds requests,
  or any worker holds a lease; the run ends when all are idle (or the coordinator aborted it);
- every TICK_SECONDS it acknowledges the leases Scrapy is done with and wakes an idle engine
  when the queue has work; once a second it renews this worker's leases, sends its heartbeat
  and requeues expired leases (a dead worker's).

Settings: REDIS_URL, ARCHIVE_NAMESPACE, ARCHIVE_WORKER.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from ..registry import lookup
from .keys import RunKeys, connect
from .leases import LeasedPriorityQueue, send_heartbeat

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1
RENEW_EVERY_TICKS = 10     # leases renewed, expired ones requeued, once a second


class SharedFrontier:
    """The idle rule, and lease upkeep every TICK_SECONDS."""

    def __init__(self, stats, redis_client, keys: RunKeys, worker: int):
        self.stats = stats
        self.redis = redis_client
        self.keys = keys
        self.worker = worker
        self.engine = None                          # the engine of the spider that opened
        self.queue: LeasedPriorityQueue | None = None
        self.loop: task.LoopingCall | None = None
        self.ticks = 0

    @classmethod
    def from_crawler(cls, crawler):
        redis_client, keys = connect(crawler.settings)
        ext = cls(crawler.stats, redis_client, keys, crawler.settings.getint("ARCHIVE_WORKER"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.engine = spider.crawler.engine
        # the scheduler opened before this signal: scrapy-redis has built the queue by now
        self.queue = lookup(spider.crawler, LeasedPriorityQueue)
        # counted in the fair share from the start, before its first pop
        send_heartbeat(self.redis, self.keys, self.worker)
        self.redis.incr(self.keys.ready)

    def engine_started(self):
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(TICK_SECONDS, now=True).addErrback(
            lambda f: logger.error("lease upkeep stopped: %s", f.getErrorMessage()))

    def _still_working(self) -> set:
        # Scrapy keeps no public list of the requests it is working on; the engine's slot has it.
        slot = getattr(self.engine, "_slot", None)
        return set(slot.inprogress) if slot is not None else set()

    def tick(self) -> None:
        import redis

        try:
            self._tick()
        except redis.RedisError as exc:     # a hiccup must not stop the renewals for good
            self.stats.inc_value("distributed/redis_errors")
            logger.error("lease upkeep: %s", exc)

    def _tick(self) -> None:
        queue = self.queue
        if queue is None:
            return
        self.ticks += 1
        upkeep = self.ticks % RENEW_EVERY_TICKS == 0
        acked = queue.settle(self._still_working(), renew=upkeep)
        if acked:
            self.stats.inc_value("distributed/acknowledged", acked)
        if upkeep:
            queue.heartbeat()
            requeued = queue.requeue_expired()
            if requeued:
                self.stats.inc_value("distributed/requeued_by_me", requeued)
                logger.warning("put %d expired leases back on the queue (a worker died?)", requeued)
        # Work that other workers queued while this one idles: ask the engine now, not at its 5 s
        # heartbeat (polling at 0.5 s gave the first worker twice the pages of the others on a short run).
        slot = getattr(self.engine, "_slot", None)
        if slot is not None and len(queue) and not self.engine.needs_backout():
            slot.nextcall.schedule()

    def spider_idle(self, spider):
        if self.queue is not None:
            self.queue.settle(self._still_working())
            self.queue.requeue_expired()
        if self.redis.get(self.keys.abort):
            logger.error("the run was aborted by its coordinator")
            return
        seeded = bool(self.redis.get(self.keys.seeded))
        waiting = self.redis.zcard(self.keys.queue)
        leased = self.redis.zcard(self.keys.leases)
        if not seeded or waiting or leased:
            self.stats.inc_value("distributed/idle_waits")
            raise DontCloseSpider
        logger.info("the shared queue is empty and no worker holds a lease: this worker is done")

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.queue is not None:
            self.queue.leave()
            if reason == "finished":
                self.queue.settle(set())
