"""Shards a coordinator left behind: merged by the next crawl, before it crawls, once no worker writes them.

A coordinator that died (kill -9, a reboot) before its merge leaves its workers' shards under
``DATA/shards/run-N/``; the workers finish the queue without it. The next crawl on that data
directory merges them first, so that what the workers archived is in the database and not fetched
again. A shard is still being written while its worker holds the lock beside it
(``archive.shards.writer``): not a process found by its PID or its command line, which a PID
given to another program since, or a worker started another way, would get wrong.

No Scrapy here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .lock import holder_pid, is_held
from .shards.merge import MergeReport, combined_stats, merge_shards, open_shard
from .shards.writer import SHARD_SUFFIX, ShardError, lock_path, remove_shard_files
from .store import Archive


@dataclass
class LeftoverShards:
    run_id: int
    report: MergeReport | None = None
    still_writing: list[int | None] = field(default_factory=list)     # PIDs of workers still writing their shard
    error: str | None = None


def shard_being_written(path: Path) -> bool:
    """Whether a live worker writes the shard at ``path`` now (it holds the shard's lock)."""
    return is_held(lock_path(path))


def merge_leftover_shards(archive: Archive, data_dir: Path) -> list[LeftoverShards]:
    """Merge the shards under ``DATA/shards/run-N/`` that no coordinator merged (it was killed, or the
    machine went down): the next run does it, before it crawls, so that what the workers archived is
    in the database and not fetched again. The shards of a run one of whose workers still writes are
    left for a later run; shards merged before are only removed. Each run's shards are merged in
    one transaction, as the coordinator would have; the run keeps the status recovery gave it, and
    its stats say what was merged late."""
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
        for path in paths:
            if shard_being_written(path):         # first: a shard just begun may name no run yet
                result.still_writing.append(holder_pid(lock_path(path)))
                continue
            try:
                open_shard(path).conn.close()
            except ShardError as exc:
                result.error = str(exc)
                break
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
