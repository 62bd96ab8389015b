"""robots.txt fetched (and archived) once per run, not once per worker.

The first worker to ask for a host's file fetches it, as Scrapy's ``RobotsTxtMiddleware`` does,
and publishes the body in Redis; the others parse that copy. If the fetcher dies before it
publishes, the others fetch it themselves after ARCHIVE_ROBOTS_WAIT seconds.

Switched off with ROBOTSTXT_OBEY, as Scrapy's middleware is (``NotConfigured``).

Settings: REDIS_URL, ARCHIVE_NAMESPACE, ARCHIVE_WORKER, ARCHIVE_ROBOTS_WAIT (s; DOWNLOAD_TIMEOUT + 10
by default).
"""

from __future__ import annotations

import asyncio
import logging
import time

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet import defer

from .keys import RunKeys, connect

logger = logging.getLogger(__name__)


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with the parsers of one run shared through Redis."""

    def __init__(self, crawler, redis_client, keys: RunKeys, worker: int, wait_seconds: float):
        super().__init__(crawler)       # Scrapy's middleware keeps the crawler for its parser and signals
        self.redis = redis_client
        self.keys = keys
        self.worker = worker
        self.wait_seconds = wait_seconds

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        redis_client, keys = connect(s)
        return cls(crawler, redis_client, keys, s.getint("ARCHIVE_WORKER"),
                   s.getfloat("ARCHIVE_ROBOTS_WAIT", s.getfloat("DOWNLOAD_TIMEOUT", 30) + 10))

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
