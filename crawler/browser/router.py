"""Every request a rendered page makes, answered through the crawl's own downloader.

The browser fetches nothing itself. Each request it makes becomes a Scrapy request downloaded with
``engine.download_async``: the downloader middlewares apply as to any request of the crawl (allowed
hosts by exact host:port, robots.txt, politeness and Crawl-delay, retries, size caps, the redirect
guard), and the WARC recorder writes it as an ordinary request/response pair on
``response_downloaded``. The browser is then answered with that response: the body decoded
(Content-Encoding undone by HttpCompressionMiddleware), its headers less the encoding and length
that no longer describe it. A refused request is aborted, and recorded as a failure of the page.

A URL the crawl has already downloaded this run is answered from that response
(``crawler.browser.responses``), as the crawl asks for every URL once per run. The page's own
document is not fetched again either: the crawl has already archived it, and the spider
decided to render it from that response. It is served from that response, so the rendered DOM
is the rendering of exactly the bytes in the WARC (a second fetch could differ, and would count
a hit twice on a site that counts them). Other navigations of the top frame (a script sending the
page elsewhere) are aborted: the page being rendered is the one that was captured.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from ..failures import describe_failure
from ..items import FailureItem

logger = logging.getLogger(__name__)

# What the downloader sets itself (our User-Agent, its own Accept-Encoding), or what no longer
# holds once the body is decoded.
_REQUEST_HEADERS_DROPPED = {"user-agent", "accept-encoding", "host", "connection", "content-length", "cookie"}
_RESPONSE_HEADERS_DROPPED = {"content-encoding", "content-length", "transfer-encoding"}
_VIDEO = re.compile(r"\.(mp4|m4v|webm|flv|mov|avi|wmv|m3u8|ts)$", re.I)


@dataclass(frozen=True)
class Document:
    """The page's response as the crawl archived it, to serve to the browser."""
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def browser_headers(headers) -> dict[str, str]:
    """Scrapy's response headers as Playwright takes them (repeated names joined; Set-Cookie by lines)."""
    out: dict[str, str] = {}
    for name, values in headers.items():
        key = name.decode("latin-1")
        if key.lower() in _RESPONSE_HEADERS_DROPPED:
            continue
        out[key] = ("\n" if key.lower() == "set-cookie" else ", ").join(v.decode("latin-1") for v in values)
    return out


class BrowserRouter:
    """Answers the requests of one page being rendered; collects what was refused or failed."""

    def __init__(self, crawler, document: Document, video_max_size: int, fetched: Callable[[str], None],
                 downloaded=None):
        self.crawler = crawler
        self.downloaded = downloaded              # crawler.browser.responses: what the run already has
        self.stats = crawler.stats
        self.document = document
        self.video_max_size = video_max_size
        self.fetched = fetched                     # told of every URL downloaded for the browser
        self.failures: list[FailureItem] = []
        self.in_flight = 0
        self.last_change = time.monotonic()

    async def settled(self, quiet: float) -> None:
        """Return once no request has been in flight for ``quiet`` seconds (scripts that fetch
        after ``load``, such as a JSON ranking filled on DOM ready, have had their answers)."""
        while self.in_flight or time.monotonic() - self.last_change < quiet:
            await asyncio.sleep(0.05)

    async def handle(self, route) -> None:
        self.in_flight += 1
        self.last_change = time.monotonic()
        try:
            await self._answer(route)
        except Exception as exc:        # the page was closed under us (a timeout): nobody to answer
            logger.debug("render of %s: %s left unanswered: %s", self.document.url, route.request.url, exc)
        finally:
            self.in_flight -= 1
            self.last_change = time.monotonic()

    async def _answer(self, route) -> None:
        request = route.request
        url = urldefrag(request.url)[0]
        if request.is_navigation_request() and request.frame.parent_frame is None:
            if url == self.document.url:
                doc = self.document
                await route.fulfill(status=doc.status, headers=doc.headers, body=doc.body)
            else:
                self.stats.inc_value("render/navigation_blocked")
                await route.abort("blockedbyclient")
            return
        profile = self.crawler.spider.profile
        if profile.is_allowed_host(url) and profile.is_denied(url):
            self._failed(url, "refused: the profile never fetches it (urls.deny)")
            await route.abort("blockedbyclient")
            return
        if self.downloaded is not None and url in self.downloaded.refused:
            await route.abort("blockedbyclient")         # refused and recorded once this run already
            return
        kept = self.downloaded.get(url) if self.downloaded is not None and request.method == "GET" else None
        if kept is not None:                    # downloaded (and archived) once this run already
            self.stats.inc_value("render/answered_from_run")
            await route.fulfill(status=kept.status, headers=kept.headers, body=kept.body)
            return
        headers = {name: value for name, value in (await request.all_headers()).items()
                   if name.lower() not in _REQUEST_HEADERS_DROPPED and not name.startswith(":")}
        # A download slot of their own: in the host's slot they would queue behind every request the
        # crawl has handed the downloader (FIFO), seconds per page. Politeness is per host, not per
        # slot (crawler.guard), so Crawl-delay and ARCHIVE_HOST_MAX_RATE still space them.
        meta = {"found_on": self.document.url, "rendering": self.document.url,
                "download_slot": "render:" + urlsplit(url).netloc}
        if _VIDEO.search(urlsplit(url).path):
            meta["download_maxsize"] = self.video_max_size       # as the spider's requisites
        ask = scrapy.Request(url, method=request.method, headers=headers, body=request.post_data_buffer or b"",
                             meta=meta, dont_filter=True)
        self.stats.inc_value("render/requests")
        try:
            response = await self.crawler.engine.download_async(ask)
        except IgnoreRequest as exc:           # the guards: another host, robots.txt, a redirect elsewhere
            self.stats.inc_value("render/refused")
            if self.downloaded is not None:
                self.downloaded.refused.add(url)
            self._failed(url, describe_failure(Failure(exc), ask))
            await route.abort("blockedbyclient")
            return
        except Exception as exc:               # a timeout, a reset, over the size cap
            self._failed(url, describe_failure(Failure(exc), ask))
            await route.abort("failed")
            return
        self.fetched(url)
        if response.status >= 400:
            self._failed(url, f"HTTP {response.status}", response.status)
        await route.fulfill(status=response.status, headers=browser_headers(response.headers), body=response.body)

    def _failed(self, url: str, reason: str, status: int | None = None) -> None:
        self.failures.append(FailureItem(url=url, found_on=self.document.url, reason=reason, status=status))
