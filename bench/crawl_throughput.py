"""First crawl and re-crawl of the replica: the full pipeline (WARC, extraction, SQLite) against
a bare Scrapy spider and `wget --recursive --warc-file`, side by side on the same replica, one
after the other. Prints, per replica size, pages/s, CPU ms per page, peak RSS, the server's
CPU, and ratios; then the re-crawl of the unchanged site: pages fetched and wall time of an
incremental newsarchive run against its first crawl and against wget's full re-crawl.

    .venv/bin/python bench/crawl_throughput.py [--articles 5000 10000] [--repeat 3] [--recrawl]

Machines here are shared and noisy: read the ratios, not the absolute numbers. With
``--repeat`` the crawlers take turns (A B C A B C ...) and each row is the run with the median
pages/s. ``--json FILE`` appends every run as one JSON line (for long runs: read it while it
goes). Nothing here is a test: no number is asserted.
"""

from __future__ import annotations

import argparse
import json
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
# CONCURRENT_ITEMS=1 on both sides too: newsarchive sets it (crawler/settings.py), and left at
# Scrapy's 100 for the bare spider it would make the comparison one of this setting.
SCRAPY_SETTINGS = ["CONCURRENT_REQUESTS=16", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "CONCURRENT_ITEMS=1",
                   "AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=ERROR", "TELNETCONSOLE_ENABLED=False"]


REPLICA_CACHED_ARTICLES = 15_000
# --only takes these (a prefix chose 'newsarchive 1 process' with 'newsarchive')
SHORT_NAMES = {"newsarchive 1 process": "newsarchive 1", "bare Scrapy": "bare", "wget --warc-file": "wget"}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb(pid: int) -> float:
    """The process's own high-water mark (VmHWM), plus what its children hold now (newsarchive's writer
    process, ARCHIVE_OFFLOAD): sampled, the highest sum is the crawl's peak."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return _status_mb(pid, "VmHWM:") + sum(_status_mb(int(child), "VmRSS:") for child in children)


class Replica:
    """The replica (bench/replica_server.py) on a free port, its access log counting the requests it served."""

    def __init__(self, tmp: Path, articles: int):
        self.log = tmp / f"access-{articles}.log"
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "replica_server.py"), "--port", "0",
                                      "--articles", str(articles), "--access-log", str(self.log)],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.proc.stdout.readline().strip()

    def served(self) -> int:
        with open(self.log, "rb") as fh:
            return sum(1 for _ in fh)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def measure(name: str, cmd: list[str], replica: Replica, cwd: Path, code: Path = ROOT) -> dict:
    """Run ``cmd`` to its end: wall, CPU (user+sys), peak RSS, the server's CPU, requests served.
    ``code``: the tree whose modules it runs."""
    server_before, served_before = cpu_seconds(replica.proc.pid), replica.served()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    # PYTHONPATH: this checkout's modules, not those of the package installed in the environment (the
    # runs start in a temporary directory, where `-m newsarchive.cli` would find the installed one)
    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak, own = 0.0, 0.0
    while proc.poll() is None:          # VmHWM is the process's own high-water mark
        peak = max(peak, peak_rss_mb(proc.pid))
        try:                            # the crawl's own process, without its writer (last sample: 0.1 s early)
            own = cpu_seconds(proc.pid)
        except (OSError, IndexError):
            pass
        time.sleep(0.1)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pages = replica.served() - served_before
    return {"crawler": name, "exit": proc.returncode, "pages": pages, "wall": wall,
            "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), "own_cpu": own,
            "rss_mb": peak, "server_cpu": cpu_seconds(replica.proc.pid) - server_before,
            "pages_per_s": pages / wall if wall else 0.0}


def crawlers(url: str, tmp: Path, run: int, extra: list[str]) -> dict[str, list[str]]:
    settings = SCRAPY_SETTINGS + extra
    return {
        "newsarchive": CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(tmp / f"na-{run}"), "--full"]
        + [a for s in settings for a in ("--set", s)],
        # the same crawl in one process (ARCHIVE_OFFLOAD off): what the second process brings
        "newsarchive 1 process": CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(tmp / f"na1-{run}"),
                                        "--full", "--set", "ARCHIVE_OFFLOAD=False"]
        + [a for s in settings for a in ("--set", s)],
        # run from tmp: no scrapy.cfg there, so none of newsarchive's settings or extensions load
        "bare Scrapy": [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "bare_spider.py"),
                        "-a", f"url={url}"] + [a for s in settings for a in ("-s", s)],
        "wget --warc-file": ["wget", "-q", "-r", "-l", "inf", "--warc-file", str(tmp / f"wget-{run}"),
                             "-P", str(tmp / f"wget-files-{run}"), url],
    }


def first_crawl(articles: int, repeat: int, recrawl: bool, extra: list[str], only: list[str], log,
                wget_recrawl: bool = False) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"throughput-{articles}-"))
    replica = Replica(tmp, articles)
    runs: dict[str, list[dict]] = {}
    recrawls: list[dict] = []
    try:
        # Warm the replica's page cache so that no run pays for rendering, where the site fits in
        # it (50,000 replies, about 15,000 articles); above that every run renders alike.
        if articles <= REPLICA_CACHED_ARTICLES:
            subprocess.run(["wget", "-q", "-r", "-l", "inf", "-P", str(tmp / "warm"), replica.url], cwd=tmp)
            shutil.rmtree(tmp / "warm", ignore_errors=True)
        for run in range(repeat):
            for name, cmd in crawlers(replica.url, tmp, run, extra).items():
                if only and name not in only and SHORT_NAMES.get(name) not in only:
                    continue
                result = measure(name, cmd, replica, tmp)
                result.update(articles=articles, run=run, kind="first crawl")
                runs.setdefault(name, []).append(result)
                log(result)
            shutil.rmtree(tmp / f"wget-files-{run}", ignore_errors=True)
        if recrawl:
            # The same data directory again, incremental (no --full). wget has no state: its re-crawl
            # is the same command fetching everything again, run again with --wget-recrawl, else
            # its first crawl stands for it (at 100k articles that saves a quarter of an hour).
            settings = SCRAPY_SETTINGS + extra
            incremental = CLI + ["crawl", "--site", "replica", "--url", replica.url, "--data", str(tmp / "na-0")] \
                + [a for s in settings for a in ("--set", s)]
            again = [("newsarchive", incremental)]
            if wget_recrawl:
                again.append(("wget --warc-file", crawlers(replica.url, tmp, 0, extra)["wget --warc-file"]))
            for name, cmd in again:
                result = measure(name, cmd, replica, tmp)
                result.update(articles=articles, kind="re-crawl")
                recrawls.append(result)
                log(result)
            if not wget_recrawl and "wget --warc-file" in runs:
                recrawls.append({**runs["wget --warc-file"][0], "kind": "re-crawl (its first crawl)"})
        db = tmp / "na-0" / "archive.db"
        stored = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] if db.exists() else 0
    finally:
        replica.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    median = {name: sorted(rs, key=lambda r: r["pages_per_s"])[len(rs) // 2] for name, rs in runs.items()}
    return {"articles": articles, "median": median, "runs": runs, "recrawls": recrawls, "stored": stored}


def print_first(result: dict, repeat: int) -> None:
    median = result["median"]
    base = median["bare Scrapy"]["pages_per_s"] if "bare Scrapy" in median else float("nan")
    print(f"\nfirst crawl, {result['articles']} articles (median of {repeat} by pages/s; "
          f"pages = requests the replica served; newsarchive stored {result['stored']} articles; "
          f"own CPU: the crawl's process alone, without its writer process)")
    print(f"{'crawler':<22} {'pages':>7} {'pages/s':>8} {'÷ bare':>7} {'CPU ms/page':>12} {'own CPU ms/page':>16} "
          f"{'peak RSS MB':>12} {'server CPU s':>13} {'server % of wall':>17}")
    for name, r in median.items():
        spread = [f"{x['pages_per_s'] / base:.2f}" for x in result["runs"][name]] if repeat > 1 else []
        print(f"{name:<22} {r['pages']:>7} {r['pages_per_s']:>8.0f} {r['pages_per_s'] / base:>7.2f} "
              f"{1000 * r['cpu'] / max(r['pages'], 1):>12.2f} {1000 * r.get('own_cpu', 0) / max(r['pages'], 1):>16.2f} "
              f"{r['rss_mb']:>12.0f} {r['server_cpu']:>13.1f} "
              f"{100 * r['server_cpu'] / r['wall']:>16.0f}%" + (f"   runs ÷ median bare: {' '.join(spread)}"
                                                                 if spread else ""))


def print_recrawl(result: dict) -> None:
    if not result["recrawls"] or "newsarchive" not in result["runs"]:
        return
    first = result["median"]["newsarchive"]
    # without wget in the run (--only), its column is left empty
    wget = next((r for r in result["recrawls"] if r["crawler"].startswith("wget")), None)

    def by_wget(wall: float) -> str:
        return f"{wall / wget['wall']:>16.3f}" if wget else f"{'-':>16}"

    print(f"\nre-crawl of the unchanged site, {result['articles']} articles")
    print(f"{'crawler':<28} {'pages':>7} {'% of first':>11} {'wall s':>8} {'÷ first':>8} {'÷ wget re-crawl':>16} "
          f"{'CPU s':>6} {'server CPU s':>13}")
    print(f"{'newsarchive first (median)':<28} {first['pages']:>7} {100:>10.1f}% {first['wall']:>8.1f} "
          f"{1:>8.3f} {by_wget(first['wall'])} {first['cpu']:>6.1f} {first['server_cpu']:>13.1f}")
    for r in result["recrawls"]:
        label = "newsarchive incremental" if r["crawler"] == "newsarchive" else (
            "wget re-crawl (all again)" if r["kind"] == "re-crawl" else "wget re-crawl (= its crawl)")
        print(f"{label:<28} {r['pages']:>7} {100 * r['pages'] / first['pages']:>10.1f}% {r['wall']:>8.1f} "
              f"{r['wall'] / first['wall']:>8.3f} {by_wget(r['wall'])} {r['cpu']:>6.1f} "
              f"{r['server_cpu']:>13.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[5000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per crawler, taking turns (median reported)")
    parser.add_argument("--recrawl", action="store_true", help="then re-crawl the unchanged site")
    parser.add_argument("--wget-recrawl", action="store_true",
                        help="run wget again for the re-crawl instead of using its first crawl")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for both Scrapy crawlers")
    parser.add_argument("--only", nargs="+", default=[], metavar="CRAWLER",
                        help="only these crawlers: newsarchive, 'newsarchive 1' (one process), bare, wget")
    parser.add_argument("--json", type=Path, help="append each run as a JSON line to this file")
    args = parser.parse_args()

    def log(result: dict) -> None:
        print(f"  {result['kind']}: {result['crawler']} {result['pages']} pages in {result['wall']:.1f} s",
              file=sys.stderr, flush=True)
        if args.json:
            with open(args.json, "a") as fh:
                fh.write(json.dumps(result) + "\n")

    for articles in args.articles:
        result = first_crawl(articles, args.repeat, args.recrawl, args.set, args.only, log, args.wget_recrawl)
        print_first(result, args.repeat)
        print_recrawl(result)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
