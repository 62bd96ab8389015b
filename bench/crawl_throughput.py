"""First crawl of the replica: the full pipeline (WARC, extraction, SQLite) against a bare
Scrapy spider and `wget --recursive --warc-file`, side by side on the same replica, one after
the other. Prints pages/s, CPU ms per page, peak RSS, the server's CPU, and ratios.

    .venv/bin/python bench/crawl_throughput.py [--articles 5000]

Machines here are shared and noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "newsarchive.cli"]
# The same concurrency for both Scrapy runs; AutoThrottle off so that the comparison is of the work per page.
SCRAPY_SETTINGS = ["CONCURRENT_REQUESTS=16", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "AUTOTHROTTLE_ENABLED=False",
                   "LOG_LEVEL=ERROR", "TELNETCONSOLE_ENABLED=False"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(cmd: list[str], server_pid: int, cwd: Path) -> dict:
    server_before = cpu_seconds(server_pid)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:          # VmHWM is the process's own high-water mark
        peak = max(peak, peak_rss_mb(proc.pid))
        time.sleep(0.1)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "rss_mb": peak, "server_cpu": cpu_seconds(server_pid) - server_before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="throughput-"))
    replica = subprocess.Popen(CLI + ["replica", "--port", "0", "--articles", str(args.articles),
                                      "--access-log", str(tmp / "access.log")],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = replica.stdout.readline().strip()
    rows = []
    try:
        # warm the replica's page cache so no run pays for rendering
        subprocess.run(["wget", "-q", "-r", "-l", "inf", "-P", str(tmp / "warm"), url], cwd=tmp)
        shutil.rmtree(tmp / "warm", ignore_errors=True)

        def served() -> int:
            return len((tmp / "access.log").read_text().splitlines())

        for name, cmd in [
            ("newsarchive", CLI + ["crawl", "--url", url, "--data", str(tmp / "na"), "--full"]
             + [a for s in SCRAPY_SETTINGS for a in ("--set", s)]),
            ("bare Scrapy", [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "bare_spider.py"),
                             "-a", f"url={url}"] + [a for s in SCRAPY_SETTINGS for a in ("-s", s)]),
            ("wget --warc-file", ["wget", "-q", "-r", "-l", "inf", "--warc-file", str(tmp / "wget"),
                                  "-P", str(tmp / "wget-files"), url]),
        ]:
            start = served()
            result = measure(cmd, replica.pid, tmp)
            result["pages"] = served() - start
            rows.append((name, result))
    finally:
        replica.terminate()
    base = dict(rows)["bare Scrapy"]
    print(f"{args.articles} articles; pages = requests the replica served")
    print(f"{'crawler':<18} {'pages':>6} {'pages/s':>8} {'÷ bare':>7} {'CPU ms/page':>12} {'peak RSS MB':>12} "
          f"{'server CPU s':>13}")
    for name, r in rows:
        rate = r["pages"] / r["wall"]
        print(f"{name:<18} {r['pages']:>6} {rate:>8.0f} {rate / (base['pages'] / base['wall']):>7.2f} "
              f"{1000 * r['cpu'] / max(r['pages'], 1):>12.2f} {r['rss_mb']:>12.0f} {r['server_cpu']:>13.1f}")
    db = tmp / "na" / "archive.db"
    if db.exists():
        articles = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
        print(f"newsarchive stored {articles} articles")


if __name__ == "__main__":
    main()
