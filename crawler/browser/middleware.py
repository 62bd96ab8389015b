"""Render the pages the spider hands over, and have it parse the rendered page instead.

The spider parses each page statically first; where the profile's ``[render]`` table asks for it
(``extract.render``), it yields ``RenderPage`` instead of what the static page gave. This spider
middleware, next to the spider (its output passes every other middleware after it), then:

1. loads the page in chromium (``chromium``), its document served from the archived response and
   every other request downloaded and archived through the crawl (``router``);
2. writes the rendered DOM, as UTF-8 HTML, in a WARC ``conversion`` record whose WARC-Refers-To is
   the page's response record (``archive.warc``);
3. calls the spider's callback again with the rendered page, whose capture is still the page's
   response: the assembler (``extract.assemble``) reads the rendered DOM, and only its records
   are stored (a static one too would be a second version of the page).

A page that cannot be rendered (a timeout, a crash, no chromium) is parsed as served. Its
``failures`` row says why, and a ``urn:newsarchive:not-rendered`` metadata record refers to its
response, so that a reparse, which holds a page the profile renders until it knows, stores the
same. Without chromium the crawl says so once, on stderr and in the log, and counts the pages it
could not render in ``render/unavailable`` (the health verdict names them).

Settings: ARCHIVE_RENDER_ENABLED, ARCHIVE_CHROMIUM, ARCHIVE_RENDER_TIMEOUT, ARCHIVE_RENDER_SETTLE,
ARCHIVE_RENDER_CONCURRENCY (crawler.settings); NotConfigured when off or when the profile renders
nothing.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.spider import iterate_spider_output

from archive.vocabulary import NOT_RENDERED
from . import RenderPage
from .chromium import Chromium, ChromiumUnavailable, RenderFailed
from .responses import DownloadedResponses
from .router import BrowserRouter, Document, browser_headers
from ..items import FailureItem
from ..lifecycle import halt, storage_refused
from ..session import ArchiveSession

logger = logging.getLogger(__name__)

RENDERED_TYPE = "text/html; charset=utf-8"
# Seconds chromium may take to start (about 1 s here; far more means it never will).
START_TIMEOUT = 60


class RenderMiddleware:
    def __init__(self, crawler, chromium: Chromium, timeout: float, settle: float, concurrency: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.chromium = chromium
        self.timeout = timeout
        self.settle = settle
        self.slots = asyncio.Semaphore(concurrency)
        self.unavailable: str | None = None       # why chromium cannot render here, once known
        self.downloaded = DownloadedResponses()

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("ARCHIVE_RENDER_ENABLED"):
            raise NotConfigured("ARCHIVE_RENDER_ENABLED is off")
        profile = getattr(crawler.spider, "profile", None)
        if profile is None or not (profile.render_patterns or profile.render_empty_ranking
                                   or profile.render_player_scripts):
            raise NotConfigured("the profile renders no page ([render])")
        middleware = cls(crawler, Chromium(s.get("ARCHIVE_CHROMIUM")), s.getfloat("ARCHIVE_RENDER_TIMEOUT"),
                         s.getfloat("ARCHIVE_RENDER_SETTLE"), max(1, s.getint("ARCHIVE_RENDER_CONCURRENCY")))
        crawler._renderer = middleware           # the spider hands pages over only when it is there
        crawler.signals.connect(middleware.downloaded.response_received, signal=signals.response_received)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider) -> None:
        missing = self.chromium.missing()
        if missing:
            self._unavailable(missing)

    async def spider_closed(self, spider) -> None:
        await self.chromium.close()

    def _unavailable(self, why: str) -> None:
        """Said once: on stderr for the person at the terminal, in the log for cron."""
        if self.unavailable is not None:
            return
        self.unavailable = why
        message = f"{why}: pages the profile asks to render are stored as served (set ARCHIVE_CHROMIUM)"
        logger.error("%s", message)
        sys.stderr.write(f"newsarchive: {message}\n")
        sys.stderr.flush()

    async def process_spider_output(self, response, result):
        async for output in result:
            if isinstance(output, RenderPage):
                async for parsed in self._render(response, output.reason):
                    yield parsed
            else:
                yield output

    async def _render(self, response, reason: str):
        """The spider's output for the page rendered (or, failing that, as served), with the failures."""
        url, meta = response.url, response.meta
        record_id = meta.get("warc_record_id")
        router = BrowserRouter(self.crawler, Document(url, response.status, browser_headers(response.headers),
                                                      response.body),
                               self.crawler.settings.getint("ARCHIVE_VIDEO_MAX_SIZE"), self._fetched, self.downloaded)
        rendered, why = None, None
        if record_id is None:
            why = "its response was not archived"
        elif self.unavailable is not None:
            why = self.unavailable
            self.stats.inc_value("render/unavailable")
        else:
            rendered, why = await self._rendered_dom(url, router)
        for failure in router.failures:
            yield failure
        session = ArchiveSession.for_crawler(self.crawler)
        try:
            if rendered is not None:
                session.warc.write_conversion(url, record_id, meta["warc_date"], RENDERED_TYPE, rendered)
            elif record_id is not None:
                session.warc.write_metadata(NOT_RENDERED, {"url": url, "refers_to": record_id, "reason": why})
        except Exception as exc:
            self.stats.inc_value("warc/errors")
            refused = storage_refused(exc)
            if refused:
                halt(self.crawler, session, refused)
                return
            logger.error("could not archive the rendering of %s: %s", url, exc)
            rendered, why = None, f"its rendering could not be archived ({exc})"
        if rendered is None:
            yield FailureItem(url=url, found_on="", reason=f"not rendered ({reason}): {why}; stored as served")
        meta["render"] = "rendered" if rendered is not None else "not rendered"
        page = response if rendered is None else HtmlResponse(
            url=url, status=response.status, headers={"Content-Type": RENDERED_TYPE}, body=rendered,
            encoding="utf-8", request=response.request)
        callback = response.request.callback or self.crawler.spider.parse
        outputs = iterate_spider_output(callback(page))
        if hasattr(outputs, "__aiter__"):          # an async callback
            async for output in outputs:
                yield output
        else:
            for output in outputs:
                yield output

    async def _rendered_dom(self, url: str, router: BrowserRouter) -> tuple[bytes | None, str | None]:
        """(the rendered DOM as UTF-8, None), or (None, why it could not be rendered)."""
        async with self.slots:
            try:
                # started apart, so that the first page's time is the page's alone (render/start_ms)
                await asyncio.wait_for(self.chromium.start(), START_TIMEOUT)
            except (ChromiumUnavailable, asyncio.TimeoutError) as exc:
                why = str(exc) or f"chromium did not start within {START_TIMEOUT} s"
                self._unavailable(why)
                self.stats.inc_value("render/unavailable")
                return None, why
            began = time.perf_counter()
            try:
                dom = await asyncio.wait_for(self.chromium.render(url, router, self.settle), self.timeout)
            except (ChromiumUnavailable, RenderFailed, asyncio.TimeoutError) as exc:
                self.stats.inc_value("render/failed")
                why = f"timed out after {self.timeout:g} s (ARCHIVE_RENDER_TIMEOUT)" \
                    if isinstance(exc, asyncio.TimeoutError) else f"the browser failed: {exc}"
                logger.warning("could not render %s: %s", url, why)
                return None, why
            elapsed = (time.perf_counter() - began) * 1000
        self.stats.inc_value("render/pages")
        self.stats.inc_value("render/ms", round(elapsed))
        self.stats.max_value("render/max_ms", round(elapsed))
        self.stats.set_value("render/start_ms", round(self.chromium.started_ms or 0))
        return dom.encode("utf-8"), None

    def _fetched(self, url: str) -> None:
        """A URL the browser had downloaded: the spider does not ask for it again (a page's scripts,
        its click counter among them, are then fetched once for it)."""
        seen = getattr(self.crawler.spider, "seen", None)
        if seen is not None:
            seen.add(url)
