"""Store extracted records in the archive database (articles, interviews, ranking snapshots).

Each item is written in one transaction by ``archive.store``; a failure is counted in
``archive/errors`` with its reason and the crawl goes on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from itemadapter import ItemAdapter

from archive.store import now_iso
from archive.vocabulary import FAILURE, SKIPPED
from archive.warc import warc_date
from .items import FailureItem, SitemapItem, SkippedItem
from .lifecycle import halt, storage_refused
from .limits import request_refused
from .session import ArchiveSession

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler, session: ArchiveSession):
        self.crawler = crawler
        self.stats = crawler.stats
        self.session = session

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler, ArchiveSession.for_crawler(crawler))
        crawler.signals.connect(pipeline.request_refused, signal=request_refused)
        return pipeline

    def request_refused(self, url: str, found_on: str, reason: str) -> None:
        """A URL a run limit stopped (crawler.limits): a failure like any other."""
        self._left_out(FailureItem(url=url, found_on=found_on, reason=reason))

    def _left_out(self, item: SkippedItem | FailureItem) -> None:
        if self.session.closed:
            return
        # Written to the WARC too (a metadata record), so a reparse knows what was left out.
        moment = datetime.now(timezone.utc)
        document = {k: v for k, v in item.__dict__.items()}
        kind = "skipped" if isinstance(item, SkippedItem) else "failure"
        self.session.warc.write_metadata(SKIPPED if kind == "skipped" else FAILURE, document, moment)
        if kind == "skipped":
            self.session.archive.add_skipped(self.session.run_id, item.url, item.found_on, item.reason,
                                             item.size, warc_date(moment))
        else:
            self.session.archive.add_failure(self.session.run_id, item.url, item.found_on, item.reason,
                                             item.status, warc_date(moment))
        self.stats.inc_value(f"archive/{kind}")

    def process_item(self, item):
        if self.session.closed:
            self.stats.inc_value("archive/dropped_after_stop")   # a forced stop closed the run
            return item
        if isinstance(item, SitemapItem):
            self.session.archive.store_sitemap(self.session.run_id, item.entries)
            return item
        if isinstance(item, (SkippedItem, FailureItem)):
            try:
                self._left_out(item)
            except Exception as exc:
                refused = storage_refused(exc)
                if not refused:
                    raise
                halt(self.crawler, self.session, refused)
            return item
        adapter = ItemAdapter(item)
        if adapter["article_page"]:
            self.stats.inc_value("archive/article_pages")
            if adapter["record"].get("text"):
                self.stats.inc_value("archive/article_pages_with_body")
        problems = adapter["record"].get("problems") or []
        if problems:
            self.stats.inc_value("archive/pages_read_in_part")        # once a page, however many problems
        for problem in problems:
            # stored, but not all of it was read (a page past the extraction ceiling, markup nested
            # past libxml2's limit): a failure row says what, so it is not stored silently in part
            self._left_out(FailureItem(url=adapter["url"], found_on="", reason=f"stored in part: {problem}",
                                       status=200))
        try:
            stored = self.session.archive.store_page(self.session.run_id, adapter["record"], adapter["capture_ids"],
                                                     adapter["fetched_at"] or now_iso(), adapter["store_ranking"])
        except Exception as exc:
            self.stats.inc_value("archive/errors")
            self.stats.inc_value(f"archive/errors/{type(exc).__name__}")
            refused = storage_refused(exc)
            if refused:
                halt(self.crawler, self.session, refused)
            else:
                logger.exception("could not store %s", adapter["url"])
            return item
        if "kind" in stored:
            self.stats.inc_value(f"archive/{stored['kind']}s")
        if "article" in stored:                  # new, edited, unchanged or mirror (a worker's shard cannot tell)
            self.stats.inc_value(f"archive/articles_{stored['article']}")
        if "qa" in stored:
            self.stats.inc_value("archive/qa", stored["qa"])
        if "ranking_entries" in stored:
            self.stats.inc_value("archive/ranking_snapshots")
            self.stats.inc_value("archive/ranking_entries", stored["ranking_entries"])
        return item
