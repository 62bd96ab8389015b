"""The spider's video requisites: plain video files under a size cap, and HLS streams.

A player set up in a script names an HLS playlist, not a file (issue 14). Its master playlist
leads to its renditions, each rendition's playlist to its segments (and the keys and init
sections they need), all archived as ordinary request/response pairs, so replay plays them.
Per video (its first playlist), at most ARCHIVE_VIDEO_MAX_SIZE bytes of segments are fetched:
segments go one after another, and once the budget is spent the rest is recorded in
``skipped`` with the reason and the count. A mixin of ``NewsSpider``: callbacks must be spider
methods, so that a distributed crawl can hand the requests to another worker.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import scrapy

from crawler.items import SkippedItem
from crawler.spiders.priorities import PRIORITY_VIDEO
from extract.hls import is_playlist, parse_playlist

_VIDEO = re.compile(r"\.(mp4|m4v|webm|flv|mov|avi|wmv|m3u8|ts)$", re.I)
_PLAYLIST = re.compile(r"\.m3u8$", re.I)


class VideoRequisites:
    def _video_cap(self) -> int:
        return self.crawler.settings.getint("ARCHIVE_VIDEO_MAX_SIZE")

    def is_video(self, url: str) -> bool:
        return bool(_VIDEO.search(urlsplit(url).path))

    def _video_request(self, url: str, found_on: str) -> scrapy.Request:
        """A video file (its own size cap) or an HLS playlist (read for its renditions and segments)."""
        meta = {"found_on": found_on, "download_maxsize": self._video_cap()}
        if _PLAYLIST.search(urlsplit(url).path):
            meta["video"] = url
            return scrapy.Request(url, callback=self._playlist, errback=self._requisite_failed,
                                  priority=PRIORITY_VIDEO, meta=meta)
        return scrapy.Request(url, callback=self._requisite_done, errback=self._requisite_failed,
                              priority=PRIORITY_VIDEO, meta=meta)

    def _playlist(self, response):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not is_playlist(response.url, content_type, response.body):
            return
        video, found_on = response.meta["video"], response.meta.get("found_on", "")
        playlist = parse_playlist(response.body, response.url)
        for url in playlist.renditions + playlist.extras:
            if url in self.seen or not self.profile.is_allowed_host(url):
                continue
            self.seen.add(url)
            callback = self._playlist if url in playlist.renditions else self._requisite_done
            yield scrapy.Request(url, callback=callback, errback=self._requisite_failed, priority=PRIORITY_VIDEO,
                                 meta={"video": video, "found_on": found_on,
                                       "download_maxsize": self._video_cap()})
        segments = [u for u in playlist.segments if u not in self.seen and self.profile.is_allowed_host(u)]
        if segments:
            yield from self._next_segment(video, found_on, segments, len(segments))

    def _next_segment(self, video: str, found_on: str, segments: list[str], total: int):
        """The next segment of a rendition, while the video's budget lasts; else the rest is skipped."""
        spent = self._video_bytes.get(video, 0)
        budget = self._video_cap() - spent
        if budget <= 0:
            self.crawler.stats.inc_value("video/segments_skipped", len(segments))
            yield SkippedItem(url=segments[0], found_on=video, size=spent,
                              reason=f"HLS video over ARCHIVE_VIDEO_MAX_SIZE ({self._video_cap()} bytes): "
                                     f"{total - len(segments)} of {total} segments of this rendition archived, "
                                     f"{len(segments)} left out")
            return
        url, rest = segments[0], segments[1:]
        self.seen.add(url)
        yield scrapy.Request(url, callback=self._segment, errback=self._segment_failed, priority=PRIORITY_VIDEO,
                             meta={"video": video, "found_on": found_on, "segments": rest, "total": total,
                                   "download_maxsize": budget})

    def _segment(self, response):
        meta = response.meta
        self._video_bytes[meta["video"]] = self._video_bytes.get(meta["video"], 0) + len(response.body)
        self.crawler.stats.inc_value("video/segments")
        if meta["segments"]:
            yield from self._next_segment(meta["video"], meta["found_on"], meta["segments"], meta["total"])

    def _segment_failed(self, failure):
        yield from self._requisite_failed(failure)
        meta = failure.request.meta
        if meta.get("segments"):           # one segment missing does not stop the others
            yield from self._next_segment(meta["video"], meta["found_on"], meta["segments"], meta["total"])
