"""The ``news`` spider: navigates a site described by a profile; extraction is not its job.

It starts from the profile's start URLs (home, sitemap, RSS), follows listing and article
links on the allowed hosts, follows ``下一页`` to gather multi-page articles, and hands each
page to the pure extractor.

    scrapy crawl news -a site=replica -a url=http://127.0.0.1:8000/ -a data=./data
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import TextResponse
from scrapy.utils.sitemap import Sitemap

from twisted.internet import defer

from crawler.items import PageItem, SkippedItem
from extract import extract_page, load_profile, page_document

PRIORITY_HOME, PRIORITY_LISTING, PRIORITY_CONTINUATION, PRIORITY_REQUISITE = 100, 10, 50, -10
_VIDEO = re.compile(r"\.(mp4|m4v|webm|flv|mov|avi|wmv|m3u8|ts)$", re.I)


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, site: str = "replica", url: str | None = None, data: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = load_profile(site, url)
        self.site = site
        # Scrapy's offsite filter works on host names; exact host:port is checked in _wanted().
        self.allowed_domains = sorted({urlsplit(f"http://{h}").hostname for h in self.profile.allowed_hosts})
        self._seen: set[str] = set()   # no duplicate Request objects at all (FINDINGS: 96% were duplicates)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Settings are still open here (they freeze after spider creation).
        if kwargs.get("data"):
            crawler.settings.set("ARCHIVE_DATA", kwargs["data"], priority="spider")
        crawler.settings.set("ARCHIVE_SITE", spider.site, priority="spider")
        crawler.settings.set("ARCHIVE_BASE_URL", spider.profile.base_url, priority="spider")
        return spider

    async def start(self):
        for n, url in enumerate(self.profile.start_urls):
            self._seen.add(url)
            yield scrapy.Request(url, callback=self.parse, priority=PRIORITY_HOME - n)

    # -- navigation -------------------------------------------------------------------------
    def _wanted(self, url: str) -> bool:
        p = self.profile
        return (url.startswith(("http://", "https://")) and p.is_allowed_host(url) and not p.is_denied(url)
                and not p.is_continuation(url) and (p.is_article(url) or p.is_listing(url)))

    def _follow(self, urls):
        for url in urls:
            url = urldefrag(url)[0]
            if url in self._seen or not self._wanted(url):
                continue
            self._seen.add(url)
            priority = PRIORITY_LISTING if self.profile.is_listing(url) else 0
            yield scrapy.Request(url, callback=self.parse, priority=priority)

    def parse(self, response):
        if not isinstance(response, TextResponse):
            return
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if "xml" in content_type or response.url.endswith(".xml"):
            yield from self._follow(self._feed_links(response))
            return
        record = extract_page(response.url, content_type, response.body, self.profile,
                              ranking=self.profile.is_ranking_source(response.url))
        yield from self._follow(response.urljoin(href) for href in record.links)
        yield from self._requisites(record.requisites, response.url)

        pages = response.meta.get("article_pages", []) + [
            (record, response.meta.get("capture_id"), response.meta.get("warc_date"))]
        next_page = record.next_page and urldefrag(record.next_page)[0]
        if next_page and next_page not in self._seen and self.profile.is_allowed_host(next_page):
            self._seen.add(next_page)
            yield scrapy.Request(next_page, callback=self.parse, errback=self._continuation_failed,
                                 priority=PRIORITY_CONTINUATION, meta={"article_pages": pages})
            return
        yield self._item(pages)

    def _requisites(self, urls, found_on: str):
        """Images, CSS, JS and media on the allowed hosts: fetched once each, archived by the recorder."""
        settings = self.crawler.settings
        if not settings.getbool("ARCHIVE_REQUISITES", True):
            return
        video_cap = settings.getint("ARCHIVE_VIDEO_MAX_SIZE")
        for url in urls:
            url = urldefrag(url)[0]
            if url in self._seen or not url.startswith(("http://", "https://")) \
                    or not self.profile.is_allowed_host(url) or self.profile.is_denied(url):
                continue
            self._seen.add(url)
            meta = {"found_on": found_on}
            if _VIDEO.search(urlsplit(url).path):
                meta["download_maxsize"] = video_cap
            yield scrapy.Request(url, callback=self._requisite_done, errback=self._requisite_failed,
                                 priority=PRIORITY_REQUISITE, meta=meta)

    def _requisite_done(self, response):
        """Nothing to extract: the recorder has already written the capture."""
        return None

    def _requisite_failed(self, failure):
        request = failure.request
        reason = failure.getErrorMessage() or failure.type.__name__
        if failure.check(defer.CancelledError) or "maxsize" in reason or "max size" in reason:
            reason = f"over the size cap of {request.meta.get('download_maxsize')} bytes"
            # a deliberate skip, not a failure of the site: the health verdict leaves it out
            self.crawler.stats.inc_value("archive/skipped_over_cap")
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"HTTP {response.status}"
        yield SkippedItem(url=request.url, found_on=request.meta.get("found_on", ""), reason=reason)

    def _continuation_failed(self, failure):
        """A later page failed: keep what the earlier pages gave (the failure is in the stats)."""
        pages = failure.request.meta.get("article_pages", [])
        if pages:
            self.crawler.stats.inc_value("archive/partial_articles")
            yield self._item(pages)

    def _item(self, pages) -> PageItem:
        doc, store_ranking = page_document([r for r, _, _ in pages], self.profile)
        return PageItem(url=doc["url"], record=doc, capture_ids=[c for _, c, _ in pages if c is not None],
                        fetched_at=pages[0][2], store_ranking=store_ranking,
                        article_page=self.profile.is_article(doc["url"]))

    @staticmethod
    def _feed_links(response) -> list[str]:
        """URLs from a sitemap, sitemap index or RSS feed."""
        body = response.body
        if b"<rss" in body[:500] or b"<feed" in body[:500]:
            sel = Selector(text=response.text, type="xml")
            sel.remove_namespaces()
            return sel.xpath("//item/link/text() | //entry/link/@href").getall()
        try:
            return [entry["loc"] for entry in Sitemap(body) if entry.get("loc")]
        except Exception:
            return []
