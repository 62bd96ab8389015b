"""Make a data directory whole again after a crash (kill -9, reboot), before the next run.

- repairs a crash interrupted are finished (``archive.repair``);
- ``.warc.gz.open`` files are closed without what is damaged in them: a tail cut short (cut in
  place), or a member cut short anywhere else, as a full disk leaves it when writes go on
  afterwards (the file is rewritten with every whole pair, and the capture rows follow; a
  capture lost with the damage is fetched again by this run, ``archive.lost``);
- runs left ``running`` become ``interrupted``;
- capture rows of those runs must point at complete records (they do: a record is flushed
  before its row is written, and SQLite's WAL rolls back any half transaction); any that
  does not is reported;
- responses written after the run's last commit (rows are committed every
  ``ARCHIVE_COMMIT_INTERVAL``, each page whole or not at all) are in the WARC with no row: they
  are counted and logged. Reparse reads them.

What the interrupted run did not store, the next run fetches: it is incremental.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .damage import scan
from .repair import finish_pending, repair_file
from .store import open_archive
from .warc import OPEN_SUFFIX, WARC_SUFFIX

logger = logging.getLogger(__name__)


@dataclass
class Recovery:
    closed_files: list[tuple[str, int]] = field(default_factory=list)   # (file, bytes cut)
    finished_repairs: list[str] = field(default_factory=list)
    lost_captures: int = 0          # marked lost by the repair of a file left open: fetched again
    interrupted_runs: list[int] = field(default_factory=list)
    dangling_captures: list[int] = field(default_factory=list)
    unindexed_responses: list[tuple[str, int]] = field(default_factory=list)   # (file, responses with no row)


def _responses_after(path: Path, offset: int) -> int:
    """Response and revisit records that start after ``offset`` in a (closed) WARC file."""
    return sum(1 for member in scan(path).kept if member.start > offset and member.rec_type in ("response", "revisit"))


def recover(data_dir: Path, *, database: bool = True) -> Recovery:
    """``database=False``: the WARC files only (the database is about to be rebuilt from them, and may
    be unreadable): files left open are closed, and no row is read or written."""
    result = Recovery()
    warc_dir = data_dir / "warc"
    db_path = data_dir / "archive.db"
    _repair_open_files(warc_dir, db_path if database else None, result)
    if not database or not db_path.exists():
        return result
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        try:
            runs = [r[0] for r in conn.execute("SELECT id FROM runs WHERE status = 'running'")]
        except sqlite3.OperationalError:        # not migrated yet: nothing to recover
            return result
        for run_id in runs:
            for capture_id, warc_file, offset, length in conn.execute(
                    "SELECT id, warc_file, warc_offset, warc_length FROM captures WHERE run_id = ?", [run_id]):
                path = warc_dir / warc_file
                if not path.exists() or offset + (length or 0) > os.path.getsize(path):
                    result.dangling_captures.append(capture_id)
        for name, _ in result.closed_files:
            last = conn.execute("SELECT max(warc_offset) FROM captures WHERE warc_file = ? AND lost IS NULL",
                                [name]).fetchone()[0]
            missing = _responses_after(warc_dir / name, -1 if last is None else last)
            if missing:
                result.unindexed_responses.append((name, missing))
                logger.warning("%s: %d responses after the last commit of the interrupted run have no row; "
                               "they stay in the WARC (reparse reads them) and this run fetches them again",
                               name, missing)
        with conn:
            conn.execute("UPDATE runs SET status = 'interrupted', health = 'unhealthy', "
                         "finished_at = coalesce(finished_at, (SELECT max(fetched_at) FROM captures "
                         "WHERE captures.run_id = runs.id)) WHERE status = 'running'")
        result.interrupted_runs = runs
        if result.dangling_captures:
            logger.error("%d capture rows point past the end of their WARC file: %s",
                         len(result.dangling_captures), result.dangling_captures[:10])
    finally:
        conn.close()
    return result


def _repair_open_files(warc_dir: Path, db_path: Path | None, result: Recovery) -> None:
    db = open_archive(db_path) if db_path is not None and db_path.exists() else None
    try:
        result.finished_repairs = finish_pending(warc_dir, db)
        for name in result.finished_repairs:
            logger.warning("finished the repair of %s that a crash interrupted", name)
        for path in sorted(warc_dir.glob("*" + WARC_SUFFIX + OPEN_SUFFIX)):
            if not path.exists():        # a finished repair removed its source
                continue
            repaired = repair_file(path, db)
            result.closed_files.append((repaired.file, repaired.bytes_cut))
            lost = len(repaired.lost_captures) + repaired.added_lost
            result.lost_captures += lost + repaired.lost_revisits
            if repaired.rewritten:
                logger.warning("%s: rewritten without %d damaged or unpaired records; %d captures lost, fetched "
                               "again by this run", repaired.file, len(repaired.dropped), lost)
            else:
                logger.info("recovered %s left open by an interrupted run: cut %d bytes", repaired.file,
                            repaired.bytes_cut)
    finally:
        if db is not None:
            db.close()
