"""Limits on what one run asks for, each with a reason a person can act on.

A site can generate URLs for ever: ``content_300000.htm?p=N`` linking to ``?p=N+1`` was fetched
200 times out of 200 as 200 articles (issue 12). Pagination that stops at a page with no new
article ends calendar traps (``crawler.frontier``); these end the rest:

- ARCHIVE_MAX_PAGES: pages (listings, articles, later pages of an article) one run asks for;
  page requisites are not counted. Reaching it makes the run unhealthy: it did not see the site.
- ARCHIVE_MAX_QUERY_VARIANTS: distinct query strings one path is asked for with in a run
  (``/list.jsp?page=1`` … counts against ``/list.jsp``).
- ARCHIVE_MAX_DEPTH: links followed from a start page (a listing's next page is one more).
- URLLENGTH_LIMIT (Scrapy's): longer URLs are refused here, where the refusal is recorded,
  instead of in Scrapy's UrlLengthMiddleware, which only logs it.

``refusal(url, depth)`` returns the reason a URL is not asked for, or None. The spider sends
each refusal as the ``request_refused`` signal (url, found_on, reason), and the archive
pipeline records it in the ``failures`` table, whether it came from a page's links or from a
sitemap's backlog.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

# Signal: a URL the crawl will not ask for, with the rule that stopped it (url, found_on, reason).
request_refused = object()


class Refusal(NamedTuple):
    rule: str            # the setting that stopped the URL
    reason: str          # the failure row's reason


class CrawlLimits:
    def __init__(self, max_pages: int = 0, max_query_variants: int = 0, max_depth: int = 0,
                 max_url_length: int = 0):
        self.max_pages = max_pages
        self.max_query_variants = max_query_variants
        self.max_depth = max_depth
        self.max_url_length = max_url_length
        self.pages = 0
        self._variants: dict[str, int] = {}

    @classmethod
    def from_settings(cls, settings) -> "CrawlLimits":
        return cls(settings.getint("ARCHIVE_MAX_PAGES"), settings.getint("ARCHIVE_MAX_QUERY_VARIANTS"),
                   settings.getint("ARCHIVE_MAX_DEPTH"), settings.getint("URLLENGTH_LIMIT"))

    def refusal(self, url: str, depth: int) -> Refusal | None:
        """Why ``url`` (a page, ``depth`` links from a start page) is not asked for; None to ask.
        A URL that is asked for is counted."""
        if self.max_url_length and len(url) > self.max_url_length:
            return Refusal("URLLENGTH_LIMIT", f"not fetched: URL of {len(url)} characters, over "
                                              f"URLLENGTH_LIMIT={self.max_url_length}")
        if self.max_depth and depth > self.max_depth:
            return Refusal("ARCHIVE_MAX_DEPTH", f"not fetched: {depth} links from a start page, over "
                                                f"ARCHIVE_MAX_DEPTH={self.max_depth}")
        if self.max_pages and self.pages >= self.max_pages:
            return Refusal("ARCHIVE_MAX_PAGES", f"not fetched: the run reached ARCHIVE_MAX_PAGES={self.max_pages}")
        parts = urlsplit(url)
        if parts.query and self.max_query_variants:
            key = f"{parts.netloc}{parts.path}"
            seen = self._variants.get(key, 0)
            if seen >= self.max_query_variants:
                return Refusal("ARCHIVE_MAX_QUERY_VARIANTS",
                               f"not fetched: {parts.path} was already asked for with {seen} query strings "
                               f"(ARCHIVE_MAX_QUERY_VARIANTS={self.max_query_variants})")
            self._variants[key] = seen + 1
        self.pages += 1
        return None
