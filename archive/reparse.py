"""Rebuild the archive database from the WARC files alone (no network).

Every response record becomes a capture row again, every HTML page goes through the same
pure extraction and the same ``Archive.store_page`` as during the crawl, runs come back
from each file's ``warcinfo`` and the run's closing ``metadata`` record. Files are read in
the order they were written, so capture ids come out as the crawl made them.

Damage is isolated, not spread: a damaged record (``archive.damage``) and its pair partner are
skipped with a warning and counted, and everything else is rebuilt. A repair's metadata record
marks the captures it lost again (``archive.lost``). A run number that comes back with another
identity (numbering started again after the database was lost) is renumbered after the runs
before it (``archive.run_identity``).
"""

from __future__ import annotations

import io
import json
import logging
import os
import sqlite3
from collections import deque
from pathlib import Path
from typing import Callable

from warcio.archiveiterator import ArchiveIterator

from extract.assemble import Capture, may_read
from extract.pool import ExtractionPool
from .damage import scan
from .rebuild import Rebuild, ReparseError, ReparseStats, run_of
from .run_identity import run_numbers, warc_run
from .store import Archive, open_archive
from .vocabulary import BASE_URL, ROLE, ROLE_COORDINATOR, SITE, SUPERSEDED, warcinfo_fields
from .warc import WARC_SUFFIX, CaptureRef
from .warc_members import MemberReader

__all__ = ["ReparseError", "ReparseStats", "reparse", "superseded_records", "swap_in_rebuilt", "warc_files"]

logger = logging.getLogger(__name__)

# Pages read ahead per worker process of ``--jobs``: enough that none waits while the writer works.
READ_AHEAD = 48


def warc_files(warc_dir: Path) -> list[Path]:
    return sorted(warc_dir.glob("*" + WARC_SUFFIX))


def superseded_records(files: list[Path]) -> set[str]:
    """The WARC-Record-IDs that coordinators' files list as superseded. Only a file whose warcinfo
    says it is a coordinator's is read past its first record (they hold a record or two)."""
    found: set[str] = set()
    for path in files:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            first = next(records, None)
            if first is None or first.rec_type != "warcinfo" or \
                    warcinfo_fields(first.content_stream().read()).get(ROLE) != ROLE_COORDINATOR:
                continue
            for record in records:
                if record.rec_type == "metadata" and \
                        (record.rec_headers.get_header("WARC-Target-URI") or "").startswith(SUPERSEDED):
                    found.update(json.loads(record.content_stream().read())["records"])
    return found


def default_jobs() -> int:
    """``reparse --jobs`` unless told: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class _Loaded:
    """A record read whole (warcio's headers, its content in memory): the steps run after the file has
    moved on."""

    def __init__(self, record):
        self.rec_type, self.rec_headers, self.http_headers = record.rec_type, record.rec_headers, record.http_headers
        self.content = record.content_stream().read()

    def content_stream(self):
        return io.BytesIO(self.content)


def reparse(data_dir: Path, output: Path, *, site: str | None = None, jobs: int = 1,
            progress: Callable[[ReparseStats], None] | None = None) -> ReparseStats:
    """Rebuild ``output`` from the WARC files of ``data_dir``. ``jobs`` above 1: pages are read in that
    many other processes (extract.pool) while this one reads the files and writes the database."""
    files = warc_files(data_dir / "warc")
    if not files:
        raise ReparseError(f"no WARC files in {data_dir / 'warc'}")
    if output.exists():
        raise ReparseError(f"{output} exists; choose another --output or remove it")
    # A fresh file: units share transactions committed a second apart (archive.store); the first
    # error stops the reparse, so a page needs no savepoint of its own.
    archive = Archive(open_archive(output), commit_interval=1.0, savepoints=False)
    stats = ReparseStats()
    rebuild = Rebuild(archive, data_dir, site, stats)
    pool = ExtractionPool(jobs) if jobs > 1 else None
    try:
        _read(files, rebuild, pool, progress)
    finally:
        if pool is not None:
            pool.close()
    rebuild.finish()
    if progress:
        progress(stats)
    archive.db.close()
    return stats


def _read(files: list[Path], rebuild: Rebuild, pool: ExtractionPool | None, progress) -> None:
    """Every record of ``files`` to ``rebuild``, in order. With a pool, pages are handed to it as they
    are read and each step waits in ``steps`` until its turn (at most READ_AHEAD per worker)."""
    stats = rebuild.stats
    superseded = superseded_records(files)
    numbers = run_numbers([run for run in map(warc_run, files) if run is not None])
    requests: dict[str, tuple[int, int]] = {}
    steps: deque = deque()
    window = READ_AHEAD * len(pool._workers) if pool else 0
    profile_key = None       # the profile of the run being read (its steps may not have run yet)

    def step(call, *args, read: bool = False) -> None:
        steps.append((call, args, read))
        while len(steps) > window:
            run_step()

    def run_step() -> None:
        call, args, read = steps.popleft()
        call(*args, pool.result()) if read else call(*args)
        stats.records += 1
        if progress and stats.records % 500 == 0:
            progress(stats)

    for path in files:
        stats.files += 1
        damage = scan(path)
        for dropped in damage.dropped:
            rebuild.skip(path, dropped.start, dropped.describe())
        with MemberReader(path) as reader:
            for member in damage.kept:
                rec_type, record_id = member.rec_type, member.record_id
                offset, length = member.start, member.end - member.start
                if rec_type == "warcinfo":
                    info = warcinfo_fields(reader.warcio(member).content_stream().read())
                    run_id = run_of(info, path, numbers, stats)
                    profile_key = (rebuild.site or info.get(SITE, "replica"), info.get(BASE_URL) or None)
                    step(rebuild.warcinfo, run_id, info)
                elif rec_type == "request":
                    requests[record_id] = (offset, length)
                    step(_nothing)
                elif profile_key is None:
                    step(_nothing)           # before any warcinfo: no run to give it to
                elif rec_type in ("response", "revisit") and record_id in superseded:
                    requests.pop(member.partner, None)
                    step(_nothing)
                elif rec_type in ("response", "revisit"):
                    request_offset, request_length = requests.pop(member.partner, (0, 0))
                    ref = CaptureRef(path.name, offset, length, record_id, request_offset, request_length,
                                     member.fields.get("warc-payload-digest"), member.fields.get("warc-date"),
                                     rec_type)
                    if rec_type == "revisit":
                        step(rebuild.revisit, reader.warcio(member), ref)
                        continue
                    response = reader.response(member)
                    capture = Capture(response.url, response.status, response.content_type, response.body)
                    if pool is not None and may_read(capture):
                        pool.submit(profile_key, capture)
                        step(rebuild.response, response, ref, read=True)
                    else:
                        step(rebuild.response, response, ref)
                else:
                    step(rebuild.other, _Loaded(reader.warcio(member)), path, offset, length)
    while steps:
        run_step()


def _nothing() -> None:
    pass


def swap_in_rebuilt(current: Path, rebuilt: Path) -> Path:
    """Put the rebuilt database in place of ``current``, which is kept as ``archive.db.bak``.
    Call it holding the data directory's lock. The old database is checkpointed first, so the
    backup holds everything its WAL held (a file moved without its WAL loses those rows)."""
    if current.exists():
        try:
            conn = sqlite3.connect(current, timeout=30)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            # a damaged database (what a reparse is often for): kept as it is, its WAL beside it
            wal = current.with_name(current.name + "-wal")
            if wal.exists():
                os.replace(wal, current.with_name(current.name + ".bak-wal"))
        os.replace(current, current.with_name(current.name + ".bak"))
    for suffix in ("-wal", "-shm"):
        current.with_name(current.name + suffix).unlink(missing_ok=True)
    os.replace(rebuilt, current)
    return current
