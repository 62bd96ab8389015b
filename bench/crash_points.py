"""Stop a crawl in every way it can be stopped, at several points, then let the next run resume,
and compare the final records with a crawl that was never interrupted.

Ways of stopping (each a scenario):

- ``kill9``: kill -9 (the next run recovers);
- ``sigterm``: one SIGTERM (graceful: exit 143, run ``shutdown``);
- ``sigterm2``: SIGTERM, then a second one during the shutdown (exit 143, run ``aborted``);
- ``sigint``: Ctrl-C (exit 130, run ``shutdown``);
- ``diskfull``: the data directory on a small tmpfs that fills up (exit 1, run ``aborted``), then
  the space comes back (needs root to mount; skipped otherwise);
- ``wal``: kill -9, then ``archive.db-wal`` deleted (the next crawl refuses with exit 1 and names
  ``--rebuild``; ``crawl --rebuild`` then resumes).

A point survives when the stopped run exits with its documented code and leaves no ``.open``
file behind (kill -9 aside, which recovery closes), and once every point of a scenario is done,
the next normal runs finish healthy, ``verify`` passes and the records equal the uninterrupted
crawl's. Prints survived/total per scenario and in all.

    .venv/bin/python bench/crash_points.py [--points 5] [--articles 1000] [--scenarios kill9 sigterm2 ...]
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
SCENARIOS = ("kill9", "sigterm", "sigterm2", "sigint", "diskfull", "wal")
EXPECTED_EXIT = {"sigterm": 143, "sigterm2": 143, "sigint": 130, "diskfull": 1}


def count(data: Path) -> int:
    try:
        with sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.Error:
        return 0


def crawl(url: str, data: Path, *extra: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(data), "--log-level", "ERROR", *extra],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)


def stop_after(proc: subprocess.Popen, data: Path, captures: int, how: str) -> int | None:
    """Stop ``proc`` the scenario's way once it wrote ``captures`` more; its exit code, or None if it
    finished first."""
    start = count(data)
    while proc.poll() is None and count(data) - start < captures:
        time.sleep(0.01)
    if proc.poll() is not None:
        return None
    if how in ("kill9", "wal"):
        os.kill(proc.pid, signal.SIGKILL)
    elif how == "sigint":
        proc.send_signal(signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
        if how == "sigterm2":
            time.sleep(0.05)
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    return proc.returncode


def point(url: str, data: Path, step: int, how: str, last: bool = False) -> tuple[bool, str]:
    """One stop of a crawl; whether it went as documented, and what happened."""
    if how == "diskfull":
        return disk_full(url, data)
    code = stop_after(crawl(url, data), data, step, how)
    if code is None:
        return False, "the run finished first"
    left_open = list((data / "warc").glob("*.open"))
    if how == "wal":
        for suffix in ("-wal", "-shm"):
            Path(f"{data / 'archive.db'}{suffix}").unlink(missing_ok=True)
        # a crawl that may go on fetches one page only, so that the next point has a crawl to stop
        refused = subprocess.run(CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(data), "--set", "ARCHIVE_MAX_PAGES=1"],
                                 cwd=ROOT, capture_output=True, text=True)
        if refused.returncode != 1:
            # the WAL held no run row (it had been checkpointed): the run is interrupted, the crawl goes on
            return refused.returncode == 3, f"run row kept: the next crawl went on (exit {refused.returncode})"
        # the database lacks the run (--rebuild named), or the lost WAL took a checkpoint half done with it
        # and the file cannot be read (reparse named): either way, one line and a rebuild
        ok = "--rebuild" in refused.stderr or "reparse" in refused.stderr
        # the last point resumes with `crawl --rebuild` (which crawls the rest); the others reparse only
        rebuild = (["crawl", "--site", "replica", "--url", url, "--rebuild", "--log-level", "ERROR"] if last else ["reparse"])
        rebuilt = subprocess.run(CLI + rebuild + ["--data", str(data)], cwd=ROOT, capture_output=True, text=True)
        return ok and rebuilt.returncode == 0, (f"refused with exit 1, {rebuild[0]}"
                                                f"{' --rebuild' if last else ''} exit {rebuilt.returncode}")
    if how == "kill9":
        return True, f"killed after {count(data)} captures"
    status = last_run_status(data)
    # a second SIGTERM that comes after a quick graceful stop has finished finds a run already shut down
    wanted = {"sigterm": ("shutdown",), "sigint": ("shutdown",), "sigterm2": ("aborted", "shutdown")}[how]
    ok = code == EXPECTED_EXIT[how] and status in wanted and not left_open
    return ok, f"exit {code}, run {status}, {len(left_open)} files left open"


def last_run_status(data: Path) -> str | None:
    with sqlite3.connect(data / "archive.db") as conn:
        row = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def disk_full(url: str, data: Path) -> tuple[bool, str]:
    """A crawl into a tmpfs too small for it, then the space comes back (the tmpfs grows)."""
    mount = data.parent / f"{data.name}-tmpfs"
    if not mount.exists():
        mount.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True).returncode:
            return False, "cannot mount a tmpfs here (needs root): not measured"
    target = mount / "data"
    done = subprocess.run(CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(target), "--log-level", "ERROR"], cwd=ROOT,
                          capture_output=True, text=True)
    left_open = list((target / "warc").glob("*.open"))
    status = last_run_status(target)
    subprocess.run(["mount", "-o", "remount,size=512m", str(mount)], check=True)
    ok = done.returncode == 1 and status in ("aborted", "running") and not left_open and "Traceback" not in done.stderr
    return ok, f"exit {done.returncode}, run {status}, {len(left_open)} files left open"


def finish_and_compare(url: str, data: Path, ref: Path) -> tuple[bool, str]:
    final = subprocess.run(CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(data), "--log-level", "ERROR"], cwd=ROOT,
                           capture_output=True, text=True)
    verify = subprocess.run(CLI + ["verify", "--data", str(data)], cwd=ROOT, capture_output=True, text=True)
    with sqlite3.connect(ref / "archive.db") as a, sqlite3.connect(data / "archive.db") as b:
        same = all(a.execute(q).fetchall() == b.execute(q).fetchall() for q in COMPARED)
        numbers = [r for (r,) in b.execute("SELECT id FROM runs ORDER BY id")]
    ok = final.returncode == 0 and verify.returncode == 0 and same and numbers == list(range(1, len(numbers) + 1))
    return ok, (f"final run exit {final.returncode}, verify {verify.stdout.strip().splitlines()[-1]}, records equal: "
                f"{same}, runs numbered 1..{len(numbers)}: {numbers == list(range(1, len(numbers) + 1))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=5, help="stops per scenario")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crash-"))
    replica = subprocess.Popen(CLI + ["replica", "--port", "0", "--articles", str(args.articles)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = replica.stdout.readline().strip()
    total = survived = 0
    try:
        subprocess.run(CLI + ["crawl", "--site", "replica", "--url", url, "--data", str(tmp / "ref"), "--log-level", "ERROR"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        step = max(2, count(tmp / "ref") // (args.points + 2))
        for how in args.scenarios:
            data = tmp / how
            points = 1 if how == "diskfull" else args.points
            good = 0
            for n in range(points):
                ok, what = point(url, data, step, how, last=n == points - 1)
                good += ok
                print(f"{how:>8} {n + 1:>2}: {'ok  ' if ok else 'FAIL'} {what}", flush=True)
            if how == "diskfull":
                data = data.parent / f"{data.name}-tmpfs" / "data"
            ok, what = finish_and_compare(url, data, tmp / "ref")
            print(f"{how:>8}  then: {'ok  ' if ok else 'FAIL'} {what}", flush=True)
            good += ok
            total += points + 1
            survived += good
            print(f"{how:>8}: {good} of {points + 1} survived", flush=True)
        print(f"survived {survived} of {total}")
    finally:
        replica.terminate()
        for mount in tmp.glob("*-tmpfs"):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


if __name__ == "__main__":
    main()
