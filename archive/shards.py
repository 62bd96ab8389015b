"""Per-worker shards of a distributed run, and their merge into the archive.

Each crawl worker of ``newsarchive crawl --workers N`` writes its own WARC files and its own
SQLite shard; no two processes ever write one file. A shard is a journal of the writes a
single-process crawl would have made to the archive: captures (pointers into the worker's
WARC files), extracted pages, sitemap entries, skipped requisites and failures. Reads that
steer the crawl (what is already archived, the last run's sitemap, earlier payload digests)
go to the archive, opened read-only.

After the run, :func:`merge_shards` replays every shard into the archive in one transaction,
through the same ``Archive`` writes as a single-process crawl, so the precedence rules
(original over mirror, versions, full-text index) are the same. A merge that is cut short
leaves the archive as it was; a merged shard is recorded in ``merged_shards`` and never
merged twice.

Capture ids in a shard are global: worker ``k`` numbers its captures from ``(k + 1) << 40``,
so a page fetched by one worker and continued (``下一页``) by another still names both
captures, and a shard id is never mistaken for an archive id.

A worker that died leaves a shard whose status is still ``running``. Requests it had leased
were fetched again by the others; where a live worker captured the same URL in this run,
the dead worker's capture is superseded (its record stays in its WARC file, unindexed in the
database), so every URL is in the archive once.

A coordinator that died before its merge leaves the shards on disk; :func:`merge_leftover_shards`
merges them at the start of the next crawl, once their workers have exited.

No Scrapy here.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from .store import Archive, now_iso
from .warc import CaptureRef, EarlierCapture

SHARD_ID_SHIFT = 40
SHARD_SUFFIX = ".shard.db"

_SHARD_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, site TEXT, started_at TEXT, finished_at TEXT, status TEXT, health TEXT,
    stats TEXT, base_url TEXT, extractor_version TEXT, software_version TEXT);
CREATE TABLE IF NOT EXISTS shard (worker INTEGER, pid INTEGER, host TEXT);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY, run_id INTEGER, url TEXT, fetched_at TEXT, status INTEGER, mime TEXT,
    payload_digest TEXT, warc_file TEXT, warc_offset INTEGER, warc_length INTEGER,
    request_offset INTEGER, request_length INTEGER, record_id TEXT UNIQUE, record_type TEXT,
    refers_to INTEGER);
CREATE INDEX IF NOT EXISTS captures_url_digest ON captures (url, payload_digest);
CREATE TABLE IF NOT EXISTS pages (
    seq INTEGER PRIMARY KEY, url TEXT, record TEXT, capture_ids TEXT, fetched_at TEXT,
    store_ranking INTEGER);
CREATE TABLE IF NOT EXISTS sitemaps (seq INTEGER PRIMARY KEY, entries TEXT);
CREATE TABLE IF NOT EXISTS skipped (
    seq INTEGER PRIMARY KEY, url TEXT, found_on TEXT, reason TEXT, size INTEGER, skipped_at TEXT);
CREATE TABLE IF NOT EXISTS failures (
    seq INTEGER PRIMARY KEY, url TEXT, found_on TEXT, reason TEXT, status INTEGER, failed_at TEXT);
"""


class ShardError(Exception):
    """A shard cannot be read or merged."""


def shard_id_base(worker: int) -> int:
    return (worker + 1) << SHARD_ID_SHIFT


def is_shard_id(capture_id: int | None) -> bool:
    return capture_id is not None and capture_id >= 1 << SHARD_ID_SHIFT


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def stored_summary(record: dict, capture_ids: list[int], store_ranking: bool) -> dict:
    """What ``Archive.store_page`` reports for a page, without storing it (for the crawl's stats)."""
    stored: dict = {}
    if record["kind"] in ("article", "interview") and capture_ids:
        stored["kind"] = record["kind"]
        if record.get("interview"):
            stored["qa"] = len(record["interview"]["qa"])
    if store_ranking and record.get("ranking") and capture_ids:
        stored["ranking_entries"] = len(record["ranking"])
    return stored


class ShardArchive:
    """The ``Archive`` interface a crawl uses, writing to a worker's shard and reading the archive.

    Every write is its own transaction (a crash loses at most the write under way, never half of
    one); the WARC record a capture points at is written before its row.
    """

    def __init__(self, shard_path: Path, archive_path: Path, worker: int):
        shard_path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(shard_path)
        conn.executescript(_SHARD_SCHEMA)
        self.db = Database(conn)
        self.path = shard_path
        self.worker = worker
        base = shard_id_base(worker)
        top = conn.execute("SELECT max(id) FROM captures").fetchone()[0]
        self._next_capture = max(base, top or 0) + 1
        try:
            main = sqlite3.connect(f"{Path(archive_path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        except sqlite3.OperationalError as exc:
            raise ShardError(f"cannot read the archive {archive_path}: {exc}") from exc
        self.main = Archive(Database(main))

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

    def finish_run(self, run_id: int, status: str, health: str, stats: dict) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, health = ?, stats = ? WHERE id = ?",
                [now_iso(), status, health, json.dumps(stats, ensure_ascii=False, sort_keys=True, default=str),
                 run_id])

    def resolve_ranking_articles(self, run_id: int) -> None:
        """Done on the archive after the merge, when every worker's articles are in."""

    def commit(self) -> None:
        """Every write is its own transaction: nothing waits to be committed."""

    # -- reads that steer the crawl: the archive's ----------------------------------------
    def run_identity(self, run_id: int) -> tuple[str, str | None] | None:
        """(started_at, uid) of the run as the coordinator began it; None when this copy of the archive
        does not have it yet (or predates run uids)."""
        try:
            return self.main.db.execute("SELECT started_at, uid FROM runs WHERE id = ?", [run_id]).fetchone()
        except sqlite3.OperationalError:
            return None

    def known_articles(self) -> dict[str, tuple[str, str]]:
        return self.main.known_articles()

    def last_response(self, url: str) -> tuple[str, int] | None:
        return self.main.last_response(url)

    def refetch_urls(self) -> list[str]:
        return self.main.refetch_urls()

    def previous_lastmods(self, run_id: int) -> dict[str, str]:
        return self.main.previous_lastmods(run_id)

    def permanent_failures(self, run_id: int) -> set[str]:
        return self.main.permanent_failures(run_id)

    def previous_run_stats(self, run_id: int) -> dict | None:
        return self.main.previous_run_stats(run_id)

    def earlier_capture(self, url: str, digest: str) -> tuple[int, EarlierCapture] | None:
        row = self.db.execute(
            "SELECT id, record_id, url, fetched_at FROM captures WHERE url = ? AND payload_digest = ? "
            "AND record_type = 'response' AND status = 200 ORDER BY id LIMIT 1", [url, digest]).fetchone()
        if row:
            return row[0], EarlierCapture(row[1], row[2], row[3])
        return self.main.earlier_capture(url, digest)

    # -- writes: the journal --------------------------------------------------------------
    def add_capture(self, run_id: int, url: str, status: int, mime: str | None, ref: CaptureRef,
                    refers_to: int | None = None) -> int:
        capture_id = self._next_capture
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO captures (id, run_id, url, fetched_at, status, mime, payload_digest, warc_file, "
                "warc_offset, warc_length, request_offset, request_length, record_id, record_type, refers_to) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [capture_id, run_id, url, ref.warc_date, status, mime, ref.payload_digest, ref.warc_file,
                 ref.offset, ref.length, ref.request_offset, ref.request_length, ref.record_id, ref.record_type,
                 refers_to])
        self._next_capture += 1
        return capture_id

    def store_page(self, run_id: int, record: dict, capture_ids: list[int], fetched_at: str,
                   store_ranking: bool) -> dict:
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO pages (url, record, capture_ids, fetched_at, store_ranking) VALUES (?, ?, ?, ?, ?)",
                [record.get("url"), json.dumps(record, ensure_ascii=False), json.dumps(capture_ids), fetched_at,
                 int(bool(store_ranking))])
        return stored_summary(record, capture_ids, store_ranking)

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

    def close(self) -> None:
        self.db.conn.close()
        self.main.db.conn.close()


# -- the merge --------------------------------------------------------------------------------
@dataclass
class Shard:
    path: Path
    run_id: int
    worker: int
    status: str
    stats: dict
    conn: sqlite3.Connection
    pid: int | None = None
    host: str | None = None

    @property
    def finished(self) -> bool:
        return self.status != "running"


@dataclass
class MergeReport:
    shards: list[str] = field(default_factory=list)
    already_merged: list[str] = field(default_factory=list)
    dead_workers: list[int] = field(default_factory=list)
    captures: int = 0
    pages: int = 0
    superseded_captures: int = 0       # a dead worker's, fetched again by a live one
    superseded_records: list[str] = field(default_factory=list)   # their WARC-Record-IDs
    dangling_captures: int = 0         # pointing past the end of a WARC file cut back after a crash
    worker_stats: dict[int, dict] = field(default_factory=dict)


def open_shard(path: Path) -> Shard:
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        row = conn.execute("SELECT r.id, s.worker, r.status, r.stats, s.pid, s.host "
                           "FROM runs r, shard s").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ShardError(f"{path}: not a readable shard ({exc})") from exc
    if row is None:
        raise ShardError(f"{path}: the shard names no run")
    return Shard(path, row[0], row[1], row[2], json.loads(row[3]) if row[3] else {}, conn, row[4], row[5])


def _capture_ref(row: sqlite3.Row) -> CaptureRef:
    return CaptureRef(warc_file=row["warc_file"], offset=row["warc_offset"], length=row["warc_length"],
                      record_id=row["record_id"], request_offset=row["request_offset"],
                      request_length=row["request_length"], payload_digest=row["payload_digest"],
                      warc_date=row["fetched_at"], record_type=row["record_type"])


def merge_shards(archive: Archive, run_id: int, shard_paths: list[Path], warc_dir: Path) -> MergeReport:
    """Replay the shards of run ``run_id`` into ``archive``, all in one transaction."""
    report = MergeReport()
    merged = {name for (name,) in archive.db.execute(
        "SELECT shard FROM merged_shards WHERE run_id = ?", [run_id])}
    shards = []
    for path in sorted(shard_paths):
        shard = open_shard(path)
        if shard.run_id != run_id:
            raise ShardError(f"{path.name} belongs to run {shard.run_id}, not {run_id}")
        if path.name in merged:
            report.already_merged.append(path.name)
            shard.conn.close()
            continue
        shard.conn.row_factory = sqlite3.Row
        shards.append(shard)
        report.worker_stats[shard.worker] = shard.stats
        if not shard.finished:
            report.dead_workers.append(shard.worker)
    # What a live worker captured wins over a dead worker's capture of the same URL.
    live_urls = {row[0] for s in shards if s.finished
                 for row in s.conn.execute("SELECT url FROM captures WHERE record_type != 'metadata'")}
    sizes: dict[str, int | None] = {}

    def warc_size(name: str) -> int | None:
        if name not in sizes:
            path = warc_dir / name
            sizes[name] = path.stat().st_size if path.exists() else None
        return sizes[name]

    mapping: dict[int, int | None] = {}
    try:
        with archive.db.atomic():
            for shard in sorted(shards, key=lambda s: not s.finished):      # live workers first
                for row in shard.conn.execute("SELECT * FROM captures ORDER BY id"):
                    size = warc_size(row["warc_file"])
                    if size is None or row["warc_offset"] + (row["warc_length"] or 0) > size:
                        mapping[row["id"]] = None
                        report.dangling_captures += 1
                        continue
                    if not shard.finished and row["url"] in live_urls:
                        mapping[row["id"]] = None
                        report.superseded_captures += 1
                        report.superseded_records.append(row["record_id"])
                        continue
                    refers_to = row["refers_to"]
                    if is_shard_id(refers_to):
                        refers_to = mapping.get(refers_to)
                    mapping[row["id"]] = archive.add_capture(run_id, row["url"], row["status"], row["mime"],
                                                             _capture_ref(row), refers_to=refers_to)
                    report.captures += 1
            # Pages in the order they were fetched, whichever worker fetched them.
            pages = sorted(((row["fetched_at"] or "", shard.worker, row["seq"], row)
                            for shard in shards for row in shard.conn.execute("SELECT * FROM pages")),
                           key=lambda t: t[:3])
            for _, _, _, row in pages:
                capture_ids = [mapping.get(c) for c in json.loads(row["capture_ids"])]
                capture_ids = [c for c in capture_ids if c is not None]
                if not capture_ids:
                    continue                    # superseded or dangling: another worker's copy is stored
                archive.store_page(run_id, json.loads(row["record"]), capture_ids, row["fetched_at"],
                                   bool(row["store_ranking"]))
                report.pages += 1
            for shard in shards:
                for (entries,) in shard.conn.execute("SELECT entries FROM sitemaps ORDER BY seq"):
                    archive.store_sitemap(run_id, [tuple(e) for e in json.loads(entries)])
                for row in shard.conn.execute("SELECT * FROM skipped ORDER BY seq"):
                    archive.add_skipped(run_id, row["url"], row["found_on"], row["reason"], row["size"],
                                        row["skipped_at"])
                for row in shard.conn.execute("SELECT * FROM failures ORDER BY seq"):
                    archive.add_failure(run_id, row["url"], row["found_on"], row["reason"], row["status"],
                                        row["failed_at"])
                archive.db.execute(
                    "INSERT INTO merged_shards (run_id, shard, worker, status, merged_at) VALUES (?, ?, ?, ?, ?)",
                    [run_id, shard.path.name, shard.worker, shard.status, now_iso()])
                report.shards.append(shard.path.name)
    finally:
        for shard in shards:
            shard.conn.close()
    return report


_HIGHEST = ("memusage/max", "memusage/startup", "politeness/crawl_delay", "extract/max_ms", "reactor/max_lag_ms")


def combined_stats(worker_stats: dict[int, dict]) -> dict:
    """The run's stats: counts summed over workers, high-water marks as the highest, other values
    from the lowest-numbered worker that has them."""
    combined: dict = {}
    for worker in sorted(worker_stats):
        for key, value in worker_stats[worker].items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                combined.setdefault(key, value)
            elif key in _HIGHEST:
                combined[key] = max(combined.get(key, value), value)
            else:
                combined[key] = combined.get(key, 0) + value
    return combined


# -- shards a coordinator left behind ---------------------------------------------------------
@dataclass
class LeftoverShards:
    run_id: int
    report: MergeReport | None = None
    still_writing: list[int] = field(default_factory=list)     # PIDs of workers still running here
    error: str | None = None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        # a worker orphaned by its coordinator may stay a zombie where nothing reaps it, and a PID
        # may since have been given to another program
        zombie = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        return not zombie and b"newsarchive" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, IndexError):
        return True


def remove_shard_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def merge_leftover_shards(archive: Archive, data_dir: Path, process_alive=_process_alive) -> list[LeftoverShards]:
    """Merge the shards under ``DATA/shards/run-N/`` that no coordinator merged (it was killed, or the
    machine went down): the next run does it, before it crawls, so that what the workers archived is
    in the database and not fetched again. A shard whose worker still runs on this host is left for
    a later run; shards merged before are only removed. Each run's shards are merged in one
    transaction, as the coordinator would have; the run keeps the status recovery gave it, and its
    stats say what was merged late."""
    results = []
    for run_dir in sorted((data_dir / "shards").glob("run-*")):
        paths = sorted(run_dir.glob("*" + SHARD_SUFFIX))
        try:
            run_id = int(run_dir.name.removeprefix("run-"))
        except ValueError:
            continue
        if not paths:
            continue
        result = LeftoverShards(run_id)
        results.append(result)
        row = archive.db.execute("SELECT status, health, stats FROM runs WHERE id = ?", [run_id]).fetchone()
        if row is None:
            result.error = f"{run_dir}: run {run_id} is not in this archive"
            continue
        here = os.uname().nodename
        for path in paths:
            try:
                shard = open_shard(path)
            except ShardError as exc:
                result.error = str(exc)
                break
            shard.conn.close()
            if not shard.finished and shard.host == here and shard.pid and process_alive(shard.pid):
                result.still_writing.append(shard.pid)
        if result.error or result.still_writing:
            continue
        try:
            report = merge_shards(archive, run_id, paths, data_dir / "warc")
        except (ShardError, sqlite3.Error, KeyError, TypeError, ValueError) as exc:   # the archive is as it was
            result.error = f"{run_dir}: the merge failed and was rolled back: {exc!r}"
            continue
        result.report = report
        if report.shards:
            archive.resolve_ranking_articles(run_id)
            status, health, stats = row
            stats = json.loads(stats) if stats else {}
            stats.update(combined_stats(report.worker_stats))
            stats.update({"archive/merged_captures": report.captures, "archive/merged_pages": report.pages,
                          "distributed/superseded_captures": report.superseded_captures,
                          "distributed/dangling_captures": report.dangling_captures})
            stats["health_reasons"] = [*stats.get("health_reasons", []),
                                       f"the coordinator stopped before the merge: {len(report.shards)} worker "
                                       f"shards were merged by a later run"]
            (last,) = archive.db.execute("SELECT max(fetched_at) FROM captures WHERE run_id = ?", [run_id]).fetchone()
            archive.finish_run(run_id, status, "unhealthy", stats, finished_at=last)
        for path in paths:
            remove_shard_files(path)
    return results
