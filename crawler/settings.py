"""Scrapy settings of newsarchive. Our own settings carry a prefix: ARCHIVE_*, WARC_*."""

import logging

from archive.vocabulary import SOFTWARE

# charset-normalizer logs at a TRACE level below DEBUG; with its logger at WARNING, no record is
# even created (they cost 4 s of a 57 s crawl).
logging.getLogger("charset_normalizer").setLevel(logging.WARNING)

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- where things go (the CLI sets these from --data) -----------------------------------------
ARCHIVE_DATA = "data"
ARCHIVE_DB = None          # default: <ARCHIVE_DATA>/archive.db
WARC_DIR = None            # default: <ARCHIVE_DATA>/warc
WARC_PREFIX = "newsarchive"
WARC_MAX_SIZE = 1_000_000_000     # rotate after ~1 GB (IIPC practice)
# Database rows are committed at most this many seconds apart, each page's rows all or none
# (archive.store). A commit per capture and per page cost more than WARC writing. A crash
# loses at most this interval's rows; their pages are in the WARC and the next run fetches them.
ARCHIVE_COMMIT_INTERVAL = 0.2
# Page requisites (images, CSS, JS) are archived so replay looks like the site; videos up to
# this size, larger ones are recorded in the `skipped` table with their URL.
ARCHIVE_REQUISITES = True
# Incremental runs: known articles are re-checked this many hours after first seen, then frozen;
# ARCHIVE_FULL fetches everything again.
ARCHIVE_RECHECK_HOURS = [1, 24, 168]
ARCHIVE_FULL = False
ARCHIVE_VIDEO_MAX_SIZE = 50 * 1024 * 1024
# Limits of one run (crawler.limits); what they stop is in `failures` with the rule. Pages a run
# asks for (a first crawl of a 100,000-article site asks for about 110,000); query strings one
# path is asked for with; links followed from a start page (each listing page is one more).
ARCHIVE_MAX_PAGES = 1_000_000
ARCHIVE_MAX_QUERY_VARIANTS = 100
ARCHIVE_MAX_DEPTH = 500
# Scrapy's UrlLengthMiddleware drops longer URLs with only a log line; crawler.limits refuses
# them first, with a failure row.
URLLENGTH_LIMIT = 2083
# A page that refreshes itself (<meta http-equiv="refresh">, common on portal home pages) is
# a page: it is archived, parsed, and its refresh target followed as a link. Scrapy's
# MetaRefreshMiddleware would replace it by a request for the target, which the duplicate
# filter drops when it is the page itself: the page vanished with no failure row (issue 12).
METAREFRESH_ENABLED = False

# -- rendering (crawler.browser): pages the profile's [render] table names are loaded in headless
# chromium, every request it makes going through the downloader below and into the WARC --------
# On by default: the profile decides which pages (none without a [render] table); off here, no
# page is rendered whatever the profile says.
ARCHIVE_RENDER_ENABLED = True
# Debian's package (a test tool's own browser download cannot work without internet, FINDINGS).
ARCHIVE_CHROMIUM = "/usr/bin/chromium"
# Seconds one page may take to load and settle, its requests' politeness waits included; past it,
# the page is stored as served and the timeout is a failures row.
ARCHIVE_RENDER_TIMEOUT = 30
# The page is read once no request of it has been in flight for this many seconds (a script that
# fills a list from JSON on DOM ready has then had its answer).
ARCHIVE_RENDER_SETTLE = 0.3
# Pages rendered at once (each a browser context; the browser is shared). On 2 cores, 2 at once
# took 3.1 s a page and 1 took 1.4 s, the whole crawl 24 s against 19 s (bench/render_cost.py):
# the browser competes with the crawl for the CPU.
ARCHIVE_RENDER_CONCURRENCY = 1

# -- politeness --------------------------------------------------------------------------------
NEWSARCHIVE_CONTACT = "https://github.com/newsarchive/newsarchive"
USER_AGENT = f"{SOFTWARE} (web archiving; +{NEWSARCHIVE_CONTACT})"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 8.0
CONCURRENT_REQUESTS = 16
# The default of 8 quietly caps a one-host crawl (FINDINGS); the cap is explicit here.
CONCURRENT_REQUESTS_PER_DOMAIN = 16
# The spider's own seen-URL set is the duplicate filter (crawler.frontier): RFPDupeFilter's
# second set of fingerprints cost about 120 bytes a request.
DUPEFILTER_CLASS = "crawler.frontier.SeenUrlDupeFilter"
# Scrapy 2.19 handles each response's output with CONCURRENT_ITEMS asyncio tasks made afresh
# (scrapy.utils.asyncio._parallel_asyncio): at the default of 100 that was 2.4 of 8.4 CPU ms
# per page. The archive pipeline is synchronous, so more than one gains nothing.
CONCURRENT_ITEMS = 1
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_TIMES = 2

# -- unattended runs: no telnet console, no remote-control server (FINDINGS) ------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# The archive database is the incremental store; Scrapy's HTTP cache is not (FINDINGS).
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False

# A request leaves no sooner than the politeness interval after the host's last one (crawler.guard).
DOWNLOAD_HANDLERS = {"http": "crawler.guard.PoliteDownloadHandler", "https": "crawler.guard.PoliteDownloadHandler"}

DOWNLOADER_MIDDLEWARES = {
    # before robots.txt (100) and redirects (600): nothing offsite is ever asked for
    "crawler.guard.AllowedHostsMiddleware": 50,
    # its process_response runs before RetryMiddleware (550) sees the 503/429
    "crawler.guard.PolitenessMiddleware": 560,
    # sees a redirect before RedirectMiddleware (600) follows it
    "crawler.guard.RedirectGuardMiddleware": 610,
    # runs just before HttpCompressionMiddleware (590) decompresses
    "crawler.compressed.PlainCompressedBodyMiddleware": 595,
}
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
ARCHIVE_MAX_RETRY_AFTER = 600

EXTENSIONS = {
    "crawler.recorder.WarcRecorder": 100,
    # judges and ends the run (row, run record, WARC closed) on every way out
    "crawler.lifecycle.RunLifecycle": 110,
    # the longest time the event loop stood still (reactor/max_lag_ms)
    "crawler.looplag.LoopLagMonitor": 120,
}
ARCHIVE_LOOP_LAG_INTERVAL = 0.25
SPIDER_MIDDLEWARES = {
    # next to the spider (above DepthMiddleware's 900): what it makes of a rendered page passes
    # every other spider middleware, as the spider's own output does
    "crawler.browser.middleware.RenderMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
