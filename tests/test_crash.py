"""kill -9 at several points of a crawl: the next run recovers, resumes, and the final records
equal those of a crawl that was never interrupted."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, count_captures, run_cli

# Captures written by the run before it is killed; the last run is left to finish.
KILL_POINTS = [3, 30, 90, 160, 260]
RECORDS = {
    "articles": "SELECT canonical_url, kind, title, published_at, source, author, editor, text, from_mirror "
                "FROM articles ORDER BY 1",
    "qa": "SELECT article, seq, question, answer, speaker FROM qa ORDER BY 1, 2",
    "interviewees": "SELECT i.article, p.name, i.position FROM interviewees i JOIN people p ON p.id = i.person_id "
                    "ORDER BY 1, 2",
    "article_captures_per_article": "SELECT article, count(*) > 0 FROM article_captures GROUP BY 1 ORDER BY 1",
}


def _crawl_and_kill(url, data, after: int) -> bool:
    """Start a crawl, kill -9 it once it has written ``after`` more captures; False if it ended first."""
    start = count_captures(data)
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.cli", "crawl", "--site", "replica", "--url", url, "--data", str(data),
                             "--log-level", "ERROR"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if count_captures(data) - start >= after:
            writers = _writers(data)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            # the writer process (ARCHIVE_OFFLOAD) dies with the crawl: nothing writes after the kill
            assert writers, "the crawl runs a writer process"
            _wait_gone(writers)
            return True
        time.sleep(0.02)
    proc.wait()
    return False


def _writers(data) -> list[int]:
    """PIDs of the writer processes (archive.page_writer) writing DATA/archive.db."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"archive.page_writer" in cmdline and str((data / "archive.db").resolve()).encode() in cmdline:
            found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        return b"zombie" not in Path(f"/proc/{pid}/status").read_bytes().lower()
    except OSError:
        return False


def _wait_gone(pids: list[int], seconds: float = 10) -> None:
    deadline, alive = time.monotonic() + seconds, pids
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _running(pid)]
        if not alive:
            return
        time.sleep(0.05)
    raise AssertionError(f"writer processes {alive} outlived the crawl")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.conftest import start_replica

    server = start_replica(tmp_path_factory.mktemp("crash-site"), articles=300, day=1)
    yield server
    server.stop()


def test_kill_9_at_five_points_then_resume(tmp_path, site):
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    assert run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(reference), "--log-level", "ERROR").returncode == 0
    killed = sum(_crawl_and_kill(site.url, crashed, after) for after in KILL_POINTS)
    assert killed == len(KILL_POINTS), "a run finished before its kill point: raise the replica's size"
    final = run_cli("crawl", "--site", "replica", "--url", site.url, "--data", str(crashed), "--log-level", "ERROR")
    assert final.returncode == 0, final.stdout + final.stderr
    ref, got = sqlite3.connect(reference / "archive.db"), sqlite3.connect(crashed / "archive.db")
    for name, sql in RECORDS.items():
        expected = ref.execute(sql).fetchall()
        assert expected and got.execute(sql).fetchall() == expected, name
    statuses = [s for (s,) in got.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted"] * len(KILL_POINTS) + ["finished"]
    assert not list((crashed / "warc").glob("*.open"))
    check = run_cli("verify", "--data", str(crashed))
    assert check.returncode == 0, check.stdout
