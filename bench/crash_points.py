"""kill -9 a crawl at N points, resume each time, and compare the final records with a crawl
that was never interrupted. Prints one line per kill point and a verdict.

    .venv/bin/python bench/crash_points.py [--points 20] [--articles 1000]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "newsarchive.cli"]
COMPARED = ("SELECT canonical_url, kind, title, published_at, text, from_mirror FROM articles ORDER BY 1",
            "SELECT article, seq, question, answer FROM qa ORDER BY 1, 2")


def count(data: Path) -> int:
    try:
        with sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crash-"))
    replica = subprocess.Popen(CLI + ["replica", "--port", "0", "--articles", str(args.articles)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = replica.stdout.readline().strip()
    try:
        subprocess.run(CLI + ["crawl", "--url", url, "--data", str(tmp / "ref"), "--log-level", "ERROR"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        total = count(tmp / "ref")
        step = max(2, total // (args.points + 2))
        data, survived = tmp / "crashed", 0
        for n in range(args.points):
            start = count(data)
            proc = subprocess.Popen(CLI + ["crawl", "--url", url, "--data", str(data), "--log-level", "ERROR"],
                                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while proc.poll() is None and count(data) - start < step:
                time.sleep(0.01)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                survived += 1
                print(f"kill {n + 1:>2}: after {count(data) - start} captures (total {count(data)})")
            else:
                print(f"kill {n + 1:>2}: the run finished first")
        subprocess.run(CLI + ["crawl", "--url", url, "--data", str(data), "--log-level", "ERROR"], cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        verify = subprocess.run(CLI + ["verify", "--data", str(data)], cwd=ROOT, capture_output=True, text=True)
        ref, got = sqlite3.connect(tmp / "ref" / "archive.db"), sqlite3.connect(data / "archive.db")
        same = all(ref.execute(q).fetchall() == got.execute(q).fetchall() for q in COMPARED)
        print(f"kill points survived: {survived} of {args.points}; final records equal the uninterrupted "
              f"crawl's: {same}; verify: {verify.stdout.strip().splitlines()[-1]}")
    finally:
        replica.terminate()


if __name__ == "__main__":
    main()
