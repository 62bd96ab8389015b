"""The archive a crawl holds when its writes go to the writer process (``crawler.offload``).

``OffloadedArchive`` is the ``CrawlArchive`` (``archive.crawl_archive``) the recorder, the pipeline,
the lifecycle and the spider hold: reads come from this process's own connection (committed rows,
WAL), writes go to the writer in the order they are made. Capture ids are given here, counted on from
the archive's highest, so that a page names its captures at once. The digest index for revisits also
looks at the captures sent and not yet committed (the writer says which are, ``("committed", id)``).
"""

from __future__ import annotations

from archive.known import KnownArticles, Lastmods
from archive.rows import page_summary
from archive.store import Archive
from archive.warc import CaptureRef, EarlierCapture

from .offload import WriterProcess


class OffloadedArchive:
    """A ``CrawlArchive`` (archive.crawl_archive) whose writes the writer process makes."""

    def __init__(self, local: Archive, writer: WriterProcess):
        self.local = local
        self.db = local.db
        self.writer = writer
        writer.on_committed = self._committed
        self._next_id = (local.db.execute("SELECT max(id) FROM captures").fetchone()[0] or 0) + 1
        self._unsettled: dict[tuple[str, str], tuple[int, EarlierCapture]] = {}

    # -- the run --------------------------------------------------------------------------
    def begin_run(self, *args, **kwargs) -> int:
        raise RuntimeError("the run is begun before the writer starts (crawler.session)")

    def finish_run(self, run_id: int, status: str, health: str, stats: dict, finished_at: str | None = None) -> None:
        self.writer.ask("finish_run", run_id, status, health, stats, finished_at)

    def run_row(self, run_id: int) -> dict:
        return self.writer.ask("run_row", run_id)

    def run_identity(self, run_id: int) -> tuple[str, str | None] | None:
        return self.local.run_identity(run_id)

    def resolve_ranking_articles(self, run_id: int) -> None:
        self.writer.ask("resolve_ranking_articles", run_id)

    def commit(self) -> None:
        self.writer.ask("commit")

    def close(self) -> None:
        try:
            if not self.writer.gone:
                self.writer.ask("close")
        finally:
            self.writer.close()
            self.local.db.close()

    # -- reads that steer the crawl: this process's connection ----------------------------
    def known_articles(self, recheck_hours: float | None = None) -> KnownArticles:
        return self.local.known_articles(recheck_hours)

    def last_response(self, url: str) -> tuple[str, int] | None:
        return self.local.last_response(url)

    def refetch_urls(self) -> list[str]:
        return self.local.refetch_urls()

    def previous_lastmods(self, run_id: int) -> Lastmods:
        return self.local.previous_lastmods(run_id)

    def permanent_failures(self, run_id: int) -> set[str]:
        return self.local.permanent_failures(run_id)

    def previous_run_stats(self, run_id: int) -> dict | None:
        return self.local.previous_run_stats(run_id)

    def earlier_capture(self, url: str, digest: str) -> tuple[int, EarlierCapture] | None:
        """The archive's first capture of ``url`` with this digest, else one of this run's not committed yet."""
        return self.local.earlier_capture(url, digest) or self._unsettled.get((url, digest))

    def _committed(self, highest: int) -> None:
        self._unsettled = {key: value for key, value in self._unsettled.items() if value[0] > highest}

    # -- writes: the writer's -------------------------------------------------------------
    def add_capture(self, run_id: int, url: str, status: int, mime: str | None, ref: CaptureRef,
                    refers_to: int | None = None) -> int:
        capture_id, self._next_id = self._next_id, self._next_id + 1
        self.writer.call("add_numbered_capture", capture_id, run_id, url, status, mime, ref, refers_to)
        if status == 200 and ref.record_type == "response":
            self._unsettled.setdefault((url, ref.payload_digest),
                                       (capture_id, EarlierCapture(ref.record_id, url, ref.warc_date)))
        return capture_id

    def store_page(self, run_id: int, record: dict, capture_ids: list[int], fetched_at: str,
                   store_ranking: bool) -> dict:
        self.writer.call("store_page", run_id, record, capture_ids, fetched_at, store_ranking)
        return page_summary(record, capture_ids, store_ranking)

    def store_sitemap(self, run_id: int, entries: list[tuple[str, str | None]]) -> None:
        self.writer.call("store_sitemap", run_id, entries)

    def add_skipped(self, run_id: int, url: str, found_on: str, reason: str, size: int | None = None,
                    skipped_at: str | None = None) -> None:
        self.writer.call("add_skipped", run_id, url, found_on, reason, size, skipped_at)

    def add_failure(self, run_id: int, url: str, found_on: str, reason: str, status: int | None,
                    failed_at: str | None = None) -> None:
        self.writer.call("add_failure", run_id, url, found_on, reason, status, failed_at)
