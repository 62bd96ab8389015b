"""Per-worker shards of a distributed run, and their merge into the archive.

Each crawl worker of ``newsarchive crawl --workers N`` writes its own WARC files and its own
SQLite shard; no two processes ever write one file. A shard is a journal of the writes a
single-process crawl would have made to the archive: captures (pointers into the worker's
WARC files), extracted pages, sitemap entries, skipped requisites and failures. Reads that
steer the crawl (what is already archived, the last run's sitemap, earlier payload digests)
go to the archive, opened read-only.

- ``writer``: ``ShardArchive``, the shard a worker writes (``archive.crawl_archive.CrawlArchive``,
  as ``archive.store.Archive`` is), and the lock its writer holds while it writes;
- ``merge``: ``merge_shards``, which replays every shard into the archive in one transaction,
  through the same ``Archive`` writes as a single-process crawl, and ``combined_stats``.

A coordinator that died before its merge leaves the shards on disk: ``archive.leftover_shards``
merges them at the start of the next crawl, once their workers have exited.

No Scrapy here.
"""
