"""Distributed crawl with 1, 2 and 3 workers (scrapy-redis, one Redis) against the single-process
crawl, side by side on one replica. Prints pages/s, the ratio to the single-process crawl, CPU ms
per page (coordinator and workers together), the server's CPU share, and Redis commands per page
(commands run inside our Lua scripts included; in a 2-worker run of 824 pages, 4.8 per page were
client round trips: 1,813 script calls, 1,281 SADD, about 820 ZADD, 57 ZCARD).

    .venv/bin/python bench/distributed_throughput.py [--articles 2000] [--workers 1 2 3]

Wall time includes starting the worker processes and merging their shards. On a machine with
2 cores, more than 2 workers cannot add CPU; the point of workers is several hosts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_throughput import CLI, SCRAPY_SETTINGS, Replica, measure  # noqa: E402


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() == b"PONG":
            break
        time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def redis_commands(url: str) -> int:
    port = url.rsplit(":", 1)[1].split("/")[0]
    info = subprocess.run(["redis-cli", "-p", port, "info", "stats"], capture_output=True, text=True).stdout
    return int(next(line.split(":")[1] for line in info.splitlines() if line.startswith("total_commands_processed")))


def worker_split(data: Path) -> str:
    """Pages per worker in the run's stats, and the largest over the smallest ("-" for one process)."""
    if not (data / "archive.db").exists():
        return "-"
    with sqlite3.connect(data / "archive.db") as db:
        stats = json.loads(db.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0] or "{}")
    split = stats.get("distributed/split")
    if not split:
        return "-"
    pages = [split[k] for k in sorted(split, key=int)]
    return "/".join(map(str, pages)) + f" ({max(pages) / max(min(pages), 1):.2f}x)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="distributed-"))
    redis_proc, redis_url = start_redis(tmp)
    replica = Replica(tmp, args.articles)
    settings = [a for s in SCRAPY_SETTINGS for a in ("--set", s)]
    results = []
    try:
        subprocess.run(["wget", "-q", "-r", "-l", "inf", "-P", str(tmp / "warm"), replica.url], cwd=tmp)
        shutil.rmtree(tmp / "warm", ignore_errors=True)
        configs = [("single process", CLI + ["crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp / "single")])]
        configs += [(f"{n} worker{'s' if n > 1 else ''} (Redis)",
                     CLI + ["crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp / f"w{n}"), "--workers", str(n),
                            "--redis", redis_url]) for n in args.workers]
        for name, cmd in configs:
            before = redis_commands(redis_url)
            result = measure(name, cmd + settings, replica, tmp)
            result["redis_commands"] = redis_commands(redis_url) - before
            result["split"] = worker_split(Path(cmd[cmd.index("--data") + 1]))
            print(f"  {name}: {result['pages']} pages in {result['wall']:.1f} s (exit {result['exit']})",
                  file=sys.stderr, flush=True)
            results.append(result)
    finally:
        replica.stop()
        redis_proc.terminate()
        redis_proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    base = results[0]["pages_per_s"]
    print(f"\ndistributed crawl, {args.articles} articles, one replica, one Redis ({len(results)} runs in turn)")
    print(f"{'crawl':<22} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'÷ single':>9} {'CPU ms/page':>12} "
          f"{'server % of wall':>17} {'Redis commands/page':>20}  pages per worker (max ÷ min)")
    for r in results:
        print(f"{r['crawler']:<22} {r['pages']:>6} {r['wall']:>7.1f} {r['pages_per_s']:>8.0f} "
              f"{r['pages_per_s'] / base:>9.2f} {1000 * r['cpu'] / max(r['pages'], 1):>12.2f} "
              f"{100 * r['server_cpu'] / r['wall']:>16.0f}% {r['redis_commands'] / max(r['pages'], 1):>20.1f}  {r['split']}")


if __name__ == "__main__":
    main()
