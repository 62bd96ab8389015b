"""What an incremental run fetches, given what the archive already holds.

- Articles the archive does not have are fetched.
- Known ones are fetched again when the sitemap's lastmod differs from what the last finished
  run's sitemap said, or on a schedule counted from when they were first seen (+1 h, +1 d,
  +7 d by default, setting ARCHIVE_RECHECK_HOURS); after the last check they are frozen.
- URLs that failed for good in the last finished run (4xx, redirect loop, offsite redirect)
  are not asked again by an incremental run.
- ``ARCHIVE_FULL`` (``newsarchive crawl --full``) fetches everything again: a full snapshot.
- A sitemap's entries that are known, unchanged and not due are left alone as the sitemap is read
  (``known_unchanged``): only the others wait to be asked for (a million known articles were a
  million strings waiting, each looked at again later).
- Articles whose capture was lost to a damaged WARC file (``archive.lost``) are fetched again,
  known or not, until a capture of them is whole again; the spider asks for them at the start.
- A listing page that shows no new article does not lead on to further listing pages
  (pagination stops, and a calendar trap ends); the start pages always do.

Within a run, ``SeenUrls`` is the one record of what was asked for: the spider checks it
before it makes a Request, and ``SeenUrlDupeFilter`` (``DUPEFILTER_CLASS``) checks the
requests the spider did not make (redirects) against it, instead of keeping a second set of
fingerprints of every request.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urldefrag

from scrapy.dupefilters import BaseDupeFilter

from archive.known import Lastmods


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


class Frontier:
    """``known`` and ``lastmods`` as the archive reads them (``archive.known``), or as dicts."""

    def __init__(self, known, lastmods,
                 recheck_hours: tuple[float, ...] = (1, 24, 168), now: datetime | None = None, full: bool = False,
                 broken: set[str] | None = None, refetch: set[str] | None = None):
        self.full = full            # a full snapshot: everything is fetched again (ARCHIVE_FULL)
        self.refetch = refetch or set()      # canonical URLs of lost captures: fetched again
        self.broken = set() if full else (broken or set())   # failed for good last run: not asked again
        self.known = known
        self.lastmods = Lastmods.of(lastmods) if isinstance(lastmods, dict) else lastmods
        self.schedule = [timedelta(hours=h) for h in recheck_hours]
        self.now = now or datetime.now(timezone.utc)

    def is_new(self, canonical_url: str) -> bool:
        return self.full or canonical_url not in self.known

    def due(self, canonical_url: str) -> bool:
        """A scheduled re-check has come and was not done yet."""
        times = self.known.get(canonical_url)
        if times is None:                   # frozen: every re-check done
            return False
        first_seen, last_seen = (_parse(t) for t in times)
        return any(first_seen + step <= self.now and last_seen < first_seen + step for step in self.schedule)

    def changed(self, canonical_url: str, lastmod: str | None) -> bool:
        return bool(lastmod) and self.lastmods.differs(canonical_url, lastmod)

    def should_fetch(self, canonical_url: str, lastmod: str | None = None) -> bool:
        return (self.is_new(canonical_url) or canonical_url in self.refetch or self.changed(canonical_url, lastmod)
                or self.due(canonical_url))

    def known_unchanged(self, canonical_url: str, lastmod: str | None) -> bool:
        """A sitemap entry this run leaves alone: a known article, unchanged, no re-check due."""
        return not self.should_fetch(canonical_url, lastmod)


class SeenUrls:
    """URLs asked for in this run, kept as their 64-bit string hashes.

    A set of the URLs themselves took 150 bytes a URL (about 40 MB for the 270,000 URLs of a
    100k-article site); a set of hashes takes about 70. Two URLs of one run share a hash with
    a chance of about n^2 / 2^65 (2e-9 at 270,000 URLs); the loser would not be fetched.
    """

    __slots__ = ("_hashes",)

    def __init__(self):
        self._hashes: set[int] = set()

    def __contains__(self, url: str) -> bool:
        return hash(url) in self._hashes

    def add(self, url: str) -> None:
        self._hashes.add(hash(url))

    def __len__(self) -> int:
        return len(self._hashes)


class SeenUrlDupeFilter(BaseDupeFilter):
    """Scrapy's duplicate filter on the spider's ``seen`` (SeenUrls).

    Requests the spider makes were checked when made, so only the ones it did not make
    (RedirectMiddleware's, which carry ``redirect_urls``) are looked up: a redirect to a page
    already asked for is dropped, as RFPDupeFilter would drop it.
    """

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def request_seen(self, request) -> bool:
        seen = getattr(getattr(self.crawler, "spider", None), "seen", None)
        if seen is None or "redirect_urls" not in request.meta:
            return False
        url = urldefrag(request.url)[0]
        if url in seen:
            return True
        seen.add(url)
        return False
