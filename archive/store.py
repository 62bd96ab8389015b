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

import hashlib
import json
import sqlite3
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from .schema import migrations
from .lost import refetch_urls
from .search import index_text, match_expression
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


def _content_hash(record: dict) -> str:
    keys = ("title", "published_at", "source", "author", "editor", "text")
    blob = json.dumps([record.get(k) for k in keys] + [record.get("interview")], ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()


def _upsert_sql(table: str, columns: tuple[str, ...], key: tuple[str, ...], returning: str = "") -> str:
    """INSERT ... ON CONFLICT DO UPDATE of every non-key column (what sqlite-utils' upsert does)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}" + (f" RETURNING {returning}" if returning else ""))


ARTICLE_COLUMNS = ("canonical_url", "kind", "title", "title_raw", "media", "series", "subtitle", "published_at",
                   "source", "author", "editor", "text", "text_raw", "encoding", "from_mirror", "content_hash",
                   "first_seen", "last_seen", "capture_id", "extractor_version", "script")
_UPSERT_ARTICLE = _upsert_sql("articles", ARTICLE_COLUMNS, ("canonical_url",), "rowid")
_UPSERT_QA = _upsert_sql("qa", ("article", "seq", "question", "answer", "speaker"), ("article", "seq"), "rowid")
_UPSERT_INTERVIEWEE = _upsert_sql("interviewees", ("article", "person_id", "seq", "position"),
                                  ("article", "person_id"))
_VERSION_COLUMNS = ("article", "version", "run_id", "capture_id", "seen_at", "content_hash", "title",
                    "published_at", "source", "author", "editor", "text", "extractor_version")
_INSERT_VERSION = (f"INSERT INTO article_versions ({', '.join(_VERSION_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(_VERSION_COLUMNS))})")


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


class Archive:
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

    def known_articles(self) -> dict[str, tuple[str, str]]:
        """canonical URL -> (first_seen, last_seen) of every archived article whose original page is
        archived (one seen only through the mirror, after a crash say, still wants its original)."""
        return {url: (first, last) for url, first, last in
                self.db.execute("SELECT canonical_url, first_seen, last_seen FROM articles WHERE from_mirror = 0")}

    def refetch_urls(self) -> list[str]:
        """URLs whose capture was lost to a damaged WARC file and not fetched again since (``archive.lost``)."""
        return refetch_urls(self.db.conn)

    def previous_lastmods(self, run_id: int) -> dict[str, str]:
        """URL -> lastmod from the latest finished run before ``run_id`` whose sitemap listed it."""
        rows = self.db.execute(
            "SELECT s.url, s.lastmod FROM sitemap_entries s JOIN runs r ON r.id = s.run_id "
            "WHERE s.run_id < ? AND r.status = 'finished' ORDER BY s.run_id", [run_id])
        return {url: lastmod for url, lastmod in rows}

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
            new = self.db.conn.execute(
                "INSERT INTO captures (run_id, url, fetched_at, status, mime, payload_digest, warc_file, warc_offset, "
                "warc_length, request_offset, request_length, record_id, record_type, refers_to) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO NOTHING RETURNING id",
                [run_id, url, ref.warc_date, status, mime, ref.payload_digest, ref.warc_file, ref.offset,
                 ref.length, ref.request_offset, ref.request_length, ref.record_id, ref.record_type,
                 refers_to]).fetchone()
            if new:
                return new[0]
            return self.db.conn.execute("SELECT id FROM captures WHERE record_id = ?", [ref.record_id]).fetchone()[0]

    def earlier_capture(self, url: str, digest: str) -> tuple[int, EarlierCapture] | None:
        """The first full capture of ``url`` with this payload digest: the digest index for revisits."""
        row = self.db.execute(
            "SELECT id, record_id, url, fetched_at FROM captures WHERE url = ? AND payload_digest = ? "
            "AND record_type = 'response' AND status = 200 AND lost IS NULL ORDER BY id LIMIT 1",
            [url, digest]).fetchone()
        return (row[0], EarlierCapture(row[1], row[2], row[3])) if row else None

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

    # -- records ----------------------------------------------------------------------------
    def store_article(self, record: dict, capture_ids: list[int], seen_at: str, run_id: int | None = None) -> str:
        """Upsert an article (or interview) by canonical URL and link its captures.

        A mirror page and its original are one article: the original's text wins wherever
        both exist, and both captures link to the row. A change of content between runs
        adds a row to ``article_versions``; the full-text index follows the row.
        """
        url = record["canonical_url"]
        from_mirror = 1 if record.get("is_mirror") else 0
        content_hash = _content_hash(record)
        with self._unit():
            row = self.db.conn.execute(
                "SELECT a.from_mirror, a.first_seen, a.last_seen, a.content_hash, a.rowid, c.lost FROM articles a "
                "LEFT JOIN captures c ON c.id = a.capture_id WHERE a.canonical_url = ?", [url]).fetchone()
            # first/last seen do not depend on the order pages are processed in (crawl or reparse).
            first_seen = min(row[1], seen_at) if row else seen_at
            last_seen = max(row[2], seen_at) if row else seen_at
            keep_existing = row is not None and row[0] == 0 and from_mirror == 1
            changed = row is None or (not keep_existing and (row[3] != content_hash or row[0] != from_mirror))
            if keep_existing or not changed:
                # the same content fetched again because its capture was lost: the article points at it now
                repoint = row[5] is not None and not keep_existing
                self.db.execute("UPDATE articles SET first_seen = ?, last_seen = ?, capture_id = "
                                "CASE WHEN ? THEN ? ELSE capture_id END WHERE canonical_url = ?",
                                [first_seen, last_seen, repoint, capture_ids[0], url])
                if repoint:
                    self.db.execute("UPDATE interviews SET capture_id = ? WHERE article = ?", [capture_ids[0], url])
            else:
                values = {"canonical_url": url, "from_mirror": from_mirror, "content_hash": content_hash,
                          "first_seen": first_seen, "last_seen": last_seen, "capture_id": capture_ids[0]}
                rowid = self.db.conn.execute(_UPSERT_ARTICLE, [values[c] if c in values else record.get(c)
                                                               for c in ARTICLE_COLUMNS]).fetchone()[0]
                if row is not None:
                    self.db.conn.execute("DELETE FROM articles_fts WHERE rowid = ?", [rowid])
                self.db.conn.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                                     [rowid, index_text(record.get("title")), index_text(record.get("text"))])
                if row is None or row[3] != content_hash:
                    self._add_version(url, record, content_hash, capture_ids[0], seen_at, run_id, row is None)
            self.db.conn.executemany(
                "INSERT INTO article_captures (article, capture_id, page, is_mirror) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article, capture_id) DO UPDATE SET page = excluded.page, is_mirror = excluded.is_mirror",
                [(url, capture_id, page, from_mirror) for page, capture_id in enumerate(capture_ids, 1)])
            if record.get("interview") and changed and not keep_existing:
                self._store_interview(url, record["interview"], capture_ids[0])
        return url

    def store_page(self, run_id: int, record: dict, capture_ids: list[int], fetched_at: str,
                   store_ranking: bool) -> dict:
        """Store what one page (or merged multi-page article) gave; the crawl and reparse both call this."""
        stored: dict = {}
        if record["kind"] in ("article", "interview") and capture_ids:
            self.store_article(record, capture_ids, fetched_at, run_id)
            stored["kind"] = record["kind"]
            if record.get("interview"):
                stored["qa"] = len(record["interview"]["qa"])
        if store_ranking and record.get("ranking") and capture_ids:
            stored["ranking_entries"] = self.store_ranking(run_id, record["canonical_url"], fetched_at,
                                                           record["ranking"], capture_ids[0])
        return stored

    def _add_version(self, url, record, content_hash, capture_id, seen_at, run_id, first: bool) -> None:
        last = None if first else self.db.conn.execute("SELECT max(version) FROM article_versions WHERE article = ?",
                                                        [url]).fetchone()[0]
        values = {"article": url, "version": (last or 0) + 1, "run_id": run_id, "capture_id": capture_id,
                  "seen_at": seen_at, "content_hash": content_hash}
        self.db.conn.execute(_INSERT_VERSION, [values[c] if c in values else record.get(c) for c in _VERSION_COLUMNS])

    def _store_interview(self, article: str, interview: dict, capture_id: int) -> None:
        conn = self.db.conn
        conn.execute("INSERT INTO interviews (article, capture_id) VALUES (?, ?) "
                     "ON CONFLICT (article) DO UPDATE SET capture_id = excluded.capture_id", [article, capture_id])
        conn.execute("DELETE FROM interviewees WHERE article = ?", [article])
        for seq, person in enumerate(interview.get("interviewees", []), 1):
            person_id = self._person(person["name"], person.get("position"))
            conn.execute(_UPSERT_INTERVIEWEE, [article, person_id, seq, person.get("position")])
        qa = interview.get("qa", [])
        for seq, pair in enumerate(qa, 1):
            rowid = conn.execute(_UPSERT_QA, [article, seq, pair["question"], pair["answer"],
                                              pair.get("speaker")]).fetchone()[0]
            conn.execute("DELETE FROM qa_fts WHERE rowid = ?", [rowid])
            conn.execute("INSERT INTO qa_fts (rowid, question, answer) VALUES (?, ?, ?)",
                         [rowid, index_text(pair["question"]), index_text(pair["answer"])])
        for (rowid,) in conn.execute("SELECT rowid FROM qa WHERE article = ? AND seq > ?",
                                     [article, len(qa)]).fetchall():
            conn.execute("DELETE FROM qa_fts WHERE rowid = ?", [rowid])
        conn.execute("DELETE FROM qa WHERE article = ? AND seq > ?", [article, len(qa)])

    def _person(self, name: str, position: str | None) -> int:
        row = self.db.execute("SELECT id FROM people WHERE name = ?", [name]).fetchone()
        if row:
            if position:
                self.db.execute("UPDATE people SET position = ? WHERE id = ?", [position, row[0]])
            return row[0]
        return self.db.conn.execute("INSERT INTO people (name, position) VALUES (?, ?)", [name, position]).lastrowid

    def store_ranking(self, run_id: int, source_url: str, captured_at: str, entries: list[dict],
                      capture_id: int) -> int:
        """One ranking snapshot: the run's view of the sidebar on ``source_url``."""
        with self._unit():
            for entry in entries:
                article = self.db.execute("SELECT canonical_url FROM articles WHERE canonical_url = ?",
                                          [entry["url"]]).fetchone()
                self.db.execute(
                    "INSERT INTO rankings (run_id, source_url, rank, captured_at, title, full_title, url, article, "
                    "truncated, capture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (run_id, source_url, rank) DO UPDATE SET captured_at = excluded.captured_at, "
                    "title = excluded.title, full_title = excluded.full_title, url = excluded.url, "
                    "article = excluded.article, truncated = excluded.truncated, capture_id = excluded.capture_id",
                    [run_id, source_url, entry["rank"], captured_at, entry["title"], entry.get("full_title"),
                     entry["url"], article[0] if article else None, int(bool(entry.get("truncated"))), capture_id])
        return len(entries)

    def resolve_ranking_articles(self, run_id: int) -> None:
        """Link ranking rows to articles stored later in the same run."""
        with self._unit():
            self.db.execute(
                "UPDATE rankings SET article = url WHERE run_id = ? AND article IS NULL "
                "AND url IN (SELECT canonical_url FROM articles)", [run_id])

