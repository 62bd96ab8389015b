"""What a crawl run asks of its archive: one interface, two writers.

``archive.store.Archive`` writes a single-process crawl's run into the archive database;
``archive.shards.writer.ShardArchive`` writes one worker's part of a distributed run into its
shard and reads the archive. The crawler (``crawler.session``, ``crawler.recorder``,
``crawler.pipelines``, ``crawler.lifecycle``, the spider) holds either as a ``CrawlArchive`` and
calls nothing else. ``tests/test_distributed.py`` checks that both have every call, with the same
signature.

No Scrapy here.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .known import KnownArticles, Lastmods
from .warc import CaptureRef, EarlierCapture


@runtime_checkable
class CrawlArchive(Protocol):
    # -- the run --------------------------------------------------------------------------
    def begin_run(self, site: str, extractor_version: str, software_version: str, base_url: str | None = None,
                  run_id: int | None = None, started_at: str | None = None, uid: str | None = None) -> int:
        """Begin the run (a new one, or ``run_id`` as its WARC files or its coordinator say)."""

    def finish_run(self, run_id: int, status: str, health: str, stats: dict, finished_at: str | None = None) -> None:
        """The run's end: status, health verdict and stats."""

    def run_row(self, run_id: int) -> dict:
        """The run's row, which the lifecycle writes into the WARC as the run record."""

    def run_identity(self, run_id: int) -> tuple[str, str | None] | None:
        """(started_at, uid) of the run, for the warcinfo of its WARC files."""

    def resolve_ranking_articles(self, run_id: int) -> None:
        """Link ranking entries to the articles stored later in the run."""

    def commit(self) -> None:
        """Make every write so far durable."""

    def close(self) -> None:
        """Nothing is written after this."""

    # -- reads that steer the crawl -------------------------------------------------------
    def known_articles(self, recheck_hours: float | None = None) -> KnownArticles:
        """canonical URL -> (first_seen, last_seen) of the archived articles (``archive.known``); with
        ``recheck_hours`` the times only of those a re-check may still be due for."""

    def last_response(self, url: str) -> tuple[str, int] | None:
        """(WARC file, offset) of the newest 200 capture of ``url`` (its validators, crawler.revalidate)."""

    def refetch_urls(self) -> list[str]:
        """URLs whose capture was lost to a damaged WARC file."""

    def previous_lastmods(self, run_id: int) -> Lastmods:
        """URL -> sitemap lastmod, as the last finished run saw it (``archive.known``)."""

    def permanent_failures(self, run_id: int) -> set[str]:
        """URLs that failed for good in the last finished run."""

    def previous_run_stats(self, run_id: int) -> dict | None:
        """The last finished run's stats, for the health verdict's drift checks."""

    def earlier_capture(self, url: str, digest: str) -> tuple[int, EarlierCapture] | None:
        """An earlier full capture of ``url`` with this payload digest: the record a revisit refers to."""

    # -- writes ---------------------------------------------------------------------------
    def add_capture(self, run_id: int, url: str, status: int, mime: str | None, ref: CaptureRef,
                    refers_to: int | None = None) -> int:
        """Index a WARC record just written; the capture's id."""

    def store_page(self, run_id: int, record: dict, capture_ids: list[int], fetched_at: str,
                   store_ranking: bool) -> dict:
        """Store what one page gave; what was stored (``archive.rows.page_summary``)."""

    def store_sitemap(self, run_id: int, entries: list[tuple[str, str | None]]) -> None:
        """What the run's sitemap listed: (URL, lastmod)."""

    def add_skipped(self, run_id: int, url: str, found_on: str, reason: str, size: int | None = None,
                    skipped_at: str | None = None) -> None:
        """A requisite left out (over the size cap)."""

    def add_failure(self, run_id: int, url: str, found_on: str, reason: str, status: int | None,
                    failed_at: str | None = None) -> None:
        """A request that gave no page, with its reason."""
