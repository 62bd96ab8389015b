"""The end of a run: judge it, finish its row, write its run record, close its files.

Every way out of a crawl ends the run here, so that health is never claimed without
evidence (issue 12):

- the spider closed (``spider_closed``: finished, or ``shutdown`` after a first SIGTERM/SIGINT,
  or a limit): the run is judged from its stats, its row finished, its run record written to
  the WARC, its WARC file closed. The verdict stands only once all of that succeeded;
- a second signal during shutdown, an error while closing, a disk that filled up, or a crawl
  that stopped without closing the spider: ``abort(why)`` commits what was written, closes the
  WARC file (it holds whole record pairs only), and marks the run ``aborted``, unhealthy, with
  the reason. Whatever step of that fails is logged and the next step is still tried; a run
  row that could not be written stays ``running`` and the next run's recovery marks it
  ``interrupted``.

``outcome`` says how the run ended; the runner turns it into the exit code.

Settings: none of its own (the session's: ARCHIVE_DATA, WARC_*).
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from dataclasses import dataclass, field

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from archive.vocabulary import run_record_uri

from .health import Expectations, Verdict, judge
from .session import ArchiveSession

logger = logging.getLogger(__name__)


# The file system refuses writes: each later write would fail the same way.
_STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def storage_refused(exc: BaseException) -> str | None:
    """What to say when ``exc`` means the disk (or the database's file system) takes no more
    writes; None for any other error."""
    if isinstance(exc, OSError) and exc.errno in _STORAGE_FULL:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"cannot write WARC files: {exc.strerror}{where}"
    if isinstance(exc, sqlite3.OperationalError) and ("full" in str(exc) or "readonly" in str(exc)):
        return f"cannot write the archive database: {exc}"
    return None


def halt(crawler, session, why: str) -> None:
    """Stop the crawl at once because the run cannot go on; it ends ``aborted`` with ``why``."""
    if session.fatal:
        return
    session.fatal = why
    logger.error("%s; stopping the crawl", why)
    session.halting = deferred_from_coro(crawler.engine.close_spider_async(reason="storage full"))


@dataclass
class RunOutcome:
    status: str                          # finished, shutdown, a close reason, or aborted
    verdict: Verdict
    closed: bool                         # the WARC file was closed and the last rows committed
    errors: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return self.closed and self.verdict.ok


class RunLifecycle:
    def __init__(self, stats, session: ArchiveSession):
        self.stats = stats
        self.session = session
        self.outcome: RunOutcome | None = None

    @classmethod
    def from_crawler(cls, crawler):
        lifecycle = cls(crawler.stats, ArchiveSession.for_crawler(crawler))
        crawler.signals.connect(lifecycle.spider_closed, signal=signals.spider_closed)
        return lifecycle

    @staticmethod
    def of(crawler) -> "RunLifecycle | None":
        """The crawler's lifecycle extension, if it has one."""
        for ext in getattr(getattr(crawler, "extensions", None), "middlewares", ()):
            if isinstance(ext, RunLifecycle):
                return ext
        return None

    def spider_closed(self, spider, reason):
        if self.outcome is not None:
            return
        fatal = getattr(self.session, "fatal", None)
        if fatal:
            self.abort(fatal)
            return
        stats = self._stats(reason)
        expect = Expectations.of(spider.profile) if getattr(spider, "profile", None) else Expectations()
        verdict = judge(stats, self.session.archive.previous_run_stats(self.session.run_id), expect)
        status = "finished" if reason == "finished" else reason
        self._end(status, verdict, stats)

    def abort(self, why: str) -> None:
        """End the run at once, as consistently as the machine allows; the run is ``aborted``."""
        if self.outcome is not None and self.outcome.closed:
            return
        logger.error("run %s aborted: %s", self.session.run_id, why)
        stats = self._stats(self.stats.get_value("finish_reason") or "aborted")
        previous = self.outcome.verdict.reasons if self.outcome else []
        self._end("aborted", Verdict("unhealthy", [why, *previous]), stats)

    def _stats(self, reason: str) -> dict:
        stats = dict(self.stats.get_stats())
        stats["finish_reason"] = reason
        return stats

    def _end(self, status: str, verdict: Verdict, stats: dict) -> None:
        session, errors = self.session, []
        self.stats.set_value("archive/health", verdict.health)
        self.stats.set_value("archive/health_reasons", verdict.reasons)

        def attempt(what: str, step) -> bool:
            try:
                step()
                return True
            except Exception as exc:        # each step is tried; what failed is the run's outcome
                errors.append(f"{what}: {exc}")
                logger.error("run %s: %s failed: %s", session.run_id, what, exc)
                return False

        def finish_row(run_status: str, run_verdict: Verdict) -> None:
            session.archive.resolve_ranking_articles(session.run_id)
            session.archive.finish_run(session.run_id, run_status, run_verdict.health,
                                       {**stats, "health_reasons": run_verdict.reasons})

        row_written = attempt("finishing the run row", lambda: finish_row(status, verdict))
        if row_written:
            attempt("writing the run record", lambda: session.warc.write_metadata(
                run_record_uri(session.run_id), session.archive.run_row(session.run_id)))
        closed = attempt("closing the WARC file", session.warc.close)
        closed = attempt("committing the database", session.archive.commit) and closed
        if errors or not row_written:
            # Health is claimed only once everything is closed: say what failed instead.
            verdict = Verdict("unhealthy", verdict.reasons + errors)
            status = "aborted"
            attempt("marking the run aborted", lambda: finish_row(status, verdict))
        self.stats.set_value("archive/health", verdict.health)
        self.stats.set_value("archive/health_reasons", verdict.reasons)
        self.stats.set_value("warc/files", len(session.warc.files_closed))
        self.outcome = RunOutcome(status, verdict, closed and not errors, errors)
        attempt("closing the database", session.close)
