"""Run N crawl workers on one shared frontier in Redis, then merge their shards into the archive.

The coordinator begins the run in the archive, starts worker processes (``python -m
crawler.distributed``; worker 0 seeds the start URLs), watches them, and when all have exited:
closes the WARC files a dead worker left open, merges every shard in one transaction, judges the
run's health from the summed stats, finishes the run, indexes the WARC files and clears the
run's Redis keys.

A worker that dies loses nothing: its leased requests go back on the queue when their leases
expire and the others fetch them. The run is then reported unhealthy, with the reason, so
that cron mail says it.

No Scrapy here: workers are separate processes.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.vocabulary import (ROLE, ROLE_COORDINATOR, SOFTWARE_VERSION, run_record_uri, run_warc_writer,
                                superseded_uri)
from archive.shards.merge import combined_stats, merge_shards
from archive.shards.writer import SHARD_SUFFIX, remove_shard_files
from archive.store import Archive, open_archive
from archive.verify import recover_open_file
from archive.warc import OPEN_SUFFIX, WARC_SUFFIX
from extract import EXTRACTOR_VERSION, load_profile

from .health import Expectations, Verdict, judge

logger = logging.getLogger(__name__)


class CoordinatorError(Exception):
    """The distributed run cannot start (Redis unreachable, a bad option)."""


@dataclass
class WorkerProcess:
    index: int
    process: subprocess.Popen
    shard: Path
    log: Path
    exit_code: int | None = None


@dataclass
class DistributedResult:
    run_id: int
    stats: dict
    verdict: Verdict
    workers: list[dict] = field(default_factory=list)
    status: str = "finished"
    signal: int | None = None           # the signal the coordinator passed on to its workers

    @property
    def exit_code(self) -> int:
        if self.signal:
            return 128 + self.signal
        return 0 if self.verdict.ok else 3


def _redis(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise CoordinatorError(f"cannot reach Redis at {url}: {exc}") from exc
    return client


def worker_command(index: int, workers: int, *, site: str, url: str | None, data: Path, redis_url: str,
                   namespace: str, run_id: int, shard: Path, log_file: Path, overrides: dict) -> list[str]:
    """The command line of worker ``index``: the crawler package's own entry point
    (``crawler.distributed.__main__``), so that the crawler does not depend on the CLI above it."""
    cmd = [sys.executable, "-m", "crawler.distributed", "--site", site, "--data", str(data),
           "--redis", redis_url, "--namespace", namespace, "--run", str(run_id), "--worker", str(index),
           "--workers", str(workers), "--shard", str(shard), "--log-file", str(log_file)]
    if url:
        cmd += ["--url", url]
    if index == 0:
        cmd.append("--seeder")
    for key, value in overrides.items():
        cmd += ["--set", f"{key}={value}"]
    return cmd


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


def run_distributed(site: str, url: str | None, data: Path, redis_url: str, workers: int,
                    overrides: dict | None = None, log_dir: Path | None = None) -> DistributedResult:
    overrides = dict(overrides or {})
    client = _redis(redis_url)
    profile = load_profile(site, url)
    data.mkdir(parents=True, exist_ok=True)
    db_path = data / "archive.db"
    archive = Archive(open_archive(db_path))
    run_id = archive.begin_run(site, EXTRACTOR_VERSION, SOFTWARE_VERSION, profile.base_url)
    namespace = f"newsarchive:{run_id}:{secrets.token_hex(4)}"
    shard_dir = data / "shards" / f"run-{run_id}"
    shard_dir.mkdir(parents=True, exist_ok=True)
    log_dir = log_dir or data / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    procs: list[WorkerProcess] = []
    started = time.monotonic()

    received: list[int] = []

    def forward(signum, _frame):
        received.append(signum)
        for w in procs:
            if w.process.poll() is None:
                w.process.send_signal(signum)

    previous_handlers = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for index in range(workers):
            shard = shard_dir / f"worker-{index}{SHARD_SUFFIX}"
            log_file = log_dir / f"crawl-{stamp}-run{run_id}-worker{index}.log"
            cmd = worker_command(index, workers, site=site, url=url, data=data, redis_url=redis_url,
                                 namespace=namespace, run_id=run_id, shard=shard, log_file=log_file,
                                 overrides=overrides)
            # what a worker prints before its log file opens (a crash at import, say) goes here
            with open(log_file.with_suffix(".stderr"), "w") as stderr:
                process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr)
            procs.append(WorkerProcess(index, process, shard, log_file))
            # written whole then renamed: whoever reads it (another host's merge, a test) never sees half
            pids = shard_dir / "workers.json.part"
            pids.write_text(json.dumps({w.index: w.process.pid for w in procs}, indent=1))
            os.replace(pids, shard_dir / "workers.json")
        seeded_key = f"{namespace}:seeded"
        while any(w.process.poll() is None for w in procs):
            seeder = procs[0].process
            if seeder.poll() is not None and not client.get(seeded_key):
                client.set(f"{namespace}:abort", 1)      # nobody will seed: the others must not wait for ever
            time.sleep(0.2)
    finally:
        for s, handler in previous_handlers.items():
            signal.signal(s, handler)
    wall = time.monotonic() - started
    for w in procs:
        w.exit_code = w.process.returncode
        stderr = w.log.with_suffix(".stderr")
        if stderr.exists() and not stderr.stat().st_size:
            stderr.unlink()
    result = _finish(archive, run_id, data, procs, client, namespace, wall, overrides.get("WARC_PREFIX", "newsarchive"),
                     Expectations.of(profile))
    result.signal = received[0] if received else None
    return result


def _write_run_record(archive: Archive, run_id: int, warc_dir: Path, prefix: str,
                      superseded_records: list[str]) -> None:
    """The whole run's row (stats summed over workers) as a metadata record, in a small WARC file of the
    coordinator's that sorts after the workers' files: a reparse ends the run with it, as it does a
    single-process run. Before it, the records of a dead worker that the merge left out (another worker
    fetched the same URLs again), so that a reparse leaves them out too."""
    row = archive.run_row(run_id)
    with run_warc_writer(warc_dir, prefix, run_id, row["site"], row["base_url"], row["started_at"],
                         {ROLE: ROLE_COORDINATOR}, run_uid=row.get("uid")) as w:
        if superseded_records:
            w.write_metadata(superseded_uri(run_id), {"records": superseded_records})
        w.write_metadata(run_record_uri(run_id), row)


def _finish(archive: Archive, run_id: int, data: Path, procs: list[WorkerProcess], client, namespace: str,
            wall: float, prefix: str, expect: Expectations) -> DistributedResult:
    warc_dir = data / "warc"
    # A dead worker's WARC file is still .open: cut it back to its last whole record pair.
    for path in sorted(warc_dir.glob("*" + WARC_SUFFIX + OPEN_SUFFIX)):
        closed, cut = recover_open_file(path)
        logger.warning("closed %s left open by a dead worker (cut %d bytes)", closed.name, cut)
    shards = [w.shard for w in procs if w.shard.exists()]
    report = merge_shards(archive, run_id, shards, warc_dir)
    archive.resolve_ranking_articles(run_id)
    stats = combined_stats(report.worker_stats)
    requeued = int(client.get(f"{namespace}:requeued") or 0)
    split = {w.index: report.worker_stats.get(w.index, {}).get("response_received_count", 0) for w in procs}
    stats.update({
        "distributed/workers": len(procs), "distributed/requeued_leases": requeued,
        "distributed/superseded_captures": report.superseded_captures,
        "distributed/dangling_captures": report.dangling_captures,
        "distributed/split": split, "distributed/wall_seconds": round(wall, 3),
        "archive/merged_captures": report.captures, "archive/merged_pages": report.pages,
        "finish_reason": next((r for r in (s.get("finish_reason") for s in report.worker_stats.values())
                               if r not in (None, "finished")), "finished"),
    })
    if "response_received_count" not in stats:
        stats["response_received_count"] = 0
    verdict = judge(stats, archive.previous_run_stats(run_id), expect)
    dead = [w for w in procs if w.exit_code not in (0, 3)]
    if dead:
        verdict.health = "unhealthy"
        verdict.reasons.append(
            f"{len(dead)} of {len(procs)} workers died ("
            + ", ".join(f"worker {w.index}: {_describe_exit(w.exit_code)}" for w in dead)
            + f"); {requeued} leased requests went back on the queue and were fetched by the others")
    if client.get(f"{namespace}:abort"):
        verdict.health = "unhealthy"
        verdict.reasons.append("the seeding worker exited before it queued the start URLs")
    stats["archive/health"] = verdict.health
    archive.finish_run(run_id, stats["finish_reason"], verdict.health, {**stats, "health_reasons": verdict.reasons})
    _write_run_record(archive, run_id, warc_dir, prefix, report.superseded_records)
    # The shards are in the archive now (merged_shards names them); the WARC files stay.
    for path in report.shards:
        remove_shard_files(next(w.shard for w in procs if w.shard.name == path))
    keys = list(client.scan_iter(match=f"{namespace}:*", count=1000))
    if keys:
        client.delete(*keys)
    workers = [{"worker": w.index, "pid": w.process.pid, "exit": _describe_exit(w.exit_code),
                "pages": split.get(w.index, 0), "log": str(w.log)} for w in procs]
    return DistributedResult(run_id, stats, verdict, workers, stats["finish_reason"])
