"""Reparse speed on one core: `newsarchive reparse` over an archive's WARC files, pinned to one
CPU with taskset. Prints pages/s by wall time and pages per CPU second (the latter holds up on a
shared machine), median of --runs.

    .venv/bin/python bench/reparse_speed.py [--articles 2000 | --data DIR] [--runs 3] [--cpu 0]

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


def reparse_once(data: Path, output: Path, cpu: int) -> tuple[int, float, float]:
    """(pages, wall seconds, CPU seconds) of one reparse, imports included."""
    output.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(["taskset", "-c", str(cpu)] + CLI + ["reparse", "--data", str(data), "--output", str(output)],
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
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin the reparse to")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="reparse-speed-"))
    try:
        data = args.data
        if data is None:
            data = tmp / "data"
            crawl_fresh(args.articles, data)
        results = [reparse_once(data, tmp / "reparsed.db", args.cpu) for _ in range(args.runs)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    pages = results[0][0]
    by_wall = statistics.median(p / w for p, w, _ in results)
    by_cpu = statistics.median(p / c for p, _, c in results)
    print(f"reparse of {pages} pages on CPU {args.cpu}, median of {args.runs}: {by_wall:.0f} pages/s by wall time, "
          f"{by_cpu:.0f} pages per CPU second (imports and start-up included)")


if __name__ == "__main__":
    main()
