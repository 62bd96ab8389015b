"""Scrapy settings of newsarchive: every setting the code reads is declared here, with a comment.

Our own settings carry a prefix: ``ARCHIVE_*`` for the crawl and the archive, ``WARC_*`` for the
WARC writer. The README's settings section is generated from this file (``newsarchive schema
--readme README.md``; ``newsarchive/settings_doc.py``): the comment right above a setting, or
on its line, is its description there, and a test fails when one has none. Lines starting with
``# --`` are section titles.
"""

import logging

from crawler.useragent import user_agent

# charset-normalizer logs at a TRACE level below DEBUG; with its logger at WARNING, no record is
# even created (they cost 4 s of a 57 s crawl).
logging.getLogger("charset_normalizer").setLevel(logging.WARNING)

# Scrapy's project name.
BOT_NAME = "newsarchive"
# Where Scrapy finds the `news` spider.
SPIDER_MODULES = ["crawler.spiders"]
# Where `scrapy genspider` would put a new spider.
NEWSPIDER_MODULE = "crawler.spiders"

# -- where things go (the CLI sets these from --data) -----------------------------------------
# The data directory: archive.db, warc/, logs/, indexes/ and shards/ go here.
ARCHIVE_DATA = "data"
# The archive database; None: ARCHIVE_DATA/archive.db.
ARCHIVE_DB = None
# Where WARC files are written; None: ARCHIVE_DATA/warc.
WARC_DIR = None
# First part of WARC file names (PREFIX-TIMESTAMP-SERIAL-PID-HOST.warc.gz, IIPC style).
WARC_PREFIX = "newsarchive"
# A WARC file is closed and a new one begun past this size in bytes, between record pairs (~1 GB, IIPC practice).
WARC_MAX_SIZE = 1_000_000_000
# Crawl logs kept in ARCHIVE_DATA/logs/ (crawl-TIMESTAMP.log): older ones are removed as a run starts.
ARCHIVE_LOG_KEEP = 50
# Seconds between database commits, each page's rows all or none (archive.store). A commit per
# capture and per page cost more than WARC writing. A crash loses at most this interval's rows;
# their pages are in the WARC and the next run fetches them.
ARCHIVE_COMMIT_INTERVAL = 0.2
# Pages are read (extraction) and the archive database written in a second process, on the other
# core (crawler.offload, archive.page_writer); the crawl's own process keeps the network, the WARC
# files and navigation. Off: all of it in one process. Workers of a distributed run write shards in
# their own process either way.
ARCHIVE_OFFLOAD = True
# Archive page requisites (images, CSS, JS, media) on the allowed hosts, so replay looks like the site.
ARCHIVE_REQUISITES = True
# Videos up to this many bytes are archived; larger ones go to the `skipped` table with their URL.
ARCHIVE_VIDEO_MAX_SIZE = 50 * 1024 * 1024
# Incremental runs re-check a known article this many hours after it was first seen, then never again.
ARCHIVE_RECHECK_HOURS = [1, 24, 168]
# Fetch everything again, known or not (`crawl --full`: a full snapshot).
ARCHIVE_FULL = False
# Set by the spider: the site profile's name, for the run's row and the WARC files' warcinfo.
ARCHIVE_SITE = None
# Set by the spider: the base URL the run crawls (the profile's {base}).
ARCHIVE_BASE_URL = None
# Seconds between two looks at the event loop's lag (reactor/max_lag_ms); 0 switches the monitor off.
ARCHIVE_LOOP_LAG_INTERVAL = 0.25
# Progress of a crawl (crawler.progress): "auto" is a live line on a terminal and a status line every
# ARCHIVE_STATUS_INTERVAL seconds elsewhere (a log, cron); "off" is silence.
ARCHIVE_PROGRESS = "auto"
# Seconds between two status lines when not on a terminal (crawl --status-interval).
ARCHIVE_STATUS_INTERVAL = 30.0
# Status as JSON lines on stdout instead, for other tools (crawl --status-json); the last is the summary.
ARCHIVE_STATUS_JSON = False
# A trial run (crawl --limit N): reaching ARCHIVE_MAX_PAGES is what was asked for, not a failure.
ARCHIVE_TRIAL = False

# -- limits of one run (crawler.limits); what they stop is a `failures` row naming the setting --
# Pages (listings, articles, later parts) a run asks for; reaching it makes the run unhealthy.
# A first crawl of a 100,000-article site asks for about 110,000.
ARCHIVE_MAX_PAGES = 1_000_000
# Distinct query strings one path is asked for with in a run (calendar and ?p=N traps).
ARCHIVE_MAX_QUERY_VARIANTS = 100
# Links followed from a start page; each listing page is one more.
ARCHIVE_MAX_DEPTH = 500
# Scrapy's UrlLengthMiddleware drops longer URLs with only a log line; crawler.limits refuses
# them first, with a failure row.
URLLENGTH_LIMIT = 2083
# A page that refreshes itself (<meta http-equiv="refresh">, common on portal home pages) is
# a page: it is archived, parsed, and its refresh target followed as a link. Scrapy's
# MetaRefreshMiddleware would replace it by a request for the target, which the duplicate
# filter drops when it is the page itself: the page vanished with no failure row (issue 12).
METAREFRESH_ENABLED = False

# -- rendering (crawler.browser) --------------------------------------------------------------
# Pages the profile's [render] table names are loaded in headless chromium, every request it makes
# going through the downloader and into the WARC. On: the profile decides which pages (none
# without a [render] table); off: none is rendered, whatever the profile says.
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
# Named in the User-Agent, so that a site's operator can reach us (was NEWSARCHIVE_CONTACT, still read).
ARCHIVE_CONTACT = "https://github.com/newsarchive/newsarchive"
# The tool and ARCHIVE_CONTACT; crawler.useragent makes it again when ARCHIVE_CONTACT is set alone.
USER_AGENT = user_agent(ARCHIVE_CONTACT)
# Seconds a `Retry-After` on a 429 or 503 is waited out, at most.
ARCHIVE_MAX_RETRY_AFTER = 600
# Requests per second to one host, all workers together (`crawl --max-rate`); 0: only Crawl-delay and Retry-After.
ARCHIVE_HOST_MAX_RATE = 0.0
# robots.txt is obeyed (Scrapy's RobotsTxtMiddleware), its Crawl-delay too (crawler.guard).
ROBOTSTXT_OBEY = True
# AutoThrottle adapts the delay to the site's response times.
AUTOTHROTTLE_ENABLED = True
# AutoThrottle's first delay, in seconds.
AUTOTHROTTLE_START_DELAY = 0.25
# AutoThrottle never waits longer than this between requests, in seconds.
AUTOTHROTTLE_MAX_DELAY = 30
# Requests AutoThrottle lets run in parallel to one host; divided among the workers of a distributed run.
AUTOTHROTTLE_TARGET_CONCURRENCY = 8.0
# Requests in flight at once; divided among the workers of a distributed run.
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
# Seconds a request may take; a slower one is a `failures` row ("timeout after 30 s").
DOWNLOAD_TIMEOUT = 30
# Bodies over this many bytes (on the wire or once decompressed) are refused, with a failure row.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
# Bodies over this many bytes are logged as large.
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# A request that failed with a RETRY_HTTP_CODES status or a network error is tried this many times more.
RETRY_TIMES = 2
# Statuses retried; 429 and 503 after their Retry-After (crawler.guard.PolitenessMiddleware).
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# -- distributed runs (crawl --workers N --redis URL): the coordinator sets these per worker -----
# scrapy-redis's own name for the Redis of the shared frontier (`crawl --redis`).
REDIS_URL = None
# The run's Redis key prefix, so that two runs on one Redis never share a key.
ARCHIVE_NAMESPACE = None
# The run the coordinator began, which this worker's rows belong to.
ARCHIVE_RUN_ID = None
# This worker's number, from 0.
ARCHIVE_WORKER = 0
# How many workers share the run (the fair share and the politeness limits are divided by it).
ARCHIVE_WORKERS = 1
# This worker queues the start URLs, once all workers are open (worker 0).
ARCHIVE_SEEDER = False
# This worker's SQLite shard, merged into the archive after the run.
ARCHIVE_SHARD = None
# Seconds before a dead worker's leased requests go back on the queue (`crawl --lease-timeout`).
ARCHIVE_LEASE_TIMEOUT = 60
# Seconds a worker waits for another worker's copy of a robots.txt before it fetches the file
# itself (the first fetcher died); None: DOWNLOAD_TIMEOUT + 10.
ARCHIVE_ROBOTS_WAIT = None

# -- unattended runs ---------------------------------------------------------------------------
# No telnet console on an unattended machine (FINDINGS).
TELNETCONSOLE_ENABLED = False
# No remote-control server either (FINDINGS).
REMOTE_CONTROL_ENABLED = False
# The archive database is the incremental store; Scrapy's HTTP cache is not (FINDINGS).
HTTPCACHE_ENABLED = False
# Pages are archived as an anonymous visitor sees them.
COOKIES_ENABLED = False

# -- components --------------------------------------------------------------------------------
# The User-Agent follows ARCHIVE_CONTACT however the crawl is started; the old setting name still works.
ADDONS = {"crawler.useragent.ContactUserAgent": 0}
# A request leaves no sooner than the politeness interval after the host's last one (crawler.guard).
DOWNLOAD_HANDLERS = {"http": "crawler.guard.PoliteDownloadHandler", "https": "crawler.guard.PoliteDownloadHandler"}
# Our guards, placed around Scrapy's own middlewares (the reason is beside each).
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
# The WARC recorder, the run's lifecycle and the loop-lag monitor.
EXTENSIONS = {
    "crawler.recorder.WarcRecorder": 100,
    # judges and ends the run (row, run record, WARC closed) on every way out
    "crawler.lifecycle.RunLifecycle": 110,
    # the longest time the event loop stood still (reactor/max_lag_ms)
    "crawler.looplag.LoopLagMonitor": 120,
    # what the crawl is doing, on stderr (a live line on a terminal) or as JSON lines on stdout
    "crawler.progress.ProgressReporter": 130,
}
# The spider middleware that renders what the profile's [render] table names, next to the spider
# (above DepthMiddleware's 900): what it makes of a rendered page passes every other spider
# middleware, as the spider's own output does.
SPIDER_MIDDLEWARES = {"crawler.browser.middleware.RenderMiddleware": 950}
# Records go to the archive database.
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}

# -- logging and runtime -----------------------------------------------------------------------
# `crawl --log-level` sets it.
LOG_LEVEL = "INFO"
# Scrapy's log file; `newsarchive crawl` sets DATA/logs/crawl-TIMESTAMP.log (ARCHIVE_LOG_KEEP are kept).
LOG_FILE = None
# The asyncio reactor: our components are coroutines.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Feeds (scrapy crawl -o) keep Chinese as it is, not \u escapes.
FEED_EXPORT_ENCODING = "utf-8"
