"""Several crawl workers on one shared frontier: scrapy-redis, with the gaps it has filled.

scrapy-redis gives the shared request queue and duplicate filter (``Scheduler``,
``RFPDupeFilter``). On its own, on current Scrapy, workers quit while the queue still has
work, a worker's taken requests die with it, and politeness is per process (FINDINGS). The
modules here close those gaps, one component each:

- ``keys``: the Redis keys of one run, all under its namespace;
- ``leases``: ``LeasedPriorityQueue``, where a pop is a lease (Lua scripts on Redis's clock),
  with the fair-share rule;
- ``frontier``: ``SharedFrontier``, the idle rule and lease upkeep;
- ``clock``: ``SharedHostClock`` (Crawl-delay, ARCHIVE_HOST_MAX_RATE and Retry-After in Redis),
  ``SharedPolitenessMiddleware``, ``SharedClockDownloadHandler``;
- ``robots``: ``SharedRobotsTxtMiddleware``, robots.txt fetched once per run;
- ``worker``: ``worker_settings``, ``WorkerSession`` (the worker's shard and WARC files),
  ``WorkerNewsSpider`` and ``run_worker``, which ``python -m crawler.distributed`` (this
  package's ``__main__``) and ``newsarchive worker`` call.

The coordinator that starts the workers and merges their shards is ``crawler.coordinator``;
the shards themselves are ``archive.shards``.
"""
