"""One worker of a distributed run: its settings, its session (shard and WARC files), its spider.

``run_worker`` is the function both ``python -m crawler.distributed`` (what the coordinator
starts) and ``newsarchive worker`` (by hand, on another host) call. ``worker_settings`` turns a
single-process crawl's settings into a worker's: scrapy-redis's scheduler and duplicate filter on
the run's keys, leases, the shared frontier, the shared politeness clock and robots.txt, and a
share of the politeness limits.

Settings: ARCHIVE_DATA, ARCHIVE_DB, ARCHIVE_RUN_ID, ARCHIVE_WORKER, ARCHIVE_WORKERS, ARCHIVE_SEEDER,
ARCHIVE_SHARD, ARCHIVE_SITE, ARCHIVE_BASE_URL, WARC_DIR, WARC_PREFIX, WARC_MAX_SIZE, USER_AGENT.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from pathlib import Path

from scrapy.settings import Settings

from archive.shards.writer import ShardArchive
from archive.store import now_iso
from archive.vocabulary import PID, SOFTWARE_VERSION, WORKER, run_warc_writer
from extract import EXTRACTOR_VERSION

from ..registry import shared
from ..runner import ArchiveCrawlerProcess, crawl_settings, run_process
from ..session import ArchiveSession
from ..spiders.lists import FEED_BATCH
from ..spiders.news import NewsSpider
from .keys import RunKeys, connect

START_WAIT_SECONDS = 30


class WorkerSession:
    """What ``crawler.session.ArchiveSession`` is for a single-process crawl, for one worker: the
    worker's shard, its own WARC files (IIPC names carry host and PID), and the run the coordinator
    began. It plays the archive session's part in ``crawler.registry``."""

    def __init__(self, data_dir: Path, shard: Path, archive_db: Path, warc_dir: Path, warc_prefix: str,
                 warc_max_size: int, run_id: int, worker: int, site: str, base_url: str | None, user_agent: str):
        self.data_dir = data_dir
        self.run_id = run_id
        self.archive = ShardArchive(shard, archive_db, worker)
        # The run's identity, as the coordinator began it, goes into this worker's files (a worker on
        # another host with an older copy of the archive has none: its own start time stands in).
        started, uid = self.archive.run_identity(run_id) or (now_iso(), None)
        self.archive.begin_run(site, EXTRACTOR_VERSION, SOFTWARE_VERSION, base_url, run_id=run_id, started_at=started)
        self.warc = run_warc_writer(warc_dir, warc_prefix, run_id, site, base_url, started,
                                    {"http-header-user-agent": user_agent, "robots": "obey",
                                     # a string: warcio leaves out a field whose value is falsy (worker 0)
                                     WORKER: str(worker), PID: os.getpid()},
                                    warc_max_size, uid)
        self.closed = False
        self.fatal: str | None = None      # as ArchiveSession.fatal
        self.halting = None                # the close that a fatal error scheduled

    @classmethod
    def from_settings(cls, settings) -> "WorkerSession":
        data = Path(settings.get("ARCHIVE_DATA"))
        return cls(data, Path(settings.get("ARCHIVE_SHARD")), Path(settings.get("ARCHIVE_DB") or data / "archive.db"),
                   Path(settings.get("WARC_DIR") or data / "warc"), settings.get("WARC_PREFIX"),
                   settings.getint("WARC_MAX_SIZE"), settings.getint("ARCHIVE_RUN_ID"),
                   settings.getint("ARCHIVE_WORKER"), settings.get("ARCHIVE_SITE") or "unknown",
                   settings.get("ARCHIVE_BASE_URL"), settings.get("USER_AGENT"))

    def close(self) -> None:
        self.closed = True
        self.warc.close()
        self.archive.close()


class WorkerNewsSpider(NewsSpider):
    """The news spider as one worker of several: only the seeder yields the start URLs, and the
    URLs a sitemap or feed lists go to the shared queue at once (a single process keeps them in
    memory and asks for them when it runs dry; here that memory would die with the worker, and the
    others could stop while this one still held work)."""

    name = "news-worker"

    async def parse(self, response):
        async for output in super().parse(response):
            yield output
        backlog = self._feed_backlog
        while backlog:
            for request in self._follow([backlog.popleft() for _ in range(min(FEED_BATCH, len(backlog)))]):
                yield request

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # The spider sets ARCHIVE_SITE and ARCHIVE_BASE_URL (from its profile) above: only now can the
        # session be made, and it must be before the recorder, the pipeline and the lifecycle ask
        # for the archive session.
        shared(crawler, ArchiveSession, lambda c: WorkerSession.from_settings(c.settings))
        return spider

    async def start(self):
        settings = self.crawler.settings
        client, keys = connect(settings)
        seeder = settings.getbool("ARCHIVE_SEEDER")
        if seeder:
            # A fair start: the others are open before the first request is queued (a worker that
            # starts a second late would otherwise find the first listings taken).
            workers, deadline = settings.getint("ARCHIVE_WORKERS", 1), time.monotonic() + START_WAIT_SECONDS
            while int(client.get(keys.ready) or 0) < workers and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        async for request in super().start():     # the frontier is set up in every worker
            if seeder:
                yield request
        if seeder:
            # Every start request is in the shared queue by now (the engine schedules each one
            # before asking for the next): the others may stop once all are idle.
            client.set(keys.seeded, 1)


def worker_settings(settings: Settings, *, redis_url: str, namespace: str, run_id: int, worker: int,
                    workers: int, seeder: bool, shard: str) -> dict:
    """What makes a crawl one worker of ``workers``: scrapy-redis's scheduler and duplicate filter on
    the run's keys, leases, the shared politeness clock, and a share of the politeness limits, so
    that all workers together ask no more of the site than one crawl would."""
    keys = RunKeys(namespace)
    extensions = settings.getdict("EXTENSIONS")
    extensions["crawler.distributed.frontier.SharedFrontier"] = 50
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    position = middlewares.pop("crawler.guard.PolitenessMiddleware", 560)
    middlewares["crawler.guard.PolitenessMiddleware"] = None
    middlewares["crawler.distributed.clock.SharedPolitenessMiddleware"] = position
    robots = middlewares.pop("scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware", 100)
    middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] = None
    middlewares["crawler.distributed.robots.SharedRobotsTxtMiddleware"] = robots     # None: robots.txt switched off
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.leases.LeasedPriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.queue,
        "SCHEDULER_DUPEFILTER_KEY": keys.seen,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,            # the coordinator clears the run's keys when all are done
        "REDIS_URL": redis_url,
        "EXTENSIONS": extensions,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "DOWNLOAD_HANDLERS": {**settings.getdict("DOWNLOAD_HANDLERS"),
                              "http": "crawler.distributed.clock.SharedClockDownloadHandler",
                              "https": "crawler.distributed.clock.SharedClockDownloadHandler"},
        "ARCHIVE_NAMESPACE": namespace, "ARCHIVE_RUN_ID": run_id, "ARCHIVE_WORKER": worker, "ARCHIVE_WORKERS": workers,
        "ARCHIVE_SEEDER": seeder, "ARCHIVE_SHARD": shard,
        "ARCHIVE_PROGRESS": "off",            # the coordinator speaks for the run
        "CONCURRENT_REQUESTS": max(1, math.ceil(settings.getint("CONCURRENT_REQUESTS") / workers)),
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(1, math.ceil(settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
                                                           / workers)),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": max(1.0, settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") / workers),
    }


def run_worker(site: str, url: str | None, data: str, overrides: dict | None = None, log_file: str | None = None,
               **worker) -> int:
    """One worker of a distributed run, in this process; its exit code. The coordinator judges the
    run: a worker says only whether it stopped cleanly (0), was stopped by signal N (128 + N) or
    aborted its part (1)."""
    settings = crawl_settings(data, {**(overrides or {}), **({"LOG_FILE": log_file} if log_file else {})})
    for key, value in worker_settings(settings, **worker).items():
        settings.set(key, value, priority="cmdline")
    process = ArchiveCrawlerProcess(settings)
    crawler = process.create_crawler(WorkerNewsSpider)
    process.crawl(crawler, site=site, url=url, data=data)
    result = run_process(process, crawler)
    return result.exit_code if result.signal or result.status == "aborted" else 0
