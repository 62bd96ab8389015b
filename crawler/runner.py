"""Run one crawl in this process and turn how its run ended into an exit code.

``scrapy crawl`` exits 0 even when a crawl failed (FINDINGS); ``newsarchive crawl`` exits 0
only when the run finished, closed its files and was judged healthy (``crawler.lifecycle``):

- a first SIGTERM/SIGINT stops the crawl gracefully (the run is ``shutdown``); a second one
  during that shutdown forces a quick stop that is still consistent: the lifecycle aborts the
  run (rows committed, WARC file closed, run ``aborted``) before the event loop is stopped,
  without waiting for the requests in flight. Either way the exit code is 128 + the signal;
- a crawl that ends without closing its run (an error while closing, a full disk) is aborted
  here and exits 1.
"""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.ossignal import install_shutdown_handlers

from archive.package import PackageError, index_warc
from archive.reparse import warc_files

from .health import Verdict
from .lifecycle import RunLifecycle
from .spiders.news import NewsSpider

# The documented exit codes (README, "Running it from cron"). 75: EX_TEMPFAIL, "try again later";
# 128 + N: stopped by signal N, as a shell reports it (130 SIGINT, 143 SIGTERM).
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNHEALTHY, EXIT_LOCKED = 0, 1, 2, 3, 75
EXIT_SIGNAL_BASE = 128
logger = logging.getLogger(__name__)


@dataclass
class CrawlResult:
    stats: dict
    verdict: Verdict
    status: str = "finished"            # the run row's status
    signal: int | None = None           # the signal that stopped the crawl, if one did
    run_id: int | None = None

    @property
    def exit_code(self) -> int:
        if self.signal:
            return EXIT_SIGNAL_BASE + self.signal
        if self.status == "aborted":
            return EXIT_ERROR
        return EXIT_OK if self.verdict.ok else EXIT_UNHEALTHY


class ArchiveCrawlerProcess(CrawlerProcess):
    """Scrapy's process, with the second signal made safe. Scrapy's own second-signal handler
    stops the reactor at once: the spider is never closed, the run row stays ``running``, its
    WARC file ``.open``, and the stats look like a clean finish (issue 12)."""

    received_signal: int | None = None

    def _signal_shutdown(self, signum: int, frame) -> None:
        self.received_signal = signum
        super()._signal_shutdown(signum, frame)

    def _signal_kill(self, signum: int, _frame) -> None:
        from twisted.internet import reactor

        install_shutdown_handlers(signal.SIG_IGN)
        # Nothing may be done inside a signal handler: the reactor thread does the stop.
        reactor.callFromThread(self._quick_stop, signum)

    def _quick_stop(self, signum: int) -> None:
        from twisted.internet import reactor

        for crawler in self.crawlers:
            lifecycle = RunLifecycle.of(crawler)
            if lifecycle is not None:
                lifecycle.abort(f"stopped by a second {signal.Signals(signum).name} during shutdown")
        # crash(), not stop(): stop() would wait for the engine, which waits for requests in flight.
        # crash() skips the shutdown triggers, the thread pool's stop among them: its idle threads
        # would keep the process alive after the summary is printed.
        pool = getattr(reactor, "threadpool", None)
        if pool is not None:
            pool.stop()
        reactor.crash()


def crawl_settings(data: str, overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DATA", data, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_process(process: ArchiveCrawlerProcess, crawler) -> CrawlResult:
    """Start the crawl, wait for it, and make sure its run ended (aborting it if it did not)."""
    process.start()
    lifecycle = RunLifecycle.of(crawler)
    if lifecycle is None:
        raise RuntimeError("the crawl did not start (see the log)")
    if lifecycle.outcome is None:
        lifecycle.abort("the crawl stopped without closing its run")
    outcome = lifecycle.outcome
    return CrawlResult(dict(crawler.stats.get_stats()), outcome.verdict, outcome.status, process.received_signal,
                       lifecycle.session.run_id)


def run_crawl(site: str, url: str | None, data: str, overrides: dict | None = None) -> CrawlResult:
    process = ArchiveCrawlerProcess(crawl_settings(data, overrides))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, site=site, url=url, data=data)
    result = run_process(process, crawler)
    if result.status != "aborted":
        _index_closed_warcs(crawler.settings)
    return result


def start_log_file(data: Path, overrides: dict | None = None) -> Path:
    """This run's log file; the oldest are removed, so that ARCHIVE_LOG_KEEP are left with it."""
    keep = crawl_settings(str(data), overrides).getint("ARCHIVE_LOG_KEEP")
    logs = data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    old = sorted(logs.glob("crawl-*.log"))
    for stale in old[: max(0, len(old) - (keep - 1))]:
        stale.unlink()
    return logs / f"crawl-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}.log"


def _index_closed_warcs(settings) -> None:
    data = Path(settings.get("ARCHIVE_DATA"))
    index_closed_warcs(data, Path(settings.get("WARC_DIR") or data / "warc"))


def index_closed_warcs(data: Path, warc_dir: Path) -> None:
    """A CDXJ index beside each closed WARC file (data/indexes/NAME.cdxj), made with cdxj-indexer."""
    for warc in warc_files(warc_dir):
        try:
            index_warc(warc, data / "indexes")
        except PackageError as exc:      # the archive is whole without it; say so and go on
            logger.error("could not index %s: %s", warc.name, exc)
