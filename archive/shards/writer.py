"""The shard a crawl worker writes: a journal of the archive writes a single process would make.

Capture ids in a shard are global: worker ``k`` numbers its captures from ``(k + 1) << 40``,
so a page fetched by one worker and continued (``下一页``) by another still names both
captures, and a shard id is never mistaken for an archive id.

The captures table is the archive's own, built from the archive's migrations: the merge copies
its rows into the archive, and the digest index for revisits reads both with one query.

While a worker writes its shard it holds an exclusive lock on ``SHARD.lock`` beside it
(``archive.lock``): a shard whose lock nobody holds has no live writer, whatever its status says
(``archive.leftover_shards``). The lock goes with the process, a kill -9 included.

No Scrapy here.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ..known import KnownArticles, Lastmods
from ..lock import FileLock, LockBusy
from ..rows import CAPTURE_COLUMNS, capture_row, earlier_capture, page_summary, run_row
from ..schema import migrations
from ..store import Archive, now_iso
from ..warc import CaptureRef, EarlierCapture

SHARD_ID_SHIFT = 40
SHARD_SUFFIX = ".shard.db"
LOCK_SUFFIX = ".lock"

# The journal's own tables. ``runs`` is the worker's part of the run, not a copy of the archive's
# table: it has no ``uid``, because the worker's run record (this row) is read back by a reparse,
# which would take a null uid for the run's own.
_JOURNAL_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, site TEXT, started_at TEXT, finished_at TEXT, status TEXT, health TEXT,
    stats TEXT, base_url TEXT, extractor_version TEXT, software_version TEXT);
CREATE TABLE IF NOT EXISTS shard (worker INTEGER, pid INTEGER, host TEXT);
CREATE TABLE IF NOT EXISTS pages (
    seq INTEGER PRIMARY KEY, url TEXT, record TEXT, capture_ids TEXT, fetched_at TEXT,
    store_ranking INTEGER);
CREATE TABLE IF NOT EXISTS sitemaps (seq INTEGER PRIMARY KEY, entries TEXT);
CREATE TABLE IF NOT EXISTS skipped (
    seq INTEGER PRIMARY KEY, url TEXT, found_on TEXT, reason TEXT, size INTEGER, skipped_at TEXT);
CREATE TABLE IF NOT EXISTS failures (
    seq INTEGER PRIMARY KEY, url TEXT, found_on TEXT, reason TEXT, status INTEGER, failed_at TEXT);
"""
_INSERT_CAPTURE = (f"INSERT INTO captures (id, {', '.join(CAPTURE_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * (len(CAPTURE_COLUMNS) + 1))})")


class ShardError(Exception):
    """A shard cannot be written, read or merged."""


def shard_id_base(worker: int) -> int:
    return (worker + 1) << SHARD_ID_SHIFT


def is_shard_id(capture_id: int | None) -> bool:
    return capture_id is not None and capture_id >= 1 << SHARD_ID_SHIFT


def lock_path(shard: Path) -> Path:
    return Path(str(shard) + LOCK_SUFFIX)


def remove_shard_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", LOCK_SUFFIX):
        Path(str(path) + suffix).unlink(missing_ok=True)


@functools.cache
def _captures_schema() -> tuple[str, ...]:
    """The archive's captures table and its indexes, as its migrations leave them (not its triggers:
    they keep the archive's facet counts, which the merge's inserts there keep)."""
    db = Database(memory=True)
    migrations.apply(db)
    # 'table' sorts after 'index': the table comes first
    return tuple(sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'captures' AND type IN ('table', 'index') "
        "AND sql IS NOT NULL ORDER BY type DESC"))


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class ShardArchive:
    """What a crawl asks of its archive (``archive.crawl_archive.CrawlArchive``), writing to a
    worker's shard and reading the archive.

    Every write is its own transaction (a crash loses at most the write under way, never half of
    one); the WARC record a capture points at is written before its row.
    """

    def __init__(self, shard_path: Path, archive_path: Path, worker: int):
        try:
            self.lock = FileLock(lock_path(shard_path), shard_path).acquire()
        except LockBusy as exc:
            raise ShardError(f"cannot write the shard: {exc}") from None
        try:
            conn = _connect(shard_path)
            conn.executescript(_JOURNAL_SCHEMA)
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'captures'").fetchone():
                for sql in _captures_schema():
                    conn.execute(sql)
            self.db = Database(conn)
            self.path = shard_path
            self.worker = worker
            top = conn.execute("SELECT max(id) FROM captures").fetchone()[0]
            self._next_capture = max(shard_id_base(worker), top or 0) + 1
            try:
                main = sqlite3.connect(f"{Path(archive_path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            except sqlite3.OperationalError as exc:
                raise ShardError(f"cannot read the archive {archive_path}: {exc}") from exc
            self.main = Archive(Database(main))
        except BaseException:
            self.lock.release()
            raise

    # -- the run --------------------------------------------------------------------------
    def begin_run(self, site: str, extractor_version: str, software_version: str, base_url: str | None = None,
                  run_id: int | None = None, started_at: str | None = None, uid: str | None = None) -> int:
        if run_id is None:
            raise ShardError("a shard belongs to a run the coordinator began: run_id is required")
        with self.db.conn:
            # the same columns as the archive's runs table: the recorder copies this row into the WARC
            self.db.conn.execute(
                "INSERT OR REPLACE INTO runs (id, site, started_at, status, base_url, extractor_version, "
                "software_version) VALUES (?, ?, ?, 'running', ?, ?, ?)",
                [run_id, site, started_at or now_iso(), base_url, extractor_version, software_version])
            self.db.conn.execute("DELETE FROM shard")
            self.db.conn.execute("INSERT INTO shard (worker, pid, host) VALUES (?, ?, ?)",
                                 [self.worker, os.getpid(), os.uname().nodename])
        return run_id

    def finish_run(self, run_id: int, status: str, health: str, stats: dict, finished_at: str | None = None) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, health = ?, stats = ? WHERE id = ?",
                [finished_at or now_iso(), status, health,
                 json.dumps(stats, ensure_ascii=False, sort_keys=True, default=str), run_id])

    def run_row(self, run_id: int) -> dict:
        """The worker's part of the run, as its run record holds it."""
        return run_row(self.db, run_id)

    def resolve_ranking_articles(self, run_id: int) -> None:
        """Done on the archive after the merge, when every worker's articles are in."""

    def commit(self) -> None:
        """Every write is its own transaction: nothing waits to be committed."""

    def close(self) -> None:
        self.db.conn.close()
        self.main.db.conn.close()
        self.lock.release()       # last: the shard is whole, and may be merged

    # -- reads that steer the crawl: the archive's ----------------------------------------
    def run_identity(self, run_id: int) -> tuple[str, str | None] | None:
        """(started_at, uid) of the run as the coordinator began it; None when this copy of the archive
        does not have it yet (or predates run uids)."""
        try:
            return self.main.run_identity(run_id)
        except sqlite3.OperationalError:
            return None

    def known_articles(self, recheck_hours: float | None = None) -> KnownArticles:
        return self.main.known_articles(recheck_hours)

    def last_response(self, url: str) -> tuple[str, int] | None:
        return self.main.last_response(url)

    def refetch_urls(self) -> list[str]:
        return self.main.refetch_urls()

    def previous_lastmods(self, run_id: int) -> Lastmods:
        return self.main.previous_lastmods(run_id)

    def permanent_failures(self, run_id: int) -> set[str]:
        return self.main.permanent_failures(run_id)

    def previous_run_stats(self, run_id: int) -> dict | None:
        return self.main.previous_run_stats(run_id)

    def earlier_capture(self, url: str, digest: str) -> tuple[int, EarlierCapture] | None:
        """This worker's own captures first, then the archive's."""
        return earlier_capture(self.db, url, digest) or self.main.earlier_capture(url, digest)

    # -- writes: the journal --------------------------------------------------------------
    def add_capture(self, run_id: int, url: str, status: int, mime: str | None, ref: CaptureRef,
                    refers_to: int | None = None) -> int:
        capture_id = self._next_capture
        with self.db.conn:
            self.db.conn.execute(_INSERT_CAPTURE, [capture_id, *capture_row(run_id, url, status, mime, ref, refers_to)])
        self._next_capture += 1
        return capture_id

    def store_page(self, run_id: int, record: dict, capture_ids: list[int], fetched_at: str,
                   store_ranking: bool) -> dict:
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO pages (url, record, capture_ids, fetched_at, store_ranking) VALUES (?, ?, ?, ?, ?)",
                [record.get("url"), json.dumps(record, ensure_ascii=False), json.dumps(capture_ids), fetched_at,
                 int(bool(store_ranking))])
        return page_summary(record, capture_ids, store_ranking)

    def store_sitemap(self, run_id: int, entries: list[tuple[str, str | None]]) -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO sitemaps (entries) VALUES (?)", [json.dumps(list(entries))])

    def add_skipped(self, run_id: int, url: str, found_on: str, reason: str, size: int | None = None,
                    skipped_at: str | None = None) -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO skipped (url, found_on, reason, size, skipped_at) VALUES (?, ?, ?, ?, ?)",
                                 [url, found_on, reason, size, skipped_at or now_iso()])

    def add_failure(self, run_id: int, url: str, found_on: str, reason: str, status: int | None,
                    failed_at: str | None = None) -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO failures (url, found_on, reason, status, failed_at) VALUES (?, ?, ?, ?, ?)",
                                 [url, found_on, reason, status, failed_at or now_iso()])
