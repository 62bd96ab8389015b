"""The spider's lists that are not pages: sitemaps and feeds, and the data-proxy answers of
datastore lists (extract.lists). A mixin of ``NewsSpider``: callbacks must be spider methods, so
that a distributed crawl can hand the requests to another worker.

- A sitemap index leads to its sitemaps; a sitemap's entries are stored (the next run compares
  their lastmod), and the URLs the frontier acts on (new, changed, due) wait in a backlog that
  becomes requests when the crawl runs dry (the listings lead to most of them first).
- A list API's requests go one after another: the next only while the last answer showed a new
  article, as pagination does (always, from a start page and in a full crawl).
"""

from __future__ import annotations

from urllib.parse import urlencode

import scrapy
from scrapy.exceptions import DontCloseSpider

from crawler.items import SitemapItem
from crawler.spiders.links import absolute_links
from crawler.spiders.priorities import PRIORITY_LISTING, PRIORITY_SITEMAP

# Sitemap and RSS URLs wait as strings and become requests this many at a time when the crawl is idle.
FEED_BATCH = 500


class ListNavigation:
    def _feed_backlog_when_idle(self, spider) -> None:
        """The next feed URLs not yet asked for, as requests; the crawl goes on while there are any."""
        backlog = self._feed_backlog
        while backlog:
            batch = [backlog.popleft() for _ in range(min(FEED_BATCH, len(backlog)))]
            requests = list(self._follow(batch))
            if requests:
                for request in requests:
                    self.crawler.engine.crawl(request)
                raise DontCloseSpider


    def _list_request(self, requests: list[dict], list_page: str, depth: int):
        """The first of a list's data-proxy requests (extract.lists); the next goes out when its answer
        shows a new article, as pagination does (or always, on a start page and in a full crawl)."""
        first, rest = requests[0], requests[1:]
        form = first.get("form") or {}
        # one proxy URL serves every column: the request is the URL and its form together
        key = f"{first['url']} {urlencode(sorted(form.items()))}"
        if key in self.seen or not self._allowed_by_limits(first["url"], depth, list_page):
            return
        self.seen.add(key)
        yield scrapy.Request(first["url"], method=first["method"], callback=self.parse, errback=self._page_failed,
                             priority=PRIORITY_LISTING, body=urlencode(form) if first["method"] == "POST" else None,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
                             if first["method"] == "POST" else None,
                             meta={"list_page": list_page, "list_rest": rest})


    def _feed(self, response, feed, depth: int):
        """A sitemap index leads to its sitemaps; a sitemap's entries are stored, and its URLs wait; a
        list API's answer leads to its records, and to its list's next request while they are new."""
        url = response.url
        if feed.kind == "datastore":
            list_page = response.meta.get("list_page", url)
            links = absolute_links(list_page, [entry for entry, _ in feed.entries])
            yield from self._follow(links, set(), depth, list_page)
            rest = response.meta.get("list_rest") or []
            shows_new = any(self.frontier.is_new(self.profile.canonical_url(u)) for u in links
                            if self.profile.is_article(u))
            if rest and (shows_new or list_page in self.profile.start_urls):
                yield from self._list_request(rest, list_page, depth)
            return
        if feed.kind == "sitemapindex":
            for entry, _ in feed.entries:
                if entry not in self.seen and self.profile.is_allowed_host(entry):
                    self.seen.add(entry)
                    yield scrapy.Request(entry, callback=self.parse, errback=self._page_failed,
                                         priority=PRIORITY_SITEMAP)
            return
        entries = [entry for entry, _ in feed.entries]      # a feed's: all of them
        if feed.kind == "urlset":
            yield SitemapItem(url=url, entries=feed.entries)
            entries, left = [], 0
            for entry, lastmod in feed.entries:
                canonical = self.profile.canonical_url(entry)
                # only what the frontier acts on: a lastmod that changed since the last run
                # (keeping all of them was one dict entry per article of the site)
                if lastmod and self.frontier.changed(canonical, lastmod):
                    self._lastmod[canonical] = lastmod
                elif self.frontier.known_unchanged(canonical, None):    # unchanged: its lastmod is not asked again
                    left += 1                  # what _follow would skip later, counted as it counts it
                    continue
                entries.append(entry)
            if left:
                self.crawler.stats.inc_value("frontier/article_links", left)
                self.crawler.stats.inc_value("frontier/known_skipped", left)
        # The listings lead to most of these: they are asked for once the crawl runs dry.
        self._feed_backlog.extend(entries)

