"""Run one crawl in this process and turn its stats into a verdict and an exit code.

``scrapy crawl`` exits 0 even when a crawl failed (FINDINGS); ``newsarchive crawl`` exits
0 when the run was healthy and 3 when it was not, from ``crawler.health``.
"""

from __future__ import annotations

from dataclasses import dataclass

import logging
import math
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from archive.package import PackageError, index_warc
from archive.reparse import warc_files
from scrapy.settings import Settings

from .health import Verdict, judge
from .spiders.news import NewsSpider

EXIT_OK, EXIT_UNHEALTHY, EXIT_LOCKED = 0, 3, 75   # 75: EX_TEMPFAIL, "try again later"
LOG_KEEP = 50
logger = logging.getLogger(__name__)


@dataclass
class CrawlResult:
    stats: dict
    verdict: Verdict

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.verdict.ok else EXIT_UNHEALTHY


def crawl_settings(data: str, overrides: dict | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DATA", data, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(site: str, url: str | None, data: str, overrides: dict | None = None) -> CrawlResult:
    process = CrawlerProcess(crawl_settings(data, overrides))
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, site=site, url=url, data=data)
    process.start()
    stats = dict(crawler.stats.get_stats())
    _index_closed_warcs(crawler.settings)
    # The recorder judged the run with the previous run's stats and stored the verdict.
    reasons = stats.get("archive/health_reasons")
    verdict = Verdict(stats["archive/health"], reasons or []) if "archive/health" in stats else judge(stats)
    return CrawlResult(stats, verdict)


def start_log_file(data: Path, keep: int = LOG_KEEP) -> Path:
    """This run's log file; the oldest beyond ``keep`` are removed."""
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


def worker_settings(settings: Settings, *, redis_url: str, namespace: str, run_id: int, worker: int,
                    workers: int, seeder: bool, shard: str) -> dict:
    """What makes a crawl one worker of ``workers``: scrapy-redis's scheduler and duplicate filter on
    the run's keys, leases, the shared politeness clock, and a share of the politeness limits, so
    that all workers together ask no more of the site than one crawl would."""
    from .distributed import RunKeys

    keys = RunKeys(namespace)
    extensions = settings.getdict("EXTENSIONS")
    extensions["crawler.distributed.SharedFrontier"] = 50
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    position = middlewares.pop("crawler.guard.PolitenessMiddleware", 560)
    middlewares["crawler.guard.PolitenessMiddleware"] = None
    middlewares["crawler.distributed.SharedPolitenessMiddleware"] = position
    robots = middlewares.pop("scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware", 100)
    middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] = None
    middlewares["crawler.distributed.SharedRobotsTxtMiddleware"] = robots        # None: robots.txt switched off
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.LeasedPriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.queue,
        "SCHEDULER_DUPEFILTER_KEY": keys.seen,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,            # the coordinator clears the run's keys when all are done
        "REDIS_URL": redis_url,
        "EXTENSIONS": extensions,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "DOWNLOAD_HANDLERS": {**settings.getdict("DOWNLOAD_HANDLERS"),
                              "http": "crawler.distributed.SharedClockDownloadHandler",
                              "https": "crawler.distributed.SharedClockDownloadHandler"},
        "ARCHIVE_NAMESPACE": namespace, "ARCHIVE_RUN_ID": run_id, "ARCHIVE_WORKER": worker, "ARCHIVE_WORKERS": workers,
        "ARCHIVE_SEEDER": seeder, "ARCHIVE_SHARD": shard,
        "CONCURRENT_REQUESTS": max(1, math.ceil(settings.getint("CONCURRENT_REQUESTS") / workers)),
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(1, math.ceil(settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
                                                           / workers)),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": max(1.0, settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") / workers),
    }


def run_worker(site: str, url: str | None, data: str, overrides: dict | None = None, **worker) -> dict:
    """One worker of a distributed run, in this process (``newsarchive worker``); its stats."""
    from .distributed import WorkerNewsSpider

    settings = crawl_settings(data, overrides)
    for key, value in worker_settings(settings, **worker).items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WorkerNewsSpider)
    process.crawl(crawler, site=site, url=url, data=data)
    process.start()
    return dict(crawler.stats.get_stats())
