"""Store extracted records in the archive database (articles, interviews, ranking snapshots).

Each item is written in one transaction by ``archive.store``; a failure is counted in
``archive/errors`` with its reason and the crawl goes on.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter

from archive.store import now_iso
from .session import ArchiveSession

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler, session: ArchiveSession):
        self.stats = crawler.stats
        self.session = session

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, ArchiveSession.for_crawler(crawler))

    def process_item(self, item):
        adapter = ItemAdapter(item)
        record, captures = adapter["record"], adapter["capture_ids"]
        archive, run_id = self.session.archive, self.session.run_id
        try:
            if record["kind"] in ("article", "interview") and captures:
                archive.store_article(record, captures, adapter["fetched_at"] or now_iso())
                self.stats.inc_value(f"archive/{record['kind']}s")
                if record.get("interview"):
                    self.stats.inc_value("archive/qa", len(record["interview"]["qa"]))
            if adapter["store_ranking"] and record.get("ranking") and captures:
                n = archive.store_ranking(run_id, record["canonical_url"], adapter["fetched_at"] or now_iso(),
                                          record["ranking"], captures[0])
                self.stats.inc_value("archive/ranking_snapshots")
                self.stats.inc_value("archive/ranking_entries", n)
        except Exception as exc:
            self.stats.inc_value("archive/errors")
            self.stats.inc_value(f"archive/errors/{type(exc).__name__}")
            logger.exception("could not store %s", adapter["url"])
        return item
