"""Several crawl workers on one shared frontier: scrapy-redis, with the gaps it has filled.

scrapy-redis gives the shared request queue and duplicate filter (``Scheduler``,
``RFPDupeFilter``). On its own, on current Scrapy, workers quit while the queue still has
work, a worker's taken requests die with it, and politeness is per process (FINDINGS). Here:

- ``LeasedPriorityQueue``: popping a request leases it (a sorted set of deadlines in Redis,
  taken in one Lua script, so a request is always either queued or leased). The worker renews
  the leases of requests it is still working on; a request is acknowledged when Scrapy has
  finished with it, callbacks and item pipelines included, which is after the requests it led
  to were queued. A lease that is not renewed (the worker died) expires and the request goes
  back on the queue. The same script keeps the split fair: a worker far ahead of the least busy
  live one is refused until that one catches up (FAIR_SHARE_RATIO, FAIR_SHARE_SLACK).
- ``SharedFrontier`` (extension): the idle rule. A worker stays open while the run is not yet
  seeded, the queue holds requests, or any worker holds a lease; the run ends when all are
  idle. Every 0.1 s it acknowledges finished leases and wakes an idle engine when the queue has
  work; once a second it renews the worker's leases and requeues expired ones.
- ``SharedHostClock``: the per-host clock of ``guard.PolitenessMiddleware`` (Crawl-delay,
  ARCHIVE_HOST_MAX_RATE, Retry-After) kept in Redis, on Redis's own clock, so that N workers
  together send no faster than one would. ``SharedPolitenessMiddleware`` feeds it,
  ``SharedClockDownloadHandler`` waits on it just before a request goes out.
- ``SharedRobotsTxtMiddleware``: robots.txt fetched (and archived) once per run, not once per worker.
- ``WorkerNewsSpider``: the news spider; only the seeding worker yields the start URLs.

Settings: REDIS_URL, ARCHIVE_NAMESPACE, ARCHIVE_WORKER, ARCHIVE_WORKERS, ARCHIVE_SEEDER, ARCHIVE_RUN_ID,
ARCHIVE_SHARD, ARCHIVE_LEASE_TIMEOUT (s), ARCHIVE_HOST_MAX_RATE (requests/s per host, all
workers together; 0: only Crawl-delay and Retry-After), ARCHIVE_ROBOTS_WAIT (s).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from scrapy_redis.queue import Base
from twisted.internet import defer, task

from archive.shards import ShardArchive
from archive.vocabulary import PID, SOFTWARE_VERSION, WORKER, run_warc_writer
from archive.store import now_iso
from extract import EXTRACTOR_VERSION

from .guard import PoliteDownloadHandler, PolitenessMiddleware
from .spiders.news import FEED_BATCH, NewsSpider

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1
RENEW_EVERY_TICKS = 10     # leases renewed, expired ones requeued, once a second
START_WAIT_SECONDS = 30
FAIR_SHARE_RATIO = 1.5     # no worker takes more than 1.5x the requests of the least busy live one,
FAIR_SHARE_SLACK = 8       # plus 8 (so that the first pops are not held back)
HEARTBEAT_WINDOW = 5.0     # s without a heartbeat (sent every second) before a worker counts as gone

# A lease is a token of its own (one per pop), so that a late acknowledgement of a lease that
# expired and was taken again by another worker cannot end the other worker's lease.
# KEYS: queue, leases, lease requests, lease priorities, lease counter, taken per worker, worker
# heartbeats. ARGV: lease seconds, worker, fair-share ratio, fair-share slack, heartbeat window (s).
# The request moves from the queue to a lease in one step, with a deadline on Redis's clock.
# Fair share: a worker that has taken ratio x the requests of the least busy live worker, plus the
# slack, is refused (0) until that worker catches up. Without it, on 2 cores, 3 workers split 120
# pages as unevenly as 157/77/106 when the OS favoured one process. A worker that stopped sending
# heartbeats (it died) no longer holds the others back once the window has passed.
_POP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZADD', KEYS[7], now, ARGV[2])
local mine = tonumber(redis.call('HGET', KEYS[6], ARGV[2]) or '0')
local least = mine
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], now - tonumber(ARGV[5]), '+inf')) do
  local n = tonumber(redis.call('HGET', KEYS[6], w) or '0')
  if n < least then least = n end
end
if mine >= least * tonumber(ARGV[3]) + tonumber(ARGV[4]) then return 0 end
local m = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #m == 0 then return false end
local token = tostring(redis.call('INCR', KEYS[5]))
redis.call('ZREM', KEYS[1], m[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), token)
redis.call('HSET', KEYS[3], token, m[1])
redis.call('HSET', KEYS[4], token, m[2])
redis.call('HINCRBY', KEYS[6], ARGV[2], 1)
return {token, m[1]}
"""
# KEYS: leases. ARGV: lease seconds, tokens. Only leases still held are renewed (XX).
_RENEW = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) + tonumber(t[2]) / 1e6 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[i]) end
return #ARGV - 1
"""
# KEYS: leases, lease requests, lease priorities. ARGV: tokens. Returns how many were still leased.
_ACK = """
local n = 0
for i = 1, #ARGV do
  n = n + redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return n
"""
# KEYS: queue, leases, lease requests, lease priorities, requeued counter. Expired leases go back on
# the queue.
_REAP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, token in ipairs(expired) do
  local request = redis.call('HGET', KEYS[3], token)
  local score = redis.call('HGET', KEYS[4], token) or '0'
  redis.call('ZREM', KEYS[2], token)
  redis.call('HDEL', KEYS[3], token)
  redis.call('HDEL', KEYS[4], token)
  if request then redis.call('ZADD', KEYS[1], score, request) end
end
if #expired > 0 then redis.call('INCRBY', KEYS[5], #expired) end
return #expired
"""
# KEYS: next-slot key, crawl delays hash. ARGV: host, minimum interval (ms). Milliseconds to wait,
# and the interval in force.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local interval = math.max(delay, tonumber(ARGV[2]))
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if interval > 0 or start > now then redis.call('SET', KEYS[1], start + interval, 'PX', 3600000) end
return {start - now, interval}
"""
# KEYS: last-sent key. ARGV: interval (ms). 0 and the send is recorded, or milliseconds still to wait.
# A worker that wakes late for its slot (its reactor was busy) must not send right before the next
# worker's on-time request: slots keep requests apart when granted, this when they leave.
_SEND = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '-1e15')
local interval = tonumber(ARGV[1])
if now < last + interval then return last + interval - now end
redis.call('SET', KEYS[1], now, 'PX', 3600000)
return 0
"""
# KEYS: next-slot key. ARGV: milliseconds to hold.
_HOLD = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then redis.call('SET', KEYS[1], until_ms, 'PX', 3600000) end
return until_ms
"""


class RunKeys:
    """The Redis keys of one distributed run, all under its namespace."""

    def __init__(self, namespace: str):
        self.namespace = namespace
        self.queue = f"{namespace}:requests"
        self.seen = f"{namespace}:seen"
        self.leases = f"{namespace}:leases"
        self.lease_request = f"{namespace}:lease-request"
        self.lease_priority = f"{namespace}:lease-priority"
        self.lease_counter = f"{namespace}:lease-counter"
        self.requeued = f"{namespace}:requeued"
        self.seeded = f"{namespace}:seeded"
        self.ready = f"{namespace}:ready"
        self.abort = f"{namespace}:abort"
        self.crawl_delay = f"{namespace}:crawl-delay"
        self.taken = f"{namespace}:taken"
        self.heartbeats = f"{namespace}:heartbeats"

    def robots(self, host: str) -> str:
        return f"{self.namespace}:robots:{host}"

    def robots_fetcher(self, host: str) -> str:
        return f"{self.namespace}:robots-fetcher:{host}"

    def host_clock(self, host: str) -> str:
        return f"{self.namespace}:next:{host}"

    def host_sent(self, host: str) -> str:
        return f"{self.namespace}:sent:{host}"


def send_heartbeat(server, keys: RunKeys, worker: int) -> None:
    """The worker is alive, on Redis's clock: its share counts in the fair-share rule."""
    seconds, micros = server.time()
    server.zadd(keys.heartbeats, {str(worker): seconds + micros / 1e6})


class LeasedPriorityQueue(Base):
    """scrapy-redis's priority queue, where a pop is a lease, not a removal."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        keys = RunKeys(spider.crawler.settings.get("ARCHIVE_NAMESPACE"))
        self.keys = keys
        self.lease_seconds = spider.crawler.settings.getfloat("ARCHIVE_LEASE_TIMEOUT", 60)
        self.worker = spider.crawler.settings.getint("ARCHIVE_WORKER")
        self.stats = spider.crawler.stats
        self._pop = server.register_script(_POP)
        self._renew = server.register_script(_RENEW)
        self._ack = server.register_script(_ACK)
        self._reap = server.register_script(_REAP)
        self.in_hand: dict[int, tuple[object, bytes]] = {}     # id(request) -> (request, lease token)
        spider.crawler._leased_queue = self

    def __len__(self) -> int:
        return self.server.zcard(self.key)

    def push(self, request) -> None:
        self.server.execute_command("ZADD", self.key, -request.priority, self._encode_request(request))

    def pop(self, timeout=0):
        k = self.keys
        taken = self._pop(keys=[self.key, k.leases, k.lease_request, k.lease_priority, k.lease_counter, k.taken,
                                k.heartbeats],
                          args=[self.lease_seconds, self.worker, FAIR_SHARE_RATIO, FAIR_SHARE_SLACK, HEARTBEAT_WINDOW])
        if taken == 0:
            self.stats.inc_value("distributed/fair_share_waits")
            return None
        if not taken:
            return None
        token, member = taken
        request = self._decode_request(member)
        self.in_hand[id(request)] = (request, token)
        return request

    def leases(self) -> int:
        return self.server.zcard(self.keys.leases)

    def settle(self, still_working: set, renew: bool = True) -> int:
        """Acknowledge the leases of requests no longer worked on; renew the others if ``renew``."""
        done = [key for key, (request, _) in self.in_hand.items() if request not in still_working]
        tokens = [self.in_hand.pop(key)[1] for key in done]
        if tokens:
            self._ack(keys=[self.keys.leases, self.keys.lease_request, self.keys.lease_priority], args=tokens)
        held = [token for _, token in self.in_hand.values()]
        if held and renew:
            self._renew(keys=[self.keys.leases], args=[self.lease_seconds, *held])
        return len(tokens)

    def requeue_expired(self) -> int:
        k = self.keys
        return int(self._reap(keys=[self.key, k.leases, k.lease_request, k.lease_priority, k.requeued]))

    def heartbeat(self) -> None:
        send_heartbeat(self.server, self.keys, self.worker)

    def leave(self) -> None:
        """This worker stops: it no longer holds the others back."""
        self.server.zrem(self.keys.heartbeats, str(self.worker))

    def clear(self) -> None:
        k = self.keys
        self.server.delete(self.key, k.leases, k.lease_request, k.lease_priority, k.lease_counter, k.taken,
                           k.heartbeats)


class WorkerSession:
    """What ``crawler.session.ArchiveSession`` is for a single-process crawl, for one worker:
    the worker's shard, its own WARC files (IIPC names carry host and PID), and the run the
    coordinator began."""

    def __init__(self, settings):
        data = Path(settings.get("ARCHIVE_DATA"))
        self.data_dir = data
        self.run_id = settings.getint("ARCHIVE_RUN_ID")
        worker = settings.getint("ARCHIVE_WORKER")
        site = settings.get("ARCHIVE_SITE") or "unknown"
        base_url = settings.get("ARCHIVE_BASE_URL")
        self.archive = ShardArchive(Path(settings.get("ARCHIVE_SHARD")), Path(settings.get("ARCHIVE_DB")
                                                                               or data / "archive.db"), worker)
        # The run's identity, as the coordinator began it, goes into this worker's files (a worker on
        # another host with an older copy of the archive has none: its own start time stands in).
        started, uid = self.archive.run_identity(self.run_id) or (now_iso(), None)
        self.archive.begin_run(site, EXTRACTOR_VERSION, SOFTWARE_VERSION, base_url, run_id=self.run_id,
                               started_at=started)
        self.warc = run_warc_writer(Path(settings.get("WARC_DIR") or data / "warc"), settings.get("WARC_PREFIX"),
                                    self.run_id, site, base_url, started,
                                    {"http-header-user-agent": settings.get("USER_AGENT"), "robots": "obey",
                                     # a string: warcio leaves out a field whose value is falsy (worker 0)
                                     WORKER: str(worker), PID: os.getpid()},
                                    settings.getint("WARC_MAX_SIZE"), uid)
        self.closed = False
        self.fatal: str | None = None      # as ArchiveSession.fatal
        self.halting = None                # the close that a fatal error scheduled

    def close(self) -> None:
        self.closed = True
        self.warc.close()
        self.archive.close()


class SharedFrontier:
    """The idle rule, and lease upkeep every TICK_SECONDS."""

    def __init__(self, crawler):
        import redis

        settings = crawler.settings
        self.crawler = crawler
        self.keys = RunKeys(settings.get("ARCHIVE_NAMESPACE"))
        self.redis = redis.Redis.from_url(settings.get("REDIS_URL"))
        self.loop: task.LoopingCall | None = None
        self.ticks = 0

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        # counted in the fair share from the start, before its first pop
        send_heartbeat(self.redis, self.keys, self.crawler.settings.getint("ARCHIVE_WORKER"))
        self.redis.incr(self.keys.ready)

    def engine_started(self):
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(TICK_SECONDS, now=True).addErrback(
            lambda f: logger.error("lease upkeep stopped: %s", f.getErrorMessage()))

    def _queue(self) -> LeasedPriorityQueue | None:
        return getattr(self.crawler, "_leased_queue", None)

    def _still_working(self) -> set:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        return set(slot.inprogress) if slot is not None else set()

    def tick(self) -> None:
        import redis

        try:
            self._tick()
        except redis.RedisError as exc:     # a hiccup must not stop the renewals for good
            self.crawler.stats.inc_value("distributed/redis_errors")
            logger.error("lease upkeep: %s", exc)

    def _tick(self) -> None:
        queue = self._queue()
        if queue is None:
            return
        self.ticks += 1
        upkeep = self.ticks % RENEW_EVERY_TICKS == 0
        acked = queue.settle(self._still_working(), renew=upkeep)
        if acked:
            self.crawler.stats.inc_value("distributed/acknowledged", acked)
        if upkeep:
            queue.heartbeat()
            requeued = queue.requeue_expired()
            if requeued:
                self.crawler.stats.inc_value("distributed/requeued_by_me", requeued)
                logger.warning("put %d expired leases back on the queue (a worker died?)", requeued)
        # Work that other workers queued while this one idles: ask the engine now, not at its 5 s
        # heartbeat (polling at 0.5 s gave the first worker twice the pages of the others on a short run).
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and len(queue) and not self.crawler.engine.needs_backout():
            slot.nextcall.schedule()

    def spider_idle(self, spider):
        queue = self._queue()
        if queue is not None:
            queue.settle(self._still_working())
            queue.requeue_expired()
        if self.redis.get(self.keys.abort):
            logger.error("the run was aborted by its coordinator")
            return
        seeded = bool(self.redis.get(self.keys.seeded))
        waiting = self.redis.zcard(self.keys.queue)
        leased = self.redis.zcard(self.keys.leases)
        if not seeded or waiting or leased:
            self.crawler.stats.inc_value("distributed/idle_waits")
            raise DontCloseSpider
        logger.info("the shared queue is empty and no worker holds a lease: this worker is done")

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        queue = self._queue()
        if queue is not None:
            queue.leave()
            if reason == "finished":
                queue.settle(set())


def _install_session(crawler) -> None:
    if getattr(crawler, "_archive_session", None) is None:
        crawler._archive_session = WorkerSession(crawler.settings)


class SharedHostClock:
    """Per host, the next moment a request may go out, kept in Redis on Redis's clock: one clock
    for all workers. The interval is the larger of the Crawl-delay (shared too) and
    1 / ARCHIVE_HOST_MAX_RATE."""

    def __init__(self, redis_client, keys: RunKeys, max_rate: float):
        self.redis = redis_client
        self.keys = keys
        self.min_interval = 1.0 / max_rate if max_rate > 0 else 0.0
        self._reserve = redis_client.register_script(_RESERVE)
        self._hold = redis_client.register_script(_HOLD)
        self._send = redis_client.register_script(_SEND)

    @classmethod
    def for_crawler(cls, crawler) -> "SharedHostClock":
        import redis

        clock = getattr(crawler, "_shared_host_clock", None)
        if clock is None:
            s = crawler.settings
            clock = cls(redis.Redis.from_url(s.get("REDIS_URL")), RunKeys(s.get("ARCHIVE_NAMESPACE")),
                        s.getfloat("ARCHIVE_HOST_MAX_RATE", 0.0))
            crawler._shared_host_clock = clock
        return clock

    def reserve(self, host: str) -> tuple[float, float]:
        """Take the host's next free slot: seconds to wait for it, and the interval (s) in force."""
        wait_ms, interval_ms = self._reserve(keys=[self.keys.host_clock(host), self.keys.crawl_delay],
                                             args=[host, int(self.min_interval * 1000)])
        return int(wait_ms) / 1000, int(interval_ms) / 1000

    def send(self, host: str, interval: float) -> float:
        """0 and the request to ``host`` is recorded as leaving now, or the seconds until the last one
        is ``interval`` behind (as ``PolitenessMiddleware.send``, on Redis's clock)."""
        return int(self._send(keys=[self.keys.host_sent(host)], args=[round(interval * 1000)])) / 1000

    def set_crawl_delay(self, host: str, delay: float) -> None:
        self.redis.hset(self.keys.crawl_delay, host, int(delay * 1000))

    def hold(self, host: str, seconds: float) -> None:
        self._hold(keys=[self.keys.host_clock(host)], args=[int(seconds * 1000)])


class SharedPolitenessMiddleware(PolitenessMiddleware):
    """Reads Crawl-delay and Retry-After as the single-process middleware does, into the shared
    clock. The clock is not read here but at the moment of sending, by
    ``SharedClockDownloadHandler``: a slot was taken here, Scrapy's own download slot (its delay,
    AutoThrottle) could hold the request back, and requests granted apart would go out together."""

    def __init__(self, crawler):
        s = crawler.settings
        super().__init__(crawler.stats, s.get("USER_AGENT"), s.getfloat("ARCHIVE_MAX_RETRY_AFTER", 600))
        self.clock = SharedHostClock.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        return None

    def set_crawl_delay(self, host: str, delay: float) -> None:
        self.clock.set_crawl_delay(host, delay)

    def hold(self, host: str, seconds: float) -> None:
        self.clock.hold(host, seconds)


class SharedClockDownloadHandler(PoliteDownloadHandler):
    """The polite handler on the shared clock: it first waits for the host's slot, then checks that
    the host's last request, whichever worker sent it, left at least the interval before."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.clock = SharedHostClock.for_crawler(crawler)

    async def wait_turn(self, host: str) -> None:
        wait, interval = self.clock.reserve(host)
        if wait > 0:
            self.crawler.stats.inc_value("politeness/waits")
            await asyncio.sleep(wait)
        await self.leave_apart(self.clock, host, interval)


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt fetched once per run, not once per worker: the first worker to ask for a host's
    file fetches (and archives) it and publishes the body in Redis; the others parse that. If the
    fetcher dies before it publishes, the others fetch it themselves after ARCHIVE_ROBOTS_WAIT seconds
    (DOWNLOAD_TIMEOUT + 10 by default)."""

    def __init__(self, crawler):
        import redis

        super().__init__(crawler)
        s = crawler.settings
        self.keys = RunKeys(s.get("ARCHIVE_NAMESPACE"))
        self.redis = redis.Redis.from_url(s.get("REDIS_URL"))
        self.worker = s.getint("ARCHIVE_WORKER")
        self.wait_seconds = s.getfloat("ARCHIVE_ROBOTS_WAIT", s.getfloat("DOWNLOAD_TIMEOUT", 30) + 10)

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        if netloc in self._parsers or self.redis.set(self.keys.robots_fetcher(netloc), self.worker, nx=True):
            return await super().robot_parser(request)      # known here, or this worker fetches it
        waiting = self._parsers[netloc] = defer.Deferred()
        published = await self._published(netloc)
        if published is None:                               # the fetcher died first: fetch it here
            logger.warning("robots.txt of %s was not published within %.0f s: fetching it here", netloc,
                           self.wait_seconds)
            del self._parsers[netloc]
            parser = await super().robot_parser(request)
            waiting.callback(parser)
            return parser
        self._stats.inc_value("robotstxt/shared")
        state, body = published
        if state != b"fetched":
            self._robots_error(IgnoreRequest("robots.txt could not be fetched by the worker that asked first"),
                               netloc)
            return None
        parser = build_from_crawler(self._parserimpl, self.crawler, body or b"")
        await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=parser,
                                                        request=request)
        self._parsers[netloc] = parser
        waiting.callback(parser)
        return parser

    async def _published(self, netloc: str) -> tuple[bytes, bytes | None] | None:
        """(state, body) as the fetching worker published them, or None if it did not in time."""
        deadline = time.monotonic() + self.wait_seconds
        while time.monotonic() < deadline:
            state, body = self.redis.hmget(self.keys.robots(netloc), "state", "body")
            if state is not None:
                return state, body
            await asyncio.sleep(0.05)
        return None

    async def _parse_robots(self, response, netloc, request):
        self.redis.hset(self.keys.robots(netloc), mapping={"state": "fetched", "body": response.body})
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc):
        if self.redis.hget(self.keys.robots(netloc), "state") is None:
            self.redis.hset(self.keys.robots(netloc), mapping={"state": "failed", "body": b""})
        super()._robots_error(exc, netloc)


class WorkerNewsSpider(NewsSpider):
    """The news spider as one worker of several: only the seeder yields the start URLs, and the
    URLs a sitemap or feed lists go to the shared queue at once (a single process keeps them in
    memory and asks for them when it runs dry; here that memory would die with the worker, and the
    others could stop while this one still held work)."""

    name = "news-worker"

    def parse(self, response):
        yield from super().parse(response)
        backlog = self._feed_backlog
        while backlog:
            yield from self._follow([backlog.popleft() for _ in range(min(FEED_BATCH, len(backlog)))])

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        _install_session(crawler)
        return spider

    async def start(self):
        import redis

        settings = self.crawler.settings
        keys = RunKeys(settings.get("ARCHIVE_NAMESPACE"))
        seeder = settings.getbool("ARCHIVE_SEEDER")
        client = redis.Redis.from_url(settings.get("REDIS_URL"))
        if seeder:
            # A fair start: the others are open before the first request is queued (a worker that
            # starts a second late would otherwise find the first listings taken).
            workers, deadline = settings.getint("ARCHIVE_WORKERS", 1), time.monotonic() + START_WAIT_SECONDS
            while int(client.get(keys.ready) or 0) < workers and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        async for request in super().start():     # the frontier is set up in every worker
            if seeder:
                yield request
        if seeder:
            # Every start request is in the shared queue by now (the engine schedules each one
            # before asking for the next): the others may stop once all are idle.
            client.set(keys.seeded, 1)
