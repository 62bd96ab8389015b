"""What a rendered page costs against a plain fetch (issue 14, item 3).

The TRS-like replica (``--cms trs``: its 热门排行 filled by a script, its pagers written by
``createPageHTML``) is crawled twice through the CLI, one crawl after the other: with a profile
that renders nothing, and with the same profile rendering every list page and the home page
(``[render] pages``). Then, per page rendered: the renderer's own time (``render/ms``: the page
loaded in chromium, its requests downloaded and archived through the crawl, the DOM read) against
a plain fetch and extraction of the same URLs, one after the other, in this process. Peak RSS is
that of the crawl's whole process tree (the crawl, Playwright's driver and chromium), sampled.

    .venv/bin/python bench/render_cost.py [--articles 40] [--day 2] [--set NAME=VALUE]

The machines are shared and noisy: read the ratios. Nothing here is a test: no number is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import extract_page, load_profile  # noqa: E402

PROFILE = r"""name = "trs-bench"
start_urls = ["{base}"]
[urls]
article = ['^/[a-z/]+/\d{6}/t\d{8}_\d+\.shtml$']
continuation = ['^/[a-z/]+/\d{6}/t\d{8}_\d+_\d+\.shtml$']
listing = ['^/$', '^/[a-z/]+/(?:index(?:_\d+)?\.shtml)?$']
ranking = ['^/$']
"""
RENDER = r"""[render]
pages = ['^/$', '^/[a-z/]+/(?:index(?:_\d+)?\.shtml)?$']
"""


def tree_memory_mb(root: int) -> tuple[float, float]:
    """(RSS, PSS) of ``root`` and all its descendants now, in MB. Chromium's processes share much
    of their memory: summed, RSS counts it once per process, PSS once in all."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(("Rss:", "Pss:")):
                    kb = int(line.split()[1]) * 1024
                    rss, pss = (rss + kb, pss) if line.startswith("Rss:") else (rss, pss + kb)
        except (OSError, IndexError, ValueError):
            pass
    return rss / 1e6, pss / 1e6


def crawl(url: str, profile: Path, data: Path, settings: list[str]) -> dict:
    """One crawl through the CLI: wall and CPU seconds, peak RSS of its process tree, its stats."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "crawl", "--site", str(profile), "--url", url,
                             "--data", str(data), "--log-level", "WARNING",
                             *(arg for setting in settings for arg in ("--set", setting))], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    peak = [0.0, 0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[:] = map(max, peak, tree_memory_mb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    sampler.join()
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    db = sqlite3.connect(data / "archive.db")
    stats = json.loads(db.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    db.close()
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "rss": peak[0], "pss": peak[1], "stats": stats, "exit": proc.returncode}


def rendered_urls(data: Path) -> list[str]:
    from warcio.archiveiterator import ArchiveIterator

    urls = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            urls += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "conversion"]
    return urls


def plain_fetch_ms(urls: list[str], profile) -> list[float]:
    """A plain fetch and extraction of each URL, one after the other, in ms."""
    times = []
    for url in urls:
        began = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as reply:
            extract_page(url, reply.headers.get("Content-Type"), reply.read(), profile)
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--day", type=int, default=2, help="2: the ranking comes from a JSON API ($.getJSON)")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for both crawls, e.g. ARCHIVE_RENDER_CONCURRENCY=1")
    args = parser.parse_args()
    replica = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "replica", "--port", "0", "--cms", "trs",
                                "--articles", str(args.articles), "--day", str(args.day)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = replica.stdout.readline().strip()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "plain.toml").write_text(PROFILE, "utf-8")
            (tmp / "render.toml").write_text(PROFILE + RENDER, "utf-8")
            plain = crawl(url, tmp / "plain.toml", tmp / "plain", args.settings)
            rendering = crawl(url, tmp / "render.toml", tmp / "render", args.settings)
            urls = rendered_urls(tmp / "render")
            fetch = plain_fetch_ms(urls, load_profile(str(tmp / "plain.toml"), url))
    finally:
        replica.terminate()
        replica.wait()
    s = rendering["stats"]
    pages = s.get("render/pages", 0)
    print(f"TRS replica, {args.articles} articles, day {args.day}; {pages} pages rendered "
          f"({s.get('render/requests', 0)} browser requests through the downloader)\n")
    print(f"{'per page rendered':<40}{'plain fetch + extract':>24}{'rendered in chromium':>24}")
    print(f"{'  ms, mean':<40}{sum(fetch) / max(len(fetch), 1):>24.1f}{s.get('render/ms', 0) / max(pages, 1):>24.1f}")
    print(f"{'  ms, max':<40}{max(fetch, default=0):>24.1f}{s.get('render/max_ms', 0):>24.1f}")
    print(f"{'  browser start, once (ms)':<40}{'':>24}{s.get('render/start_ms', 0):>24}\n")
    print(f"{'the whole crawl':<40}{'no [render]':>24}{'[render] on list pages':>24}")
    for label, key in (("  pages fetched", "response_received_count"), ("  articles", "archive/articles"),
                       ("  ranking entries", "archive/ranking_entries")):
        print(f"{label:<40}{plain['stats'].get(key, 0):>24}{s.get(key, 0):>24}")
    for label, key, form in (("  wall s", "wall", ".1f"), ("  CPU s (with children)", "cpu", ".1f"),
                             ("  peak RSS MB, summed (crawl + browser)", "rss", ".0f"),
                             ("  peak PSS MB (shared pages once)", "pss", ".0f")):
        print(f"{label:<40}{plain[key]:>24{form}}{rendering[key]:>24{form}}")
    if pages:
        print(f"\nper page rendered, over the plain crawl: {(rendering['wall'] - plain['wall']) * 1000 / pages:.0f} ms "
              f"wall, {(rendering['cpu'] - plain['cpu']) * 1000 / pages:.0f} ms CPU; the browser's memory is paid once: "
              f"+{rendering['pss'] - plain['pss']:.0f} MB peak PSS (+{rendering['rss'] - plain['rss']:.0f} MB RSS summed)")


if __name__ == "__main__":
    main()
