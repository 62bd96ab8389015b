"""Reparse speed: `newsarchive reparse --jobs 1` pinned to one CPU with taskset, and `--jobs N` on
every core, over the same WARC files, taking turns. Prints pages/s by wall time and pages per CPU
second (the latter holds up on a shared machine), median of --runs, and --jobs N ÷ --jobs 1.

    .venv/bin/python bench/reparse_speed.py [--articles 2000 | --data DIR] [--runs 3] [--cpu 0] [--jobs 2]

Without --data it first crawls a fresh replica of --articles articles into a temporary directory.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "newsarchive.cli"]


def crawl_fresh(articles: int, data: Path) -> None:
    replica = subprocess.Popen(CLI + ["replica", "--port", "0", "--articles", str(articles)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = replica.stdout.readline().strip()
        subprocess.run(CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(data), "--log-level", "ERROR",
                              "--set", "AUTOTHROTTLE_ENABLED=False"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        replica.terminate()
        replica.wait()


def reparse_once(data: Path, output: Path, cpu: int | None, jobs: int) -> tuple[int, float, float]:
    """(pages, wall seconds, CPU seconds of the reparse and its workers) of one reparse, imports included;
    pinned to ``cpu`` unless None."""
    output.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
    done = subprocess.run(pin + CLI + ["reparse", "--data", str(data), "--output", str(output), "--jobs", str(jobs)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pages = int(re.search(r"(\d+) pages from", done.stdout + done.stderr).group(1))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{output}{suffix}").unlink(missing_ok=True)
    return pages, wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="an existing data directory (default: crawl a fresh replica)")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin --jobs 1 to")
    parser.add_argument("--jobs", type=int, default=2, help="the parallel reparse, on every core")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="reparse-speed-"))
    try:
        data = args.data
        if data is None:
            data = tmp / "data"
            crawl_fresh(args.articles, data)
        one, many = [], []
        for _ in range(args.runs):          # taking turns: the machine's load falls on both alike
            one.append(reparse_once(data, tmp / "reparsed.db", args.cpu, 1))
            many.append(reparse_once(data, tmp / "reparsed.db", None, args.jobs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    pages = one[0][0]
    print(f"reparse of {pages} pages, median of {args.runs} (imports and start-up included)")
    print(f"{'run':<28} {'pages/s (wall)':>15} {'pages per CPU s':>16} {'÷ --jobs 1 (wall)':>18}")
    base = statistics.median(p / w for p, w, _ in one)
    for label, results in ((f"--jobs 1 on CPU {args.cpu}", one), (f"--jobs {args.jobs} on every core", many)):
        by_wall = statistics.median(p / w for p, w, _ in results)
        by_cpu = statistics.median(p / c for p, _, c in results)
        print(f"{label:<28} {by_wall:>15.0f} {by_cpu:>16.0f} {by_wall / base:>18.2f}")


if __name__ == "__main__":
    main()
