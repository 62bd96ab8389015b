"""The spider's page requisites: what a page loads to look like itself (images, CSS, scripts, media),
fetched once each per run and archived by the recorder, with nothing to extract. Click counters
and the like (``urls.side_effects``) are fetched once with no retry, or recorded as left out.
A mixin of ``NewsSpider`` (callbacks must be spider methods); videos are crawler.spiders.video's.
"""

from __future__ import annotations

from urllib.parse import urldefrag

import scrapy

from crawler.failures import over_size_cap
from crawler.items import SkippedItem
from crawler.spiders.priorities import PRIORITY_REQUISITE



class Requisites:
    def _requisites(self, urls, found_on: str):
        """Images, CSS, JS and media on the allowed hosts: fetched once each, archived by the recorder."""
        settings = self.crawler.settings
        if not settings.getbool("ARCHIVE_REQUISITES", True):
            return
        for url in urls:
            url = urldefrag(url)[0]
            if url in self.seen or not url.startswith(("http://", "https://")) \
                    or not self.profile.is_allowed_host(url) or self.profile.is_denied(url):
                continue
            self.seen.add(url)
            if self.profile.is_side_effect(url):
                yield from self._side_effect(url, found_on)
                continue
            if self.is_video(url):
                yield self._video_request(url, found_on)
                continue
            yield scrapy.Request(url, callback=self._requisite_done, errback=self._requisite_failed,
                                 priority=PRIORITY_REQUISITE, meta={"found_on": found_on})


    def _side_effect(self, url: str, found_on: str):
        """A click counter or the like: a GET adds a hit. Fetched once per run (``seen``), never retried
        (a retry would count again), or left out when the profile says so."""
        self.crawler.stats.inc_value("side_effects/seen")
        if not self.profile.fetch_side_effects:
            yield SkippedItem(url=url, found_on=found_on,
                              reason="a side-effect URL (a click counter): not fetched (fetch_side_effects = false)")
            return
        yield scrapy.Request(url, callback=self._requisite_done, errback=self._requisite_failed,
                             priority=PRIORITY_REQUISITE, meta={"found_on": found_on, "dont_retry": True,
                                                                "dont_redirect": True})


    def _requisite_done(self, response):
        """Nothing to extract: the recorder has already written the capture."""
        return None


    def _requisite_failed(self, failure):
        request = failure.request
        if "download_maxsize" in request.meta and over_size_cap(failure):
            # a deliberate skip, not a failure of the site: counted once, as archive/skipped, by the
            # pipeline that stores it, and left out of the health verdict's error ratio
            yield SkippedItem(url=request.url, found_on=request.meta.get("found_on", ""),
                              reason=f"over the size cap of {request.meta['download_maxsize']} bytes")
            return
        yield self._failure(failure)

