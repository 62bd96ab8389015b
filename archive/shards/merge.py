"""The merge of a distributed run's shards into the archive.

:func:`merge_shards` replays every shard into the archive in one transaction, through the same
``Archive`` writes as a single-process crawl, so the precedence rules (original over mirror,
versions, full-text index) are the same. A merge that is cut short leaves the archive as it was;
a merged shard is recorded in ``merged_shards`` and never merged twice.

A worker that died leaves a shard whose status is still ``running``. Requests it had leased
were fetched again by the others; where a live worker captured the same URL in this run,
the dead worker's capture is superseded (its record stays in its WARC file, unindexed in the
database), so every URL is in the archive once.

No Scrapy here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..rows import capture_ref
from ..store import Archive, now_iso
from .writer import ShardError, is_shard_id

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
    empty_shards: list[str] = field(default_factory=list)          # a worker that died before it began


class EmptyShard(ShardError):
    """A shard with no run and no captures: its worker stopped before it began."""


def open_shard(path: Path) -> Shard:
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        row = conn.execute("SELECT r.id, s.worker, r.status, r.stats, s.pid, s.host "
                           "FROM runs r, shard s").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ShardError(f"{path}: not a readable shard ({exc})") from exc
    if row is None:
        empty = not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'captures'").fetchone() or \
            not conn.execute("SELECT 1 FROM captures LIMIT 1").fetchone()
        conn.close()
        raise (EmptyShard if empty else ShardError)(f"{path}: the shard names no run")
    return Shard(path, row[0], row[1], row[2], json.loads(row[3]) if row[3] else {}, conn, row[4], row[5])


def merge_shards(archive: Archive, run_id: int, shard_paths: list[Path], warc_dir: Path) -> MergeReport:
    """Replay the shards of run ``run_id`` into ``archive``, all in one transaction."""
    report = MergeReport()
    merged = {name for (name,) in archive.db.execute(
        "SELECT shard FROM merged_shards WHERE run_id = ?", [run_id])}
    shards = []
    for path in sorted(shard_paths):
        try:
            shard = open_shard(path)
        except EmptyShard:          # its worker died before it began: nothing to merge, its exit says why
            report.empty_shards.append(path.name)
            continue
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
                                                             capture_ref(row), refers_to=refers_to)
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
