"""Politeness shared by all workers: one per-host clock in Redis, on Redis's own clock.

``SharedHostClock`` is ``crawler.guard.HostClock`` (Crawl-delay, ARCHIVE_HOST_MAX_RATE,
Retry-After) kept in Redis, so that N workers together send no faster than one would.
``SharedPolitenessMiddleware`` feeds it; ``SharedClockDownloadHandler`` waits on it just before a
request goes out. Both get the crawler's one clock through ``crawler.registry``.

Settings: REDIS_URL, ARCHIVE_NAMESPACE, ARCHIVE_HOST_MAX_RATE (requests/s per host, all workers
together; 0: only Crawl-delay and Retry-After).
"""

from __future__ import annotations

import asyncio

from ..guard import PoliteDownloadHandler, PolitenessMiddleware
from .keys import RunKeys, connect

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
    def from_crawler(cls, crawler) -> "SharedHostClock":
        redis_client, keys = connect(crawler.settings)
        return cls(redis_client, keys, crawler.settings.getfloat("ARCHIVE_HOST_MAX_RATE", 0.0))

    def reserve(self, host: str) -> tuple[float, float]:
        """Take the host's next free slot: seconds to wait for it, and the interval (s) in force."""
        wait_ms, interval_ms = self._reserve(keys=[self.keys.host_clock(host), self.keys.crawl_delay],
                                             args=[host, int(self.min_interval * 1000)])
        return int(wait_ms) / 1000, int(interval_ms) / 1000

    def send(self, host: str, interval: float) -> float:
        """0 and the request to ``host`` is recorded as leaving now, or the seconds until the last one
        is ``interval`` behind (as ``HostClock.send``, on Redis's clock)."""
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

    clock_class = SharedHostClock

    async def process_request(self, request):
        return None


class SharedClockDownloadHandler(PoliteDownloadHandler):
    """The polite handler on the shared clock: it first waits for the host's slot, then checks that
    the host's last request, whichever worker sent it, left at least the interval before."""

    clock_class = SharedHostClock

    async def wait_turn(self, host: str) -> None:
        wait, interval = self.clock.reserve(host)
        if wait > 0:
            self.stats.inc_value("politeness/waits")
            await asyncio.sleep(wait)
        await self.leave_apart(host, interval)
