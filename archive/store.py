"""The SQLite archive: one entry point that opens and migrates it, and the writes a crawl makes.

Plain values in (records as dicts, capture pointers); no Scrapy. The writes of one page (or
one capture) are one unit: all of them or none, so a crash never leaves half a page in the
database. With ``commit_interval`` the units share a transaction that is committed at most
that many seconds apart (a commit per page was the largest database cost of a crawl); a
crash then loses at most the last interval's rows, never part of one, and their pages are
still in the WARC (reparse reads them, the next incremental run fetches them again).

The hot path is plain SQL: sqlite-utils' ``upsert`` introspects the table on every call.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from .known import KnownArticles, Lastmods, known_articles, previous_lastmods
from .records import RecordWrites
from .rows import CAPTURE_COLUMNS, capture_row, earlier_capture, run_row
from .schema import migrations
from .lost import refetch_urls
from .search import match_expression
from .warc import CaptureRef, EarlierCapture


class ArchiveError(Exception):
    """The archive database cannot be opened or written."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_archive(path: str | Path) -> Database:
    """Open (creating if needed) and migrate the archive at ``path``: WAL, foreign keys on."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=30)
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        if not db.table_names():
            db.execute("PRAGMA page_size = 16384")   # FINDINGS: 234 MB vs 411 MB for 100k articles
        db.enable_wal()
        # WAL + NORMAL: a crash can lose the last transactions but never corrupts the file;
        # what a lost transaction held is still in the WARC, from which the run resumes.
        db.execute("PRAGMA synchronous = NORMAL")
        # Each page's writes are a savepoint (Archive._unit), whose statement journal is a temp
        # file by default: in memory it is a copy of the pages a unit touches.
        db.execute("PRAGMA temp_store = MEMORY")
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
    return db


_INSERT_CAPTURE = (f"INSERT INTO captures ({', '.join(CAPTURE_COLUMNS)}) VALUES ({', '.join('?' * len(CAPTURE_COLUMNS))}) "
                   "ON CONFLICT (record_id) DO NOTHING RETURNING id")
_INSERT_NUMBERED = (f"INSERT INTO captures (id, {', '.join(CAPTURE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * (len(CAPTURE_COLUMNS) + 1))})")


class _Unit:
    """``with archive._unit():`` one page's or capture's writes, all of them or none. The unit is

    - ``transaction``: its own BEGIN/COMMIT (no batch open);
    - ``savepoint``: a savepoint in the open batch, rolled back alone on failure;
    - ``batch``: the open batch itself (``savepoints=False``): a failure rolls the batch back.

    A class rather than a generator-based context manager: it runs for every capture and page.
    """

    __slots__ = ("archive", "kind")

    def __init__(self, archive: "Archive"):
        self.archive = archive

    def __enter__(self) -> None:
        archive, conn = self.archive, self.archive.db.conn
        if archive._depth == 0 and archive.commit_interval > 0 and not conn.in_transaction:
            conn.execute("BEGIN")
            archive._batch_began = time.monotonic()
        if not conn.in_transaction:
            self.kind = "transaction"
            conn.execute("BEGIN")
        elif archive.savepoints:
            self.kind = "savepoint"
            conn.execute("SAVEPOINT unit")
        else:
            self.kind = "batch"
        archive._depth += 1

    def __exit__(self, exc_type, exc, tb) -> bool:
        archive, conn = self.archive, self.archive.db.conn
        archive._depth -= 1
        if exc_type is not None:
            # an error that destroyed the transaction (RAISE(ROLLBACK)) leaves nothing to undo
            if conn.in_transaction:
                if self.kind == "savepoint":
                    conn.execute("ROLLBACK TO unit")
                    conn.execute("RELEASE unit")
                else:
                    conn.execute("ROLLBACK")
            return False
        if self.kind == "savepoint":
            conn.execute("RELEASE unit")
        elif self.kind == "transaction":
            conn.execute("COMMIT")
        if archive._depth == 0 and archive.commit_interval > 0 \
                and time.monotonic() - archive._batch_began >= archive.commit_interval:
            archive.commit()
        return False


class Archive(RecordWrites):
    """The writes of one crawl run.

    ``commit_interval``: 0 commits every unit of writes on its own; above 0, units share one
    transaction, committed once that many seconds have passed since it began (and by
    ``commit()``, ``finish_run``). Each unit is then a savepoint: a failed page rolls back alone.
    ``savepoints=False`` is for a writer that stops at the first failure (reparse): a failed unit
    rolls the open batch back, and a savepoint per page (a copy of every page it touches) is saved.
    """

    def __init__(self, db: Database, commit_interval: float = 0.0, savepoints: bool = True):
        self.db = db
        self.commit_interval = commit_interval
        self.savepoints = savepoints
        self._depth = 0
        self._batch_began = 0.0

    def _unit(self) -> "_Unit":
        """The writes of one page or capture: all of them or none."""
        return _Unit(self)

    def commit(self) -> None:
        """Make every unit written so far durable (WAL, synchronous=NORMAL)."""
        if self._depth == 0 and self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")

    def close(self) -> None:
        """Commit, and close the database."""
        self.commit()
        self.db.close()

    # -- runs -------------------------------------------------------------------------------
    def begin_run(self, site: str, extractor_version: str, software_version: str, base_url: str | None = None,
                  run_id: int | None = None, started_at: str | None = None, uid: str | None = None) -> int:
        """A new run (its uid made here), or with ``run_id`` one rebuilt from its WARC files (uid as they say)."""
        with self._unit():
            row = {"site": site, "started_at": started_at or now_iso(), "status": "running", "base_url": base_url,
                   "extractor_version": extractor_version, "software_version": software_version,
                   "uid": uid if run_id is not None else uuid.uuid4().hex}
            if run_id is not None:
                row["id"] = run_id
            run_id = self.db["runs"].insert(row).last_pk
        self.commit()
        return run_id

    def run_identity(self, run_id: int) -> tuple[str, str | None] | None:
        """(started_at, uid) of the run; None if the archive does not have it."""
        row = self.db.execute("SELECT started_at, uid FROM runs WHERE id = ?", [run_id]).fetchone()
        return tuple(row) if row else None

    def run_row(self, run_id: int) -> dict:
        """The run's row, as its run record holds it."""
        return run_row(self.db, run_id)

    def search(self, query: str, limit: int = 100) -> list[str]:
        """Canonical URLs of articles whose title, text or Q&A contain ``query`` (substring semantics)."""
        expression = match_expression(query)
        sql = ("SELECT a.canonical_url FROM articles_fts f JOIN articles a ON a.rowid = f.rowid "
               "WHERE articles_fts MATCH :m UNION "
               "SELECT q.article FROM qa_fts f JOIN qa q ON q.rowid = f.rowid WHERE qa_fts MATCH :m LIMIT :limit")
        return [r[0] for r in self.db.execute(sql, {"m": expression, "limit": limit}).fetchall()]

    def store_sitemap(self, run_id: int, entries: list[tuple[str, str | None]]) -> None:
        with self._unit():
            self.db.conn.executemany(
                "INSERT INTO sitemap_entries (run_id, url, lastmod) VALUES (?, ?, ?) "
                "ON CONFLICT (run_id, url) DO UPDATE SET lastmod = excluded.lastmod",
                [(run_id, url, lastmod) for url, lastmod in entries])

    def last_response(self, url: str) -> tuple[str, int] | None:
        """(WARC file, offset) of the newest capture of ``url`` with a 200 response (revisits included:
        their record keeps the response's headers), for its validators (crawler.revalidate)."""
        row = self.db.execute("SELECT warc_file, warc_offset FROM captures WHERE url = ? AND status = 200 "
                              "AND lost IS NULL ORDER BY id DESC LIMIT 1", [url]).fetchone()
        return (row[0], row[1]) if row else None

    def known_articles(self, recheck_hours: float | None = None) -> KnownArticles:
        """canonical URL -> (first_seen, last_seen) of the archived articles, compact (``archive.known``)."""
        return known_articles(self.db.conn, recheck_hours)

    def refetch_urls(self) -> list[str]:
        """URLs whose capture was lost to a damaged WARC file and not fetched again since (``archive.lost``)."""
        return refetch_urls(self.db.conn)

    def previous_lastmods(self, run_id: int) -> Lastmods:
        """URL -> lastmod from the latest finished run before ``run_id`` whose sitemap listed it (``archive.known``)."""
        return previous_lastmods(self.db.conn, run_id)

    def permanent_failures(self, run_id: int) -> set[str]:
        """URLs that failed for good in the last finished run before ``run_id``: HTTP 4xx (not 408/429),
        redirect loops, refused offsite redirects. Incremental runs do not ask again."""
        row = self.db.execute("SELECT max(id) FROM runs WHERE id < ? AND status = 'finished'", [run_id]).fetchone()
        if not row or row[0] is None:
            return set()
        return {url for (url,) in self.db.execute(
            "SELECT url FROM failures WHERE run_id = ? AND ((status BETWEEN 400 AND 499 AND status NOT IN (408, 429))"
            " OR reason LIKE '%redirect loop%' OR reason LIKE '%offsite%'"
            " OR reason LIKE '%refused: redirect to%')", [row[0]])}

    def previous_run_stats(self, run_id: int) -> dict | None:
        """Stats of the last finished run before ``run_id`` (for drift checks)."""
        row = self.db.execute("SELECT stats FROM runs WHERE id < ? AND status = 'finished' AND stats IS NOT NULL "
                              "ORDER BY id DESC LIMIT 1", [run_id]).fetchone()
        return json.loads(row[0]) if row else None

    def finish_run(self, run_id: int, status: str, health: str, stats: dict, finished_at: str | None = None) -> None:
        with self._unit():
            self.db["runs"].update(run_id, {
                "finished_at": finished_at or now_iso(), "status": status, "health": health,
                "stats": json.dumps(stats, ensure_ascii=False, sort_keys=True, default=str),
            })
        self.commit()

    # -- captures ---------------------------------------------------------------------------
    def add_capture(self, run_id: int, url: str, status: int, mime: str | None, ref: CaptureRef,
                    refers_to: int | None = None) -> int:
        with self._unit():
            # a record already indexed (a reparse into an archive that has it) keeps its row
            new = self.db.conn.execute(_INSERT_CAPTURE, capture_row(run_id, url, status, mime, ref, refers_to)).fetchone()
            if new:
                return new[0]
            return self.db.conn.execute("SELECT id FROM captures WHERE record_id = ?", [ref.record_id]).fetchone()[0]

    def add_numbered_capture(self, capture_id: int, run_id: int, url: str, status: int, mime: str | None,
                             ref: CaptureRef, refers_to: int | None = None) -> int:
        """``add_capture`` with the id its caller gave it (the crawl's writer process, archive.page_writer)."""
        with self._unit():
            self.db.conn.execute(_INSERT_NUMBERED, [capture_id, *capture_row(run_id, url, status, mime, ref, refers_to)])
        return capture_id

    def earlier_capture(self, url: str, digest: str) -> tuple[int, EarlierCapture] | None:
        """The first full capture of ``url`` with this payload digest: the digest index for revisits."""
        return earlier_capture(self.db, url, digest)

    def capture_location(self, record_id: str) -> tuple[int, str, int] | None:
        row = self.db.execute("SELECT id, warc_file, warc_offset FROM captures WHERE record_id = ? AND lost IS NULL",
                              [record_id]).fetchone()
        return tuple(row) if row else None

    def add_skipped(self, run_id: int, url: str, found_on: str, reason: str, size: int | None = None,
                    skipped_at: str | None = None) -> None:
        with self._unit():
            self.db.execute("INSERT INTO skipped (run_id, url, found_on, reason, size, skipped_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", [run_id, url, found_on, reason, size, skipped_at or now_iso()])

    def add_failure(self, run_id: int, url: str, found_on: str, reason: str, status: int | None,
                    failed_at: str | None = None) -> None:
        with self._unit():
            self.db.execute("INSERT INTO failures (run_id, url, found_on, reason, status, failed_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", [run_id, url, found_on, reason, status, failed_at or now_iso()])
