"""Make a data directory whole again after a crash (kill -9, reboot), before the next run.

- ``.warc.gz.open`` files are cut back to their last complete record pair and closed;
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
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .verify import gzip_members, record_type, recover_open_file
from .warc import OPEN_SUFFIX, WARC_SUFFIX

logger = logging.getLogger(__name__)


@dataclass
class Recovery:
    closed_files: list[tuple[str, int]] = field(default_factory=list)   # (file, bytes cut)
    interrupted_runs: list[int] = field(default_factory=list)
    dangling_captures: list[int] = field(default_factory=list)
    unindexed_responses: list[tuple[str, int]] = field(default_factory=list)   # (file, responses with no row)


def _responses_after(path: Path, offset: int) -> int:
    """Response and revisit records that start after ``offset`` in a (closed) WARC file."""
    count = 0
    with open(path, "rb") as fh:
        for start, end in gzip_members(path):
            if end is None or start <= offset:
                continue
            fh.seek(start)
            if record_type(zlib.decompressobj(31).decompress(fh.read(min(end - start, 4096)), 2048)) \
                    in ("response", "revisit"):
                count += 1
    return count


def recover(data_dir: Path) -> Recovery:
    result = Recovery()
    warc_dir = data_dir / "warc"
    for path in sorted(warc_dir.glob("*" + WARC_SUFFIX + OPEN_SUFFIX)):
        closed, cut = recover_open_file(path)
        result.closed_files.append((closed.name, cut))
        logger.info("recovered %s left open by an interrupted run: cut %d bytes", closed.name, cut)
    db_path = data_dir / "archive.db"
    if not db_path.exists():
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
            last = conn.execute("SELECT max(warc_offset) FROM captures WHERE warc_file = ?", [name]).fetchone()[0]
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
