"""Downloader middlewares that keep the crawl on its hosts and polite.

``AllowedHostsMiddleware`` refuses any request (redirect targets included) whose scheme is not
http(s) or whose host:port is not one of the profile's allowed hosts. Scrapy's own offsite
filter compares domain names only, so it would let ``127.0.0.1:other-port`` or a redirect to
another port through; this one runs before a connection is made, so a link to a private-range
address or a ``file:`` URL never leaves the machine.

``PolitenessMiddleware`` spaces requests to a host by the robots.txt ``Crawl-delay`` (and by
ARCHIVE_HOST_MAX_RATE requests/s when set) and waits out a ``Retry-After`` (capped by
ARCHIVE_MAX_RETRY_AFTER seconds) before the retry goes out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from protego import Protego
from scrapy.exceptions import IgnoreRequest

from .rawhead import RawHeadDownloadHandler
from .registry import shared

logger = logging.getLogger(__name__)


class OffsiteRefused(IgnoreRequest):
    """A request to a host the profile does not allow."""


class _CrawlerBound:
    """Holds the crawler (for its stats and its spider's profile)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class AllowedHostsMiddleware(_CrawlerBound):
    def process_request(self, request):
        parts = urlsplit(request.url)
        allowed = getattr(self.crawler.spider, "profile", None)
        if parts.scheme not in ("http", "https"):
            self.stats.inc_value("guard/refused/scheme")
            raise OffsiteRefused(f"refused: scheme {parts.scheme}")
        if allowed is not None and not allowed.is_allowed_host(request.url):
            self.stats.inc_value("guard/refused/offsite")
            raise OffsiteRefused(f"refused: offsite host {parts.netloc}")
        return None


class RedirectGuardMiddleware(_CrawlerBound):
    """Looks at a redirect before RedirectMiddleware follows it: a loop, or a jump to a host the
    profile does not allow, fails the request with that reason (Scrapy would otherwise drop the
    next hop quietly, in its duplicate filter or its offsite filter, and nothing would be recorded)."""

    def process_response(self, request, response):
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
        chain = list(request.meta.get("redirect_urls", [])) + [request.url]
        if target in chain:
            self.stats.inc_value("guard/redirect_loop")
            raise IgnoreRequest("redirect loop: " + " -> ".join(chain + [target]))
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            self.stats.inc_value("guard/refused/scheme_redirect")
            raise OffsiteRefused(f"refused: redirect to a {scheme or 'scheme-less'}: URL ({target[:80]})")
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is not None and not profile.is_allowed_host(target):
            self.stats.inc_value("guard/refused/offsite_redirect")
            raise OffsiteRefused(f"refused: redirect to offsite host {urlsplit(target).netloc or target}")
        return response


def _retry_after_seconds(value: bytes | None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class HostClock:
    """Per host, in this process: the next free slot (at most one request per ``interval``, the
    larger of robots.txt ``Crawl-delay`` and 1 / ARCHIVE_HOST_MAX_RATE, none before a
    ``Retry-After`` has passed) and when the last request left.

    One per crawler (``crawler.registry``), shared by ``PolitenessMiddleware``, which feeds it and
    takes slots, and ``PoliteDownloadHandler``, which checks it as a request leaves.
    ``crawler.distributed.clock.SharedHostClock`` keeps the same clock in Redis, so that N workers
    together are as polite as one.
    """

    def __init__(self, max_rate: float = 0.0):
        self.min_interval = 1.0 / max_rate if max_rate > 0 else 0.0
        self.crawl_delay: dict[str, float] = {}
        self.next_at: dict[str, float] = {}
        self.last_sent: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler) -> "HostClock":
        return cls(crawler.settings.getfloat("ARCHIVE_HOST_MAX_RATE", 0.0))

    def interval(self, host: str) -> float:
        return max(self.crawl_delay.get(host, 0.0), self.min_interval)

    def reserve(self, host: str) -> float:
        """Take the host's next free slot; seconds to wait for it."""
        now = time.monotonic()
        start = max(now, self.next_at.get(host, 0.0))
        self.next_at[host] = start + self.interval(host)
        return start - now

    def send(self, host: str, interval: float) -> float:
        """0 and the request to ``host`` is recorded as leaving now, or the seconds until the last one
        is ``interval`` behind."""
        now = time.monotonic()
        late = self.last_sent.get(host, float("-inf")) + interval - now
        if late > 0:
            return late
        self.last_sent[host] = now
        return 0.0

    def set_crawl_delay(self, host: str, delay: float) -> None:
        self.crawl_delay[host] = delay

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` for ``seconds`` (a Retry-After)."""
        self.next_at[host] = max(self.next_at.get(host, 0.0), time.monotonic() + seconds)


class PolitenessMiddleware:
    """Feeds the crawler's host clock (robots.txt ``Crawl-delay``, ``Retry-After`` capped by
    ARCHIVE_MAX_RETRY_AFTER) and holds each request until the host's slot comes.

    ``clock_class`` is the clock it shares with the download handler: ``HostClock`` here,
    ``SharedHostClock`` in ``crawler.distributed.clock.SharedPolitenessMiddleware``.
    """

    clock_class = HostClock

    def __init__(self, stats, user_agent: str, max_retry_after: float, clock):
        self.stats = stats
        self.user_agent = user_agent
        self.max_retry_after = max_retry_after
        self.clock = clock

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler.stats, s.get("USER_AGENT"), s.getfloat("ARCHIVE_MAX_RETRY_AFTER", 600),
                   shared(crawler, cls.clock_class))

    async def process_request(self, request):
        wait = self.clock.reserve(urlsplit(request.url).netloc)
        if wait > 0:
            self.stats.inc_value("politeness/waits")
            await asyncio.sleep(wait)
        return None

    def process_response(self, request, response):
        host = urlsplit(request.url).netloc
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            delay = Protego.parse(response.text if hasattr(response, "text") else response.body.decode("utf-8",
                                  "replace")).crawl_delay(self.user_agent)
            if delay:
                self.clock.set_crawl_delay(host, float(delay))
                self.stats.set_value("politeness/crawl_delay", float(delay))
                logger.info("robots.txt of %s asks for Crawl-delay %s s", host, delay)
        if response.status in (429, 503):
            wait = _retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                self.clock.hold(host, min(wait, self.max_retry_after))
                self.stats.inc_value("politeness/retry_after")
        return response


class PoliteDownloadHandler(RawHeadDownloadHandler):
    """Scrapy's HTTP/1.1 handler (keeping each response's head as sent: ``crawler.rawhead``), which
    checks, as a request leaves, that the host's last request left at least the politeness interval
    before. ``PolitenessMiddleware`` grants slots an interval apart, but a request that wakes late
    for its slot (the process was busy parsing) would leave right before the next one's on-time
    slot: 0.56 s then 0.44 s at a Crawl-delay of 0.5 s.
    ``crawler.distributed.clock.SharedClockDownloadHandler`` does the same on the shared clock."""

    clock_class = HostClock

    def __init__(self, crawler):
        super().__init__(crawler)      # Scrapy builds download handlers from the crawler alone
        self.stats = crawler.stats
        self.clock = shared(crawler, self.clock_class)

    async def leave_apart(self, host: str, interval: float) -> None:
        """Wait until the clock records the request to ``host`` as leaving ``interval`` after the last one."""
        while interval > 0:
            late = self.clock.send(host, interval)
            if late <= 0:
                return
            self.stats.inc_value("politeness/late_waits")
            await asyncio.sleep(late)

    async def download_request(self, request):
        await self.wait_turn(urlsplit(request.url).netloc)
        return await super().download_request(request)

    async def wait_turn(self, host: str) -> None:
        await self.leave_apart(host, self.clock.interval(host))
