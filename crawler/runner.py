"""Run one crawl in this process and turn its stats into a verdict and an exit code.

``scrapy crawl`` exits 0 even when a crawl failed (FINDINGS); ``newsarchive crawl`` exits
0 when the run was healthy and 3 when it was not, from ``crawler.health``.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .health import Verdict, judge
from .spiders.news import NewsSpider

EXIT_OK, EXIT_UNHEALTHY = 0, 3


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
    return CrawlResult(stats, judge(stats))
