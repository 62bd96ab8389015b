"""The ``news`` spider: navigates a site described by a profile; extraction is not its job.

It starts from the profile's start URLs (home, sitemap, RSS), follows listing and article
links on the allowed hosts, follows ``下一页`` to gather multi-page articles, and hands each
page to the pure extractor.

    scrapy crawl news -a site=replica -a url=http://127.0.0.1:8000/ -a data=./data
"""

from __future__ import annotations

import time
from collections import deque
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from crawler import revalidate
from crawler.browser import RenderPage
from crawler.frontier import Frontier, SeenUrls
from crawler.failures import describe_failure
from crawler.items import FailureItem, PageItem
from crawler.limits import CrawlLimits, request_refused
from crawler.session import ArchiveSession
from crawler.spiders.links import absolute_links
from crawler.spiders.lists import ListNavigation
from crawler.spiders.priorities import (PRIORITY_ARTICLE, PRIORITY_CONTINUATION, PRIORITY_HOME, PRIORITY_LISTING,
                                       PRIORITY_REQUISITE)
from crawler.spiders.requisites import Requisites
from crawler.spiders.video import VideoRequisites
from extract import Capture, StoredPage, assemble, finish, load_profile
from extract.assemble import may_read
from extract.render import render_reason

class NewsSpider(ListNavigation, Requisites, VideoRequisites, scrapy.Spider):
    name = "news"

    def __init__(self, site: str = "replica", url: str | None = None, data: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = load_profile(site, url)
        self._profile_key = (site, url)            # the same profile in the writer process (crawler.offload)
        self._writer = None
        self.site = site
        # Scrapy's offsite filter works on host names; exact host:port is checked in _wanted().
        self.allowed_domains = sorted({urlsplit(f"http://{h}").hostname for h in self.profile.allowed_hosts})
        # No duplicate Request objects at all (FINDINGS: 96% were duplicates); the dupefilter uses it too.
        self.seen = SeenUrls()
        self._feed_backlog: deque[str] = deque()   # sitemap and RSS URLs not yet considered
        self._video_bytes: dict[str, int] = {}     # segment bytes fetched per video (crawler.spiders.video)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Settings are still open here (they freeze after spider creation).
        if kwargs.get("data"):
            crawler.settings.set("ARCHIVE_DATA", kwargs["data"], priority="spider")
        crawler.settings.set("ARCHIVE_SITE", spider.site, priority="spider")
        crawler.settings.set("ARCHIVE_BASE_URL", spider.profile.base_url, priority="spider")
        crawler.signals.connect(spider._feed_backlog_when_idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        settings = self.crawler.settings
        session = ArchiveSession.for_crawler(self.crawler)
        archive, run_id = session.archive, session.run_id
        self._writer = getattr(session, "writer", None)      # a worker's session has none
        hours = tuple(float(h) for h in settings.getlist("ARCHIVE_RECHECK_HOURS", ["1", "24", "168"]))
        refetch = archive.refetch_urls()
        lastmods = archive.previous_lastmods(run_id)
        self.frontier = Frontier(archive.known_articles(max(hours, default=0)), lastmods, hours,
                                 full=settings.getbool("ARCHIVE_FULL"), broken=archive.permanent_failures(run_id),
                                 refetch={self.profile.canonical_url(url) for url in refetch})
        self._archive, self._warc_dir = archive, session.warc.directory
        self._revalidating = revalidate.wanted(self.profile.revalidate, lastmods)
        self._lastmod: dict[str, str] = {}
        self.limits = CrawlLimits.from_settings(settings)
        if settings.getbool("ARCHIVE_TRIAL"):
            self.crawler.stats.set_value("limits/trial", 1)
        for n, url in enumerate(self.profile.start_urls):
            self.seen.add(url)
            yield scrapy.Request(url, callback=self.parse, errback=self._page_failed, priority=PRIORITY_HOME - n)
        for request in self._refetch(refetch):
            yield request

    def _refetch(self, urls: list[str]):
        """Captures lost to a damaged WARC file, asked for again directly: an old article is no longer
        on the listings an incremental run reads. A page goes to ``parse``, anything else (an image)
        is archived by the recorder alone."""
        for url in urls:
            if url in self.seen or url in self.frontier.broken or not self.profile.is_allowed_host(url) \
                    or self.profile.is_denied(url) or self.profile.is_continuation(url):
                continue
            self.seen.add(url)
            self.crawler.stats.inc_value("frontier/lost_refetched")
            page = self.profile.is_article(url) or self.profile.is_listing(url)
            yield scrapy.Request(url, callback=self.parse if page else self._requisite_done,
                                 errback=self._page_failed if page else self._requisite_failed,
                                 priority=PRIORITY_ARTICLE if page else PRIORITY_REQUISITE)

    # -- navigation -------------------------------------------------------------------------
    def _wanted(self, url: str) -> bool:
        p = self.profile
        if not url.startswith(("http://", "https://")) or not p.is_allowed_host(url):
            return False
        path = p.canonical_path(url)         # once per link: pages of 100,000 links exist
        return (not p.path_matches(path, p.deny_patterns) and not p.path_matches(path, p.continuation_patterns)
                and (p.path_matches(path, p.article_patterns) or p.path_matches(path, p.listing_patterns)))

    def _allowed_by_limits(self, url: str, depth: int, found_on: str) -> bool:
        """False, with the refusal recorded, when a run limit (crawler.limits) stops ``url``."""
        refusal = self.limits.refusal(url, depth)
        if refusal is None:
            return True
        self.seen.add(url)                          # refused once, recorded once
        self.crawler.stats.inc_value(f"limits/refused/{refusal.rule}")
        self.crawler.signals.send_catch_log(request_refused, url=url, found_on=found_on, reason=refusal.reason)
        return False

    def _follow(self, urls, listings: set[str] | None = None, depth: int = 1, found_on: str = ""):
        """Requests for wanted links: listings only those in ``listings`` (None: all), articles if
        the frontier says so (new, changed per the sitemap, or due for a scheduled re-check), all
        within the run's limits."""
        stats = self.crawler.stats
        for url in urls:
            url = urldefrag(url)[0]
            if url in self.seen or not self._wanted(url):
                continue
            if url in self.frontier.broken:
                stats.inc_value("frontier/known_broken_skipped")
                continue
            if self.profile.is_listing(url):
                if listings is not None and url not in listings:
                    continue
                priority = PRIORITY_LISTING
            else:
                stats.inc_value("frontier/article_links")      # the article patterns match something
                canonical = self.profile.canonical_url(url)
                if not self.frontier.should_fetch(canonical, self._lastmod.get(canonical)):
                    if self._revalidating and found_on and self.profile.is_listing(found_on):
                        yield from self._revalidate(url, found_on)
                        continue
                    stats.inc_value("frontier/known_skipped")
                    continue                       # not marked seen: a later lastmod may still ask for it
                priority = PRIORITY_ARTICLE
            if not self._allowed_by_limits(url, depth, found_on):
                continue
            self.seen.add(url)
            yield scrapy.Request(url, callback=self.parse, errback=self._page_failed, priority=priority)

    def _revalidate(self, url: str, found_on: str):
        """A known article a list of this run links to, asked with a conditional request (crawler.revalidate)."""
        headers = revalidate.validators(self._warc_dir, self._archive.last_response(url))
        if not headers and self.profile.revalidate != "always":
            self.crawler.stats.inc_value("revalidate/no_validators")
            return
        self.seen.add(url)
        self.crawler.stats.inc_value("revalidate/requests")
        yield scrapy.Request(url, callback=self.parse, errback=self._page_failed, priority=PRIORITY_ARTICLE,
                             headers=headers, meta={"revalidate": True, "handle_httpstatus_list": [304],
                                                    "found_on": found_on})

    def _listings_to_follow(self, response_url: str, links: list[str], next_page: str | None) -> set[str] | None:
        """Start pages lead to every listing they link; other listings only to their next page,
        and only while they show a new article (pagination stops, calendar traps end)."""
        if response_url in self.profile.start_urls:
            return None
        shows_new = any(self.frontier.is_new(self.profile.canonical_url(u)) for u in links if self.profile.is_article(u))
        return {urldefrag(next_page)[0]} if shows_new and next_page else set()

    async def parse(self, response):
        """Hand the page to the assembler (extract.assemble), then go where it leads. With a writer
        process (ARCHIVE_OFFLOAD) the page is read there, and navigation goes on when it answers."""
        if response.meta.get("revalidate"):
            if response.status == 304:
                self.crawler.stats.inc_value("revalidate/not_modified")
                return
            self.crawler.stats.inc_value("revalidate/full_responses")
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        depth = response.meta.get("depth", 0) + 1
        capture = Capture(response.url, response.status, content_type, response.body,
                          response.meta.get("capture_id"), response.meta.get("warc_date"))
        earlier, page = response.meta.get("article_parts"), None
        if self._writer is not None and may_read(capture) and not (
                earlier and capture.url in earlier[-1].record.ranking_sources):
            page, took = await self._writer.read_page(self._profile_key, capture)
            self.crawler.stats.max_value("extract/max_ms", took)
        started = time.perf_counter()
        assembled = assemble(capture, self.profile, earlier, page=page,
                             follow_next=lambda url, kind: self._may_follow(url, kind, depth, response.url))
        if page is None:
            # extraction runs in the reactor thread: its longest page is how long the crawl stood still
            self.crawler.stats.max_value("extract/max_ms", round((time.perf_counter() - started) * 1000))
        for output in self._went_to(response, capture, assembled, depth):
            yield output

    def _went_to(self, response, capture: Capture, assembled, depth: int):
        """Where the page leads: requests, its item (extract.assemble.Assembled)."""
        if "render" not in response.meta and getattr(self.crawler, "_renderer", None) is not None \
                and (reason := render_reason(self.profile, capture, assembled.record)):
            # crawler.browser renders it and calls parse again with the rendered page: the page's
            # records and links are the rendered page's
            yield RenderPage(reason)
            return
        if assembled.stored is not None:
            # first: pages are stored in the order their responses came, as a reparse stores them (a
            # mirror page and its original, stored the other way round, point the article's first
            # version at the other capture)
            yield self._item(assembled.stored)
        if assembled.feed is not None:
            yield from self._feed(response, assembled.feed, depth)
        record = assembled.record
        if record is not None:
            base = get_base_url(response) if isinstance(response, TextResponse) else response.url
            links = absolute_links(base, record.links)
            listings = None
            if self.profile.is_listing(response.url) or record.kind in ("list", "other"):
                listings = self._listings_to_follow(response.url, links, record.next_listing)
            yield from self._follow(links, listings, depth, response.url)
            yield from self._requisites(record.requisites, response.url)
            if record.list_requests:
                yield from self._list_request([r.to_json() for r in record.list_requests], response.url, depth)
        if assembled.next_page:
            self.seen.add(assembled.next_page)
            # the parts so far travel with the request (another worker may take it)
            yield scrapy.Request(assembled.next_page, callback=self.parse, errback=self._continuation_failed,
                                 priority=PRIORITY_CONTINUATION, meta={"article_parts": assembled.parts},
                                 dont_filter=True)

    def _may_follow(self, url: str, kind: str, depth: int, found_on: str) -> bool:
        """Whether to fetch what a page waits for: its next page (once a run), or the script or JSON
        its ranking box is filled from (again for each ranking page: each is its own snapshot)."""
        if kind == "page" and url in self.seen:
            return False
        return self._allowed_by_limits(url, depth, found_on)

    def _page_failed(self, failure):
        yield self._failure(failure)

    def _failure(self, failure) -> FailureItem:
        """The failure, with its reason, for the `failures` table."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        found_on = request.meta.get("found_on") or (request.headers.get(b"Referer") or b"").decode("latin-1")
        # After redirects, the URL that was asked for (the chain is in the reason).
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        return FailureItem(url=asked, found_on=found_on, reason=describe_failure(failure, request),
                           status=response.status if response is not None else None)

    def _continuation_failed(self, failure):
        """A later page failed: keep what the earlier pages gave, and record the failure."""
        yield self._failure(failure)
        parts = failure.request.meta.get("article_parts")
        if parts:
            self.crawler.stats.inc_value("archive/partial_articles")
            yield self._item(finish(parts, self.profile))

    def _item(self, page: StoredPage) -> PageItem:
        return PageItem(url=page.document["url"], record=page.document, capture_ids=page.capture_ids,
                        fetched_at=page.fetched_at, store_ranking=page.store_ranking,
                        article_page=page.article_page)
