"""One archive session per crawl: the database, the WARC writer and the run row, shared by
the WARC recorder and the archive pipeline.

With ARCHIVE_OFFLOAD the archive's writes (and the reading of pages) go to a second process
(``crawler.offload``), started once the run is begun; ``writer`` is that process, None without it.

Settings: ARCHIVE_DATA, ARCHIVE_DB, ARCHIVE_COMMIT_INTERVAL, ARCHIVE_OFFLOAD, WARC_DIR, WARC_PREFIX, WARC_MAX_SIZE,
USER_AGENT.
"""

from __future__ import annotations

import logging
from pathlib import Path

from archive.store import Archive, open_archive
from archive.vocabulary import SOFTWARE_VERSION, run_warc_writer
from extract import EXTRACTOR_VERSION

from .offload import WriterGone, WriterProcess
from .offloaded_archive import OffloadedArchive
from .registry import install, lookup

logger = logging.getLogger(__name__)


class ArchiveSession:
    def __init__(self, data_dir: Path, db_path: Path, warc_dir: Path, warc_prefix: str, warc_max_size: int,
                 site: str, user_agent: str, base_url: str | None = None, commit_interval: float = 0.0,
                 offload: bool = False):
        self.data_dir = data_dir
        self.archive = Archive(open_archive(db_path), commit_interval=commit_interval)
        self.run_id = self.archive.begin_run(site, EXTRACTOR_VERSION, SOFTWARE_VERSION, base_url)
        started, uid = self.archive.db.execute("SELECT started_at, uid FROM runs WHERE id = ?",
                                               [self.run_id]).fetchone()
        self.warc = run_warc_writer(warc_dir, warc_prefix, self.run_id, site, base_url, started,
                                    {"http-header-user-agent": user_agent, "robots": "obey"}, warc_max_size, uid)
        self.writer = None
        if offload:
            self.writer = WriterProcess(db_path, commit_interval)
            self.archive = OffloadedArchive(self.archive, self.writer)
        self.closed = False
        self.fatal: str | None = None      # why the run cannot go on (a full disk): it ends aborted
        self.halting = None                # the close that a fatal error scheduled
        logger.info("archive run %s: db=%s warc=%s", self.run_id, db_path, warc_dir)

    @classmethod
    def for_crawler(cls, crawler) -> "ArchiveSession":
        session = lookup(crawler, ArchiveSession)      # or a worker's session (crawler.distributed.worker)
        if session is None:
            s = crawler.settings
            data = Path(s.get("ARCHIVE_DATA"))
            site = s.get("ARCHIVE_SITE") or "unknown"
            session = cls(data, Path(s.get("ARCHIVE_DB") or data / "archive.db"),
                          Path(s.get("WARC_DIR") or data / "warc"), s.get("WARC_PREFIX"),
                          s.getint("WARC_MAX_SIZE"), site, s.get("USER_AGENT"), s.get("ARCHIVE_BASE_URL"),
                          s.getfloat("ARCHIVE_COMMIT_INTERVAL"), s.getbool("ARCHIVE_OFFLOAD"))
            install(crawler, ArchiveSession, session)
            if session.writer is not None:
                session.writer.on_error = lambda name, exc: writer_failed(crawler, session, name, exc)
                # what the pipeline counts from store_page's answer in one process (the progress line's "new")
                session.writer.on_stored = lambda article: crawler.stats.inc_value(f"archive/articles_{article}")
        return session

    def close(self) -> None:
        """Commit, close the WARC file and the database; nothing is written after this."""
        self.closed = True
        self.archive.commit()
        self.warc.close()
        self.archive.close()


def writer_failed(crawler, session, name: str, exc: BaseException) -> None:
    """A write the writer process could not make, counted as the pipeline counts its own; a full disk,
    or a writer that is gone, stops the crawl (nothing more could be stored)."""
    from .lifecycle import halt, storage_refused     # lifecycle imports this module

    crawler.stats.inc_value("archive/errors")
    crawler.stats.inc_value(f"archive/errors/{type(exc).__name__}")
    refused = storage_refused(exc) or (str(exc) if isinstance(exc, WriterGone) else None)
    if refused:
        if not session.closed:
            halt(crawler, session, refused)
    else:
        logger.error("could not store (%s): %s", name, exc)
