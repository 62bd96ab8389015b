"""Downloader middlewares that keep the crawl on its hosts and polite.

``AllowedHostsMiddleware`` refuses any request (redirect targets included) whose scheme is not
http(s) or whose host:port is not one of the profile's allowed hosts. Scrapy's own offsite
filter compares domain names only, so it would let ``127.0.0.1:other-port`` or a redirect to
another port through; this one runs before a connection is made, so a link to a private-range
address or a ``file:`` URL never leaves the machine.

``PolitenessMiddleware`` spaces requests to a host by the robots.txt ``Crawl-delay`` and waits
out a ``Retry-After`` (capped by ARCHIVE_MAX_RETRY_AFTER seconds) before the retry goes out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from protego import Protego
from scrapy.exceptions import IgnoreRequest

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


class PolitenessMiddleware:
    def __init__(self, stats, user_agent: str, max_retry_after: float):
        self.stats = stats
        self.user_agent = user_agent
        self.max_retry_after = max_retry_after
        self.crawl_delay: dict[str, float] = {}
        self.next_at: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler.stats, s.get("USER_AGENT"), s.getfloat("ARCHIVE_MAX_RETRY_AFTER", 600))

    async def process_request(self, request):
        host = urlsplit(request.url).netloc
        delay = self.crawl_delay.get(host, 0.0)
        now = time.monotonic()
        start = max(now, self.next_at.get(host, 0.0))
        self.next_at[host] = start + delay
        if start > now:
            self.stats.inc_value("politeness/waits")
            await asyncio.sleep(start - now)
        return None

    def process_response(self, request, response):
        host = urlsplit(request.url).netloc
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            delay = Protego.parse(response.text if hasattr(response, "text") else response.body.decode("utf-8",
                                  "replace")).crawl_delay(self.user_agent)
            if delay:
                self.crawl_delay[host] = float(delay)
                self.stats.set_value("politeness/crawl_delay", float(delay))
                logger.info("robots.txt of %s asks for Crawl-delay %s s", host, delay)
        if response.status in (429, 503):
            wait = _retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                wait = min(wait, self.max_retry_after)
                self.next_at[host] = max(self.next_at.get(host, 0.0), time.monotonic() + wait)
                self.stats.inc_value("politeness/retry_after")
        return response
