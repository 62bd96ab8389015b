"""Fetch a few pages outside a crawl (``newsarchive extract URL``), with the crawl's own guards.

The same Scrapy download path as a crawl, so the same rules hold by construction: only the
allowed hosts (exact host:port, redirects included; a redirect to another port, ``localhost``
or ``[::1]`` is refused), robots.txt, DOWNLOAD_TIMEOUT for the whole download (a server that
trickles bytes is cut off), DOWNLOAD_MAXSIZE (decompressed bodies included), response heads
over 64 KB refused, and a failure described as in the ``failures`` table. Nothing is archived:
the recorder, the run lifecycle and the pipelines are off.

``fetch_pages(urls, profile, timeout)`` returns one ``Fetched`` per URL, in order, or raises
``FetchError`` with one line when the fetch could not run at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import scrapy
from scrapy.crawler import CrawlerProcess

from extract.profile import SiteProfile

from .failures import describe_failure
from .runner import crawl_settings


def single_host_profile(url: str) -> SiteProfile:
    """A profile that allows only ``url``'s own host:port (``extract URL`` without ``--site``)."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).netloc or "").lower()
    return SiteProfile(name="extract", base_url=url, start_urls=[url], allowed_hosts=[host], article_patterns=[],
                       listing_patterns=[], ranking_patterns=[])


class FetchError(Exception):
    """A page could not be fetched (the reason is the message)."""


@dataclass
class Fetched:
    url: str                       # as asked for
    final_url: str | None = None   # after redirects
    status: int | None = None
    content_type: str = ""
    body: bytes = b""              # decompressed, as the crawl's extraction sees it
    error: str | None = None       # why there is no page


class FetchSpider(scrapy.Spider):
    """Asks for the given URLs and nothing else; the guards read ``profile``."""

    name = "fetch"

    def __init__(self, urls: list[str], profile: SiteProfile, results: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls, self.profile, self.results = urls, profile, results

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self._done, errback=self._failed, dont_filter=True,
                                 cb_kwargs={"asked": url})

    def _done(self, response, asked: str):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        self.results[asked] = Fetched(asked, response.url, response.status, content_type, response.body)

    def _failed(self, failure):
        asked = failure.request.cb_kwargs.get("asked", failure.request.url)
        response = getattr(failure.value, "response", None)
        self.results[asked] = Fetched(asked, status=response.status if response is not None else None,
                                      error=describe_failure(failure, failure.request))


def fetch_pages(urls: list[str], profile: SiteProfile, timeout: float = 30.0) -> list[Fetched]:
    settings = crawl_settings("", {
        "EXTENSIONS": {"crawler.recorder.WarcRecorder": None, "crawler.lifecycle.RunLifecycle": None,
                       "crawler.looplag.LoopLagMonitor": None},
        "ITEM_PIPELINES": {}, "LOG_ENABLED": False, "ARCHIVE_PROGRESS": "off", "RETRY_ENABLED": False,
        "DOWNLOAD_TIMEOUT": timeout, "CLOSESPIDER_TIMEOUT": timeout + 5,
    })
    results: dict[str, Fetched] = {}
    process = CrawlerProcess(settings)
    process.crawl(FetchSpider, urls=urls, profile=profile, results=results)
    process.start()
    return [results.get(url) or Fetched(url, error=f"not fetched within {timeout:.0f} s") for url in urls]
